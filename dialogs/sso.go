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

// The IAM Identity Center sign-in dialog: where to sign in (the page, and
// for the device-code grant the code to check there), open while the
// core waits for the sign-in and closed by the app when it ends. Its
// text can be selected and copied (zenity's labels are selectable).
// Where the browser opened, its default button opens the page again and
// Cancel ends the sign-in; where none can open, its one button is Cancel.

// Button labels of the sign-in dialog (tray.SSOOpenAgain is the same).
const (
	SSOOpenAgain = "Open the page again"
	SSOCancel    = "Cancel"
)

// SSOTitle is the sign-in dialog's title: "awsmfa — acme (SSO)". name is
// how the tray names the session (session.SSODisplayName).
func SSOTitle(loc locale.Locale, name string) string { return Title(loc, name+" (SSO)") }

// SSOPromptText is the sign-in dialog's text for p.
func SSOPromptText(loc locale.Locale, p session.SSOPrompt) string {
	var b strings.Builder
	switch {
	case p.URL == "":
		fmt.Fprintf(&b, "Another sign-in to %s is running (in a terminal, or another program). "+
			"awsmfa waits for it and then uses its sign-in.\n\nCancel stops waiting; the other sign-in goes on.", p.Session)
		return loc.Text(b.String())
	case p.UserCode != "":
		if p.Fallback != "" {
			fmt.Fprintf(&b, "%s, so sign in with a code instead.\n\n", capitalize(p.Fallback))
		}
		if p.Opened {
			fmt.Fprintf(&b, "Sign in to %s (IAM Identity Center) in the browser window that opened, "+
				"and check that the page shows the code\n\n%s\n\nOn another device, open\n\n%s", p.Session, p.UserCode, p.URL)
		} else {
			fmt.Fprintf(&b, "To sign in to %s (IAM Identity Center), open this page on any device:\n\n%s\n\n"+
				"and check that it shows the code\n\n%s", p.Session, p.URL, p.UserCode)
		}
	case p.Opened:
		fmt.Fprintf(&b, "Sign in to %s (IAM Identity Center) in the browser window that opened.\n\n"+
			"If no page opened, open this address in a browser on this computer:\n\n%s", p.Session, p.URL)
	default:
		fmt.Fprintf(&b, "To sign in to %s (IAM Identity Center), open this address in a browser on this computer:\n\n%s", p.Session, p.URL)
	}
	b.WriteString("\n\nThis window closes by itself once you have signed in; Cancel stops the sign-in and nothing is written.")
	return loc.Text(b.String())
}

// ShowSSOPrompt shows p until the user answers or ctx ends, when it
// closes. It reports whether the user asked to open the page again;
// Cancel, Escape, closing the window and ctx ending give an error
// wrapping session.ErrCanceled.
func (z Zenity) ShowSSOPrompt(ctx context.Context, p session.SSOPrompt) (bool, error) {
	title := SSOTitle(z.Locale, p.Session)
	defer opened(ctx, title)()
	text := SSOPromptText(z.Locale, p)
	opts := []zenity.Option{zenity.Title(title), zenity.Width(560), zenity.Context(ctx)}
	var err error
	if p.Opened && p.URL != "" {
		err = zenity.Question(text, append(opts, zenity.InfoIcon, zenity.OKLabel(SSOOpenAgain), zenity.CancelLabel(SSOCancel))...)
	} else {
		// One button, Cancel: with no browser to go back to, there is
		// nothing else to do here.
		err = zenity.Info(text, append(opts, zenity.InfoIcon, zenity.OKLabel(SSOCancel))...)
		if err == nil {
			err = zenity.ErrCanceled
		}
	}
	switch {
	case ctx.Err() != nil || errors.Is(err, zenity.ErrCanceled):
		return false, fmt.Errorf("sign-in dialog: %w", session.ErrCanceled)
	case err != nil:
		return false, fmt.Errorf("sign-in dialog: %w", err)
	}
	return true, nil
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
