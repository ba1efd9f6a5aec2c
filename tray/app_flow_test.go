package tray

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/assets"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// raisingDialogs records Raise calls.
type raisingDialogs struct {
	*fakeDialogs
	raised chan string
}

func (d *raisingDialogs) Raise(profile string) error {
	d.raised <- profile
	return nil
}

// While STS works on the code, the profile's row and the tooltip say
// "logging in…" and Login is disabled; they come back when it ends.
func TestLoggingInShows(t *testing.T) {
	h := newHarness(t, "alpha")
	release := make(chan struct{})
	inner := h.core.login
	h.core.login = func(name, code string) (session.Session, error) {
		<-release // a slow STS
		return inner(name, code)
	}
	h.start(nil)
	h.click("login:alpha")
	h.ask().reply <- answer{code: "123456"}
	m := h.menu(h.labelIs("status:alpha", "alpha — logging in…"), "logging in")
	if it, _ := m.Item("login:alpha"); it.Enabled {
		t.Error("Login alpha enabled while logging in")
	}
	if !strings.Contains(m.Tooltip, "logging in to alpha…") {
		t.Errorf("tooltip %q", m.Tooltip)
	}
	h.click("login:alpha") // ignored: no second dialog while at STS
	close(release)
	m = h.menu(h.labelIs("status:alpha", "alpha — active, 12h0m left"), "active")
	if it, _ := m.Item("login:alpha"); !it.Enabled {
		t.Error("Login alpha still disabled")
	}
	select {
	case a := <-h.dlg.asks:
		t.Errorf("a second dialog opened for %s", a.profile)
	default:
	}
}

// A second "Login X" while X's dialog is open raises it.
func TestSecondLoginRaisesDialog(t *testing.T) {
	h := newHarness(t, "alpha")
	d := &raisingDialogs{fakeDialogs: h.dlg, raised: make(chan string, 4)}
	h.start(func(c *Config) { c.Dialogs = d })
	h.click("login:alpha")
	a := h.ask()
	h.click("status:alpha") // the status row logs in too
	if p := await(h, d.raised, "no raise"); p != "alpha" {
		t.Errorf("raised %q", p)
	}
	select {
	case extra := <-h.dlg.asks:
		t.Errorf("a second dialog for %s", extra.profile)
	default:
	}
	a.reply <- answer{err: session.ErrCanceled}
	h.loginDone()
}

// "Logout all" asks when two or more sessions are active; Cancel keeps
// them, the OK button logs out of all. With one, it logs out at once.
func TestLogoutAllConfirms(t *testing.T) {
	h := newHarness(t, "alpha", "beta", "gamma")
	h.core.sessions["alpha"] = h.clock.Now().Add(time.Hour)
	h.core.sessions["beta"] = h.clock.Now().Add(2 * time.Hour)
	h.core.sessions["gamma"] = h.clock.Now().Add(-time.Hour) // expired: not counted
	h.start(nil)
	h.click("logout-all")
	c := h.confirm()
	if c.ok != LogoutAllConfirmOK || !strings.Contains(c.text, "Log out of 2 active sessions (alpha and beta)?") {
		t.Errorf("question %q / %q", c.text, c.ok)
	}
	h.click("logout-all") // the question is open: no second one
	c.reply <- answerYes{yes: false}
	handledEvent[LogoutAllAnswer](h, "no answer handled")
	h.noConfirm()
	if _, outs := h.core.calls(); len(outs) != 0 {
		t.Fatalf("Cancel logged out %v", outs)
	}
	h.click("logout-all")
	h.confirm().reply <- answerYes{yes: true}
	h.menu(h.labelIs("status:alpha", "alpha — logged out"), "logged out")
	if _, outs := h.core.calls(); len(outs) != 1 || outs[0] != "*" {
		t.Errorf("logouts %v", outs)
	}

	h.core.mu.Lock()
	h.core.sessions["alpha"] = h.clock.Now().Add(time.Hour)
	h.core.mu.Unlock()
	h.sync()
	h.click("logout-all") // one session: no question
	h.menu(h.labelIs("status:alpha", "alpha — logged out"), "logged out without a question")
	h.noConfirm()
}

// A "Logout all" whose question cannot be shown (no zenity, no display)
// logs nobody out and says so in a notice; Cancel, or the question closed
// by Quit, says nothing.
func TestLogoutAllQuestionFails(t *testing.T) {
	h := newHarness(t, "alpha", "beta")
	h.core.sessions["alpha"] = h.clock.Now().Add(time.Hour)
	h.core.sessions["beta"] = h.clock.Now().Add(2 * time.Hour)
	h.start(nil)
	h.click("logout-all")
	h.confirm().reply <- answerYes{err: errors.New(`confirm dialog: exec: "zenity": executable file not found in $PATH`)}
	handledEvent[LogoutAllAnswer](h, "no answer handled")
	n := h.note()
	if n.title != LogoutAllFailedTitle || !strings.Contains(n.body, "zenity") || !strings.Contains(n.body, "awsmfa logout --all") {
		t.Errorf("notice %q: %q", n.title, n.body)
	}
	if _, outs := h.core.calls(); len(outs) != 0 {
		t.Errorf("a failed question logged out %v", outs)
	}
	h.click("logout-all")
	h.confirm().reply <- answerYes{err: fmt.Errorf("confirm dialog: %w", session.ErrCanceled)}
	handledEvent[LogoutAllAnswer](h, "no answer handled")
	h.sync()
	h.noNote()
}

// blockingCore's reads wait until released: a FIFO or a hung disk. With
// linger set, a released read takes that much longer and then says it
// has ended: a read that still has a file open.
type blockingCore struct {
	*fakeCore
	mu     sync.Mutex
	block  chan struct{} // nil: no wait
	linger time.Duration
	ended  atomic.Bool
}

func (c *blockingCore) SnapshotAndKeys() (session.Snapshot, []session.KeyLocation, error) {
	c.mu.Lock()
	b := c.block
	c.mu.Unlock()
	if b == nil {
		return c.fakeCore.SnapshotAndKeys()
	}
	<-b
	time.Sleep(c.linger)
	defer c.ended.Store(true)
	return c.fakeCore.SnapshotAndKeys()
}

// A read that never ends does not freeze the menu: clicks are still
// handled and Quit still quits.
func TestReadOffTheLoop(t *testing.T) {
	h := newHarness(t, "alpha")
	bc := &blockingCore{fakeCore: h.core}
	h.start(func(c *Config) { c.Core = bc })
	bc.mu.Lock()
	bc.block = make(chan struct{}) // never closed
	bc.mu.Unlock()
	h.app.Post(Refresh{})
	handledEvent[Refresh](h, "Refresh not handled")
	h.click("autostart")
	m := h.menu(func(m Menu) bool { it, _ := m.Item(IDAutostart); return it.Checked }, "Start at login checked while a read hangs")
	if it, _ := m.Item("status:alpha"); it.Label != "alpha — logged out" {
		t.Errorf("the last good state is gone: %q", it.Label)
	}
	h.quit()
}

// Run returns only when the read under way has ended, so no file is still
// open once the app is gone (Windows cannot remove a folder with a file
// open in it: the tests' temp folders failed to go).
func TestQuitWaitsForTheRead(t *testing.T) {
	h := newHarness(t, "alpha")
	ec := &blockingCore{fakeCore: h.core, linger: 50 * time.Millisecond}
	h.start(func(c *Config) { c.Core = ec })
	release := make(chan struct{})
	ec.mu.Lock()
	ec.block = release
	ec.mu.Unlock()
	h.app.Post(Refresh{})
	handledEvent[Refresh](h, "Refresh not handled")
	go func() { time.Sleep(100 * time.Millisecond); close(release) }()
	h.quit()
	if !ec.ended.Load() {
		t.Error("Run returned while a read of the files was still under way")
	}
}

// Before the first read ends the menu says it is reading, and the icon
// and tooltip are there already.
func TestSlowFirstRead(t *testing.T) {
	h := newHarness(t, "alpha")
	bc := &blockingCore{fakeCore: h.core, block: make(chan struct{})}
	fire := make(chan time.Time, 1)
	fire <- time.Time{}
	first := true
	after := func(time.Duration) <-chan time.Time {
		if first { // the first timer asked for is the read's patience
			first = false
			return fire
		}
		return nil
	}
	h.t.Cleanup(func() { close(bc.block) })
	h.start(func(c *Config) { c.Core = bc; c.After = after })
	m := h.last
	if _, ok := m.Item(IDReading); !ok || m.Icon != assets.IconIdle || m.Tooltip != "awsmfa: reading the AWS files…" {
		t.Errorf("first menu:\n%s\ntooltip %q", visible(m), m.Tooltip)
	}
}

func TestLoginHintAndAutostartRefused(t *testing.T) {
	h := newHarness(t, "alpha")
	h.start(func(c *Config) {
		c.LoginHint = func(p string) string { return "demo " + p }
		c.AutostartUnavailable = "built by go run"
	})
	m := h.sync()
	if it, _ := m.Item(IDAutostart); it.Enabled || it.Tooltip != "built by go run" {
		t.Errorf("Start at login %+v", it)
	}
	h.click("autostart")
	if n := h.note(); n.body != "built by go run" {
		t.Errorf("refusal %+v", n)
	}
	if len(h.auto.enabled) != 0 {
		t.Errorf("enabled %v", h.auto.enabled)
	}
	h.click("login:alpha")
	h.ask().reply <- answer{code: "123456"}
	if n := h.note(); n.body != "demo alpha" {
		t.Errorf("logged-in body %q", n.body)
	}
}

// A session deleted by hand just before it expires gets no "expired"
// notice, even when a tick comes while the read that sees the deletion is
// still under way.
func TestNoNoticeForADeletedSessionWhileReading(t *testing.T) {
	h := newHarness(t, "alpha")
	h.core.sessions["alpha"] = h.clock.Now().Add(30 * time.Minute)
	bc := &blockingCore{fakeCore: h.core}
	h.start(func(c *Config) { c.Core = bc })
	release := make(chan struct{})
	bc.mu.Lock()
	bc.block = release
	bc.mu.Unlock()
	h.core.mu.Lock()
	delete(h.core.sessions, "alpha") // deleted in an editor
	h.core.mu.Unlock()
	h.app.Post(FilesChanged{})
	handledEvent[FilesChanged](h, "FilesChanged not handled")
	h.clock.Add(time.Hour) // past its expiry
	h.app.Post(Tick{})
	handledEvent[Tick](h, "Tick not handled")
	close(release)
	h.menu(h.labelIs("status:alpha", "alpha — logged out"), "logged out after the read")
	h.sync()
	select {
	case n := <-h.notes.notes:
		t.Errorf("notice %q for a session that was deleted", n.title)
	case <-time.After(100 * time.Millisecond): // notices are sent off the loop
	}
}

// The summary of sessions already expired at start leaves out those that
// expired over StaleExpiry ago, as the icon does.
func TestStartSummarySkipsOldExpiries(t *testing.T) {
	h := newHarness(t, "old", "recent")
	h.core.sessions["old"] = h.clock.Now().Add(-6 * 365 * 24 * time.Hour)
	h.core.sessions["recent"] = h.clock.Now().Add(-time.Hour)
	h.start(nil)
	if n := h.note(); !strings.Contains(n.body, "recent") || strings.Contains(n.body, "old") {
		t.Errorf("summary %q / %q", n.title, n.body)
	}
}

// A login that renews a session ends with a read of the files; until that
// read shows, the snapshot still holds the replaced session, and no notice
// may come from it even when the clock has passed its expiry meanwhile
// (the soak caught an "expired" for a session just renewed), nor while the
// login is at STS (a stress run caught one there).
func TestNoNoticeForARenewedSessionWhileReading(t *testing.T) {
	h := newHarness(t, "alpha")
	h.core.sessions["alpha"] = h.clock.Now().Add(30 * time.Minute)
	inner := h.core.login
	answered := make(chan struct{})
	h.core.login = func(name, code string) (session.Session, error) {
		<-answered
		return inner(name, code)
	}
	bc := &blockingCore{fakeCore: h.core}
	h.start(func(c *Config) { c.Core = bc })
	release := make(chan struct{})
	bc.mu.Lock()
	bc.block = release
	bc.mu.Unlock()
	h.click("login:alpha")
	h.ask().reply <- answer{code: "123456"}
	// The code at STS: the phase the dialog's own progress event (asking)
	// comes before.
	for handledEvent[LoginProgress](h, "the code never went to STS").Phase != phaseCalling {
	}
	h.clock.Add(time.Hour) // past the old session's expiry: the next render sees it
	// A tick while STS has not answered yet (a loaded machine's timing,
	// made sure): it must hold the notice too.
	h.app.Post(Tick{})
	handledEvent[Tick](h, "the tick during the login was not handled")
	close(answered)
	handledEvent[LoginDone](h, "LoginDone not handled")
	close(release)
	h.menu(h.labelIs("status:alpha", "alpha — active, 12h0m left"), "the renewed session after the read")
	h.sync()
	deadline := time.After(200 * time.Millisecond) // notices are sent off the loop
	for {
		select {
		case n := <-h.notes.notes:
			if !strings.Contains(n.title, "logged in") {
				t.Errorf("notice %q; want only the login's", n.title)
			}
			continue
		case <-deadline:
		}
		break
	}
}
