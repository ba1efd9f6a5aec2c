package tray

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/tray/autostart"
)

const waitFor = 5 * time.Second

func snapOf(sts ...session.Status) session.Snapshot { return session.Snapshot{Profiles: sts} }

// fakeClock is a settable clock.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// fakeCore keeps sessions in memory and derives states from the clock the
// way the real core does.
type fakeCore struct {
	clock *fakeClock
	warn  time.Duration

	mu       sync.Mutex
	profiles []session.Profile
	sessions map[string]time.Time // profile -> expiration
	login    func(name, code string) (session.Session, error)
	mfaCode  func(ctx context.Context, name string) (string, error) // mfa_process
	roles    []session.RoleStatus
	logins   []string // "name:code" per Login call
	logouts  []string

	// Long-term keys: where each profile's live (default KeysInFile),
	// what KeychainStatus fails with, and what KeychainImport does.
	stores    map[string]session.KeyStore
	storesErr error
	importFn  func(ctx context.Context, name string) error
	imports   []string

	// File reads: Snapshot and KeychainStatus calls, what Snapshot fails
	// with, and the files Paths names (none by default).
	snapshots, keyReads int // SnapshotAndKeys counts once in each
	snapErr             error
	cfgFile, credFile   string
}

func newFakeCore(clock *fakeClock, names ...string) *fakeCore {
	c := &fakeCore{clock: clock, warn: 10 * time.Minute, sessions: map[string]time.Time{}, stores: map[string]session.KeyStore{}}
	for _, n := range names {
		c.profiles = append(c.profiles, session.Profile{Name: n, Serial: "arn:aws:iam::123456789012:mfa/" + n})
	}
	c.login = func(name, code string) (session.Session, error) {
		exp := clock.Now().Add(12 * time.Hour)
		c.sessions[name] = exp
		return session.Session{Profile: name, Expiration: exp, Duration: 12 * time.Hour}, nil
	}
	return c
}

// SnapshotAndKeys is one read, as the real core's.
func (c *fakeCore) SnapshotAndKeys() (session.Snapshot, []session.KeyLocation, error) {
	snap, err := c.Snapshot()
	if err != nil {
		return snap, nil, err
	}
	// storesErr stands for a core that cannot tell where the keys live:
	// the snapshot comes without key locations.
	keys, err := c.KeychainStatus(false)
	if err != nil {
		return snap, nil, nil
	}
	return snap, keys, nil
}

func (c *fakeCore) Snapshot() (session.Snapshot, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.snapshots++
	if c.snapErr != nil {
		return session.Snapshot{}, c.snapErr
	}
	now := c.clock.Now()
	s := session.Snapshot{Taken: now}
	for _, p := range c.profiles {
		st := session.Status{Profile: p}
		if exp, ok := c.sessions[p.Name]; ok {
			st.HasSession, st.Expiration = true, exp
			left := exp.Sub(now)
			switch {
			case left <= 0:
				st.State = session.Expired
			case left <= c.warn:
				st.State, st.Left = session.Expiring, left
			default:
				st.State, st.Left = session.Active, left
			}
		}
		s.Profiles = append(s.Profiles, st)
	}
	s.Roles = append([]session.RoleStatus(nil), c.roles...)
	return s, nil
}

// Login plays the core's conversation (session/conversation.go): the
// code from mfaCode for a profile with mfa_process (Touch told while it
// runs), else from opts.Prompt, asked again with the core's reason up to
// session.MaxCodeAttempts answers. TestTrayAsksAsTheCoreDoes holds the
// tray to the real core.
func (c *fakeCore) Login(ctx context.Context, name string, opts session.LoginOptions) (session.Session, error) {
	if !opts.Force {
		return session.Session{}, errors.New("tray must force: Login always renews")
	}
	c.mu.Lock()
	var p session.Profile
	for _, q := range c.profiles {
		if q.Name == name {
			p = q
		}
	}
	mfa := c.mfaCode
	c.mu.Unlock()
	if p.HasMFAProcess {
		var stop func()
		if opts.Touch != nil {
			stop = opts.Touch(name)
		}
		code, err := mfa(ctx, name)
		if stop != nil {
			stop()
		}
		if err != nil {
			return session.Session{}, err
		}
		return c.try(name, code)
	}
	if opts.Prompt == nil {
		return session.Session{}, fmt.Errorf("no MFA code for %s", name)
	}
	req := session.CodeRequest{Profile: name, Serial: p.Serial}
	for answer := 1; ; answer++ {
		req.Attempt = answer
		code, err := opts.Prompt(ctx, req)
		if err != nil || ctx.Err() != nil {
			return session.Session{}, session.ErrCanceled
		}
		code = session.NormalizeCode(code)
		if code == "" {
			return session.Session{}, session.ErrCanceled
		}
		switch {
		case session.ValidateTokenCode(code) != nil:
			req.Reason = session.AskMalformed
		default:
			sess, err := c.try(name, code)
			if !errors.Is(err, session.ErrCodeRejected) {
				return sess, err
			}
			req.Reason = session.AskRejected
		}
		if answer == session.MaxCodeAttempts {
			return session.Session{}, fmt.Errorf("%d MFA codes in a row were not accepted for %s: %w", answer, name, session.ErrCodeRejected)
		}
	}
}

func (c *fakeCore) try(name, code string) (session.Session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.logins = append(c.logins, name+":"+code)
	return c.login(name, code)
}

func (c *fakeCore) Logout(name string) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.logouts = append(c.logouts, name)
	_, had := c.sessions[name]
	delete(c.sessions, name)
	return had, nil
}

func (c *fakeCore) LogoutAll() ([]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, p := range c.profiles {
		if _, ok := c.sessions[p.Name]; ok {
			out = append(out, p.Name)
			delete(c.sessions, p.Name)
		}
	}
	c.logouts = append(c.logouts, "*")
	return out, nil
}

// The keyed calls of the Core: the fake knows profiles only (the SSO
// tests run the real core against the Identity Center fake).
func (c *fakeCore) LoginKey(ctx context.Context, key session.Key, opts session.LoginOptions) (session.Session, error) {
	if key.Kind != session.ProfileLogin {
		return session.Session{}, errors.New("the fake core has no SSO sessions")
	}
	return c.Login(ctx, key.Name, opts)
}

func (c *fakeCore) LogoutKey(_ context.Context, key session.Key) (session.LogoutResult, error) {
	had, err := c.Logout(key.Name)
	return session.LogoutResult{Key: key, Removed: had}, err
}

func (c *fakeCore) LogoutEvery(context.Context) ([]session.LogoutResult, error) {
	names, err := c.LogoutAll()
	var out []session.LogoutResult
	for _, n := range names {
		out = append(out, session.LogoutResult{Key: session.ProfileKey(n), Removed: true})
	}
	return out, err
}

func (c *fakeCore) RenewDue(context.Context) ([]session.Renewal, error) { return nil, nil }

func (c *fakeCore) Paths() (string, string) { return c.cfgFile, c.credFile }

// reads returns how many times the files were read for a snapshot and for
// the key stores.
func (c *fakeCore) reads() (snapshots, keyReads int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.snapshots, c.keyReads
}

func (c *fakeCore) KeychainStatus(probe bool) ([]session.KeyLocation, error) {
	if probe {
		return nil, errors.New("the tray must not probe: it may prompt to unlock")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.keyReads++
	if c.storesErr != nil {
		return nil, c.storesErr
	}
	var out []session.KeyLocation
	for _, p := range c.profiles {
		st, ok := c.stores[p.Name]
		if !ok {
			st = session.KeysInFile
		}
		out = append(out, session.KeyLocation{Profile: p.Name, LongTerm: p.Name + "Perm", Store: st})
	}
	return out, nil
}

// KeychainImport runs importFn without holding the lock, so a test can
// block it and still read the menu.
func (c *fakeCore) KeychainImport(ctx context.Context, name string) error {
	c.mu.Lock()
	c.imports = append(c.imports, name)
	fn := c.importFn
	c.mu.Unlock()
	if fn != nil {
		if err := fn(ctx, name); err != nil {
			return err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stores[name] == session.KeysInKeychain {
		return fmt.Errorf("[%sPerm]: %w", name, session.ErrInKeychain)
	}
	c.stores[name] = session.KeysInKeychain
	return nil
}

func (c *fakeCore) importCalls() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.imports...)
}

func (c *fakeCore) calls() (logins, logouts []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.logins...), append([]string(nil), c.logouts...)
}

// ask is one open code dialog; the test answers it.
type ask struct {
	ctx                   context.Context
	profile, serial, hint string
	reply                 chan answer
	closed                chan struct{} // closed when AskCode has returned
}

type answer struct {
	code string
	err  error
}

type shownError struct{ title, text string }

// confirm is one open yes/no dialog; the test answers it.
type confirm struct {
	ctx         context.Context
	title, text string
	ok          string
	reply       chan answerYes
	closed      chan struct{}
}

type answerYes struct {
	yes bool
	err error
}

type fakeDialogs struct {
	hold     chan struct{} // when set, a canceled dialog waits for it to close
	asks     chan *ask
	errors   chan shownError
	confirms chan *confirm
}

func newFakeDialogs() *fakeDialogs {
	return &fakeDialogs{asks: make(chan *ask, 8), errors: make(chan shownError, 8), confirms: make(chan *confirm, 8)}
}

func (d *fakeDialogs) Confirm(ctx context.Context, title, text, ok string) (bool, error) {
	c := &confirm{ctx: ctx, title: title, text: text, ok: ok, reply: make(chan answerYes, 1), closed: make(chan struct{})}
	defer close(c.closed)
	d.confirms <- c
	select {
	case r := <-c.reply:
		return r.yes, r.err
	case <-ctx.Done():
		return false, fmt.Errorf("dialog: %w", session.ErrCanceled)
	}
}

func (d *fakeDialogs) AskCode(ctx context.Context, profile, serial, hint string) (string, error) {
	a := &ask{ctx: ctx, profile: profile, serial: serial, hint: hint, reply: make(chan answer, 1), closed: make(chan struct{})}
	defer close(a.closed)
	d.asks <- a
	select {
	case r := <-a.reply:
		return r.code, r.err
	case <-ctx.Done():
		if d.hold != nil {
			<-d.hold // a dialog slow to close
		}
		return "", fmt.Errorf("dialog: %w", session.ErrCanceled)
	}
}

func (d *fakeDialogs) ShowError(ctx context.Context, title, text string) error {
	d.errors <- shownError{title, text}
	return nil
}

type fakeTray struct {
	clicks chan string
	menus  chan Menu
}

func (t *fakeTray) Apply(m Menu)          { t.menus <- m }
func (t *fakeTray) Clicks() <-chan string { return t.clicks }

type note struct{ title, body string }

type fakeNotifier struct{ notes chan note }

func (n *fakeNotifier) Notify(title, body string) error {
	n.notes <- note{title, body}
	return nil
}

type fakeAutostart struct {
	mu      sync.Mutex
	st      autostart.Status
	enabled []string
}

func (f *fakeAutostart) Status() (autostart.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st, nil
}

func (f *fakeAutostart) Enable(exe string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.enabled = append(f.enabled, exe)
	f.st = autostart.Status{Enabled: true, Target: exe}
	return nil
}

func (f *fakeAutostart) Disable() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.st = autostart.Status{}
	return nil
}

// harness runs an App against fakes.
type harness struct {
	t       *testing.T
	app     *App
	clock   *fakeClock
	core    *fakeCore
	dlg     *fakeDialogs
	tray    *fakeTray
	notes   *fakeNotifier
	auto    *fakeAutostart
	runErr  chan error
	last    Menu
	handled chan handledRec
	busy    bool // a read was running or asked for after the last handled event
}

// handledRec is one event the loop handled, and whether a read of the
// files was then under way.
type handledRec struct {
	ev   Event
	busy bool
}

// settle waits until no read of the files is under way, so the menu shows
// the files as they are now.
func (h *harness) settle() {
	h.t.Helper()
	deadline := time.After(waitFor)
	for h.busy {
		select {
		case rec := <-h.handled:
			h.busy = rec.busy
		case <-deadline:
			h.t.Fatal("a read of the files never ended")
		}
	}
}

func newHarness(t *testing.T, names ...string) *harness {
	t.Helper()
	clock := &fakeClock{now: time.Date(2026, 11, 27, 9, 4, 0, 0, time.UTC)}
	h := &harness{
		t:       t,
		clock:   clock,
		core:    newFakeCore(clock, names...),
		dlg:     newFakeDialogs(),
		tray:    &fakeTray{clicks: make(chan string), menus: make(chan Menu, 256)},
		notes:   &fakeNotifier{notes: make(chan note, 16)},
		auto:    &fakeAutostart{},
		runErr:  make(chan error, 1),
		handled: make(chan handledRec, 256),
	}
	return h
}

func (h *harness) start(mod func(*Config)) {
	h.t.Helper()
	h.launch(mod)
	h.menu(func(Menu) bool { return true }, "first render")
}

// launch starts the app without waiting for its first menu (which a
// first read that never ends holds back).
func (h *harness) launch(mod func(*Config)) {
	h.t.Helper()
	cfg := Config{
		Core: h.core, Dialogs: h.dlg, Tray: h.tray, Notifier: h.notes, Autostart: h.auto,
		Exe: "/usr/bin/awsmfa-tray", Clock: h.clock, Locale: utf8, NotifyBefore: 10 * time.Minute,
		Location: time.UTC,
		After:    func(time.Duration) <-chan time.Time { return nil }, // tests post Tick
	}
	if mod != nil {
		mod(&cfg)
	}
	h.app = New(cfg)
	h.app.handled = func(ev Event) {
		// On the loop goroutine: the app's state may be read here.
		r := h.app.reads
		select {
		case h.handled <- handledRec{ev: ev, busy: r.running || r.pending}:
		default:
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { h.runErr <- h.app.Run(ctx) }()
	h.t.Cleanup(func() {
		cancel()
		select {
		case <-h.runErr:
		case <-time.After(waitFor):
			h.t.Error("Run did not return")
		}
	})
}

// click delivers a click the way the systray adapter does.
func (h *harness) click(id string) {
	h.t.Helper()
	select {
	case h.tray.clicks <- id:
	case <-time.After(waitFor):
		h.t.Fatalf("loop did not take click %s", id)
	}
}

// menu waits for an applied menu satisfying ok; the latest one seen
// counts.
func (h *harness) menu(ok func(Menu) bool, what string) Menu {
	h.t.Helper()
	if h.last.Items != nil && ok(h.last) {
		return h.last
	}
	deadline := time.After(waitFor)
	for {
		select {
		case m := <-h.tray.menus:
			h.last = m
			if ok(m) {
				return m
			}
		case <-deadline:
			h.t.Fatalf("no menu with %s; last:\n%s", what, visible(h.last))
		}
	}
}

func (h *harness) label(id string) func(Menu) bool {
	return func(m Menu) bool { it, _ := m.Item(id); return it.Label != "" }
}

func (h *harness) labelIs(id, want string) func(Menu) bool {
	return func(m Menu) bool { it, _ := m.Item(id); return it.Label == want }
}

// handledEvent waits until the loop has handled an event of type E,
// passing over other events.
func handledEvent[E Event](h *harness, failMsg string) E {
	h.t.Helper()
	deadline := time.After(waitFor)
	for {
		select {
		case rec := <-h.handled:
			h.busy = rec.busy
			if e, ok := rec.ev.(E); ok {
				return e
			}
		case <-deadline:
			h.t.Fatal(failMsg)
		}
	}
}

// await returns the next value on ch, or fails the test when none comes.
func await[T any](h *harness, ch <-chan T, failMsg string) T {
	h.t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitFor):
		h.t.Fatal(failMsg)
		var zero T
		return zero
	}
}

// loginDone waits until the loop has handled the end of a login flow.
func (h *harness) loginDone() LoginDone {
	h.t.Helper()
	return handledEvent[LoginDone](h, "login flow never ended")
}

func (h *harness) ask() *ask {
	h.t.Helper()
	return await(h, h.dlg.asks, "no code dialog opened")
}

func (h *harness) errorDialog() shownError {
	h.t.Helper()
	return await(h, h.dlg.errors, "no error dialog")
}

func (h *harness) note() note {
	h.t.Helper()
	return await(h, h.notes.notes, "no notification")
}

func (h *harness) noNote() {
	h.t.Helper()
	select {
	case n := <-h.notes.notes:
		h.t.Errorf("unexpected notification %q", n.title)
	default:
	}
}

// sync posts a Refresh and returns the menu it rendered: every event
// posted or click taken before it has then been handled. (A test that
// clicks "refresh" itself must not call sync before that Refresh is
// handled.)
func (h *harness) sync() Menu {
	h.t.Helper()
	h.app.Post(Refresh{})
	handledEvent[Refresh](h, "the Refresh posted by sync was never handled")
	h.settle()
	// The loop applied the menu before reporting the event: the newest one
	// buffered is the Refresh's.
	for {
		select {
		case m := <-h.tray.menus:
			h.last = m
		default:
			return h.last
		}
	}
}

// quit clicks Quit and waits for Run to return, without an error.
func (h *harness) quit() {
	h.t.Helper()
	h.click("quit")
	select {
	case err := <-h.runErr:
		if err != nil {
			h.t.Errorf("Run: %v", err)
		}
		h.runErr <- err // for the cleanup
	case <-time.After(waitFor):
		h.t.Fatal("Run did not return on Quit")
	}
}

func TestLoginSuccess(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.start(nil)
	h.click("login:myaccount")
	a := h.ask()
	if a.profile != "myaccount" || a.serial != "arn:aws:iam::123456789012:mfa/myaccount" || a.hint != "" {
		t.Errorf("dialog asked %+v", a)
	}
	a.reply <- answer{code: "123 456"}
	h.menu(h.labelIs("status:myaccount", "myaccount — active, 12h0m left"), "active label")
	if n := h.note(); n.title != "myaccount: logged in until 21:04" {
		t.Errorf("notification %q", n.title)
	}
	if logins, _ := h.core.calls(); len(logins) != 1 || logins[0] != "myaccount:123456" {
		t.Errorf("core logins %v", logins)
	}
	m := h.sync()
	if it, _ := m.Item("logout:myaccount"); !it.Enabled {
		t.Error("Logout myaccount hidden while a session exists")
	}
}

func TestLoginReasksOnBadEntry(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.start(nil)
	h.click("login:myaccount")
	h.ask().reply <- answer{code: "12ab56"}
	a := h.ask()
	if a.hint != session.AskMalformed.Hint() {
		t.Errorf("hint %q", a.hint)
	}
	if logins, _ := h.core.calls(); len(logins) != 0 {
		t.Errorf("core called with a bad code: %v", logins)
	}
	a.reply <- answer{code: "12345"}
	a = h.ask()
	if a.hint != session.AskMalformed.Hint() {
		t.Errorf("hint after short code %q", a.hint)
	}
	a.reply <- answer{code: "654321"}
	h.menu(h.labelIs("status:myaccount", "myaccount — active, 12h0m left"), "active label")
}

func TestLoginReasksOnRejectedCode(t *testing.T) {
	h := newHarness(t, "myaccount")
	calls := 0
	ok := h.core.login
	h.core.login = func(name, code string) (session.Session, error) {
		calls++
		if calls == 1 {
			return session.Session{}, fmt.Errorf("login myaccount: %w", session.ErrCodeRejected)
		}
		return ok(name, code)
	}
	h.start(nil)
	h.click("login:myaccount")
	h.ask().reply <- answer{code: "111111"}
	a := h.ask()
	if !strings.Contains(a.hint, "not accepted, wait for the next code") {
		t.Errorf("hint %q", a.hint)
	}
	a.reply <- answer{code: "222222"}
	h.menu(h.labelIs("status:myaccount", "myaccount — active, 12h0m left"), "active label")
	h.noErrorDialog() // a rejected code only asks again
}

func TestLoginOtherErrorShowsDialog(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.core.login = func(string, string) (session.Session, error) {
		return session.Session{}, errors.New("the long-term key is not valid: check [myaccountPerm]")
	}
	h.start(nil)
	h.click("login:myaccount")
	h.ask().reply <- answer{code: "123456"}
	if e := h.errorDialog(); e.title != "awsmfa — myaccount" || e.text != "The long-term key is not valid: check [myaccountPerm]" {
		t.Errorf("error dialog %+v", e)
	}
	m := h.sync()
	if it, _ := m.Item("status:myaccount"); it.Label != "myaccount — logged out" {
		t.Errorf("label %q", it.Label)
	}
	h.noNote()
}

func TestLoginErrorUnderCLocaleIsASCII(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.core.login = func(string, string) (session.Session, error) {
		return session.Session{}, errors.New("STS said \u201cno\u201d \u2014 try later")
	}
	h.start(func(c *Config) { c.Locale = locale.Locale{} })
	h.click("login:myaccount")
	h.ask().reply <- answer{code: "123456"}
	e := h.errorDialog()
	if e.title != "awsmfa - myaccount" || e.text != `STS said "no" - try later` {
		t.Errorf("error dialog %+v", e)
	}
}

func TestLoginCancelDoesNothing(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.start(nil)
	h.click("login:myaccount")
	h.ask().reply <- answer{err: fmt.Errorf("zenity: %w", session.ErrCanceled)}
	if d := h.loginDone(); !d.Canceled || d.Err != nil {
		t.Errorf("LoginDone %+v", d)
	}
	if logins, _ := h.core.calls(); len(logins) != 0 {
		t.Errorf("core called after cancel: %v", logins)
	}
	h.noNote()
	// The flow is over, so a new click opens a new dialog.
	h.click("login:myaccount")
	h.ask().reply <- answer{err: session.ErrCanceled}
}

func TestProblemProfileShowsSentence(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.core.profiles[0].Problem = errors.New("add mfa_serial = arn:aws:iam::ACCOUNT:mfa/NAME to [profile myaccountPerm] in ~/.aws/config")
	h.start(nil)
	h.menu(h.labelIs("status:myaccount", "myaccount — needs setup"), "needs setup")
	h.menu(h.labelIs("login:myaccount", "Set up myaccount…"), "the login item says what it does")
	h.click("login:myaccount")
	e := h.errorDialog()
	if !strings.HasPrefix(e.text, "Add mfa_serial") {
		t.Errorf("error text %q", e.text)
	}
	select {
	case a := <-h.dlg.asks:
		t.Errorf("code asked for a profile that needs setup: %+v", a)
	default:
	}
	h.core.mu.Lock()
	defer h.core.mu.Unlock()
	if len(h.core.logins) != 0 {
		t.Errorf("the core logged in a profile that needs setup: %v", h.core.logins)
	}
}

// TestClicksWhileDialogOpen: the loop keeps serving clicks while a code
// dialog is open, and a second "Login X" does not stack a dialog.
func TestClicksWhileDialogOpen(t *testing.T) {
	h := newHarness(t, "alpha", "beta")
	h.core.sessions["beta"] = h.clock.Now().Add(time.Hour)
	h.start(nil)
	h.click("login:alpha")
	a := h.ask()
	h.click("login:alpha") // ignored: alpha's dialog is open
	h.click("logout:beta")
	h.menu(h.labelIs("status:beta", "beta — logged out"), "beta logged out while alpha's dialog is open")
	h.click("login:beta") // another profile may open its own dialog
	b := h.ask()
	if b.profile != "beta" {
		t.Errorf("second dialog for %q", b.profile)
	}
	select {
	case extra := <-h.dlg.asks:
		t.Errorf("a second dialog for %s was stacked", extra.profile)
	default:
	}
	a.reply <- answer{code: "123456"}
	b.reply <- answer{err: session.ErrCanceled}
	h.menu(h.labelIs("status:alpha", "alpha — active, 12h0m left"), "alpha active")
}

func TestQuitCancelsOpenDialog(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.start(nil)
	h.click("login:myaccount")
	a := h.ask()
	h.quit()
	// Run waits for the dialog to close, so by now it has.
	select {
	case <-a.closed:
	default:
		t.Error("Run returned while the dialog was still open")
	}
	if a.ctx.Err() == nil {
		t.Error("dialog context not canceled")
	}
	if logins, _ := h.core.calls(); len(logins) != 0 {
		t.Errorf("core called: %v", logins)
	}
}

func TestLogoutAndLogoutAll(t *testing.T) {
	h := newHarness(t, "alpha", "beta")
	h.core.sessions["alpha"] = h.clock.Now().Add(time.Hour)
	h.core.sessions["beta"] = h.clock.Now().Add(2 * time.Hour)
	h.start(nil)
	h.click("logout:alpha")
	m := h.menu(h.labelIs("status:alpha", "alpha — logged out"), "alpha logged out")
	if it, _ := m.Item("logout:alpha"); it.Enabled {
		t.Error("Logout alpha still enabled")
	}
	if n := h.note(); n.title != "alpha: logged out" || n.body != session.RevocationNote {
		t.Errorf("notification %+v", n)
	}
	h.click("logout-all")
	m = h.menu(h.labelIs("status:beta", "beta — logged out"), "beta logged out")
	if it, _ := m.Item("logout-all"); it.Enabled {
		t.Error("Logout all enabled with no session")
	}
	if _, logouts := h.core.calls(); strings.Join(logouts, ",") != "alpha,*" {
		t.Errorf("logouts %v", logouts)
	}
}

func TestFilesChangedRerenders(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.start(nil)
	h.core.mu.Lock()
	h.core.sessions["myaccount"] = h.clock.Now().Add(3*time.Hour + 12*time.Minute)
	h.core.mu.Unlock()
	h.app.Post(FilesChanged{})
	h.menu(h.labelIs("status:myaccount", "myaccount — active, 3h12m left"), "label from the file")
}

// TestTicksAndExpiryNotices moves the clock instead of sleeping: the label
// counts down, the warning and the expiry notice each fire once, and a
// jump past the expiry (a laptop waking up) is noticed on the next tick.
func TestTicksAndExpiryNotices(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.core.sessions["myaccount"] = h.clock.Now().Add(15 * time.Minute)
	h.start(nil)
	h.menu(h.labelIs("status:myaccount", "myaccount — active, 15m left"), "15m")
	h.noNote()

	h.clock.Add(time.Minute)
	h.app.Post(Tick{})
	h.menu(h.labelIs("status:myaccount", "myaccount — active, 14m left"), "14m")

	h.clock.Add(5 * time.Minute) // 9m left: inside the 10m window
	h.app.Post(Tick{})
	m := h.menu(h.labelIs("status:myaccount", "myaccount — expiring in 9m"), "expiring")
	if m.Icon != OverallIcon(snapOf(status("x", session.Expiring, time.Minute))) {
		t.Errorf("icon %v", m.Icon)
	}
	if n := h.note(); !strings.Contains(n.title+n.body, "myaccount") {
		t.Errorf("warning %+v does not name the profile", n)
	}
	h.clock.Add(time.Minute)
	h.app.Post(Tick{})
	h.sync()
	h.noNote() // once per session

	h.clock.Add(2 * time.Hour) // slept past the expiry
	h.app.Post(Tick{})
	h.menu(h.labelIs("status:myaccount", "myaccount — expired"), "expired")
	if n := h.note(); !strings.Contains(n.title+n.body, "myaccount") {
		t.Errorf("expiry notice %+v does not name the profile", n)
	}
	h.app.Post(Tick{})
	h.sync()
	h.noNote()
}

func TestNoWarningWhenNotifyBeforeIsZero(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.core.sessions["myaccount"] = h.clock.Now().Add(15 * time.Minute)
	h.start(func(c *Config) { c.NotifyBefore = 0 })
	h.clock.Add(7 * time.Minute)
	h.app.Post(Tick{})
	h.menu(h.labelIs("status:myaccount", "myaccount — expiring in 8m"), "expiring")
	h.noNote()
}

func TestNextWake(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.clock.now = time.Date(2026, 11, 27, 9, 4, 30, 0, time.UTC)
	app := New(Config{Core: h.core, Clock: h.clock, NotifyBefore: 10 * time.Minute})
	if d := app.nextWake(); d < 30*time.Second || d > 31*time.Second {
		t.Errorf("idle wake in %v, want the next minute (30s)", d)
	}
	// A session entering its warning window in 10s wakes the loop then.
	h.core.sessions["myaccount"] = h.clock.Now().Add(10*time.Minute + 10*time.Second)
	app.snap, _ = h.core.Snapshot()
	if d := app.nextWake(); d < 10*time.Second || d > 11*time.Second {
		t.Errorf("wake in %v, want ~10s", d)
	}
}

func TestAutostartToggle(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.start(nil)
	h.click("autostart")
	m := h.menu(func(m Menu) bool { it, _ := m.Item(IDAutostart); return it.Checked }, "checked")
	if it, _ := m.Item(IDAutostart); it.Label != LabelAutostart {
		t.Errorf("label %q", it.Label)
	}
	if len(h.auto.enabled) != 1 || h.auto.enabled[0] != "/usr/bin/awsmfa-tray" {
		t.Errorf("Enable calls %v", h.auto.enabled)
	}
	h.click("autostart")
	h.menu(func(m Menu) bool { it, _ := m.Item(IDAutostart); return !it.Checked }, "unchecked")

	// A stale entry is repointed, not removed.
	h.auto.mu.Lock()
	h.auto.st = autostart.Status{Enabled: true, Stale: true, Target: "/old/awsmfa-tray"}
	h.auto.mu.Unlock()
	h.click("refresh")
	h.menu(func(m Menu) bool { it, _ := m.Item(IDAutostart); return strings.Contains(it.Label, "moved") }, "stale label")
	h.click("autostart")
	h.menu(func(m Menu) bool { it, _ := m.Item(IDAutostart); return it.Checked && it.Label == LabelAutostart }, "fixed")
	if len(h.auto.enabled) != 2 {
		t.Errorf("Enable calls %v", h.auto.enabled)
	}
}

func TestDemoCodeHint(t *testing.T) {
	h := newHarness(t, "demo-alice")
	h.start(func(c *Config) {
		c.CodeHint = func(p string) string { return "Demo: the current code is 123456." }
	})
	h.click("login:demo-alice")
	a := h.ask()
	if a.hint != "Demo: the current code is 123456." {
		t.Errorf("hint %q", a.hint)
	}
	a.reply <- answer{code: "1"}
	a = h.ask()
	if a.hint != session.AskMalformed.Hint()+"\nDemo: the current code is 123456." {
		t.Errorf("hint %q", a.hint)
	}
	a.reply <- answer{err: session.ErrCanceled}
}

// hungNotifier never returns: the app must not wait for it.
type hungNotifier struct{ called chan struct{} }

func (n hungNotifier) Notify(string, string) error {
	n.called <- struct{}{}
	select {}
}

func TestHungNotifierDoesNotBlock(t *testing.T) {
	h := newHarness(t, "alpha")
	hung := hungNotifier{called: make(chan struct{}, 4)}
	h.core.sessions["alpha"] = h.clock.Now().Add(time.Hour)
	h.start(func(c *Config) { c.Notifier = hung; c.NotifyTimeout = time.Millisecond })
	h.click("logout:alpha")
	<-hung.called
	h.click("login:alpha")
	h.ask().reply <- answer{code: "123456"}
	h.menu(h.labelIs("status:alpha", "alpha — active, 12h0m left"), "menu still live")
}
