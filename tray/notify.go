package tray

import (
	"fmt"

	"github.com/gen2brain/beeep"
)

// AppName is what notification servers see as the sender
// (org.freedesktop.Notifications app_name on Linux).
const AppName = "awsmfa-tray"

// BeeepNotifier shows desktop notifications with gen2brain/beeep. With no
// notification service it returns an error within milliseconds; the App
// calls it off its loop with a timeout and only logs failures.
type BeeepNotifier struct{}

// Notify shows title and body.
func (BeeepNotifier) Notify(title, body string) error {
	beeep.AppName = AppName
	if err := notify(title, body); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}
