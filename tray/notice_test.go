package tray

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// shownNotice is one call to a fakeNotices: a Show, or a Dismiss (key
// only, dismissed set).
type shownNotice struct {
	Notice
	dismissed bool
}

// fakeNotices records every call and lets the test invoke actions.
type fakeNotices struct {
	calls  chan shownNotice
	events chan Event
}

func newFakeNotices() *fakeNotices {
	return &fakeNotices{calls: make(chan shownNotice, 32), events: make(chan Event, 4)}
}

func (f *fakeNotices) Show(_ context.Context, n Notice) error {
	f.calls <- shownNotice{Notice: n}
	return nil
}

func (f *fakeNotices) Dismiss(_ context.Context, key string) error {
	f.calls <- shownNotice{Notice: Notice{Key: key}, dismissed: true}
	return nil
}

func (f *fakeNotices) Events() <-chan Event { return f.events }

// noticeCall waits for a call that matches, passing over the others.
func (h *harness) noticeCall(f *fakeNotices, match func(shownNotice) bool, what string) shownNotice {
	h.t.Helper()
	deadline := time.After(waitFor)
	for {
		select {
		case c := <-f.calls:
			if match(c) {
				return c
			}
		case <-deadline:
			h.t.Fatalf("no notice call: %s", what)
		}
	}
}

func titled(prefix string) func(shownNotice) bool {
	return func(c shownNotice) bool { return !c.dismissed && strings.HasPrefix(c.Title, prefix) }
}

// The expiry warning and the expired notice stay, carry Renew (a button
// and a click on the body), and share the profile's key with its "logged
// in", so each replaces the last. Renew opens the code dialog at once.
func TestExpiryNoticesStayAndRenew(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.core.sessions["myaccount"] = h.clock.Now().Add(15 * time.Minute)
	f := newFakeNotices()
	h.start(func(c *Config) { c.Notices = f })
	h.clock.Add(6 * time.Minute)
	h.app.Post(Tick{})
	w := h.noticeCall(f, titled("myaccount: session expires in 9m"), "the warning")
	if !w.Stay || w.Key != ProfileKey("myaccount") {
		t.Errorf("warning %+v: want it to stay, keyed by the profile", w.Notice)
	}
	var ids []string
	for _, a := range w.Actions {
		ids = append(ids, a.ID+"="+a.Label)
		if a.Then != (LoginClicked{Profile: "myaccount"}) {
			t.Errorf("action %s does %#v", a.ID, a.Then)
		}
	}
	if !slices.Equal(ids, []string{"default=Renew", "renew=Renew"}) {
		t.Errorf("actions %v", ids)
	}
	// The user clicks Renew: the dialog opens, and the login's notice
	// replaces the warning.
	f.events <- NoticeActed{Key: w.Key, Action: ActionRenew, Then: w.Actions[1].Then}
	a := h.ask()
	if a.profile != "myaccount" {
		t.Errorf("dialog for %q", a.profile)
	}
	a.reply <- answer{code: "123456"}
	in := h.noticeCall(f, titled("myaccount: logged in until"), "the logged-in notice")
	if in.Key != w.Key || in.Stay {
		t.Errorf("logged-in notice %+v: want the warning's key, not staying", in.Notice)
	}

	// Expired: stays, with Renew; a click on its body opens the dialog.
	h.clock.Add(13 * time.Hour)
	h.app.Post(Tick{})
	x := h.noticeCall(f, titled("myaccount: session expired"), "the expired notice")
	if !x.Stay || x.Key != w.Key || len(x.Actions) != 2 {
		t.Errorf("expired notice %+v", x.Notice)
	}
	f.events <- NoticeActed{Key: x.Key, Action: ActionDefault, Then: x.Actions[0].Then}
	h.ask().reply <- answer{err: session.ErrCanceled}
	h.loginDone()
}

// A warning about a profile names the role profiles that lean on it.
func TestWarningNamesLeaningRoles(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.core.sessions["myaccount"] = h.clock.Now().Add(5 * time.Minute)
	h.core.roles = []session.RoleStatus{roleStatus("dev-ro", "myaccount", true, 0), roleStatus("prod-admin", "myaccount", true, 0)} // sorted, as the core gives them
	f := newFakeNotices()
	h.start(func(c *Config) { c.Notices = f })
	w := h.noticeCall(f, titled("myaccount: session expires in"), "the warning")
	if !strings.Contains(w.Body, "dev-ro and prod-admin will stop working with it") {
		t.Errorf("warning body %q does not name the roles", w.Body)
	}
}

// Notices go out in the order they were asked for, even when one is slow:
// a "logged in" is never overtaken by the warning it replaces.
func TestNoticesInOrder(t *testing.T) {
	q := newNoticeQueue()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []int
	done := make(chan struct{})
	for i := range 20 {
		q.push(func(context.Context) error {
			if i == 3 {
				time.Sleep(20 * time.Millisecond)
			}
			got = append(got, i)
			if i == 19 {
				close(done)
			}
			return nil
		})
	}
	go q.run(ctx, time.Minute, func(err error) { t.Error(err) })
	<-done
	for i, v := range got {
		if v != i {
			t.Fatalf("order %v", got)
		}
	}
}
