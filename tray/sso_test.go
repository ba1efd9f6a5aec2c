package tray

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/ssofake"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// The tray's SSO part runs here against the real core and the Identity
// Center fake on loopback, on the harness's fake clock: the core reads
// and writes real files in a temp folder, and only the dialogs, the tray
// and the notifications are fakes.

const ssoConfig = `[sso-session acme]
sso_start_url = https://acme.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = acme
sso_account_id = 222233334444
sso_role_name = Developer
region = eu-west-1

[profile myaccountPerm]
mfa_serial = arn:aws:iam::111122223333:mfa/alice
[profile myaccount]
region = eu-west-1
`

// ssoWorld is the files, the fake and the core of one test.
type ssoWorld struct {
	t        *testing.T
	dir      string
	cfg      string
	cred     string
	cache    string
	fake     *ssofake.Server
	core     *session.Manager
	browser  *ssofake.Browser
	gate     chan struct{} // when set, the browser waits for it before approving
	openMu   sync.Mutex
	opened   int
	openFail error // when set, no browser opens (the device-code fallback)
}

func newSSOWorld(t *testing.T, h *harness, config string, opts ...ssofake.Option) *ssoWorld {
	t.Helper()
	w := &ssoWorld{t: t, dir: t.TempDir(), browser: &ssofake.Browser{}}
	w.cfg = filepath.Join(w.dir, "config")
	w.cred = filepath.Join(w.dir, "credentials")
	w.cache = filepath.Join(w.dir, "sso", "cache")
	if err := os.WriteFile(w.cfg, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(w.cred, []byte("[myaccountPerm]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w.fake = ssofake.NewTest(t, append([]ssofake.Option{ssofake.WithClock(h.clock.Now)}, opts...)...)
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_CA_BUNDLE"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_ENDPOINT_URL_SSO_OIDC", w.fake.URL)
	t.Setenv("AWS_ENDPOINT_URL_SSO", w.fake.URL)
	w.core = session.New(session.Config{ConfigFile: w.cfg, CredentialsFile: w.cred, Clock: h.clock, WarnBefore: 10 * time.Minute,
		SSO: session.SSOConfig{CacheDir: w.cache, CLICacheDir: filepath.Join(w.dir, "cli"), LoginTimeout: time.Minute, PollInterval: 10 * time.Millisecond}})
	return w
}

// open is the tray's browser opener: the scripted browser approves.
func (w *ssoWorld) open(ctx context.Context, url string) error {
	w.openMu.Lock()
	w.opened++
	fail, gate := w.openFail, w.gate
	w.openMu.Unlock()
	if fail != nil {
		return fail
	}
	go func() {
		if gate != nil {
			select {
			case <-gate:
			case <-ctx.Done():
				return
			}
		}
		w.browser.Open(ctx, url)
	}()
	return nil
}

func (w *ssoWorld) opens() int {
	w.openMu.Lock()
	defer w.openMu.Unlock()
	return w.opened
}

func (w *ssoWorld) tokenPath() string {
	snap, err := w.core.SSOSessions()
	if err != nil || len(snap.Sessions) == 0 {
		w.t.Fatalf("no SSO session: %v", err)
	}
	return snap.Sessions[0].Session.TokenFile
}

func (w *ssoWorld) token() map[string]string {
	w.t.Helper()
	b, err := os.ReadFile(w.tokenPath())
	if err != nil {
		w.t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		w.t.Fatal(err)
	}
	return m
}

func (w *ssoWorld) setToken(field, value string) {
	w.t.Helper()
	m := w.token()
	m[field] = value
	b, _ := json.Marshal(m)
	if err := os.WriteFile(w.tokenPath(), b, 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// ssoDialogs are the fake dialogs plus the sign-in dialog and Raise.
type ssoDialogs struct {
	*fakeDialogs
	prompts chan *ssoPromptAsk
	raised  chan string
}

type ssoPromptAsk struct {
	ctx    context.Context
	p      session.SSOPrompt
	reply  chan answerYes // yes: open again
	closed chan struct{}
}

func (d *ssoDialogs) ShowSSOPrompt(ctx context.Context, p session.SSOPrompt) (bool, error) {
	a := &ssoPromptAsk{ctx: ctx, p: p, reply: make(chan answerYes, 1), closed: make(chan struct{})}
	defer close(a.closed)
	d.prompts <- a
	select {
	case r := <-a.reply:
		return r.yes, r.err
	case <-ctx.Done():
		return false, fmt.Errorf("dialog: %w", session.ErrCanceled)
	}
}

func (d *ssoDialogs) Raise(name string) error {
	d.raised <- name
	return nil
}

// startSSO runs the app on w's core.
func startSSO(t *testing.T, h *harness, w *ssoWorld, mod func(*Config)) *ssoDialogs {
	t.Helper()
	d := &ssoDialogs{fakeDialogs: h.dlg, prompts: make(chan *ssoPromptAsk, 8), raised: make(chan string, 8)}
	h.start(func(c *Config) {
		c.Core, c.Dialogs, c.OpenBrowser = w.core, d, w.open
		c.SSORenewBefore = w.core.SSORefreshBefore()
		if mod != nil {
			mod(c)
		}
	})
	h.settle()
	return d
}

func ssoLabel(m Menu) string {
	it, _ := m.Item(IDSSOStatusPrefix + "acme")
	return it.Label
}

func labelHas(id, part string) func(Menu) bool {
	return func(m Menu) bool { it, _ := m.Item(id); return strings.Contains(it.Label, part) }
}

// noNotes fails if a notification came.
func (h *harness) noNotes(what string) {
	h.t.Helper()
	select {
	case n := <-h.notes.notes:
		h.t.Errorf("%s: notified %q / %q", what, n.title, n.body)
	default:
	}
}

// signIn clicks Login acme and lets the scripted browser approve.
func (h *harness) signIn(w *ssoWorld, d *ssoDialogs) session.Session {
	h.t.Helper()
	h.click(IDSSOLoginPrefix + "acme")
	p := await(h, d.prompts, "no sign-in dialog")
	if !p.p.Opened || !strings.Contains(p.p.URL, "/authorize?") {
		h.t.Fatalf("prompt %+v", p.p)
	}
	done := handledEvent[SSOLoginDone](h, "the sign-in never ended")
	if done.Err != nil || done.Canceled {
		h.t.Fatalf("sign-in: %+v", done)
	}
	await(h, p.closed, "the sign-in dialog stayed open after the sign-in")
	return done.Result
}

func TestSSOSessionOnTheMenu(t *testing.T) {
	h := newHarness(t)
	w := newSSOWorld(t, h, ssoConfig)
	startSSO(t, h, w, nil)
	m := h.menu(h.labelIs(IDSSOStatusPrefix+"acme", "acme (SSO) — logged out"), "the SSO session")
	want := []string{"myaccount — logged out", "Login myaccount", "Logout myaccount (disabled)", "Move myaccount keys to keychain…", "---",
		"acme (SSO) — logged out", "Profiles: dev (disabled)", "Login acme", "Logout acme (disabled)", "---",
		"Logout all (disabled)", "[ ] Start at login", "Refresh", "---", "Quit", ""}
	if got := visible(m); got != strings.Join(want, "\n") {
		t.Errorf("menu:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if it, _ := m.Item(IDSSOLogoutPrefix + "acme"); it.Enabled {
		t.Error("Logout acme enabled with no token")
	}
	if it, _ := m.Item(IDSSOProfilesPrefix + "acme"); it.Enabled || !strings.Contains(it.Tooltip, "222233334444 Developer") {
		t.Errorf("profiles line %+v", it)
	}
}

// Login acme opens the browser once; a second click while the sign-in
// runs raises its dialog and starts nothing; then the token is written,
// the row says active and the profiles' hint comes as a notice.
func TestSSOLoginOnce(t *testing.T) {
	h := newHarness(t)
	w := newSSOWorld(t, h, ssoConfig)
	w.gate = make(chan struct{})
	d := startSSO(t, h, w, nil)
	h.click(IDSSOLoginPrefix + "acme")
	p := await(h, d.prompts, "no sign-in dialog")
	handledEvent[SSOPromptShown](h, "the dialog was not reported")
	h.menu(h.labelIs(IDSSOStatusPrefix+"acme", "acme (SSO) — signing in…"), "signing in")
	h.click(IDSSOLoginPrefix + "acme")
	if got := await(h, d.raised, "the second click raised nothing"); got != "acme (SSO)" {
		t.Errorf("raised %q", got)
	}
	h.click(IDSSOStatusPrefix + "acme") // the state line does the same
	await(h, d.raised, "a click on the state line raised nothing")
	close(w.gate)
	done := handledEvent[SSOLoginDone](h, "the sign-in never ended")
	if done.Err != nil || done.Result.SSOFlow != session.SSOAuthCode {
		t.Fatalf("sign-in: %+v", done)
	}
	await(h, p.closed, "the dialog stayed open")
	h.settle()
	h.menu(labelHas(IDSSOStatusPrefix+"acme", "acme (SSO) — active, 1h0m left, renews itself"), "active")
	n := await(h, h.notes.notes, "no notice")
	if n.title != "acme (SSO): logged in until 10:04" || n.body != "Use it with AWS_PROFILE=dev or --profile dev." {
		t.Errorf("notice %q / %q", n.title, n.body)
	}
	if r, a, o := w.fake.CountCalls("RegisterClient", ""), w.fake.CountCalls("Authorize", ""), w.opens(); r != 1 || a != 1 || o != 1 {
		t.Errorf("RegisterClient %d, Authorize %d, browser opened %d times; want 1 each", r, a, o)
	}
	select {
	case p := <-d.prompts:
		t.Errorf("a second dialog: %+v", p.p)
	default:
	}
	if tok := w.token(); tok["refreshToken"] == "" || tok["startUrl"] != ssofake.DefaultStartURL {
		t.Error("the token file lacks the CLI's fields")
	}
}

// A token minutes from expiry is renewed on the tick, with no browser and
// no notice; one whose sign-in has ended gets the notice and asks for a
// sign-in.
func TestSSORenewsOnTheTick(t *testing.T) {
	h := newHarness(t)
	w := newSSOWorld(t, h, ssoConfig)
	d := startSSO(t, h, w, nil)
	first := h.signIn(w, d)
	await(h, h.notes.notes, "no logged-in notice")
	h.settle()

	h.clock.Add(first.Expiration.Sub(h.clock.Now()) - 5*time.Minute)
	h.app.Post(Tick{})
	r := handledEvent[RenewDone](h, "no renewal on the tick")
	if r.Err != nil || len(r.Renewals) != 1 || r.Renewals[0].Err != nil {
		t.Fatalf("renewal: %+v", r)
	}
	h.settle()
	h.menu(labelHas(IDSSOStatusPrefix+"acme", "active, 1h0m left, renews itself"), "renewed")
	if n := w.fake.CountCalls("CreateToken", "refresh_token"); n != 1 || w.opens() != 1 {
		t.Errorf("%d refreshes, browser opened %d times", n, w.opens())
	}
	h.noNotes("a renewal with no browser")

	// The sign-in ends at IAM Identity Center: the next renewal is refused,
	// and the notice says a sign-in is needed.
	w.fake.EndSessions()
	h.clock.Add(r.Renewals[0].Session.Expiration.Sub(h.clock.Now()) - 5*time.Minute)
	h.app.Post(Tick{})
	r = handledEvent[RenewDone](h, "no renewal on the second tick")
	if len(r.Renewals) != 1 || !errors.Is(r.Renewals[0].Err, session.ErrSSOLoginRequired) {
		t.Fatalf("renewal after the sign-in ended: %+v", r)
	}
	h.settle()
	h.app.Post(Tick{})
	n := await(h, h.notes.notes, "no notice once only a sign-in helps")
	if n.title != "acme (SSO): login expires in 5m" || !strings.Contains(n.body, `"Login acme" in the tray menu`) {
		t.Errorf("notice %q / %q", n.title, n.body)
	}
	h.menu(h.labelIs(IDSSOStatusPrefix+"acme", "acme (SSO) — expiring in 5m"), "expiring, no longer renewing itself")
	if w.opens() != 1 {
		t.Errorf("the browser opened %d times", w.opens())
	}
}

// A token whose client registration has expired cannot renew: the notice
// comes in the warning window and nothing is tried.
func TestSSOExpiredRegistrationNotifies(t *testing.T) {
	h := newHarness(t)
	w := newSSOWorld(t, h, ssoConfig)
	d := startSSO(t, h, w, nil)
	h.signIn(w, d)
	await(h, h.notes.notes, "no logged-in notice")
	w.setToken("registrationExpiresAt", h.clock.Now().Add(-time.Hour).UTC().Format(time.RFC3339))
	w.setToken("expiresAt", h.clock.Now().Add(4*time.Minute).UTC().Format(time.RFC3339))
	h.app.Post(Refresh{})
	h.settle()
	n := await(h, h.notes.notes, "no notice")
	if n.title != "acme (SSO): login expires in 4m" {
		t.Errorf("notice %q", n.title)
	}
	if c := w.fake.CountCalls("CreateToken", "refresh_token"); c != 0 {
		t.Errorf("%d refreshes with an expired registration", c)
	}
	h.menu(h.labelIs(IDSSOStatusPrefix+"acme", "acme (SSO) — expiring in 4m"), "expiring")
}

// Where no browser opens, the dialog shows the address and the code;
// Cancel ends the sign-in and nothing is written.
func TestSSODeviceCodeCancel(t *testing.T) {
	h := newHarness(t)
	w := newSSOWorld(t, h, ssoConfig)
	w.openFail = errors.New("no web browser can be opened here")
	d := startSSO(t, h, w, nil)
	h.click(IDSSOLoginPrefix + "acme")
	p := await(h, d.prompts, "no sign-in dialog")
	if p.p.UserCode == "" || !strings.Contains(p.p.URL, p.p.UserCode) || p.p.Opened || !strings.Contains(p.p.Fallback, "no browser could be opened") {
		t.Fatalf("prompt %+v", p.p)
	}
	p.reply <- answerYes{err: fmt.Errorf("dialog: %w", session.ErrCanceled)}
	done := handledEvent[SSOLoginDone](h, "the sign-in never ended")
	if !done.Canceled || done.Err != nil {
		t.Fatalf("done %+v", done)
	}
	h.settle()
	h.menu(h.labelIs(IDSSOStatusPrefix+"acme", "acme (SSO) — logged out"), "logged out again")
	entries, _ := os.ReadDir(w.cache)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".lock") {
			t.Errorf("the cache holds %s after a canceled sign-in", e.Name())
		}
	}
	select {
	case e := <-h.dlg.errors:
		t.Errorf("an error dialog after Cancel: %+v", e)
	default:
	}
	h.noNotes("a canceled sign-in")
}

// A token file that is not JSON is shown, left alone, and replaced only
// when the user says so.
func TestSSOUnreadableTokenFile(t *testing.T) {
	h := newHarness(t)
	w := newSSOWorld(t, h, ssoConfig)
	if err := os.MkdirAll(w.cache, 0o700); err != nil {
		t.Fatal(err)
	}
	path := w.tokenPath()
	if err := os.WriteFile(path, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := startSSO(t, h, w, nil)
	m := h.menu(h.labelIs(IDSSOStatusPrefix+"acme", "acme (SSO) — token file unreadable"), "the problem")
	if it, _ := m.Item(IDSSOStatusPrefix + "acme"); !strings.Contains(it.Tooltip, "is not a JSON object") {
		t.Errorf("tooltip %q", it.Tooltip)
	}
	h.click(IDSSOLoginPrefix + "acme")
	c := await(h, h.dlg.confirms, "no question")
	if c.ok != SSOReplaceOK || !strings.Contains(c.text, "is not a JSON object") {
		t.Errorf("question %q / %q", c.ok, c.text)
	}
	c.reply <- answerYes{yes: false}
	if done := handledEvent[SSOLoginDone](h, "no end"); !done.Canceled {
		t.Errorf("done %+v", done)
	}
	if b, _ := os.ReadFile(path); string(b) != "not json" || w.opens() != 0 {
		t.Fatalf("the file changed to %q, or a browser opened (%d)", b, w.opens())
	}
	// Yes: a new sign-in replaces it.
	h.click(IDSSOLoginPrefix + "acme")
	await(h, h.dlg.confirms, "no question").reply <- answerYes{yes: true}
	await(h, d.prompts, "no sign-in dialog")
	if done := handledEvent[SSOLoginDone](h, "no end"); done.Err != nil || done.Canceled {
		t.Fatalf("done %+v", done)
	}
	if tok := w.token(); tok["accessToken"] == "" {
		t.Error("no token after the replacement")
	}
}

// A profile naming a missing sso-session: its sentence on the menu and
// in the error dialog Login shows.
func TestSSOMissingSection(t *testing.T) {
	h := newHarness(t)
	w := newSSOWorld(t, h, "[profile dev]\nsso_session = nosuch\nsso_account_id = 222233334444\nsso_role_name = Developer\n")
	startSSO(t, h, w, nil)
	m := h.menu(h.labelIs(IDSSOStatusPrefix+"nosuch", "nosuch (SSO) — needs setup"), "needs setup")
	if it, _ := m.Item(IDSSOStatusPrefix + "nosuch"); !strings.Contains(it.Tooltip, "has no [sso-session nosuch]") {
		t.Errorf("tooltip %q", it.Tooltip)
	}
	h.click(IDSSOLoginPrefix + "nosuch")
	e := await(h, h.dlg.errors, "no error dialog")
	if e.title != "awsmfa — nosuch (SSO)" || !strings.Contains(e.text, "add that section with sso_start_url and sso_region") {
		t.Errorf("error %+v", e)
	}
}

// Logout acme ends the sign-in; Logout all, with an MFA session active
// too, asks first and covers both.
func TestSSOLogoutAndLogoutAll(t *testing.T) {
	h := newHarness(t)
	w := newSSOWorld(t, h, ssoConfig)
	d := startSSO(t, h, w, nil)
	h.signIn(w, d)
	await(h, h.notes.notes, "no logged-in notice")
	h.settle()
	h.click(IDSSOLogoutPrefix + "acme")
	n := await(h, h.notes.notes, "no logout notice")
	if n.title != "acme (SSO): logged out" || n.body != "The sign-in was ended at the access portal and its token removed." {
		t.Errorf("notice %q / %q", n.title, n.body)
	}
	if _, err := os.Stat(w.tokenPath()); !os.IsNotExist(err) {
		t.Errorf("token still there: %v", err)
	}

	h.signIn(w, d)
	await(h, h.notes.notes, "no logged-in notice")
	cred, _ := os.ReadFile(w.cred)
	exp := h.clock.Now().Add(3 * time.Hour).UTC().Format(time.RFC3339)
	cred = append(cred, []byte("\n[myaccount]\naws_access_key_id = ASIAIOSFODNN7EXAMPLE\naws_secret_access_key = x\naws_session_token = y\nexpiration = "+exp+"\n")...)
	if err := os.WriteFile(w.cred, cred, 0o600); err != nil {
		t.Fatal(err)
	}
	h.app.Post(Refresh{})
	h.settle()
	h.menu(labelHas(IDStatusPrefix+"myaccount", "active"), "the MFA session")
	h.click(IDLogoutAll)
	c := await(h, h.dlg.confirms, "Logout all did not ask")
	if !strings.HasPrefix(c.text, "Log out of 2 active sessions (myaccount and acme (SSO))?") || !strings.Contains(c.text, "SSO sign-ins are ended at the access portal") {
		t.Errorf("question %q", c.text)
	}
	c.reply <- answerYes{yes: true}
	n = await(h, h.notes.notes, "no logout notice")
	if n.title != "Logged out of 2 sessions" {
		t.Errorf("notice %q / %q", n.title, n.body)
	}
	h.settle()
	m := h.menu(h.labelIs(IDSSOStatusPrefix+"acme", "acme (SSO) — logged out"), "all logged out")
	if it, _ := m.Item(IDStatusPrefix + "myaccount"); it.Label != "myaccount — logged out" {
		t.Errorf("myaccount: %q", it.Label)
	}
}

// A token that lives less than the renewal window is renewed once a
// minute at most, not on every render.
func TestSSOShortTokensRenewOnceAMinute(t *testing.T) {
	h := newHarness(t)
	w := newSSOWorld(t, h, ssoConfig, ssofake.WithAccessTokenTTL(3*time.Minute))
	d := startSSO(t, h, w, nil)
	h.signIn(w, d)
	handledEvent[RenewDone](h, "a 3-minute token was not renewed")
	h.settle()
	h.app.Post(Refresh{})
	handledEvent[Refresh](h, "Refresh not handled")
	h.settle()
	h.app.Post(Tick{})
	handledEvent[Tick](h, "Tick not handled")
	h.settle()
	if n := w.fake.CountCalls("CreateToken", "refresh_token"); n != 1 {
		t.Fatalf("%d renewals within the minute, want 1", n)
	}
	h.clock.Add(time.Minute)
	h.app.Post(Tick{})
	handledEvent[RenewDone](h, "no renewal a minute later")
	if n := w.fake.CountCalls("CreateToken", "refresh_token"); n != 2 {
		t.Fatalf("%d renewals, want 2", n)
	}
}

// The SSO expiry notices take the MFA notices' path: a warning or an
// expired login stays under the session's key with Renew (a sign-in);
// the summary at start has a key apart from the MFA sessions' summary.
func TestSSOExpiryNoticeStaysWithRenew(t *testing.T) {
	for _, kind := range []session.NoticeKind{session.NoticeExpiring, session.NoticeExpired} {
		n := ssoExpiryNotice(session.Notice{SSOSession: "acme", Kind: kind, Title: "t", Body: "b"})
		if n.Key != SSOSessionKey("acme") || !n.Stay || len(n.Actions) != 2 {
			t.Fatalf("%v: %+v", kind, n)
		}
		for _, act := range n.Actions {
			if act.Then != (SSOLoginClicked{Session: "acme"}) {
				t.Errorf("%v: action %q does %#v", kind, act.ID, act.Then)
			}
		}
	}
	sum := ssoExpiryNotice(session.Notice{Kind: session.NoticeSummary, Title: "1 expired SSO login"})
	if sum.Stay || sum.Key == "" || sum.Key == expiryNotice(session.Notice{Kind: session.NoticeSummary}).Key {
		t.Errorf("summary %+v", sum)
	}
}
