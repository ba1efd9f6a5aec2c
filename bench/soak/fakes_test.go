package soak

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsmfa-tray/awsmfa-tray/bench/profilegen"
	"github.com/awsmfa-tray/awsmfa-tray/internal/fakeclock"
	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/tray"
)

// fakeTray records every menu the app applies and relays clicks.
type fakeTray struct {
	clicks chan string
	mu     sync.Mutex
	menus  int
	last   tray.Menu
}

func newFakeTray() *fakeTray { return &fakeTray{clicks: make(chan string)} }

func (t *fakeTray) Apply(m tray.Menu) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.menus++
	t.last = m
}

func (t *fakeTray) Clicks() <-chan string { return t.clicks }

func (t *fakeTray) applied() (int, tray.Menu) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.menus, t.last
}

// notice is one notification, classified by its title.
type notice struct {
	profile, kind string
}

// Notification kinds, from the texts in session/alerts.go and tray/app.go.
const (
	kLogin    = "logged in"
	kExpiring = "expiring"
	kExpired  = "expired"
	kLogout   = "logged out"
)

func classify(title string) notice {
	name, rest, _ := strings.Cut(title, ": ")
	switch {
	case strings.HasPrefix(rest, "logged in until "):
		return notice{name, kLogin}
	case strings.HasPrefix(rest, "session expires in "):
		return notice{name, kExpiring}
	case rest == "session expired":
		return notice{name, kExpired}
	case rest == "logged out":
		return notice{name, kLogout}
	}
	return notice{"", "unexpected: " + title}
}

// fakeNotifier records notifications.
type fakeNotifier struct {
	mu  sync.Mutex
	got []notice
}

func (n *fakeNotifier) Notify(title, body string) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.got = append(n.got, classify(title))
	return nil
}

func (n *fakeNotifier) all() []notice {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]notice(nil), n.got...)
}

// fakeDialogs types the current TOTP code, moving the shared clock to the
// next 30 s step first (STS refuses a step twice), or a wrong code when
// told to. Error dialogs are recorded and closed at once.
type fakeDialogs struct {
	clock *fakeclock.Clock
	mu    sync.Mutex
	wrong map[string]int // profile -> wrong codes still to type
	asks  int
	hints []string
	errs  []string
}

func (d *fakeDialogs) AskCode(ctx context.Context, profile, serial, hint string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.asks++
	if hint != "" {
		d.hints = append(d.hints, hint)
	}
	if err := ctx.Err(); err != nil {
		return "", session.ErrCanceled
	}
	d.clock.Advance(30 * time.Second)
	at := d.clock.Now()
	if d.wrong[profile] > 0 {
		d.wrong[profile]--
		at = at.Add(time.Hour) // a real code, for another time
	}
	return totp.Code(profilegen.TOTPSecret, at)
}

func (d *fakeDialogs) ShowError(ctx context.Context, title, text string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.errs = append(d.errs, title+": "+text)
	return nil
}

func (d *fakeDialogs) typeWrong(profile string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.wrong[profile]++
}

func (d *fakeDialogs) counts() (asks, errs int, hints []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.asks, len(d.errs), append([]string(nil), d.hints...)
}

func (d *fakeDialogs) lastError() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.errs) == 0 {
		return ""
	}
	return d.errs[len(d.errs)-1]
}

// quickRetries is the core's real STS client with its retries' back-off
// cut to a few milliseconds, so that hundreds of injected 5xx and
// throttling errors fit in a short soak. The attempts and the logic are
// the client's own.
type quickRetries struct{ session.STSAPI }

func (q quickRetries) GetSessionToken(ctx context.Context, in *sts.GetSessionTokenInput, optFns ...func(*sts.Options)) (*sts.GetSessionTokenOutput, error) {
	return q.STSAPI.GetSessionToken(ctx, in, append(optFns, func(o *sts.Options) {
		o.Retryer = retry.AddWithMaxBackoffDelay(o.Retryer, 5*time.Millisecond)
	})...)
}

func newQuickSTS(ctx context.Context, p session.Profile, k session.Keys) (session.STSAPI, error) {
	c, err := session.NewSTSClient(ctx, p, k)
	if err != nil {
		return nil, fmt.Errorf("sts client: %w", err)
	}
	return quickRetries{c}, nil
}
