// Package keychaine2e holds the end-to-end test of keychain storage: the
// real session core against a real Secret Service (gnome-keyring on a
// private D-Bus) and the STS fake. It is its own package because its
// TestMain re-executes the test binary under dbus-run-session.
package keychaine2e
