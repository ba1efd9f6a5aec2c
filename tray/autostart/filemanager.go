package autostart

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// fileManager is a Manager whose entry is one file: the XDG desktop entry
// on Linux, the LaunchAgent plist on macOS.
type fileManager struct {
	path   func() (string, error)
	render func(exe string) ([]byte, error)
	parse  func(data []byte) (target string, enabled bool)
	self   func() string // the running binary, for Stale
}

func (m *fileManager) Status() (Status, error) {
	p, err := m.path()
	if err != nil {
		return Status{}, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return Status{Path: p}, nil
	}
	if err != nil {
		return Status{}, fmt.Errorf("read autostart entry: %w", err)
	}
	target, enabled := m.parse(data)
	return Status{Enabled: enabled, Path: p, Target: target, Stale: isStale(target, m.self())}, nil
}

func (m *fileManager) Enable(exe string) error {
	exe, err := absExe(exe)
	if err != nil {
		return fmt.Errorf("enable autostart: %w", err)
	}
	data, err := m.render(exe)
	if err != nil {
		return fmt.Errorf("enable autostart: %w", err)
	}
	p, err := m.path()
	if err != nil {
		return err
	}
	if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, data) {
		return nil // already there, byte for byte
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("enable autostart: %w", err)
	}
	if err := writeFileAtomic(p, data, 0o644); err != nil {
		return fmt.Errorf("enable autostart: %w", err)
	}
	return nil
}

func (m *fileManager) Disable() error {
	p, err := m.path()
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("disable autostart: %w", err)
	}
	return nil
}

// writeFileAtomic writes through a temporary file in the same folder and
// renames it, so a session manager never reads half an entry.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
