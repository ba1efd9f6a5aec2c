package tray

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/localchan"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// requestAsync runs RequestLogin in a goroutine and returns its result.
func requestAsync(h *harness, ctx context.Context, profile, forRole string) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- h.app.RequestLogin(ctx, profile, forRole) }()
	return ch
}

// A request over the local channel opens the code dialog, naming the role
// that asked; a second request for the same profile joins it (one dialog,
// one login), and both learn the outcome.
func TestRequestsJoinOneLogin(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.start(nil)
	first := requestAsync(h, context.Background(), "myaccount", "prod-admin")
	a := h.ask()
	handledEvent[LoginRequested](h, "the first request was not handled")
	if a.profile != "myaccount" || !strings.Contains(a.hint, "Needed by prod-admin: its role is assumed with this session.") {
		t.Errorf("dialog %+v", a)
	}
	second := requestAsync(h, context.Background(), "myaccount", "dev-ro")
	handledEvent[LoginRequested](h, "the second request was not handled")
	select {
	case extra := <-h.dlg.asks:
		t.Fatalf("a second dialog for %s", extra.profile)
	default:
	}
	a.reply <- answer{code: "12345"} // malformed: asked again, now naming both
	a = h.ask()
	if a.hint != session.AskMalformed.Hint()+"\n"+NeededBy([]string{"prod-admin", "dev-ro"}) {
		t.Errorf("second ask %q", a.hint)
	}
	a.reply <- answer{code: "123456"}
	for _, ch := range []<-chan error{first, second} {
		if err := await(h, ch, "a request never answered"); err != nil {
			t.Errorf("request: %v", err)
		}
	}
	if logins, _ := h.core.calls(); len(logins) != 1 {
		t.Errorf("logins %v, want one", logins)
	}
}

// A request whose process gave up closes the dialog it opened, unless
// another request still waits, or a person clicked Login meanwhile.
func TestRequestGoneClosesItsDialog(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.start(nil)
	ctx1, cancel1 := context.WithCancel(context.Background())
	ctx2, cancel2 := context.WithCancel(context.Background())
	r1 := requestAsync(h, ctx1, "myaccount", "prod-admin")
	a := h.ask()
	handledEvent[LoginRequested](h, "first request")
	r2 := requestAsync(h, ctx2, "myaccount", "prod-admin")
	handledEvent[LoginRequested](h, "second request")
	cancel1()
	if err := await(h, r1, "gone request"); !errors.Is(err, session.ErrCanceled) {
		t.Errorf("request 1: %v", err)
	}
	handledEvent[LoginRequestGone](h, "first gone")
	if a.ctx.Err() != nil {
		t.Fatal("the dialog closed while another request waits for it")
	}
	cancel2()
	await(h, r2, "second gone")
	<-a.closed // the dialog goes
	if d := h.loginDone(); !d.Canceled {
		t.Errorf("LoginDone %+v", d)
	}

	// A person clicked Login while the dialog was open: it stays.
	ctx3, cancel3 := context.WithCancel(context.Background())
	r3 := requestAsync(h, ctx3, "myaccount", "prod-admin")
	a = h.ask()
	h.click("login:myaccount")
	handledEvent[LoginClicked](h, "the click")
	cancel3()
	await(h, r3, "third gone")
	handledEvent[LoginRequestGone](h, "third gone handled")
	if a.ctx.Err() != nil {
		t.Fatal("the dialog a person asked for closed with the process")
	}
	a.reply <- answer{code: "123456"}
	h.menu(h.labelIs("status:myaccount", "myaccount — active, 12h0m left"), "active")
}

// A request joins a login that a click started, and is told how it ended;
// canceled and failed logins answer so, and an unknown profile says so.
func TestRequestAnswers(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.start(nil)
	h.click("login:myaccount")
	a := h.ask()
	r := requestAsync(h, context.Background(), "myaccount", "prod-admin")
	handledEvent[LoginRequested](h, "request")
	a.reply <- answer{err: session.ErrCanceled}
	if err := await(h, r, "answer"); !errors.Is(err, session.ErrCanceled) {
		t.Errorf("after cancel: %v", err)
	}
	h.core.login = func(string, string) (session.Session, error) {
		return session.Session{}, errors.New("the long-term key is not valid: check [myaccountPerm]")
	}
	handler := h.app.LocalHandler()
	rep := make(chan localchan.Reply, 1)
	go func() {
		rep <- handler(context.Background(), localchan.Request{Profile: "myaccount", For: "prod-admin"})
	}()
	h.ask().reply <- answer{code: "123456"}
	h.errorDialog()
	if got := await(h, rep, "reply"); got.Error != "The long-term key is not valid: check [myaccountPerm]" || got.OK {
		t.Errorf("reply %+v", got)
	}
	if got := handler(context.Background(), localchan.Request{Profile: "nobody"}); !strings.Contains(got.Error, "no MFA profile nobody") {
		t.Errorf("unknown profile: %+v", got)
	}
}

// A request before the first read of the files waits for it.
func TestRequestBeforeFirstRead(t *testing.T) {
	h := newHarness(t, "myaccount")
	bc := &blockingCore{fakeCore: h.core, block: make(chan struct{})}
	fire := make(chan time.Time, 1)
	fire <- time.Time{}
	first := true
	after := func(time.Duration) <-chan time.Time {
		if first { // the read's patience: the menu says "reading"
			first = false
			return fire
		}
		return nil
	}
	h.start(func(c *Config) { c.Core = bc; c.After = after })
	r := requestAsync(h, context.Background(), "myaccount", "prod-admin")
	handledEvent[LoginRequested](h, "request")
	close(bc.block)
	h.ask().reply <- answer{code: "123456"}
	if err := await(h, r, "answer"); err != nil {
		t.Error(err)
	}
}

// A click while a dialog closes (the process that asked left) opens a new
// dialog once the old one is gone, instead of raising one that is going.
func TestClickWhileTheDialogCloses(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.start(nil)
	ctx, cancel := context.WithCancel(context.Background())
	r := requestAsync(h, ctx, "myaccount", "prod-admin")
	a := h.ask()
	handledEvent[LoginRequested](h, "request")
	// Hold the dialog open past the cancel, as zenity takes a moment to go.
	h.dlg.hold = make(chan struct{})
	cancel()
	await(h, r, "request gone")
	handledEvent[LoginRequestGone](h, "gone")
	h.click("login:myaccount")
	handledEvent[LoginClicked](h, "click")
	close(h.dlg.hold)
	<-a.closed
	b := h.ask()
	if b.ctx.Err() != nil || b.profile != "myaccount" {
		t.Fatalf("second dialog %+v", b)
	}
	b.reply <- answer{code: "123456"}
	h.menu(h.labelIs("status:myaccount", "myaccount — active, 12h0m left"), "active")
}

// A click just after Cancel, before the flow has ended, opens a new dialog
// once it has (it is not taken for the dialog that is gone).
func TestClickRightAfterCancel(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.start(nil)
	h.click("login:myaccount")
	a := h.ask()
	a.reply <- answer{err: session.ErrCanceled}
	for handledEvent[LoginProgress](h, "the dialog's end").Phase != phaseClosing {
	}
	h.click("login:myaccount")
	b := h.ask()
	if b.profile != "myaccount" {
		t.Fatalf("second dialog %+v", b)
	}
	b.reply <- answer{err: session.ErrCanceled}
}
