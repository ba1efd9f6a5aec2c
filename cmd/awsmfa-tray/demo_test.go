package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/internal/ssofake"
	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/tray"
)

// demoDialogs types whatever code the dialog text shows, like a newcomer
// reading the demo dialog.
type demoDialogs struct {
	texts chan string
}

var codeInText = regexp.MustCompile(`the code is (\d{6})`)

func (d *demoDialogs) AskCode(ctx context.Context, profile, serial, hint string) (string, error) {
	d.texts <- hint
	m := codeInText.FindStringSubmatch(hint)
	if m == nil {
		return "", session.ErrCanceled
	}
	return m[1], nil
}

func (d *demoDialogs) ShowError(ctx context.Context, title, text string) error {
	d.texts <- "ERROR: " + text
	return nil
}

// Confirm says yes, like a newcomer trying "Move keys to keychain".
func (d *demoDialogs) Confirm(ctx context.Context, title, text, ok string) (bool, error) {
	d.texts <- "CONFIRM: " + text
	return true, nil
}

type chanTray struct {
	clicks chan string
	menus  chan tray.Menu
}

func (c *chanTray) Apply(m tray.Menu)     { c.menus <- m }
func (c *chanTray) Clicks() <-chan string { return c.clicks }

func waitLabel(t *testing.T, menus <-chan tray.Menu, id, prefix string) tray.Menu {
	t.Helper()
	deadline := time.After(10 * time.Second)
	last := ""
	for {
		select {
		case m := <-menus:
			it, _ := m.Item(id)
			last = it.Label
			if strings.HasPrefix(it.Label, prefix) {
				return m
			}
		case <-deadline:
			t.Fatalf("%s never became %q (last %q)", id, prefix, last)
		}
	}
}

// TestDemoLoginAndLogout runs the demo wiring with the real core and the
// STS fake: the dialog text carries a code that logs in, the session is
// short, and "Logout all" gives back the original credentials bytes.
func TestDemoLoginAndLogout(t *testing.T) {
	d, core, dlg, tr := startDemoApp(t, nil)
	if !strings.HasPrefix(os.Getenv("AWS_ENDPOINT_URL_STS"), "http://127.0.0.1:") {
		t.Fatalf("STS endpoint %q is not loopback", os.Getenv("AWS_ENDPOINT_URL_STS"))
	}
	orig, err := os.ReadFile(d.credentialsFile)
	if err != nil {
		t.Fatal(err)
	}

	waitLabel(t, tr.menus, "status:demo-alice", "demo-alice — logged out")
	tr.clicks <- "login:demo-alice"
	if text := nextText(t, dlg); !codeInText.MatchString(text) {
		t.Fatalf("demo dialog text %q shows no code", text)
	}
	m := waitLabel(t, tr.menus, "status:demo-alice", "demo-alice — active, 2m")
	if it, _ := m.Item("status:demo-bob"); it.Label != "demo-bob — logged out" {
		t.Errorf("bob: %q", it.Label)
	}
	cred, _ := os.ReadFile(d.credentialsFile)
	if !bytes.Contains(cred, []byte("[demo-alice]")) || !bytes.Contains(cred, []byte("aws_session_token")) {
		t.Fatalf("no session written:\n%s", cred)
	}
	st, err := core.Status("demo-alice")
	if err != nil {
		t.Fatal(err)
	}
	if left := time.Until(st.Expiration); left > demoSessionLifetime || left < demoSessionLifetime-time.Minute {
		t.Errorf("demo session lasts %v, want about %v", left, demoSessionLifetime)
	}

	tr.clicks <- "logout-all"
	waitLabel(t, tr.menus, "status:demo-alice", "demo-alice — logged out")
	after, _ := os.ReadFile(d.credentialsFile)
	if !bytes.Equal(after, orig) {
		t.Errorf("credentials after logout differ from the original:\n%s\n---\n%s", after, orig)
	}
}

func TestDemoStopRemovesFolder(t *testing.T) {
	restoreDemoEnv(t)
	d, err := startDemo(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	d.stop()
	if _, err := os.Stat(d.dir); !os.IsNotExist(err) {
		t.Errorf("demo folder still there: %v", err)
	}
}

// restoreDemoEnv has the test put back the variables startDemo sets.
func restoreDemoEnv(t *testing.T) {
	for _, k := range []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL_STS", "AWS_PROFILE",
		"AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_SSO"} {
		t.Setenv(k, "")
	}
}

// startDemoApp runs the demo wiring as main does: the real core over kc
// (nil: the demo's in-memory keychain), the STS fake, and the tray app.
func startDemoApp(t *testing.T, kc session.Keychain) (*demo, *session.Manager, *demoDialogs, *chanTray) {
	t.Helper()
	restoreDemoEnv(t)
	log := slog.New(slog.DiscardHandler)
	d, err := startDemo(log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.stop)
	if kc == nil {
		kc = d.keychain
	}
	core := session.New(session.Config{WarnBefore: demoNotifyBefore, Keychain: kc, SSO: d.ssoConfig()})
	dlg := &demoDialogs{texts: make(chan string, 8)}
	tr := &chanTray{clicks: make(chan string), menus: make(chan tray.Menu, 64)}
	app := tray.New(tray.Config{
		Core: core, Dialogs: dlg, Tray: tr, Locale: locale.Locale{UTF8: true},
		NotifyBefore: demoNotifyBefore, CodeHint: d.codeHint, Logger: log,
		OpenBrowser: (&ssofake.Browser{}).Open, SSORenewBefore: core.SSORefreshBefore(),
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); app.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return d, core, dlg, tr
}

func nextText(t *testing.T, dlg *demoDialogs) string {
	t.Helper()
	select {
	case s := <-dlg.texts:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no dialog")
		return ""
	}
}

// TestDemoMoveKeysToKeychain: in the demo, "Move keys to keychain" uses
// the demo's in-memory keychain (never the user's real one): the secret
// leaves the throwaway file, the lock shows, and login still works.
func TestDemoMoveKeysToKeychain(t *testing.T) {
	d, _, dlg, tr := startDemoApp(t, nil)
	m := waitLabel(t, tr.menus, "status:demo-alice", "demo-alice — logged out")
	if it, _ := m.Item("keychain:demo-alice"); !it.Enabled {
		t.Fatal("no move item for keys in the file")
	}
	tr.clicks <- "keychain:demo-alice"
	if text := nextText(t, dlg); !strings.HasPrefix(text, "CONFIRM: ") || !strings.Contains(text, "[demo-alicePerm]") {
		t.Fatalf("confirmation %q", text)
	}
	m = waitLabel(t, tr.menus, "status:demo-alice", "demo-alice [keychain] — logged out")
	if it, _ := m.Item("keychain:demo-alice"); it.Enabled {
		t.Error("move item still offered after the move")
	}
	if it, _ := m.Item("status:demo-bob"); it.Label != "demo-bob — logged out" {
		t.Errorf("bob: %q", it.Label)
	}
	cred, err := os.ReadFile(d.credentialsFile)
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := d.users["demo-alice"], d.users["demo-bob"]
	if bytes.Contains(cred, []byte(alice.SecretAccessKey)) || !bytes.Contains(cred, []byte("awsmfa_keychain = true")) {
		t.Errorf("alice's keys still in the file, or no marker:\n%s", cred)
	}
	if !bytes.Contains(cred, []byte(bob.SecretAccessKey)) {
		t.Error("bob's keys left the file too")
	}
	if k, err := d.keychain.Get("demo-alicePerm"); err != nil || k.SecretAccessKey != alice.SecretAccessKey {
		t.Errorf("demo keychain item: err %v, holds the secret %v", err, k.SecretAccessKey == alice.SecretAccessKey)
	}

	tr.clicks <- "login:demo-alice" // the keys now come from the keychain
	if text := nextText(t, dlg); !codeInText.MatchString(text) {
		t.Fatalf("demo dialog text %q shows no code", text)
	}
	waitLabel(t, tr.menus, "status:demo-alice", "demo-alice [keychain] — active, 2m")
}

// brokenKeychain is an OS keychain that is not there (no Secret Service).
type brokenKeychain struct{}

var errNoSecretService = errors.New("the name org.freedesktop.secrets was not provided by any .service files")

func (brokenKeychain) Get(string) (session.Keys, error) { return session.Keys{}, errNoSecretService }
func (brokenKeychain) Set(string, session.Keys) error   { return errNoSecretService }
func (brokenKeychain) Delete(string) error              { return errNoSecretService }

// TestKeychainUnavailable: with no keychain service, the move shows the
// core's sentence in an error dialog, the file is untouched and the app
// carries on.
func TestKeychainUnavailable(t *testing.T) {
	d, _, dlg, tr := startDemoApp(t, brokenKeychain{})
	waitLabel(t, tr.menus, "status:demo-alice", "demo-alice — logged out")
	orig, err := os.ReadFile(d.credentialsFile)
	if err != nil {
		t.Fatal(err)
	}
	tr.clicks <- "keychain:demo-alice"
	if text := nextText(t, dlg); !strings.HasPrefix(text, "CONFIRM: ") {
		t.Fatalf("confirmation %q", text)
	}
	text := nextText(t, dlg)
	t.Logf("error dialog: %s", text)
	if !strings.HasPrefix(text, "ERROR: ") || !strings.Contains(text, "keychain") || !strings.Contains(text, "org.freedesktop.secrets") {
		t.Errorf("error dialog %q", text)
	}
	if u := d.users["demo-alice"]; strings.Contains(text, u.SecretAccessKey) || strings.Contains(text, u.AccessKeyID) {
		t.Error("the error dialog shows a key")
	}
	if after, _ := os.ReadFile(d.credentialsFile); !bytes.Equal(after, orig) {
		t.Errorf("credentials changed by a failed move:\n%s", after)
	}
	tr.clicks <- "login:demo-alice" // still alive
	if text := nextText(t, dlg); !codeInText.MatchString(text) {
		t.Fatalf("demo dialog text %q shows no code", text)
	}
	m := waitLabel(t, tr.menus, "status:demo-alice", "demo-alice — active, 2m")
	if it, _ := m.Item("keychain:demo-alice"); !it.Enabled {
		t.Error("move item disabled though the keys stayed in the file")
	}
}

// TestDemoCodeStaysGood: the code the dialog showed still logs in when it
// is typed minutes later (the dialog cannot refresh its text), and the
// demo's notification does not send the user to AWS_PROFILE in a shell
// that cannot see the demo's files.
func TestDemoCodeStaysGood(t *testing.T) {
	restoreDemoEnv(t)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	d, err := startDemo(slog.New(slog.DiscardHandler), stsfake.WithClock(clock))
	if err != nil {
		t.Fatal(err)
	}
	defer d.stop()
	m := codeInText.FindStringSubmatch(d.codeHint("demo-alice"))
	if m == nil {
		t.Fatalf("hint %q shows no code", d.codeHint("demo-alice"))
	}
	mu.Lock()
	now = now.Add(2*time.Minute + 30*time.Second) // typed much later
	mu.Unlock()
	core := session.New(session.Config{WarnBefore: demoNotifyBefore, Keychain: d.keychain})
	if _, err := core.Login(context.Background(), "demo-alice", session.LoginOptions{TokenCode: m[1], Force: true}); err != nil {
		t.Fatalf("the code shown 2.5 minutes ago: %v", err)
	}
	// A code used once is still refused.
	if _, err := core.Login(context.Background(), "demo-alice", session.LoginOptions{TokenCode: m[1], Force: true}); !errors.Is(err, session.ErrCodeRejected) {
		t.Fatalf("the same code again: %v, want it refused", err)
	}
	if h := d.loginHint("demo-alice"); strings.Contains(h, "AWS_PROFILE=") || !strings.Contains(h, d.dir) {
		t.Errorf("login hint %q", h)
	}
}

func TestTransientBinary(t *testing.T) {
	for exe, refused := range map[string]bool{
		"/tmp/go-build1234567/b001/exe/awsmfa-tray":                         true,
		`C:\Users\a\AppData\Local\Temp\go-build99\b001\exe\awsmfa-tray.exe`: true,
		"/usr/bin/awsmfa-tray":                                              false,
		"/home/a/go/bin/awsmfa-tray":                                        false,
		"/home/a/src/go-builder/exe/awsmfa-tray":                            false,
	} {
		if got := transientBinary(exe) != ""; got != refused {
			t.Errorf("%s: refused %v, want %v", exe, got, refused)
		}
	}
}

// TestDemoSSOSignIn: the demo's SSO session signs in at its local fake
// (a person clicks Allow in the browser; here the scripted browser does),
// and the token stays in the demo folder, never in ~/.aws/sso/cache.
func TestDemoSSOSignIn(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	d, core, _, tr := startDemoApp(t, nil)
	waitLabel(t, tr.menus, "sso-status:"+demoSSOSession, demoSSOSession+" (SSO) — logged out")
	tr.clicks <- "sso-login:" + demoSSOSession
	waitLabel(t, tr.menus, "sso-status:"+demoSSOSession, demoSSOSession+" (SSO) — active, 4m left, renews itself")
	st, err := core.SSOStatusOf(demoSSOSession)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(st.Session.TokenFile, d.dir+string(os.PathSeparator)) {
		t.Errorf("the demo token is at %s, outside the demo folder", st.Session.TokenFile)
	}
	if _, err := os.Stat(st.Session.TokenFile); err != nil {
		t.Errorf("no demo token: %v", err)
	}
	if _, err := os.Stat(filepath.Join(home, ".aws")); !os.IsNotExist(err) {
		t.Errorf("the demo wrote under HOME: %v", err)
	}
}
