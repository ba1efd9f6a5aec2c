//go:build !linux

package main

// traySection needs /proc and dbus-run-session.
func traySection(bins binaries, tmp string, o options, n int) (*table, error) {
	t := newTable("Tray at rest", "measure", "value", "target")
	t.add("all", "not measured: needs Linux (/proc, dbus-run-session)", "")
	return t, nil
}
