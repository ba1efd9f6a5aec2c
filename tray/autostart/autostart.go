// Package autostart turns "Start at login" on and off for awsmfa-tray.
//
// Each system has its own mechanism, behind the one Manager interface:
// an XDG autostart entry on Linux, a LaunchAgent on macOS and the
// HKCU ...\CurrentVersion\Run registry value on Windows.
package autostart

import (
	"errors"
	"os"
	"path/filepath"
)

// Status is the login-item state as read from the system.
type Status struct {
	// Enabled reports that the system will start the app at login.
	Enabled bool
	// Path is the entry: a file path, or the registry value name on Windows.
	Path string
	// Target is the binary the entry launches ("" when there is no entry
	// or it cannot be read).
	Target string
	// Stale reports an entry that points at a binary that no longer exists,
	// or at another binary than the running one. Enable fixes it.
	Stale bool
}

// Manager reads and changes the start-at-login entry.
type Manager interface {
	// Status reads the current entry. A missing entry is not an error.
	Status() (Status, error)
	// Enable writes the entry so that exe starts at login. Enabling twice
	// is harmless; enabling over a stale entry repoints it.
	Enable(exe string) error
	// Disable removes the entry that Enable added, and nothing else.
	// Disabling when there is no entry is not an error.
	Disable() error
}

// ErrUnsupported is returned on systems with no known autostart mechanism.
var ErrUnsupported = errors.New("autostart: not supported on this system")

// New returns the Manager for the running system.
func New() Manager { return newManager() }

// AppID is the reverse-DNS identifier shared by the LaunchAgent label and
// the macOS bundle identifier.
const AppID = "io.github.awsmfa-tray"

// appName names the Linux desktop file, the icon and the Windows Run value.
const appName = "awsmfa-tray"

// absExe returns exe as a clean absolute path of an existing file.
func absExe(exe string) (string, error) {
	if exe == "" {
		return "", errors.New("autostart: empty binary path")
	}
	abs, err := filepath.Abs(exe)
	if err != nil {
		return "", err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return "", err
	}
	if fi.IsDir() {
		return "", errors.New("autostart: binary path is a directory")
	}
	return abs, nil
}

// isStale reports whether target is missing or is not the same file as self.
// self may be "" when the running binary is unknown; then only existence counts.
func isStale(target, self string) bool {
	if target == "" {
		return true
	}
	ti, err := os.Stat(target)
	if err != nil || ti.IsDir() {
		return true
	}
	if self == "" {
		return false
	}
	si, err := os.Stat(self)
	if err != nil {
		return false
	}
	// SameFile sees through symlinks and differently spelled paths.
	return !os.SameFile(ti, si)
}

// selfExe is the running binary, "" when unknown.
func selfExe() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	return exe
}
