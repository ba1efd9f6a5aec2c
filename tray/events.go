package tray

import (
	"strings"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// Event is anything the app's loop reacts to. Every event is handled by the
// one loop goroutine, in order, so the app's state needs no locks.
type Event interface{ event() }

// Clicks on menu items.
type (
	// LoginClicked is "Login X" (or X's status line, or a notice's Renew);
	// For names the role profile whose row was clicked, for the dialog.
	LoginClicked struct {
		Profile string
		For     string
	}
	// RoleClicked is a role profile's row: "Login X" for its MFA profile.
	RoleClicked     struct{ Role string }
	LogoutClicked   struct{ Profile string }
	LogoutAll       struct{}
	KeychainClicked struct{ Profile string } // "Move X keys to keychain…"
	ToggleAutostart struct{}
	Refresh         struct{}
	Quit            struct{}
)

// FilesChanged says the config or credentials file may have changed.
type FilesChanged struct{}

// Tick is the wake-up that keeps the times left true.
type Tick struct{}

// LoginDone is posted by a login goroutine when its dialog flow ends.
type LoginDone struct {
	Profile  string
	Session  session.Session // set on success
	Err      error           // set on failure (already shown to the user)
	Canceled bool            // the user backed out, or the app is quitting
	Auto     bool            // an mfa_process renewal nobody asked for
}

// LogoutDone is posted when a logout finishes off the loop.
type LogoutDone struct {
	Results []session.LogoutResult // the sessions removed
	All     bool
	Err     error
}

// KeychainDone is posted when a "Move X keys to keychain" flow ends.
type KeychainDone struct {
	Profile  string
	Moved    bool  // the keys are now in the keychain
	Already  bool  // they already were (moved by someone else meanwhile)
	Err      error // set on failure (already shown to the user)
	Canceled bool  // No, Cancel, or the app is quitting
}

func (LoginClicked) event()    {}
func (RoleClicked) event()     {}
func (LogoutClicked) event()   {}
func (LogoutAll) event()       {}
func (ToggleAutostart) event() {}
func (Refresh) event()         {}
func (Quit) event()            {}
func (FilesChanged) event()    {}
func (Tick) event()            {}
func (LoginDone) event()       {}
func (LogoutDone) event()      {}
func (KeychainClicked) event() {}
func (KeychainDone) event()    {}

// EventForClick maps a clicked item ID to its event. Submenus, separators
// and hints have none.
func EventForClick(id string) (Event, bool) {
	switch id {
	case IDLogoutAll:
		return LogoutAll{}, true
	case IDAutostart:
		return ToggleAutostart{}, true
	case IDRefresh:
		return Refresh{}, true
	case IDQuit:
		return Quit{}, true
	}
	if ev, ok := ssoEventForClick(id); ok {
		return ev, true
	}
	if p, ok := strings.CutPrefix(id, IDLoginPrefix); ok && p != "" {
		return LoginClicked{Profile: p}, true
	}
	// A flat menu's status line is drawn enabled, so it reads clearly; a
	// click on it logs in.
	if p, ok := strings.CutPrefix(id, IDStatusPrefix); ok && p != "" {
		return LoginClicked{Profile: p}, true
	}
	if p, ok := strings.CutPrefix(id, IDLogoutPrefix); ok && p != "" {
		return LogoutClicked{Profile: p}, true
	}
	if p, ok := strings.CutPrefix(id, IDKeychainPrefix); ok && p != "" {
		return KeychainClicked{Profile: p}, true
	}
	if r, ok := strings.CutPrefix(id, IDRolePrefix); ok && r != "" {
		return RoleClicked{Role: r}, true
	}
	return nil, false
}
