//go:build !windows

package tray

import "github.com/gen2brain/beeep"

// notify shows title and body. The icon is "" (not nil): beeep refuses
// nil, and the notification servers show the sender's own.
func notify(title, body string) error { return beeep.Notify(title, body, "") }
