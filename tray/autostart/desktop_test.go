package autostart

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestDesktopGolden(t *testing.T) {
	tests := []struct{ golden, exe string }{
		{"awsmfa-tray.desktop", "/usr/bin/awsmfa-tray"},
		{"awsmfa-tray-spaces.desktop", `/home/Jo Doe/My "Apps"/$HOME/100%/awsmfa-tray`},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			got, err := renderDesktop(tt.exe)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.golden, got)
		})
	}
}

func TestDesktopExecEscaping(t *testing.T) {
	tests := []struct {
		name, path, want string
	}{
		{"plain", "/usr/bin/awsmfa-tray", `/usr/bin/awsmfa-tray`},
		{"space", "/opt/My Apps/awsmfa-tray", `"/opt/My Apps/awsmfa-tray"`},
		{"double quote", `/opt/a"b/t`, `"/opt/a\\"b/t"`},
		{"backtick", "/opt/a`b/t", "\"/opt/a\\\\`b/t\""},
		{"dollar", "/opt/$HOME/t", `"/opt/\\$HOME/t"`},
		{"backslash is four", `/opt/a\b/t`, `"/opt/a\\\\b/t"`},
		{"percent doubled unquoted", "/opt/100%/t", `/opt/100%%/t`},
		{"percent doubled quoted", "/opt/100% sure/t", `"/opt/100%% sure/t"`},
		{"single quote", "/opt/it's/t", `"/opt/it's/t"`},
		{"shell metacharacters", "/opt/a;b&c|d/t", `"/opt/a;b&c|d/t"`},
		{"tilde and glob", "/opt/~x*?/t", `"/opt/~x*?/t"`},
		{"parens and hash", "/opt/(x)#1/t", `"/opt/(x)#1/t"`},
		{"redirects", "/opt/<x>/t", `"/opt/<x>/t"`},
		{"unicode needs no quotes", "/opt/Zürich—Büro/t", `/opt/Zürich—Büro/t`},
		{"equals sign needs no quotes", "/opt/a=b/t", `/opt/a=b/t`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := desktopExec(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("desktopExec(%q) = %s, want %s", tt.path, got, tt.want)
			}
			back, err := parseDesktopExec(got)
			if err != nil {
				t.Fatalf("parse back %s: %v", got, err)
			}
			if back != tt.path {
				t.Errorf("parse back %s = %q, want %q", got, back, tt.path)
			}
		})
	}
}

func TestDesktopExecRejects(t *testing.T) {
	for _, p := range []string{"/opt/a\nb/t", "/opt/a\tb/t", "/opt/\x00", "/opt/\xff/t"} {
		if got, err := desktopExec(p); err == nil {
			t.Errorf("desktopExec(%q) = %s, want an error", p, got)
		}
	}
}

func TestParseDesktopExec(t *testing.T) {
	tests := []struct{ value, want string }{
		{"/usr/bin/awsmfa-tray --verbose", "/usr/bin/awsmfa-tray"},
		{`"/opt/My Apps/t" --verbose %U`, "/opt/My Apps/t"},
		{`/opt/My\sApps/t`, "/opt/My"}, // \s is a space at string level, so it splits arguments
		{`"/opt/My\sApps/t"`, "/opt/My Apps/t"},
		{`env GDK_BACKEND=x11 /usr/bin/awsmfa-tray`, "/usr/bin/awsmfa-tray"},
		{`env "/opt/100%% sure/t"`, "/opt/100% sure/t"},
		{`/usr/bin/env`, "/usr/bin/env"},
	}
	for _, tt := range tests {
		got, err := parseDesktopExec(tt.value)
		if err != nil {
			t.Errorf("parseDesktopExec(%s): %v", tt.value, err)
			continue
		}
		if got != tt.want {
			t.Errorf("parseDesktopExec(%s) = %q, want %q", tt.value, got, tt.want)
		}
	}
	for _, bad := range []string{`"/opt/unterminated`, ``, `""`} {
		if got, err := parseDesktopExec(bad); err == nil {
			t.Errorf("parseDesktopExec(%s) = %q, want an error", bad, got)
		}
	}
}

// TestRenderDesktopRoundTrip checks that Status reads back exactly the path
// that Enable wrote, whatever the path holds.
func TestRenderDesktopRoundTrip(t *testing.T) {
	for _, exe := range []string{
		"/usr/bin/awsmfa-tray",
		"/opt/100%/awsmfa-tray",
		"/opt/100% sure/env",
		`/home/Jo Doe/My "Apps"/$HOME/a\b` + "`x`/awsmfa-tray",
		"/opt/it's (mine); & <yours>/~#*?|/awsmfa-tray",
	} {
		data, err := renderDesktop(exe)
		if err != nil {
			t.Fatal(err)
		}
		target, enabled := parseDesktop(data)
		if target != exe || !enabled {
			t.Errorf("render then parse %q = %q, %v", exe, target, enabled)
		}
	}
}

func TestParseDesktop(t *testing.T) {
	tests := []struct {
		name, data  string
		wantTarget  string
		wantEnabled bool
	}{
		{"ours", "[Desktop Entry]\nType=Application\nExec=/usr/bin/awsmfa-tray\nX-GNOME-Autostart-enabled=true\n", "/usr/bin/awsmfa-tray", true},
		{"gnome turned it off", "[Desktop Entry]\nExec=/usr/bin/awsmfa-tray\nX-GNOME-Autostart-enabled=false\n", "/usr/bin/awsmfa-tray", false},
		{"hidden", "[Desktop Entry]\nExec=/usr/bin/awsmfa-tray\nHidden=true\n", "/usr/bin/awsmfa-tray", false},
		{"exec in another group ignored", "[Desktop Action x]\nExec=/bin/other\n[Desktop Entry]\nExec=/usr/bin/awsmfa-tray\n", "/usr/bin/awsmfa-tray", true},
		{"no exec", "[Desktop Entry]\nType=Application\n", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, enabled := parseDesktop([]byte(tt.data))
			if target != tt.wantTarget || enabled != tt.wantEnabled {
				t.Errorf("parseDesktop = %q, %v; want %q, %v", target, enabled, tt.wantTarget, tt.wantEnabled)
			}
		})
	}
}

// TestDesktopFileValidate runs the freedesktop validator on generated
// entries. CI installs desktop-file-utils and sets CI=true, so there a
// missing validator is a failure, not a skip.
func TestDesktopFileValidate(t *testing.T) {
	validator, err := exec.LookPath("desktop-file-validate")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("desktop-file-validate not found; install desktop-file-utils")
		}
		t.Skip("desktop-file-validate not found (package desktop-file-utils)")
	}
	dir := t.TempDir()
	for i, exe := range []string{
		"/usr/bin/awsmfa-tray",
		`/home/Jo Doe/My "Apps"/$HOME/100%/a\b` + "`x`/awsmfa-tray",
		"/opt/it's (mine); & <yours>/~#*?|/awsmfa-tray",
	} {
		data, err := renderDesktop(exe)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "awsmfa-tray.desktop")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(validator, path).CombinedOutput()
		// The validator exits 0 with hints; hints are fine, errors and warnings are not.
		if err != nil || strings.Contains(string(out), "error:") || strings.Contains(string(out), "warning:") {
			t.Errorf("entry %d (%q) is invalid: %v\n%s\n%s", i, exe, err, out, data)
		}
	}
}
