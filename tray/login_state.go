package tray

import (
	"context"
	"errors"
	"strconv"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// loginPhase is where a profile's login flow stands.
type loginPhase int

const (
	phaseAsking  loginPhase = iota // the code dialog is open
	phaseCalling                   // the code went to STS; waiting for it
	phaseClosing                   // the dialog was canceled; the flow is ending
)

// LoginProgress is posted by a login flow when it moves between asking
// for the code and waiting for STS, so the menu can say "logging in…".
type LoginProgress struct {
	Profile string
	Phase   loginPhase
}

func (LoginProgress) event() {}

// loggingIn is the set of profiles whose code is at STS.
func (a *App) loggingIn() map[string]bool {
	var out map[string]bool
	for p, run := range a.logins {
		if run.phase == phaseCalling {
			if out == nil {
				out = map[string]bool{}
			}
			out[p] = true
		}
	}
	return out
}

// anyLoggingIn says whether some profile's code is at STS.
func (a *App) anyLoggingIn() bool {
	for _, run := range a.logins {
		if run.phase == phaseCalling {
			return true
		}
	}
	return false
}

// raise brings the profile's open code dialog forward, off the loop: a
// second "Login X" means the user lost sight of it.
func (a *App) raise(name string) {
	r, ok := a.cfg.Dialogs.(Raiser)
	if !ok {
		a.log.Info("login dialog already open; cannot raise it here", "profile", name)
		return
	}
	a.log.Info("login dialog already open; raising it", "profile", name)
	go func() {
		if err := r.Raise(name); err != nil {
			a.log.Warn("cannot raise the login dialog", "profile", name, "err", err)
		}
	}()
}

// loginHint is the body of the "logged in" notification.
func (a *App) loginHint(profile string) string {
	if a.cfg.LoginHint != nil {
		return a.cfg.LoginHint(profile)
	}
	return "Use it with AWS_PROFILE=" + profile + " or --profile " + profile + "."
}

// LogoutAllAnswer is the answer to the "Logout all" question.
type LogoutAllAnswer struct{ Yes bool }

func (LogoutAllAnswer) event() {}

// LogoutAllText is the question "Logout all" asks when more than one
// session is active.
func LogoutAllText(names []string) string {
	list := ""
	for i, n := range names {
		switch {
		case i == 0:
		case i == len(names)-1:
			list += " and "
		default:
			list += ", "
		}
		if i == 8 && len(names) > 9 {
			list += strconv.Itoa(len(names)-8) + " more"
			break
		}
		list += n
	}
	return "Log out of " + strconv.Itoa(len(names)) + " active sessions (" + list + ")?\n\n" +
		"Their keys are removed from the credentials file; AWS keeps them valid until they expire."
}

// LogoutAllFailedTitle is the notice when the "Logout all" question
// cannot be shown: nothing was logged out.
const LogoutAllFailedTitle = "awsmfa: Logout all did not run"

// LogoutAllNoticeKey keys that notice, so a second failure replaces it.
const LogoutAllNoticeKey = "logout-all"

func logoutAllFailedBody(err error) string {
	return "The question before logging out could not be shown (" + err.Error() +
		"), so every session is still there: try again, or run awsmfa logout --all"
}

// logoutAll logs out at once when at most one session is active, and
// asks first when more are.
func (a *App) logoutAll(ctx context.Context) {
	if a.confirming {
		a.log.Info("logout all: the question is already open")
		return
	}
	var live []string
	for _, st := range a.snap.Profiles {
		if st.HasSession && isLive(st.State) {
			live = append(live, st.Profile.Name)
		}
	}
	mfa := len(live)
	live = append(live, a.liveSSO()...)
	conf, ok := a.cfg.Dialogs.(Confirmer)
	if len(live) < 2 || !ok {
		a.startLogout(session.Key{}, true)
		return
	}
	a.confirming = true
	a.log.Info("logout all: asking", "active", len(live))
	title := a.cfg.Locale.Text("awsmfa" + a.cfg.Locale.Dash() + LabelLogoutAll)
	text := LogoutAllText(live)
	if mfa < len(live) {
		text = LogoutAllSSOText(live, mfa)
	}
	text = a.cfg.Locale.Text(text)
	a.goPost(func() Event {
		yes, err := conf.Confirm(ctx, title, text, LogoutAllConfirmOK)
		if err != nil && ctx.Err() == nil && !errors.Is(err, session.ErrCanceled) {
			// No dialog means no error dialog either: a notice says it.
			a.log.Warn("logout all: the question failed", "err", err)
			a.show(Notice{Key: LogoutAllNoticeKey, Title: LogoutAllFailedTitle, Body: logoutAllFailedBody(err)})
		}
		return LogoutAllAnswer{Yes: yes && err == nil}
	})
}
