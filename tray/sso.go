package tray

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// IAM Identity Center sessions in the tray: "Login S" signs in in the
// browser (the core's SSOLogin, through Core.LoginKey) while a dialog
// says where and offers Cancel; the tick renews tokens that renew
// themselves (Core.RenewDue) off the loop, with no browser, and holds
// the expiry notices until it has; the notices come only when a sign-in
// is needed. One sign-in per session runs at a time: a second "Login S"
// raises the running one's dialog (the core's lock covers other
// processes).

// SSOPrompter shows where to sign in to an IAM Identity Center session.
// Dialogs implementations that lack it leave the tray to say it in a
// notification.
type SSOPrompter interface {
	// ShowSSOPrompt shows p until the user answers or ctx ends (the
	// sign-in is over: it closes). p.URL empty means another sign-in of
	// p.Session is running and the tray waits for it. It reports whether
	// the user asked to open the page again; Cancel, Escape and closing
	// the window give an error wrapping session.ErrCanceled, and so does
	// ctx ending.
	ShowSSOPrompt(ctx context.Context, p session.SSOPrompt) (openAgain bool, err error)
}

// SSOReplaceOK is the button that replaces a token file the core cannot
// read with a new sign-in.
const SSOReplaceOK = "Sign in and replace it"

// ssoRenewWithin bounds one RenewDue.
const ssoRenewWithin = 2 * time.Minute

// ssoBook is the loop's record of the SSO work under way.
type ssoBook struct {
	flows    map[string]*ssoFlowState // sessions whose sign-in runs
	renewing bool                     // RenewDue runs
	// tried: when each session was last due in a RenewDue. A session is
	// tried at most once a minute, whatever came of it: a failure is
	// retried a minute later, and a token shorter-lived than the renewal
	// window is not renewed on every render.
	tried map[string]time.Time
}

// renewEvery is how often one session's renewal is tried at most.
const renewEvery = time.Minute

type ssoFlowState struct {
	shown bool // its dialog has opened
}

func (b *ssoBook) init() {
	if b.flows == nil {
		b.flows, b.tried = map[string]*ssoFlowState{}, map[string]time.Time{}
	}
}

// signingIn is the set of sessions whose sign-in runs, for the menu.
func (b *ssoBook) signingIn() map[string]bool {
	if len(b.flows) == 0 {
		return nil
	}
	out := make(map[string]bool, len(b.flows))
	for s := range b.flows {
		out[s] = true
	}
	return out
}

// handleSSO reacts to the SSO events; it reports whether ev was one.
func (a *App) handleSSO(ctx context.Context, ev Event) bool {
	a.sso.init()
	switch ev := ev.(type) {
	case SSOLoginClicked:
		a.startSSOLogin(ctx, ev.Session)
	case SSOPromptShown:
		if f := a.sso.flows[ev.Session]; f != nil {
			f.shown = true
		}
	case SSOLoginDone:
		a.finishSSOLogin(ev)
		a.render()
		a.reload()
	case SSOLogoutClicked:
		a.log.Info("logout clicked", "sso", ev.Session)
		a.startLogout(session.SSOKey(ev.Session), false)
	case RenewDone:
		a.finishRenew(ev)
		a.reload()
	default:
		return false
	}
	return true
}

func (a *App) ssoStatus(name string) (session.SSOStatus, bool) {
	for _, st := range a.snap.SSO {
		if st.Session.Name == name {
			return st, true
		}
	}
	return session.SSOStatus{}, false
}

// ssoTitle is the title of S's dialogs: "awsmfa — acme (SSO)".
func (a *App) ssoTitle(name string) string {
	return a.cfg.Locale.Text("awsmfa" + a.cfg.Locale.Dash() + session.SSOKey(name).String())
}

// startSSOLogin starts S's sign-in off the loop, unless it runs already:
// then its dialog comes to the front.
func (a *App) startSSOLogin(ctx context.Context, name string) {
	if f, ok := a.sso.flows[name]; ok {
		if f.shown {
			a.log.Info("sso sign-in already running; raising its dialog", "sso", name)
			a.raise(session.SSOKey(name).String())
		} else {
			a.log.Info("sso sign-in already running; its dialog is not open yet", "sso", name)
		}
		return
	}
	st, ok := a.ssoStatus(name)
	if !ok {
		a.log.Warn("login clicked for an unknown SSO session", "sso", name)
		return
	}
	a.sso.flows[name] = &ssoFlowState{}
	a.log.Info("login clicked", "sso", name)
	a.render() // "signing in…" at once
	a.goPost(func() Event { return a.ssoFlow(ctx, st) })
}

// ssoFlow runs one sign-in: the core talks to IAM Identity Center and
// the browser, the dialog shows where to sign in, and Cancel in it ends
// the sign-in with nothing written.
func (a *App) ssoFlow(ctx context.Context, st session.SSOStatus) SSOLoginDone {
	name := st.Session.Name
	done := SSOLoginDone{Session: name}
	title := a.ssoTitle(name)
	if p := st.Session.Problem; p != nil {
		a.showError(ctx, title, p.Error())
		done.Err = p
		return done
	}
	// A click on a live session asks for a new sign-in (a token that is
	// about to end and renews itself is renewed without one).
	force := st.HasToken && st.State == session.Active
	if st.Problem != nil && !st.HasToken {
		// The token file is not ours to read: replace it only if asked.
		yes, err := a.askReplace(ctx, title, st.Problem)
		switch {
		case errors.Is(err, session.ErrCanceled) || err == nil && !yes:
			done.Canceled = true
			return done
		case err != nil:
			done.Err = err
			return done
		}
		force = true
	}
	fctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr := &ssoPrompts{a: a, ctx: fctx, cancel: cancel, name: name}
	opts := session.LoginOptions{Force: force, SSO: session.SSOLoginOptions{
		Open: a.cfg.OpenBrowser, Show: pr.show,
		Waiting: func(string) { pr.show(session.SSOPrompt{Session: name}) },
	}}
	res, err := a.cfg.Core.LoginKey(fctx, session.SSOKey(name), opts)
	canceled := pr.userCanceled()
	done.Noticed = pr.noticed()
	pr.close()
	var active *session.SSOActiveError
	switch {
	case canceled || ctx.Err() != nil || errors.Is(err, session.ErrCanceled):
		done.Canceled = true
	case errors.As(err, &active):
		// Someone signed in meanwhile: nothing to do.
		done.Result = session.Session{Profile: name, Expiration: active.Until, SSOFlow: session.SSOByOtherLogin}
	case err != nil:
		a.showError(ctx, title, err.Error())
		done.Err = err
	default:
		done.Result = res
	}
	return done
}

// askReplace asks whether to replace a token file the core cannot read.
func (a *App) askReplace(ctx context.Context, title string, problem error) (bool, error) {
	conf, ok := a.cfg.Dialogs.(Confirmer)
	if !ok {
		a.showError(ctx, title, problem.Error())
		return false, problem
	}
	text := capitalize(problem.Error()) + "\n\nSign in again and replace the file with the new token?"
	return conf.Confirm(ctx, title, a.cfg.Locale.Text(text), SSOReplaceOK)
}

func (a *App) finishSSOLogin(ev SSOLoginDone) {
	delete(a.sso.flows, ev.Session)
	key := session.SSOKey(ev.Session)
	if ev.Noticed && (ev.Err != nil || ev.Canceled) {
		a.dismiss(SSOSessionKey(ev.Session)) // where to sign in, for a sign-in that is over
	}
	switch {
	case ev.Err != nil:
		a.log.Info("sso sign-in failed", "sso", ev.Session, "err", ev.Err)
	case ev.Canceled:
		a.log.Info("sso sign-in canceled", "sso", ev.Session)
	default:
		r := ev.Result
		a.log.Info("signed in", "sso", ev.Session, "flow", r.SSOFlow.String(), "until", r.Expiration.UTC().Format(time.RFC3339))
		st, _ := a.ssoStatus(ev.Session)
		title, body := SSOLoggedInNotice(key, r, a.clockTime(r.Expiration), st.Session.Profiles)
		if a.cfg.LoginHint != nil {
			body = a.cfg.LoginHint(key.String()) // the demo's sessions work with no AWS service
		}
		a.show(Notice{Key: SSOSessionKey(ev.Session), Title: title, Body: body}) // replaces its warning
	}
}

// ssoExpiryNotice is the notice for one of the core's SSO expiry alerts,
// as expiryNotice is for an MFA session's: a warning or an expired login
// stays, with Renew (a sign-in, as "Login S"); the summary at start does
// not, and has a key of its own beside the MFA sessions' summary.
func ssoExpiryNotice(n session.Notice) Notice {
	switch n.Kind {
	case session.NoticeExpiring, session.NoticeExpired:
		return Notice{Key: SSOSessionKey(n.SSOSession), Title: n.Title, Body: n.Body, Stay: true,
			Actions: RenewActions(SSOLoginClicked{Session: n.SSOSession})}
	}
	return Notice{Key: keySSOExpiredSummary, Title: n.Title, Body: n.Body}
}

// keySSOExpiredSummary is the key of the SSO logins' summary at start.
const keySSOExpiredSummary = "expired-sso-summary"

// showSignIn stands in for the sign-in dialog: where to sign in (and the
// code), kept until the sign-in's end replaces it.
func (a *App) showSignIn(name string, p session.SSOPrompt) {
	a.show(Notice{Key: SSOSessionKey(name), Title: session.SSOKey(name).String() + ": sign in", Body: ssoPromptBody(p), Stay: true})
}

// SSOLoggedInNotice is the notification after a sign-in (or a renewal
// the user asked for): its title and body.
func SSOLoggedInNotice(key session.Key, r session.Session, until string, profiles []session.SSOProfile) (string, string) {
	switch r.SSOFlow {
	case session.SSORefreshed:
		return key.String() + ": renewed until " + until, "Without a browser, with its refresh token."
	case session.SSOByOtherLogin:
		return key.String() + ": logged in until " + until, "By the other sign-in that was running."
	}
	return key.String() + ": logged in until " + until, SSOProfilesHint(key.Name, profiles)
}

// SSOProfilesHint says how to use a session's profiles.
func SSOProfilesHint(name string, profiles []session.SSOProfile) string {
	switch len(profiles) {
	case 0:
		return "No profile uses it yet: add sso_session = " + name + " to a profile in the config."
	case 1:
		p := profiles[0].Name
		return "Use it with AWS_PROFILE=" + p + " or --profile " + p + "."
	}
	names := make([]string, len(profiles))
	for i, p := range profiles {
		names[i] = p.Name
	}
	list := strings.Join(names[:min(len(names), 5)], ", ")
	if len(names) > 5 {
		list += fmt.Sprintf(" and %d more", len(names)-5)
	}
	return "Its profiles work now: " + list + "."
}

// ssoPrompts shows the dialogs of one sign-in, one at a time: the core
// calls show from its goroutine and must not wait for the user.
type ssoPrompts struct {
	a      *App
	ctx    context.Context // the sign-in's
	cancel func()          // ends the sign-in
	name   string

	mu       sync.Mutex
	close1   func() // closes the dialog showing now
	wg       sync.WaitGroup
	canceled bool
	notice   bool // a "sign in" notice stands in for the dialog
}

// show replaces the dialog showing (if any) by one for p.
func (s *ssoPrompts) show(p session.SSOPrompt) {
	a := s.a
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.close1 != nil {
		s.close1()
	}
	dctx, cancel := context.WithCancel(s.ctx)
	s.close1 = cancel
	p.Session = session.SSODisplayName(s.name)
	a.log.Info("sso sign-in: showing where to sign in", "sso", s.name, "browser_opened", p.Opened,
		"device_code", p.UserCode != "", "waiting_for_another", p.URL == "")
	dl, ok := a.cfg.Dialogs.(SSOPrompter)
	if !ok {
		if p.URL != "" && !p.Opened {
			a.showSignIn(s.name, p)
			s.notice = true
		}
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		a.Post(SSOPromptShown{Session: s.name})
		for {
			again, err := dl.ShowSSOPrompt(dctx, p)
			switch {
			case dctx.Err() != nil:
				return // closed by us: the sign-in moved on or ended
			case errors.Is(err, session.ErrCanceled):
				a.log.Info("sso sign-in: canceled in its dialog", "sso", s.name)
				s.mu.Lock()
				s.canceled = true
				s.mu.Unlock()
				s.cancel()
				return
			case err != nil:
				// No dialog (zenity missing, no display): the user still
				// needs the address and the code.
				a.log.Warn("sso sign-in dialog failed", "sso", s.name, "err", err)
				if p.URL != "" {
					a.showSignIn(s.name, p)
					s.mu.Lock()
					s.notice = true
					s.mu.Unlock()
				}
				return
			case again && a.cfg.OpenBrowser != nil && p.URL != "":
				if err := a.cfg.OpenBrowser(dctx, p.URL); err != nil {
					a.log.Warn("cannot open the browser again", "sso", s.name, "err", err)
				}
			}
		}
	}()
}

func (s *ssoPrompts) noticed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.notice
}

func (s *ssoPrompts) userCanceled() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.canceled
}

// close closes the dialog and waits (briefly) for it to go.
func (s *ssoPrompts) close() {
	s.mu.Lock()
	if s.close1 != nil {
		s.close1()
	}
	s.mu.Unlock()
	ch := make(chan struct{})
	go func() { s.wg.Wait(); close(ch) }()
	select {
	case <-ch:
	case <-time.After(3 * time.Second):
		s.a.log.Warn("an SSO dialog did not close in time", "sso", s.name)
	}
}

// ssoPromptBody is the notification that stands in for the dialog.
func ssoPromptBody(p session.SSOPrompt) string {
	if p.UserCode != "" {
		return "Open " + p.URL + " on any device and check that it shows the code " + p.UserCode + "."
	}
	return "Open " + p.URL + " in a browser on this computer."
}

// ssoRenewBefore is the window in which the tray asks the core to renew SSO tokens.
func (a *App) ssoRenewBefore() time.Duration {
	if a.cfg.SSORenewBefore > 0 {
		return a.cfg.SSORenewBefore
	}
	return session.DefaultSSORefreshBefore
}

// maybeRenew starts RenewDue off the loop when a token that renews
// itself is due and was not tried in the last minute; a session whose
// sign-in runs is left to it.
func (a *App) maybeRenew() {
	a.sso.init()
	if a.sso.renewing || a.runCtx == nil || a.snapErr != nil || !a.reads.loaded {
		return
	}
	now := a.cfg.Clock.Now()
	due := false
	for _, st := range a.snap.SSO {
		name := st.Session.Name
		if _, running := a.sso.flows[name]; running {
			continue
		}
		if last, ok := a.sso.tried[name]; ok && now.Sub(last) < renewEvery && !now.Before(last) {
			continue
		}
		if session.RenewDueAt(st, now, a.ssoRenewBefore()) {
			due = true
			a.sso.tried[name] = now
		}
	}
	if !due {
		return
	}
	a.sso.renewing = true
	a.log.Info("renewing SSO tokens without a browser")
	ctx := a.runCtx
	a.goPost(func() Event {
		rctx, cancel := context.WithTimeout(ctx, ssoRenewWithin)
		defer cancel()
		r, err := a.cfg.Core.RenewDue(rctx)
		return RenewDone{Renewals: r, Err: err}
	})
}

func (a *App) finishRenew(ev RenewDone) {
	a.sso.renewing = false
	if ev.Err != nil {
		a.log.Warn("cannot renew the SSO tokens", "err", ev.Err)
	}
	for _, r := range ev.Renewals {
		switch name := r.Key.Name; {
		case r.Err == nil:
			a.log.Info("renewed without a browser", "sso", name, "until", r.Session.Expiration.UTC().Format(time.RFC3339))
		case errors.Is(r.Err, session.ErrSSOLoginRequired):
			a.log.Info("only a sign-in renews it", "sso", name, "why", r.Err)
		default:
			a.log.Warn("renewal failed; trying again in a minute", "sso", name, "err", r.Err)
		}
	}
}

// dueSSONotices are the SSO expiry notices due now. They wait while a
// read of changed files is under way (as the profiles' do) and while a
// renewal runs: a token it saves needs no notice.
func (a *App) dueSSONotices() []session.Notice {
	if a.noticesHeld() || a.sso.renewing || len(a.snap.SSO) == 0 {
		return nil
	}
	ss := a.snap.SSO
	for i, st := range ss {
		if !staleSSO(st, a.snap.Taken) {
			continue
		}
		recent := make([]session.SSOStatus, 0, len(ss))
		recent = append(recent, ss[:i]...)
		for _, st := range ss[i+1:] {
			if !staleSSO(st, a.snap.Taken) {
				recent = append(recent, st)
			}
		}
		ss = recent
		break
	}
	return a.alerts.DueSSO(session.SSOSnapshot{Taken: a.snap.Taken, Sessions: ss})
}

// staleSSO is stale for a session's token.
func staleSSO(st session.SSOStatus, now time.Time) bool {
	return st.HasToken && st.State == session.Expired && !st.Expiration.IsZero() && now.Sub(st.Expiration) > StaleExpiry
}

// moveSSOTo brings the sessions' states to now, as moveTo does the
// profiles'.
func moveSSOTo(ss []session.SSOStatus, now time.Time, warn time.Duration) {
	for i := range ss {
		st := &ss[i]
		if !st.HasToken || st.Expiration.IsZero() {
			continue
		}
		st.State, st.Left = session.StateAt(st.Expiration, now, warn)
		if st.Refreshable && !st.RegistrationExpiration.After(now) {
			st.Refreshable = false
		}
	}
}

// nextSSOWake is the next instant before next at which an SSO session
// changes state or is due for renewal.
func (a *App) nextSSOWake(now, next time.Time) time.Time {
	if len(a.snap.SSO) == 0 {
		return next
	}
	s := session.SSOSnapshot{Taken: now, Sessions: a.snap.SSO}
	for _, w := range []time.Duration{a.warn, a.cfg.NotifyBefore} {
		if c := session.NextSSOChange(s, w, a.ssoRenewBefore()); !c.IsZero() && c.After(now) && c.Before(next) {
			next = c
		}
	}
	return next
}

// tokenFiles are the SSO token files to watch, with the config and
// credentials files.
func tokenFiles(ss []session.SSOStatus) []string {
	out := make([]string, 0, len(ss))
	for _, st := range ss {
		if st.Session.TokenFile != "" {
			out = append(out, st.Session.TokenFile)
		}
	}
	return out
}

// liveSSO names the sessions with a live token, for "Logout all".
func (a *App) liveSSO() []string {
	var out []string
	for _, st := range a.snap.SSO {
		if st.HasToken && isLive(st.State) && ssoProblem(st) == 0 {
			out = append(out, session.SSOKey(st.Session.Name).String())
		}
	}
	return out
}

// LogoutAllSSOText is the "Logout all" question when SSO sessions are
// among the active ones (LogoutAllText otherwise). mfa counts the MFA
// sessions among names.
func LogoutAllSSOText(names []string, mfa int) string {
	q, _, _ := strings.Cut(LogoutAllText(names), "\n\n")
	switch {
	case mfa == 0:
		return q + "\n\nThe sign-ins are ended at the access portal and their tokens removed."
	default:
		return q + "\n\nMFA session keys are removed from the credentials file (AWS keeps them valid until they expire); " +
			"SSO sign-ins are ended at the access portal and their tokens removed."
	}
}

// SSOLogoutNote is the body of the notice after an SSO session's logout.
func SSOLogoutNote(r session.LogoutResult) string {
	note := "The sign-in was ended at the access portal and its token removed."
	if r.Note != nil {
		note = capitalize(r.Note.Error()) + "."
	}
	if r.CLICredentials > 0 {
		note += " The AWS CLI's cached credentials of its profiles went with it."
	}
	return note
}

// noticeKey is the notice key of a session of either kind.
func noticeKey(k session.Key) string {
	if k.Kind == session.SSOLogin {
		return SSOSessionKey(k.Name)
	}
	return ProfileKey(k.Name)
}
