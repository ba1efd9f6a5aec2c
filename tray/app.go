package tray

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/tray/autostart"
)

// Core is the part of *session.Manager the tray uses. Every kind of
// session (an MFA profile's, an IAM Identity Center sign-in) comes in the
// one snapshot and is named by a session.Key, so the interface does not
// grow with each kind.
type Core interface {
	// SnapshotAndKeys reads the files once: the states of every kind of
	// session and where each profile's long-term keys live (never probing
	// the keychain, so it never prompts). The app calls it off its loop,
	// once per refresh.
	SnapshotAndKeys() (session.Snapshot, []session.KeyLocation, error)
	// LoginKey logs in to the session key names.
	LoginKey(ctx context.Context, key session.Key, opts session.LoginOptions) (session.Session, error)
	// LogoutKey logs out of one session; LogoutEvery out of all of them.
	LogoutKey(ctx context.Context, key session.Key) (session.LogoutResult, error)
	LogoutEvery(ctx context.Context) ([]session.LogoutResult, error)
	// RenewDue renews, without asking anyone, what renews itself and is
	// due (SSO tokens with their refresh token). Called off the loop.
	RenewDue(ctx context.Context) ([]session.Renewal, error)
	Paths() (configFile, credentialsFile string)
	KeychainImport(ctx context.Context, profile string) error
}

// Dialogs asks for MFA codes and shows errors. Both block until the user
// answers or ctx ends.
type Dialogs interface {
	// AskCode returns the text entered, or an error wrapping
	// session.ErrCanceled when the user backed out or ctx ended. hint, when
	// not empty, says why we ask again.
	AskCode(ctx context.Context, profile, serial, hint string) (string, error)
	ShowError(ctx context.Context, title, text string) error
}

// Confirmer is the yes/no dialog "Move X keys to keychain…" and "Logout
// all" need. It is a separate interface so Dialogs implementations without
// it still compile; without it the app refuses to move keys rather than
// skip the question (and logs out of all without asking).
type Confirmer interface {
	// Confirm reports whether the user chose ok (the default button's
	// label). Cancel and closing the window give false and a nil error;
	// ctx ending gives an error wrapping session.ErrCanceled.
	Confirm(ctx context.Context, title, text, ok string) (bool, error)
}

// Raiser brings the open code dialog of a profile to the front. Dialogs
// implementations that cannot leave it out; a second "Login X" is then
// only logged.
type Raiser interface {
	Raise(profile string) error
}

// Button labels of the confirmations.
const (
	KeychainConfirmOK  = "Move keys"
	LogoutAllConfirmOK = "Log out all"
	ConfirmCancel      = "Cancel"
)

// Autostart reads and changes "Start at login".
type Autostart interface {
	Status() (autostart.Status, error)
	Enable(exe string) error
	Disable() error
}

// Tray shows a Menu and reports clicks by item ID.
type Tray interface {
	Apply(m Menu)
	Clicks() <-chan string
}

// Config wires an App. Core, Dialogs and Tray are required.
type Config struct {
	Core    Core
	Dialogs Dialogs
	Tray    Tray
	// Notices shows notices and reports their Renew back; nil means
	// Notifier's plain banners (nil too: no notifications).
	Notices   Notices
	Notifier  session.Notifier
	Autostart Autostart     // nil: the checkbox says unavailable
	Exe       string        // the binary "Start at login" points at
	Clock     session.Clock // nil: the wall clock
	Locale    locale.Locale
	// NotifyBefore is how long before expiry the warning fires; 0 turns
	// the warning off.
	NotifyBefore time.Duration
	// WarnBefore is the core's expiring window (session.Config.WarnBefore),
	// with which the minute tick moves states on between file reads. 0
	// means NotifyBefore when that is set, else session.DefaultWarnBefore:
	// the core gets the same value as NotifyBefore, and 0 means its default.
	WarnBefore time.Duration
	// CodeHint, when set, adds a line to the code dialog of a profile (demo
	// mode shows the current code).
	CodeHint func(profile string) string
	// LoginHint, when set, is the body of the "logged in" notification
	// (demo mode's sessions work with no AWS service, so it says so);
	// else "Use it with AWS_PROFILE=X or --profile X.". For an SSO
	// session it is given "S (SSO)".
	LoginHint func(profile string) string
	// AutostartUnavailable, when set, is why Start at login cannot be
	// offered (a binary `go run` built in a temp folder): the item is
	// disabled and its tooltip says this.
	AutostartUnavailable string
	// Location formats the "until 21:04" times; nil means time.Local.
	Location *time.Location
	// WatchFiles starts the fsnotify watcher on the core's files.
	WatchFiles bool
	// Settle, when set, runs off the loop after each rebuild of the menu
	// that follows a read, before the garbage is given back: the app is
	// about to sit idle, maybe for hours.
	Settle func()
	// After returns a channel that fires after d; nil means a real timer.
	// Tests pass one that never fires and post Tick themselves.
	After  func(d time.Duration) <-chan time.Time
	Logger *slog.Logger
	// NotifyTimeout bounds one notification call; 0 means 5s.
	NotifyTimeout time.Duration
	// RoleCache is the folder of the cached role credentials, watched
	// with the files so a role's time left shows once credential-process
	// renews it; "" means none.
	RoleCache string
	// OpenBrowser opens the IAM Identity Center sign-in page; nil opens
	// none (the dialog shows the address). An error makes the core fall
	// back to a sign-in with a code.
	OpenBrowser func(ctx context.Context, url string) error
	// SSORenewBefore is how long before expiry a token that renews itself
	// is renewed (the core's SSORefreshBefore); 0 means its default.
	SSORenewBefore time.Duration
}

// App is the tray's state and its event loop.
type App struct {
	cfg    Config
	log    *slog.Logger
	events chan Event
	done   chan struct{} // closed when the loop has returned

	// Owned by the loop goroutine.
	files     []string // the config and credentials files
	warn      time.Duration
	snap      session.Snapshot // the last read, moved to the clock's now on each render
	snapErr   error
	fileSig   string // statSignature of files just before that read
	warnOff   bool   // a read disagreed with warn; logged once
	auto      AutostartState
	logins    map[string]*loginRun // profiles whose login flow is running
	renewed   map[alertKey]bool    // mfa_process sessions renewed (or tried) without asking
	requests  []LoginRequested     // channel requests that came before the first read
	imports   map[string]bool      // profiles whose keychain move is running
	keys      map[string]session.KeyLocation
	alerts    *session.Alerts
	lastShape uint64
	stores    map[string]session.KeyStore // the part of keys the menu shows
	labels    LabelCache
	menuBufs  MenuBuffers      // for a MenuCopier tray
	dueBuf    []session.Status // dueNotices' storage, reused
	reads     reads            // the reads of the files, which run off the loop
	// confirming is set while the "Logout all" question is open.
	confirming bool
	// loadingC fires when the first read is slow: the menu then says it
	// is reading.
	loadingC <-chan time.Time
	// rerender asks handle to render once more after the event (a login
	// that render itself started).
	rerender bool
	runCtx   context.Context // Run's, for the work render starts
	// sso is the IAM Identity Center work under way (sso.go).
	sso ssoBook
	// fixedFiles are always watched (config, credentials, role cache);
	// files adds the SSO token files. watchStop stops the watcher of the
	// files watched now.
	fixedFiles []string
	watchStop  context.CancelFunc
	watching   []string

	work sync.WaitGroup // login, logout and keychain goroutines
	// readers: the file reads under way, waited for on the way out
	// (briefly: a read the context cannot end must not hold up Quit), so
	// none still has a file open when Run has returned.
	readers sync.WaitGroup

	notices Notices
	nq      *noticeQueue
	waiters atomic.Uint64 // ids of channel requests

	// handled, when set (tests), is called after each event is handled.
	handled func(Event)
}

// New returns an App; call Run to start it.
func New(cfg Config) *App {
	if cfg.Clock == nil {
		cfg.Clock = session.SystemClock{}
	}
	if cfg.Location == nil {
		cfg.Location = time.Local
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.NotifyTimeout == 0 {
		cfg.NotifyTimeout = 5 * time.Second
	}
	notices := cfg.Notices
	if notices == nil && cfg.Notifier != nil {
		notices = PlainNotices{N: cfg.Notifier}
	}
	return &App{
		cfg:     cfg,
		log:     cfg.Logger,
		events:  make(chan Event, 64),
		done:    make(chan struct{}),
		logins:  map[string]*loginRun{},
		renewed: map[alertKey]bool{},
		imports: map[string]bool{},
		alerts:  session.NewAlerts(cfg.NotifyBefore),
		warn:    stateWindow(cfg),
		notices: notices,
		nq:      newNoticeQueue(),
	}
}

// Post hands an event to the loop. It never blocks once the loop is gone.
func (a *App) Post(ev Event) {
	select {
	case a.events <- ev:
	case <-a.done:
	}
}

// Run is the event loop. It returns when Quit is clicked or ctx ends,
// after canceling any open dialog and waiting briefly for it to close.
func (a *App) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	a.runCtx = ctx
	defer func() {
		cancel()
		a.waitWork(3 * time.Second)
		a.waitReads(time.Second)
		close(a.done)
	}()
	cfgFile, credFile := a.cfg.Core.Paths()
	a.files = []string{cfgFile, credFile}
	if a.cfg.RoleCache != "" {
		a.files = append(a.files, a.cfg.RoleCache+string(filepath.Separator))
	}
	a.fixedFiles = slices.Clone(a.files)
	if a.notices != nil {
		go a.nq.run(ctx, a.cfg.NotifyTimeout, func(err error) { a.log.Warn("notification failed", "err", err) })
	}
	a.rewatch()
	a.readAutostart()
	a.reload()
	a.loadingC = a.after(firstReadPatience)
	for {
		if a.step(ctx) {
			return nil
		}
	}
}

// step waits for one event, or the next wake-up, and handles it; it
// reports whether the app should quit.
func (a *App) step(ctx context.Context) (quit bool) {
	d := a.nextWake()
	var wake <-chan time.Time
	if a.cfg.After != nil {
		wake = a.cfg.After(d)
	} else {
		t := time.NewTimer(d)
		defer t.Stop()
		wake = t.C
	}
	select {
	case <-a.loadingC:
		a.loadingC = nil
		if !a.reads.loaded {
			a.log.Info("the first read of the AWS files is slow; the menu says so meanwhile")
			a.render()
		}
		return false
	case <-ctx.Done():
		a.log.Info("stopping", "reason", ctx.Err())
		return true
	case id, ok := <-a.cfg.Tray.Clicks():
		if !ok {
			return true
		}
		if ev, ok := EventForClick(id); ok {
			return a.handle(ctx, ev)
		}
		return false
	case ev := <-a.events:
		return a.handle(ctx, ev)
	case ev := <-a.noticeEvents():
		return a.handle(ctx, ev)
	case <-wake:
		return a.handle(ctx, Tick{})
	}
}

// handle reacts to one event; it reports whether the app should quit.
func (a *App) handle(ctx context.Context, ev Event) (quit bool) {
	if a.handled != nil {
		defer a.handled(ev)
	}
	defer func() {
		if a.rerender && !quit {
			a.render()
		}
	}()
	switch ev := ev.(type) {
	case Quit:
		a.log.Info("quit clicked")
		return true
	case Tick:
		// Only the times left move: the files are read again only if they
		// changed since the last read, or that read failed.
		if a.stale() {
			a.reload()
		}
		if a.reads.loaded {
			a.render()
		}
	case ReadDone:
		a.finishRead(ev)
		if a.reads.loaded && len(a.requests) > 0 {
			a.startRequests(ctx)
		}
	case LoginProgress:
		if run, ok := a.logins[ev.Profile]; ok && run.phase != ev.Phase {
			run.phase = ev.Phase
			a.render()
		}
	case FilesChanged:
		a.reload()
	case Refresh:
		a.log.Info("refresh clicked")
		a.readAutostart()
		a.reload()
	case LoginClicked:
		a.log.Info("login clicked", "profile", ev.Profile, "for", ev.For)
		a.startLogin(ctx, ev.Profile, loginOrigin{user: true, forRole: ev.For})
	case RoleClicked:
		a.roleClicked(ctx, ev.Role)
	case LoginRequested:
		a.loginRequested(ctx, ev)
	case LoginRequestGone:
		a.loginRequestGone(ev)
	case LoginDone:
		a.finishLogin(ev)
		// The read first: until it shows, the snapshot may hold the
		// session this login replaced, and its notices must wait (the
		// clock may have passed its expiry meanwhile). "logging in…" still
		// ends at once.
		a.reload()
		a.render()
	case NoticeActed:
		a.log.Info("notice action", "key", ev.Key, "action", ev.Action)
		if ev.Then != nil {
			return a.handle(ctx, ev.Then)
		}
	case NoticeClosed:
		a.log.Debug("notice closed", "key", ev.Key, "reason", ev.Reason)
	case LogoutClicked:
		a.startLogout(session.ProfileKey(ev.Profile), false)
	case LogoutAll:
		a.logoutAll(ctx)
	case LogoutAllAnswer:
		a.log.Info("logout all: answered", "yes", ev.Yes)
		a.confirming = false
		if ev.Yes {
			a.startLogout(session.Key{}, true)
		}
	case LogoutDone:
		a.finishLogout(ev)
		a.reload()
	case ToggleAutostart:
		a.toggleAutostart()
		a.render()
	case KeychainClicked:
		a.startKeychain(ctx, ev.Profile)
	case KeychainDone:
		a.finishKeychain(ev)
		a.reload()
	default:
		a.handleSSO(ctx, ev)
	}
	return false
}

// checkWindow logs, once, when the core's states disagree with what
// statusAt makes of them with our window: then Config.WarnBefore is not
// the core's, and ticks would show states a read does not.
func (a *App) checkWindow(snap session.Snapshot) {
	if a.warnOff {
		return
	}
	for _, st := range snap.Profiles {
		if at := statusAt(st, snap.Taken, a.warn); at.State != st.State || at.Left != st.Left {
			a.warnOff = true
			a.log.Warn("the core's expiring window differs from the tray's; set Config.WarnBefore to the core's",
				"profile", st.Profile.Name, "core", st.State.String(), "tray", at.State.String(), "window", a.warn)
			return
		}
	}
}

// render moves the last read's states to the clock's now, sends the
// expiry notices now due and shows the menu. It reads no file, so a
// laptop that slept past an expiry sees it on the first tick after waking.
func (a *App) render() {
	a.rerender = false
	if a.snapErr == nil && a.reads.loaded {
		moveTo(&a.snap, a.cfg.Clock.Now(), a.warn)
		renewing := a.startRenewals()
		for _, n := range a.dueNotices() {
			if n.Kind == session.NoticeExpiring && renewing[n.Profile] {
				continue // renewed without asking; a failure says so
			}
			a.log.Info("expiry notice", "profile", n.Profile)
			a.show(expiryNotice(n))
		}
		a.maybeRenew() // before the SSO notices: a renewal under way holds them
		for _, n := range a.dueSSONotices() {
			a.log.Info("expiry notice", "sso", n.SSOSession)
			a.show(ssoExpiryNotice(n))
		}
	}
	var reuse *MenuBuffers
	if _, ok := a.cfg.Tray.(MenuCopier); ok {
		reuse = &a.menuBufs
	}
	m := BuildMenu(a.snap, MenuOptions{Locale: a.cfg.Locale, Autostart: a.auto, Err: a.snapErr,
		KeyStores: a.stores, LoggingIn: a.loggingIn(), SigningIn: a.sso.signingIn(), Reading: !a.reads.loaded, Cache: &a.labels,
		Reuse: reuse})
	s := m.ShapeKey()
	rebuilt := s != a.lastShape
	if rebuilt {
		a.log.Info("menu rebuilt", "profiles", len(a.snap.Profiles))
		a.lastShape = s
	}
	a.cfg.Tray.Apply(m)
	if rebuilt && a.reads.loaded {
		// A new shape follows a read of changed files: give the read's
		// and the old menu's garbage back to the system now, not over
		// minutes (the tray sits idle for hours).
		go func() {
			if a.cfg.Settle != nil {
				a.cfg.Settle()
			}
			debug.FreeOSMemory()
		}()
	}
}

// dueNotices are the expiry notices due now, unless the files changed
// since the last read and the next read is under way: then the snapshot
// may hold a session that is gone (deleted by hand, renewed, logged out),
// and the notices wait for that read. They wait too while a login is at
// STS: the session it replaces may pass its expiry meanwhile, and the
// read after the login shows which one holds (a few seconds; the notices
// are only held, so none is lost or given twice).
//
// Sessions that expired more than StaleExpiry ago are left out, as for the
// icon: a 2020 session nobody renewed is no news at start.
func (a *App) dueNotices() []session.Notice {
	if a.noticesHeld() || a.anyLoggingIn() {
		return nil
	}
	snap := a.snap
	for i, st := range snap.Profiles {
		if !stale(st, snap.Taken) {
			continue
		}
		recent := a.dueBuf[:0]
		recent = append(recent, snap.Profiles[:i]...)
		for _, st := range snap.Profiles[i+1:] {
			if !stale(st, snap.Taken) {
				recent = append(recent, st)
			}
		}
		a.dueBuf = recent
		snap.Profiles = recent
		break
	}
	return a.alerts.Due(snap)
}

// stale reports a session that expired longer than StaleExpiry before now.
func stale(st session.Status, now time.Time) bool {
	return st.HasSession && st.State == session.Expired && !st.Expiration.IsZero() && now.Sub(st.Expiration) > StaleExpiry
}

// nextWake is how long until the labels may change: the next wall-clock
// minute, or sooner when a session crosses into expiring or expired.
// Waits are capped at a minute and every tick compares wall-clock times,
// so a laptop that slept past an expiry notices within a minute of waking.
func (a *App) nextWake() time.Duration {
	now := a.cfg.Clock.Now()
	next := now.Truncate(time.Minute).Add(time.Minute)
	// The state flips at the core's window, the warning at NotifyBefore.
	for _, w := range []time.Duration{a.warn, a.cfg.NotifyBefore} {
		if c := session.NextChange(a.snap, w); !c.IsZero() && c.After(now) && c.Before(next) {
			next = c
		}
	}
	next = a.nextSSOWake(now, next)
	// A little past the instant, so the state has flipped when we look.
	return next.Sub(now) + 50*time.Millisecond
}

func (a *App) status(name string) (session.Status, bool) {
	for _, st := range a.snap.Profiles {
		if st.Profile.Name == name {
			return st, true
		}
	}
	return session.Status{}, false
}

// goPost runs flow off the loop and posts the event it returns. On the way
// out, Run waits a little for these goroutines (waitWork).
func (a *App) goPost(flow func() Event) {
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		a.Post(flow())
	}()
}

func (a *App) showError(ctx context.Context, title, text string) {
	loc := a.cfg.Locale
	if err := a.cfg.Dialogs.ShowError(ctx, loc.Text(title), loc.Text(capitalize(text))); err != nil && ctx.Err() == nil {
		a.log.Warn("error dialog failed", "err", err)
		a.notify(title, text)
	}
}

// startLogout logs out of one session (all: every session) off the
// loop: the writer takes a file lock, an SSO logout calls the portal.
func (a *App) startLogout(key session.Key, all bool) {
	a.log.Info("logout clicked", "session", key.String(), "all", all)
	ctx := a.runCtx
	if ctx == nil {
		ctx = context.Background()
	}
	a.goPost(func() Event {
		ev := LogoutDone{All: all}
		if all {
			ev.Results, ev.Err = a.cfg.Core.LogoutEvery(ctx)
			return ev
		}
		r, err := a.cfg.Core.LogoutKey(ctx, key)
		ev.Err = err
		if err == nil && r.Removed {
			ev.Results = []session.LogoutResult{r}
		}
		return ev
	})
}

func (a *App) finishLogout(ev LogoutDone) {
	if ev.Err != nil {
		a.log.Warn("logout failed", "err", ev.Err)
		a.notify("awsmfa: logout failed", capitalize(ev.Err.Error()))
	}
	names := make([]string, 0, len(ev.Results))
	sso := 0
	for _, r := range ev.Results {
		names = append(names, r.Key.String())
		if r.Key.Kind == session.SSOLogin {
			sso++
		}
	}
	if len(names) > 0 {
		a.log.Info("logged out", "sessions", strings.Join(names, ","))
	}
	switch {
	case len(ev.Results) == 1 && sso == 1:
		a.show(Notice{Key: SSOSessionKey(ev.Results[0].Key.Name), Title: names[0] + ": logged out", Body: SSOLogoutNote(ev.Results[0])})
	case len(ev.Results) == 1:
		a.show(Notice{Key: ProfileKey(ev.Results[0].Key.Name), Title: names[0] + ": logged out", Body: session.RevocationNote})
	case len(ev.Results) > 1:
		for _, r := range ev.Results {
			a.dismiss(noticeKey(r.Key)) // a warning about a session that is gone
		}
		title, body := fmt.Sprintf("Logged out of %d profiles", len(ev.Results)), session.RevocationNote
		if sso > 0 {
			title, body = fmt.Sprintf("Logged out of %d sessions", len(ev.Results)), "SSO sign-ins were ended at the access portal and their tokens removed."
			if sso < len(ev.Results) {
				body = session.RevocationNote + " " + body
			}
		}
		a.show(Notice{Key: keyLogoutAll, Title: title, Body: body})
	}
}

func (a *App) readAutostart() {
	if a.cfg.Autostart == nil {
		a.auto = AutostartState{}
		return
	}
	st, err := a.cfg.Autostart.Status()
	if err != nil {
		a.log.Warn("cannot read start-at-login state", "err", err)
		a.auto = AutostartState{}
		return
	}
	a.auto = AutostartState{Known: true, Enabled: st.Enabled, Stale: st.Stale, Unavailable: a.cfg.AutostartUnavailable}
}

// toggleAutostart turns "Start at login" off when it is on and sound, and
// on otherwise (which also repoints a stale entry). It is a small file or
// registry write, fine to do on the loop.
func (a *App) toggleAutostart() {
	if a.cfg.Autostart == nil {
		return
	}
	if why := a.cfg.AutostartUnavailable; why != "" {
		a.log.Info("start at login refused", "why", why)
		a.notify("awsmfa: cannot change Start at login", why)
		return
	}
	a.readAutostart()
	var err error
	if a.auto.Enabled && !a.auto.Stale {
		err = a.cfg.Autostart.Disable()
		a.log.Info("start at login off", "err", err)
	} else {
		err = a.cfg.Autostart.Enable(a.cfg.Exe)
		a.log.Info("start at login on", "err", err)
	}
	if err != nil {
		a.notify("awsmfa: cannot change Start at login", capitalize(err.Error()))
	}
	a.readAutostart()
}

// notify shows a notice about nothing in particular (it replaces none).
func (a *App) notify(title, body string) { a.show(Notice{Title: title, Body: body}) }

// show queues n: notices are sent off the loop, in order, each bounded by
// a timeout, so a missing or hung notification service never stalls the
// menu. Any goroutine may call it.
func (a *App) show(n Notice) {
	if a.notices == nil {
		return
	}
	loc := a.cfg.Locale
	n.Title, n.Body = loc.Text(n.Title), loc.Text(n.Body)
	n.Actions = slices.Clone(n.Actions)
	for i := range n.Actions {
		n.Actions[i].Label = loc.Text(n.Actions[i].Label)
	}
	a.log.Info("notify", "title", n.Title, "key", n.Key, "stays", n.Stay)
	ns := a.notices
	a.nq.push(func(ctx context.Context) error { return ns.Show(ctx, n) })
}

// dismiss takes down the notice shown under key. Any goroutine may call it.
func (a *App) dismiss(key string) {
	if a.notices == nil {
		return
	}
	ns := a.notices
	a.nq.push(func(ctx context.Context) error { return ns.Dismiss(ctx, key) })
}

// noticeEvents is the channel of what the user did with our notices (nil,
// which never fires, without any).
func (a *App) noticeEvents() <-chan Event {
	if a.notices == nil {
		return nil
	}
	return a.notices.Events()
}

// waitReads waits up to d for the file reads under way, which end soon
// after the app's context (their waits for a torn file end with it).
func (a *App) waitReads(d time.Duration) {
	a.drainUntil(&a.readers, d, "a read of the AWS files did not end in time")
}

// waitWork waits for the goPost goroutines, at most d.
func (a *App) waitWork(d time.Duration) {
	a.drainUntil(&a.work, d, "a dialog did not close in time")
}

// drainUntil waits up to d for wg, taking the events its goroutines post
// meanwhile, since the loop no longer reads them.
func (a *App) drainUntil(wg *sync.WaitGroup, d time.Duration, late string) {
	ch := make(chan struct{})
	go func() {
		wg.Wait()
		close(ch)
	}()
	deadline := time.After(d)
	for {
		select {
		case <-ch:
			return
		case <-a.events:
		case <-deadline:
			a.log.Warn(late)
			return
		}
	}
}

// clockTime formats t as "21:04", or "Fri 21:04" when not today.
func (a *App) clockTime(t time.Time) string {
	t = t.In(a.cfg.Location)
	now := a.cfg.Clock.Now().In(a.cfg.Location)
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04")
	}
	return t.Format("Mon 15:04")
}

func joinLines(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n" + b
}

// capitalize starts a core error sentence with a capital for display.
// A first word that is a key name (mfa_process, role_arn) stays as it is.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	if w, _, _ := strings.Cut(s, " "); strings.Contains(w, "_") {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
