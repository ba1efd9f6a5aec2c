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
// Where the browser opened, the address is in an entry field, its
// default button opens the page again and Cancel ends the sign-in; where
// none can open, its one button is Cancel.

// Button labels of the sign-in dialog (tray.SSOOpenAgain is the same).
const (
	SSOOpenAgain = "Open the page again"
	SSOCancel    = "Cancel"
)

// SSOTitle is the sign-in dialog's title: "awsmfa — acme (SSO)". name is
// how the tray names the session (session.SSODisplayName).
func SSOTitle(loc locale.Locale, name string) string { return Title(loc, name+" (SSO)") }

// closing is the sign-in dialog's promise and its way out.
const closing = "This window closes by itself once you have signed in; Cancel stops the sign-in and nothing is written."

// SSOPromptText is the sign-in dialog's text for p. Where the browser
// opened, the page's address is not in it but in the entry field below
// it (SSOPromptInEntry), which scrolls and copies as one line.
func SSOPromptText(loc locale.Locale, p session.SSOPrompt) string {
	var paras []string
	add := func(format string, args ...any) { paras = append(paras, fmt.Sprintf(format, args...)) }
	switch {
	case p.URL == "":
		add("Another sign-in to %s is running (in a terminal, or another program). awsmfa waits for it and then uses its sign-in.", p.Session)
		add("Cancel stops waiting; the other sign-in goes on.")
		return loc.Text(wrap(paras))
	case p.UserCode != "" && p.Opened:
		add("Sign in to %s (IAM Identity Center) in the browser window that opened, and check that the page shows the code", p.Session)
		add("%s", p.UserCode)
		add(closing)
		add("On another device, open this address (Ctrl+C copies it):")
	case p.UserCode != "":
		if p.Fallback != "" {
			// "no browser could be opened (no web browser can be opened
			// here: xdg-open failed)" says it twice.
			why := strings.Replace(p.Fallback, "(no web browser can be opened here: ", "(", 1)
			add("%s, so sign in with a code instead.", capitalize(why))
		}
		add("Sign in to %s (IAM Identity Center) on any device: open", p.Session)
		add("%s", p.URL)
		add("and check that it shows the code")
		add("%s", p.UserCode)
		add(closing)
	case p.Opened:
		add("Sign in to %s (IAM Identity Center) in the browser window that opened.", p.Session)
		add(closing)
		add("If no page opened, copy this address into a browser on this computer (Ctrl+C copies it), or open the page again:")
	default:
		add("To sign in to %s (IAM Identity Center), open this address in a browser on this computer:", p.Session)
		add("%s", p.URL)
		add(closing)
	}
	return loc.Text(wrap(paras))
}

// SSOPromptInEntry reports whether the dialog for p shows its address in
// an entry field (where the browser opened: the authorize address is
// hundreds of characters long) rather than in its text.
func SSOPromptInEntry(p session.SSOPrompt) bool { return p.Opened && p.URL != "" }

// wrapAt is the width the dialog's paragraphs are wrapped to, a little
// under the width at which zenity's label wraps by itself (which would
// leave a word alone on a line).
const wrapAt = 64

// wrap joins paragraphs with blank lines, each broken at spaces to at
// most wrapAt characters (a longer word, such as an address, stays whole).
func wrap(paras []string) string {
	out := make([]string, 0, len(paras))
	for _, p := range paras {
		var lines []string
		line := ""
		for _, w := range strings.Fields(p) {
			switch {
			case line == "":
				line = w
			case len([]rune(line))+1+len([]rune(w)) > wrapAt:
				lines = append(lines, line)
				line = w
			default:
				line += " " + w
			}
		}
		out = append(out, strings.Join(append(lines, line), "\n"))
	}
	return strings.Join(out, "\n\n")
}

// ShowSSOPrompt shows p until the user answers or ctx ends, when it
// closes. It reports whether the user asked to open the page again;
// Cancel, Escape, closing the window and ctx ending give an error
// wrapping session.ErrCanceled.
func (z Zenity) ShowSSOPrompt(ctx context.Context, p session.SSOPrompt) (bool, error) {
	title := SSOTitle(z.Locale, p.Session)
	defer opened(ctx, title)()
	text := SSOPromptText(z.Locale, p)
	opts := []zenity.Option{zenity.Title(title), zenity.Context(ctx)}
	var err error
	if SSOPromptInEntry(p) {
		// The address in a one-line field: selected when the dialog
		// opens, so Ctrl+C copies it whole; Return opens it again.
		_, err = zenity.Entry(text, append(opts, zenity.EntryText(p.URL), zenity.Width(560),
			zenity.OKLabel(SSOOpenAgain), zenity.CancelLabel(SSOCancel))...)
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
