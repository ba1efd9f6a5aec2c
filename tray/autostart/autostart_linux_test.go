package autostart

import (
	"os"
	"path/filepath"
	"testing"
)

func TestXDGAutostartPath(t *testing.T) {
	home := t.TempDir()
	tests := []struct{ name, xdg, want string }{
		{"XDG_CONFIG_HOME", "/tmp/cfg", "/tmp/cfg/autostart/awsmfa-tray.desktop"},
		{"unset falls back to ~/.config", "", filepath.Join(home, ".config/autostart/awsmfa-tray.desktop")},
		{"relative is ignored", "rel/cfg", filepath.Join(home, ".config/autostart/awsmfa-tray.desktop")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("HOME", home)
			t.Setenv("XDG_CONFIG_HOME", tt.xdg)
			got, err := xdgAutostartPath()
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("path = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestNewLinux drives the real Manager against a temp XDG_CONFIG_HOME,
// with the test binary itself as the app.
func TestNewLinux(t *testing.T) {
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	m := New()
	if err := m.Enable(exe); err != nil {
		t.Fatal(err)
	}
	entry := filepath.Join(cfg, "autostart", "awsmfa-tray.desktop")
	st, err := m.Status()
	if err != nil {
		t.Fatal(err)
	}
	if st != (Status{Enabled: true, Path: entry, Target: exe}) {
		t.Errorf("status = %+v", st)
	}
	if err := m.Disable(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Errorf("entry left after disable: %v", err)
	}
}
