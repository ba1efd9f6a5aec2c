//go:build linux

package winee2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const (
	runKey      = `HKCU\Software\Microsoft\Windows\CurrentVersion\Run`
	approvedKey = `HKCU\Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run`
)

// Start at login on Windows, as a script uses it: --autostart on writes
// the quoted path of this very binary (in a folder with a space) under the
// Run key, status reads it back, a "disabled" mark from Task Manager turns
// it off until the next on, and off removes the value.
func TestAutostartRunKey(t *testing.T) {
	needWine(t)
	dir := filepath.Join(t.TempDir(), "My Programs")
	exe := filepath.Join(dir, "awsmfa-tray.exe")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(binDir, "awsmfa-tray.exe"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exe, b, 0o755); err != nil {
		t.Fatal(err)
	}
	tray := func(want string, args ...string) {
		t.Helper()
		r := run(t, exe, nil, args...)
		if r.code != 0 || !strings.HasPrefix(r.stdout, want) {
			t.Fatalf("awsmfa-tray %s: exit %d\nstdout %q\nstderr %q\nwant %q", strings.Join(args, " "), r.code, r.stdout, r.stderr, want)
		}
	}
	t.Cleanup(func() { run(t, exe, nil, "--autostart", "off") })

	tray("Start at login: on\nEntry: "+runKey+`\awsmfa-tray`+"\nStarts: "+winPath(exe)+"\n", "--autostart", "on")
	value := regValue(t, runKey, "awsmfa-tray")
	if want := `REG_SZ "` + winPath(exe) + `"`; value != want {
		t.Errorf("Run value = %q, want %q", value, want)
	}
	tray("Start at login: on\n", "--autostart", "status")

	// Task Manager's "Disable": the value stays, a mark says off.
	if r := run(t, "reg", nil, "add", approvedKey, "/v", "awsmfa-tray", "/t", "REG_BINARY", "/d", "030000000000000000000000", "/f"); r.code != 0 {
		t.Fatalf("reg add: %s", r.stderr)
	}
	tray("Start at login: off\n", "--autostart", "status")
	tray("Start at login: on\n", "--autostart", "on")
	if v := regValue(t, approvedKey, "awsmfa-tray"); v != "" {
		t.Errorf("on left Task Manager's mark: %q", v)
	}

	tray("Start at login: off\n", "--autostart", "off")
	if v := regValue(t, runKey, "awsmfa-tray"); v != "" {
		t.Errorf("off left the Run value: %q", v)
	}
}

// regValue is "TYPE DATA" of a registry value as reg query prints it, or
// "" when the value does not exist.
func regValue(t *testing.T, key, name string) string {
	t.Helper()
	r := run(t, "reg", nil, "query", key, "/v", name)
	if r.code != 0 {
		return ""
	}
	m := regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(name) + `\s+(REG_\w+)\s+(.*?)\r?$`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("reg query %s /v %s: no value in\n%s", key, name, r.stdout)
	}
	return m[1] + " " + m[2]
}
