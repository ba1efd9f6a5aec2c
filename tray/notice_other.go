//go:build !linux

package tray

import "log/slog"

// NewNotices returns the platform's Notices. On Windows and macOS that is
// beeep's banner (a toast or balloon on Windows, Notification Center on
// macOS): it neither stays nor carries a Renew button, so the menu and the
// notice's text say where to renew.
func NewNotices(*slog.Logger) Notices { return PlainNotices{N: BeeepNotifier{}} }
