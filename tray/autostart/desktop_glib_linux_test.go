package autostart

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestDesktopGLibLaunch has GLib (what GNOME's session uses to read
// autostart entries) load and launch generated entries whose program
// paths hold every character that needs escaping. The program records the
// path it was started as. Skipped without gio (package libglib2.0-bin).
func TestDesktopGLibLaunch(t *testing.T) {
	gio, err := exec.LookPath("gio")
	if err != nil {
		t.Skip("gio not found (package libglib2.0-bin)")
	}
	root := t.TempDir()
	for i, dir := range []string{
		"plain",
		"My Apps",
		`My "Apps"`,
		"$HOME",
		"100%",
		`a\b`,
		"`x`",
		"it's (mine); & <yours>",
		"~#*?|",
		"Zürich—Büro",
	} {
		out := filepath.Join(root, "out", string(rune('a'+i)))
		bin := fakeBinary(t, filepath.Join(root, dir), "awsmfa-tray")
		script := "#!/bin/sh\nprintf '%s' \"$0\" > " + `"$AWSMFA_TEST_OUT"` + "\n"
		if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		data, err := renderDesktop(bin)
		if err != nil {
			t.Fatal(err)
		}
		entry := filepath.Join(root, "entry.desktop")
		if err := os.WriteFile(entry, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(gio, "launch", entry)
		cmd.Env = append(os.Environ(), "AWSMFA_TEST_OUT="+out)
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: gio launch: %v\n%s\n%s", dir, err, msg, data)
			continue
		}
		var got []byte
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if got, err = os.ReadFile(out); err == nil && len(got) > 0 {
				break
			}
		}
		if !bytes.Equal(got, []byte(bin)) {
			t.Errorf("%s: GLib started %q, want %q\n%s", dir, got, bin, data)
		}
	}
}
