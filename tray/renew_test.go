package tray

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// mfaHarness has one profile whose code comes from mfa_process; the fake
// command counts its runs and may block on release.
func mfaHarness(t *testing.T) (*harness, *fakeNotices, *atomic.Int32) {
	h := newHarness(t, "yubi")
	h.core.profiles[0].HasMFAProcess = true
	var runs atomic.Int32
	h.core.mfaCode = func(ctx context.Context, name string) (string, error) {
		runs.Add(1)
		return "123456", nil
	}
	return h, newFakeNotices(), &runs
}

// An mfa_process session is renewed at the warning time without asking
// anybody, once per session; the warning is left out, and "Touch your
// security key" shows while the command runs, then goes.
func TestMFAProcessRenewsWithoutAsking(t *testing.T) {
	h, f, runs := mfaHarness(t)
	h.core.sessions["yubi"] = h.clock.Now().Add(30 * time.Minute)
	h.start(func(c *Config) { c.Notices = f })
	h.clock.Add(15 * time.Minute)
	h.app.Post(Tick{})
	h.sync()
	if runs.Load() != 0 {
		t.Fatalf("renewed with 15m left, before the 10m warning time")
	}
	h.clock.Add(6 * time.Minute) // 9m left
	h.app.Post(Tick{})
	touch := h.noticeCall(f, titled("Touch your security key for yubi"), "the touch notice")
	if !touch.Stay || touch.Key != ProfileKey("yubi") {
		t.Errorf("touch notice %+v", touch.Notice)
	}
	h.noticeCall(f, func(c shownNotice) bool { return c.dismissed && c.Key == ProfileKey("yubi") }, "the touch notice dismissed")
	done := h.loginDone()
	if !done.Auto || done.Err != nil {
		t.Fatalf("LoginDone %+v", done)
	}
	n := h.noticeCall(f, func(c shownNotice) bool { return !c.dismissed }, "the next notice")
	if !strings.HasPrefix(n.Title, "yubi: renewed until ") || n.Stay {
		t.Errorf("after the renewal: %+v", n.Notice)
	}
	h.menu(h.labelIs("status:yubi", "yubi — active, 12h0m left"), "renewed")
	select {
	case a := <-h.dlg.asks:
		t.Errorf("a dialog asked %+v", a)
	default:
	}
	h.app.Post(Tick{})
	h.sync()
	if got := runs.Load(); got != 1 {
		t.Errorf("mfa_process ran %d times, want once", got)
	}
	// The new session is renewed in its turn.
	h.clock.Add(11*time.Hour + 55*time.Minute)
	h.app.Post(Tick{})
	handledEvent[LoginDone](h, "the second renewal never ended")
	if got := runs.Load(); got != 2 {
		t.Errorf("mfa_process ran %d times, want twice", got)
	}
}

// A renewal that fails says so in a notice that stays, with Renew, and is
// not tried again for the same session.
func TestMFAProcessRenewalFailure(t *testing.T) {
	h, f, runs := mfaHarness(t)
	h.core.mfaCode = func(context.Context, string) (string, error) {
		runs.Add(1)
		return "", errors.New("mfa_process of yubi failed (exit status 1): run it by hand to see why")
	}
	h.core.sessions["yubi"] = h.clock.Now().Add(5 * time.Minute) // due at start
	h.start(func(c *Config) { c.Notices = f })
	n := h.noticeCall(f, titled("yubi: the session could not be renewed"), "the failure notice")
	if !n.Stay || len(n.Actions) != 2 || n.Actions[1].Then != (LoginClicked{Profile: "yubi"}) ||
		!strings.HasPrefix(n.Body, "mfa_process of yubi failed (exit status 1): run it by hand to see why. Renew it: ") {
		t.Errorf("failure notice %+v", n.Notice)
	}
	h.clock.Add(time.Minute)
	h.app.Post(Tick{})
	h.sync()
	if got := runs.Load(); got != 1 {
		t.Errorf("tried %d times for one session", got)
	}
	// Renew runs it again, as the user asked.
	f.events <- NoticeActed{Key: n.Key, Action: ActionRenew, Then: n.Actions[1].Then}
	handledEvent[LoginDone](h, "Renew never ended")
	if got := runs.Load(); got != 2 {
		t.Errorf("Renew: mfa_process ran %d times in all", got)
	}
}

// A profile without mfa_process is never renewed unasked: it gets the
// warning.
func TestNoRenewalWithoutMFAProcess(t *testing.T) {
	h := newHarness(t, "myaccount")
	f := newFakeNotices()
	h.core.sessions["myaccount"] = h.clock.Now().Add(5 * time.Minute)
	h.start(func(c *Config) { c.Notices = f })
	h.noticeCall(f, titled("myaccount: session expires in"), "the warning")
	h.sync()
	if logins, _ := h.core.calls(); len(logins) != 0 {
		t.Errorf("logins %v", logins)
	}
}
