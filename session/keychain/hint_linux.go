package keychain

import "strings"

// hint says what a Linux desktop needs for the Secret Service.
func hint(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "failed to unlock"):
		return "the keychain stayed locked: unlock it when the system asks (or with Seahorse, \"Passwords and Keys\")"
	case strings.Contains(msg, "org.freedesktop.secrets") || strings.Contains(msg, "ServiceUnknown"):
		return "no Secret Service is running on the session D-Bus: install and start gnome-keyring, KWallet or KeePassXC's Secret Service"
	case strings.Contains(msg, "DBUS_SESSION_BUS_ADDRESS") || strings.Contains(msg, "dbus") || strings.Contains(msg, "D-Bus"):
		return "the session D-Bus is not reachable: run awsmfa inside a desktop session (or under dbus-run-session)"
	}
	return "the Secret Service refused"
}
