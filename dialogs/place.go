package dialogs

import (
	"context"
	"sync"
)

// slots are the places taken by open dialogs: 0 is where the system puts
// a dialog (the centre); slot n is moved n steps down and right, so a
// second profile's dialog never lies exactly on the first.
var slots struct {
	sync.Mutex
	used map[int]bool
}

// opened takes the lowest free slot for a dialog titled title, places it
// there once it shows, and returns the function that frees the slot when
// the dialog has closed.
func opened(ctx context.Context, title string) (closed func()) {
	slots.Lock()
	if slots.used == nil {
		slots.used = map[int]bool{}
	}
	n := 0
	for slots.used[n] {
		n++
	}
	slots.used[n] = true
	slots.Unlock()
	ctx, cancel := context.WithCancel(ctx)
	if n > 0 {
		go placeWindow(ctx, title, n) // best effort: a dialog that stays centred still works
	}
	return func() {
		cancel()
		slots.Lock()
		delete(slots.used, n)
		slots.Unlock()
	}
}

// Raise brings the open dialogs about profile to the front (a second
// "Login X" while X's dialog is open).
func (z Zenity) Raise(profile string) error {
	return raiseWindow(Title(z.Locale, profile))
}
