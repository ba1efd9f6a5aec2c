package tray

import (
	"strings"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// Events of IAM Identity Center sessions (sso.go).
type (
	// SSOLoginClicked is "Login S" (or S's state line, or a notice's Renew).
	SSOLoginClicked struct{ Session string }
	// SSOLogoutClicked is "Logout S".
	SSOLogoutClicked struct{ Session string }
	// SSOPromptShown is posted when S's sign-in dialog opens, so a second
	// "Login S" raises it.
	SSOPromptShown struct{ Session string }
	// SSOLoginDone is posted when S's sign-in flow ends.
	SSOLoginDone struct {
		Session  string
		Result   session.Session // set on success; SSOFlow says how
		Err      error           // set on failure (already shown to the user)
		Canceled bool            // Cancel, or the app is quitting
		// Noticed: a "sign in" notice stood in for the dialog; it goes
		// when the sign-in fails (a success replaces it).
		Noticed bool
	}
	// RenewDone is posted when a renewal of the sessions that renew
	// themselves (RenewDue) ends.
	RenewDone struct {
		Renewals []session.Renewal
		Err      error
	}
)

func (SSOLoginClicked) event()  {}
func (SSOLogoutClicked) event() {}
func (SSOPromptShown) event()   {}
func (SSOLoginDone) event()     {}
func (RenewDone) event()        {}

// ssoEventForClick maps the SSO items' IDs to their events.
func ssoEventForClick(id string) (Event, bool) {
	for _, prefix := range []string{IDSSOLoginPrefix, IDSSOStatusPrefix} {
		if s, ok := strings.CutPrefix(id, prefix); ok && s != "" {
			return SSOLoginClicked{Session: s}, true
		}
	}
	if s, ok := strings.CutPrefix(id, IDSSOLogoutPrefix); ok && s != "" {
		return SSOLogoutClicked{Session: s}, true
	}
	return nil, false
}
