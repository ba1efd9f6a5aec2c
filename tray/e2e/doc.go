// Package e2e holds the end-to-end test of awsmfa-tray over its real
// protocols: the test runs the built binary on a private D-Bus session bus
// (dbus-run-session) and an Xvfb display, registers its own
// StatusNotifierWatcher and org.freedesktop.Notifications, reads and clicks
// the menu through com.canonical.dbusmenu, and types MFA codes into the real
// zenity dialog with xdotool. It needs dbus-run-session (dbus), Xvfb (xvfb),
// zenity and xdotool (and gnome-keyring for the keychain scenario); without
// them the tests skip, except under CI=true, where they fail. Run it with
// plain `go test ./tray/e2e/`.
package e2e
