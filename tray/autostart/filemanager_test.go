package autostart

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/internal/wine"
)

// kinds are the file-based entries; both run on every system.
var kinds = []struct {
	name   string
	render func(string) ([]byte, error)
	parse  func([]byte) (string, bool)
	file   string
}{
	{"xdg", renderDesktop, parseDesktop, "awsmfa-tray.desktop"},
	{"launchagent", renderLaunchAgent, parseLaunchAgent, AppID + ".plist"},
}

// fakeBinary creates an executable file standing in for the app.
func fakeBinary(t *testing.T, dir, name string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// newTestManager returns a fileManager whose entry lives in a temp folder
// and whose running binary is *self.
func newTestManager(t *testing.T, render func(string) ([]byte, error), parse func([]byte) (string, bool), file string, self *string) (*fileManager, string) {
	t.Helper()
	entry := filepath.Join(t.TempDir(), "config", "autostart", file)
	return &fileManager{
		path:   func() (string, error) { return entry, nil },
		render: render,
		parse:  parse,
		self:   func() string { return *self },
	}, entry
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestFileManagerLifecycle(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			bin := fakeBinary(t, filepath.Join(t.TempDir(), "My Apps"), "awsmfa-tray")
			self := bin
			m, entry := newTestManager(t, k.render, k.parse, k.file, &self)

			st, err := m.Status()
			if err != nil {
				t.Fatal(err)
			}
			if st != (Status{Path: entry}) {
				t.Errorf("status before enable = %+v, want only Path", st)
			}

			if err := m.Enable(bin); err != nil {
				t.Fatal(err)
			}
			want, _ := k.render(bin)
			got, err := os.ReadFile(entry)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("entry content:\n%s\nwant:\n%s", got, want)
			}
			// Windows has no permission bits: Go reports 0666 for every file.
			if fi, _ := os.Stat(entry); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o644 {
				t.Errorf("entry mode = %v, want 0644", fi.Mode().Perm())
			}
			st, err = m.Status()
			if err != nil {
				t.Fatal(err)
			}
			if st != (Status{Enabled: true, Path: entry, Target: bin}) {
				t.Errorf("status after enable = %+v", st)
			}

			if err := m.Disable(); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(entry); !os.IsNotExist(err) {
				t.Errorf("entry still there after disable: %v", err)
			}
			st, err = m.Status()
			if err != nil {
				t.Fatal(err)
			}
			if st.Enabled || st.Target != "" {
				t.Errorf("status after disable = %+v", st)
			}
			if err := m.Disable(); err != nil {
				t.Errorf("second disable: %v", err)
			}
		})
	}
}

func TestFileManagerEnableTwice(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			bin := fakeBinary(t, t.TempDir(), "awsmfa-tray")
			m, entry := newTestManager(t, k.render, k.parse, k.file, &bin)
			if err := m.Enable(bin); err != nil {
				t.Fatal(err)
			}
			before, err := os.Stat(entry)
			if err != nil {
				t.Fatal(err)
			}
			content, _ := os.ReadFile(entry)
			if err := m.Enable(bin); err != nil {
				t.Fatalf("second enable: %v", err)
			}
			after, err := os.Stat(entry)
			if err != nil {
				t.Fatal(err)
			}
			// A rewrite would rename a new file into place.
			if !os.SameFile(before, after) {
				t.Error("second enable rewrote an identical entry")
			}
			again, _ := os.ReadFile(entry)
			if !bytes.Equal(content, again) {
				t.Error("second enable changed the entry")
			}
			if names := listDir(t, filepath.Dir(entry)); !slices.Equal(names, []string{k.file}) {
				t.Errorf("autostart folder holds %v, want only %s", names, k.file)
			}
		})
	}
}

func TestFileManagerDisableRemovesOnlyOurs(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			bin := fakeBinary(t, t.TempDir(), "awsmfa-tray")
			m, entry := newTestManager(t, k.render, k.parse, k.file, &bin)
			dir := filepath.Dir(entry)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			others := map[string]string{
				"other.desktop":             "[Desktop Entry]\nExec=/usr/bin/other\n",
				"awsmfa-tray.desktop.bak":   "keep me",
				"io.github.other.plist":     "<plist/>",
				"awsmfa-tray-extra.desktop": "[Desktop Entry]\nExec=/usr/bin/awsmfa-tray\n",
			}
			for name, content := range others {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := m.Enable(bin); err != nil {
				t.Fatal(err)
			}
			if err := m.Disable(); err != nil {
				t.Fatal(err)
			}
			var want []string
			for name := range others {
				want = append(want, name)
			}
			slices.Sort(want)
			if got := listDir(t, dir); !slices.Equal(got, want) {
				t.Errorf("after disable the folder holds %v, want %v", got, want)
			}
			for name, content := range others {
				got, _ := os.ReadFile(filepath.Join(dir, name))
				if string(got) != content {
					t.Errorf("%s changed to %q", name, got)
				}
			}
		})
	}
}

func TestFileManagerStale(t *testing.T) {
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			root := t.TempDir()
			oldBin := fakeBinary(t, filepath.Join(root, "old place"), "awsmfa-tray")
			newBin := fakeBinary(t, filepath.Join(root, "new place"), "awsmfa-tray")
			self := oldBin
			m, entry := newTestManager(t, k.render, k.parse, k.file, &self)
			if err := m.Enable(oldBin); err != nil {
				t.Fatal(err)
			}

			// The binary moves: the entry points at nothing.
			if err := os.Remove(oldBin); err != nil {
				t.Fatal(err)
			}
			self = newBin
			st, err := m.Status()
			if err != nil {
				t.Fatal(err)
			}
			if !st.Stale || !st.Enabled || st.Target != oldBin || st.Path != entry {
				t.Errorf("status after move = %+v, want stale entry for %s", st, oldBin)
			}

			// Toggling fixes it.
			if err := m.Enable(newBin); err != nil {
				t.Fatal(err)
			}
			st, err = m.Status()
			if err != nil {
				t.Fatal(err)
			}
			if st.Stale || st.Target != newBin {
				t.Errorf("status after re-enable = %+v, want fresh entry for %s", st, newBin)
			}

			// Another copy of the app runs: the entry exists but is not ours.
			other := fakeBinary(t, filepath.Join(root, "other"), "awsmfa-tray")
			self = other
			if st, _ := m.Status(); !st.Stale {
				t.Errorf("status from another binary = %+v, want stale", st)
			}

			// The same file reached through a symlink is not stale.
			link := filepath.Join(root, "link")
			if err := os.Symlink(newBin, link); err != nil {
				t.Skipf("no symlinks here: %v", err)
			}
			wine.Skip(t, wine.Symlinks)
			self = link
			if st, _ := m.Status(); st.Stale {
				t.Errorf("status through a symlink = %+v, want not stale", st)
			}
		})
	}
}

func TestFileManagerEnableErrors(t *testing.T) {
	bin := ""
	m, entry := newTestManager(t, renderDesktop, parseDesktop, "awsmfa-tray.desktop", &bin)
	dir := t.TempDir()
	for _, exe := range []string{"", filepath.Join(dir, "missing"), dir} {
		if err := m.Enable(exe); err == nil {
			t.Errorf("Enable(%q) succeeded, want an error", exe)
		}
	}
	if _, err := os.Stat(entry); !os.IsNotExist(err) {
		t.Errorf("a failed enable left an entry: %v", err)
	}
}

func TestFileManagerRelativeExe(t *testing.T) {
	dir := t.TempDir()
	bin := fakeBinary(t, dir, "awsmfa-tray")
	t.Chdir(dir)
	m, _ := newTestManager(t, renderDesktop, parseDesktop, "awsmfa-tray.desktop", &bin)
	if err := m.Enable("awsmfa-tray"); err != nil {
		t.Fatal(err)
	}
	st, err := m.Status()
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(st.Target) || st.Stale {
		t.Errorf("status = %+v, want an absolute, fresh target", st)
	}
}
