//go:build !linux

package dialogs

import (
	"context"
	"errors"
)

// Raising and placing a dialog is done over X11, on Linux only so far.
func raiseWindow(title string) error {
	return errors.New("raising a dialog is not supported on this system")
}

func placeWindow(ctx context.Context, title string, n int) error { return nil }
