// Package dialogs implements the tray's dialogs with github.com/ncruces/zenity:
// the zenity binary on Linux and BSD, native dialogs on Windows and macOS.
package dialogs

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ncruces/zenity"

	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// Zenity implements the tray's Dialogs and Confirmer (cmd/awsmfa-tray
// wires it in, which checks that it does).
type Zenity struct {
	// Locale makes titles and texts ASCII under a non-UTF-8 locale: there
	// the zenity binary refuses a title with a non-ASCII character.
	Locale locale.Locale
}

// Button labels: the keychain question's OK (the app passes its own,
// tray.KeychainConfirmOK, to Confirm) and every question's Cancel.
const (
	ConfirmOK     = "Move keys"
	ConfirmCancel = "Cancel"
)

// Title is the window title of every dialog about profile:
// "awsmfa — myaccount", or "awsmfa - myaccount" under LC_ALL=C.
func Title(loc locale.Locale, profile string) string {
	return loc.Text("awsmfa" + loc.Dash() + profile)
}

// CodeText is the code dialog's text: what to type, the MFA device, and the
// hint when asking again.
func CodeText(loc locale.Locale, profile, serial, hint string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Enter the 6-digit MFA code for %s.", profile)
	if serial != "" {
		fmt.Fprintf(&b, "\nMFA device: %s", serial)
	}
	if hint != "" {
		b.WriteString("\n\n" + hint)
	}
	return loc.Text(b.String())
}

// AskCode opens an entry dialog and returns what was typed. Cancel, Escape,
// closing the window or ctx ending give an error wrapping
// session.ErrCanceled; the dialog closes when ctx ends.
func (z Zenity) AskCode(ctx context.Context, profile, serial, hint string) (string, error) {
	title := Title(z.Locale, profile)
	defer opened(ctx, title)()
	code, err := entry(ctx, CodeText(z.Locale, profile, serial, hint), title)
	if err != nil {
		return "", canceled(ctx, err)
	}
	return code, nil
}

// ShowError shows text in an error dialog titled title.
func (z Zenity) ShowError(ctx context.Context, title, text string) error {
	defer opened(ctx, z.Locale.Text(title))()
	err := zenity.Error(z.Locale.Text(text),
		zenity.Title(z.Locale.Text(title)),
		zenity.ErrorIcon,
		zenity.Context(ctx))
	if err != nil && !errors.Is(err, zenity.ErrCanceled) && ctx.Err() == nil {
		return fmt.Errorf("error dialog: %w", err)
	}
	return nil
}

// Confirm asks a yes/no question titled title: the button ok (the
// default) gives true; Cancel, Escape and closing the window give false.
// ctx ending closes the dialog and gives an error wrapping
// session.ErrCanceled.
func (z Zenity) Confirm(ctx context.Context, title, text, ok string) (bool, error) {
	defer opened(ctx, z.Locale.Text(title))()
	err := zenity.Question(z.Locale.Text(text),
		zenity.Title(z.Locale.Text(title)),
		zenity.QuestionIcon,
		zenity.OKLabel(ok),
		zenity.CancelLabel(ConfirmCancel),
		zenity.Context(ctx))
	switch {
	case err == nil:
		return true, nil
	case ctx.Err() != nil:
		return false, fmt.Errorf("confirm dialog: %w", session.ErrCanceled)
	case errors.Is(err, zenity.ErrCanceled):
		return false, nil
	}
	return false, fmt.Errorf("confirm dialog: %w", err)
}

// canceled maps zenity's cancel, and a dialog killed by ctx, to
// session.ErrCanceled.
func canceled(ctx context.Context, err error) error {
	if errors.Is(err, zenity.ErrCanceled) || ctx.Err() != nil {
		return fmt.Errorf("code dialog: %w", session.ErrCanceled)
	}
	return fmt.Errorf("code dialog: %w", err)
}
