package keychain

import (
	"errors"
	"os/exec"
	"strings"
)

// hint says what a Linux desktop needs for the Secret Service, and whether
// it knows the cause well enough that the raw error would only be noise.
func hint(err error) (string, bool) {
	msg := err.Error()
	var exitErr *exec.ExitError
	switch {
	case strings.Contains(msg, "failed to unlock") || strings.Contains(msg, "prompt was dismissed"):
		return "the keychain stayed locked: unlock it when the system asks (or with Seahorse, \"Passwords and Keys\")", true
	case strings.Contains(msg, "org.freedesktop.secrets") || strings.Contains(msg, "ServiceUnknown"):
		return "no Secret Service is running on the session D-Bus: start one, such as gnome-keyring-daemon (gnome-keyring), KeePassXC with its Secret Service integration on, or KWallet", true
	case errors.Is(err, exec.ErrNotFound) || errors.As(err, &exitErr) || strings.Contains(msg, "dbus-launch") ||
		strings.Contains(msg, "couldn't determine address of session bus") || strings.Contains(msg, "DBUS_SESSION_BUS_ADDRESS"):
		// No session bus, and godbus could not start one (dbus-launch is
		// missing, or found no X display): so no Secret Service either.
		return "no Secret Service is running, since there is no session D-Bus: log in to a desktop session, or start one with dbus-run-session and a Secret Service in it, such as gnome-keyring-daemon --unlock or KeePassXC", true
	case strings.Contains(msg, "dial unix") || strings.Contains(msg, "connection refused") || strings.Contains(msg, "no such file or directory"):
		return "the session D-Bus in DBUS_SESSION_BUS_ADDRESS does not answer, so no Secret Service can: log in to the desktop session again, or unset DBUS_SESSION_BUS_ADDRESS if that session has ended", true
	}
	return "the Secret Service refused", false
}
