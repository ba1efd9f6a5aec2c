package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/tray"
)

// demoDialogs types whatever code the dialog text shows, like a newcomer
// reading the demo dialog.
type demoDialogs struct {
	texts chan string
}

var codeInText = regexp.MustCompile(`current code is (\d{6})`)

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
	for _, k := range []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL_STS", "AWS_PROFILE"} {
		t.Setenv(k, "") // restored after the test; startDemo sets them
	}
	log := slog.New(slog.DiscardHandler)
	d, err := startDemo(log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.stop)
	if !strings.HasPrefix(os.Getenv("AWS_ENDPOINT_URL_STS"), "http://127.0.0.1:") {
		t.Fatalf("STS endpoint %q is not loopback", os.Getenv("AWS_ENDPOINT_URL_STS"))
	}
	orig, err := os.ReadFile(d.credentialsFile)
	if err != nil {
		t.Fatal(err)
	}

	core := session.New(session.Config{WarnBefore: demoNotifyBefore})
	dlg := &demoDialogs{texts: make(chan string, 8)}
	tr := &chanTray{clicks: make(chan string), menus: make(chan tray.Menu, 64)}
	app := tray.New(tray.Config{
		Core: core, Dialogs: dlg, Tray: tr, Locale: tray.Locale{UTF8: true},
		NotifyBefore: demoNotifyBefore, CodeHint: d.codeHint, Logger: log,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); app.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	waitLabel(t, tr.menus, "status:demo-alice", "demo-alice — logged out")
	tr.clicks <- "login:demo-alice"
	if text := <-dlg.texts; !codeInText.MatchString(text) {
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
	for _, k := range []string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL_STS"} {
		t.Setenv(k, "")
	}
	d, err := startDemo(slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	d.stop()
	if _, err := os.Stat(d.dir); !os.IsNotExist(err) {
		t.Errorf("demo folder still there: %v", err)
	}
}
