package tray

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

func (h *harness) confirm() *confirm {
	h.t.Helper()
	return await(h, h.dlg.confirms, "no confirmation dialog opened")
}

func (h *harness) noConfirm() {
	h.t.Helper()
	select {
	case c := <-h.dlg.confirms:
		h.t.Errorf("unexpected confirmation dialog %q", c.title)
	default:
	}
}

func (h *harness) noErrorDialog() {
	h.t.Helper()
	select {
	case e := <-h.dlg.errors:
		h.t.Errorf("unexpected error dialog %+v", e)
	default:
	}
}

// keychainDone waits until the loop has handled the end of a keychain flow.
func (h *harness) keychainDone() KeychainDone {
	h.t.Helper()
	return handledEvent[KeychainDone](h, "keychain flow never ended")
}

func (h *harness) shown(id string) func(Menu) bool {
	return func(m Menu) bool { it, ok := m.Item(id); return ok && it.Enabled }
}

func (h *harness) hidden(id string) func(Menu) bool {
	return func(m Menu) bool { it, ok := m.Item(id); return ok && !it.Enabled }
}

func TestKeychainLockAndMoveItem(t *testing.T) {
	h := newHarness(t, "alpha", "beta", "gamma")
	h.core.stores["beta"] = session.KeysInKeychain
	h.core.stores["gamma"] = session.KeysMissing
	h.start(nil)
	m := h.menu(h.labelIs("status:beta", "beta [keychain] — logged out"), "beta with a lock")
	for id, want := range map[string]string{
		"status:alpha":   "alpha — logged out",
		"status:gamma":   "gamma — logged out",
		"keychain:alpha": "Move alpha keys to keychain\u2026",
	} {
		if it, _ := m.Item(id); it.Label != want {
			t.Errorf("%s: %q, want %q", id, it.Label, want)
		}
	}
	for id, hidden := range map[string]bool{"keychain:alpha": false, "keychain:beta": true, "keychain:gamma": true} {
		if it, ok := m.Item(id); !ok || it.Enabled == hidden {
			t.Errorf("%s: present %v, enabled %v, want enabled %v", id, ok, it.Enabled, !hidden)
		}
	}
	// Keys moved by someone else (the CLI) show on the next refresh.
	h.core.mu.Lock()
	h.core.stores["alpha"] = session.KeysInKeychain
	h.core.mu.Unlock()
	h.app.Post(FilesChanged{})
	m = h.menu(h.labelIs("status:alpha", "alpha [keychain] — logged out"), "alpha with a lock")
	if it, _ := m.Item("keychain:alpha"); it.Enabled {
		t.Error("move item still shown for keys in the keychain")
	}
}

func TestKeychainMoveConfirmed(t *testing.T) {
	h := newHarness(t, "alpha", "beta")
	h.core.sessions["alpha"] = h.clock.Now().Add(3*time.Hour + 12*time.Minute)
	h.start(nil)
	h.menu(h.shown("keychain:alpha"), "move item")
	h.click("keychain:alpha")
	c := h.confirm()
	if c.title != "awsmfa — alpha" {
		t.Errorf("title %q", c.title)
	}
	for _, s := range []string{"[alphaPerm] move into the OS keychain", "awsmfa_keychain = true", "Other AWS tools keep working", "awsmfa keychain export --profile alpha"} {
		if !strings.Contains(c.text, s) {
			t.Errorf("confirm text lacks %q:\n%s", s, c.text)
		}
	}
	if got := h.core.importCalls(); len(got) != 0 {
		t.Fatalf("import before the answer: %v", got)
	}
	c.reply <- answerYes{yes: true}
	if d := h.keychainDone(); !d.Moved {
		t.Errorf("KeychainDone %+v", d)
	}
	m := h.menu(h.labelIs("status:alpha", "alpha [keychain] — active, 3h12m left"), "lock after the move")
	if it, _ := m.Item("keychain:alpha"); it.Enabled {
		t.Error("move item still shown after the move")
	}
	if it, _ := m.Item("keychain:beta"); !it.Enabled {
		t.Error("beta's move item hidden")
	}
	if got := h.core.importCalls(); strings.Join(got, ",") != "alpha" {
		t.Errorf("imports %v", got)
	}
	n := h.note()
	if n.title != "alpha: long-term keys moved to the keychain" || !strings.Contains(n.body, "[alphaPerm]") {
		t.Errorf("notification %+v", n)
	}
	h.noErrorDialog()
}

func TestKeychainMoveUnderCLocaleIsASCII(t *testing.T) {
	h := newHarness(t, "alpha")
	h.start(func(c *Config) { c.Locale = locale.Locale{} })
	m := h.menu(h.shown("keychain:alpha"), "move item")
	if it, _ := m.Item("keychain:alpha"); it.Label != "Move alpha keys to keychain..." {
		t.Errorf("label %q", it.Label)
	}
	h.click("keychain:alpha")
	c := h.confirm()
	if c.title != "awsmfa - alpha" {
		t.Errorf("title %q", c.title)
	}
	for _, r := range c.title + c.text {
		if r >= 0x80 {
			t.Fatalf("non-ASCII in the dialog: %q / %q", c.title, c.text)
		}
	}
	c.reply <- answerYes{yes: true}
	h.menu(h.labelIs("status:alpha", "alpha [keychain] - logged out"), "ASCII lock")
	if n := h.note(); n.title != "alpha: long-term keys moved to the keychain" {
		t.Errorf("notification %+v", n)
	}
}

func TestKeychainMoveDeclined(t *testing.T) {
	for _, tc := range []struct {
		name string
		ans  answerYes
	}{
		{"no", answerYes{yes: false}},
		{"dialog canceled", answerYes{err: fmt.Errorf("zenity: %w", session.ErrCanceled)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "alpha")
			h.start(nil)
			h.menu(h.shown("keychain:alpha"), "move item")
			h.click("keychain:alpha")
			h.confirm().reply <- tc.ans
			if d := h.keychainDone(); !d.Canceled || d.Err != nil || d.Moved {
				t.Errorf("KeychainDone %+v", d)
			}
			m := h.sync()
			if got := h.core.importCalls(); len(got) != 0 {
				t.Errorf("imported after %s: %v", tc.name, got)
			}
			if it, _ := m.Item("keychain:alpha"); !it.Enabled {
				t.Error("move item hidden though nothing moved")
			}
			if it, _ := m.Item("status:alpha"); it.Label != "alpha — logged out" {
				t.Errorf("status %q", it.Label)
			}
			h.noNote()
			h.noErrorDialog()
			// The flow is over: a new click asks again.
			h.click("keychain:alpha")
			h.confirm().reply <- answerYes{}
			h.keychainDone()
		})
	}
}

func TestKeychainMoveErrorShowsDialog(t *testing.T) {
	h := newHarness(t, "alpha")
	h.core.importFn = func(context.Context, string) error {
		return errors.New("check the keys of [alphaPerm] with STS (they stay in the file): the security token included in the request is invalid")
	}
	h.start(nil)
	h.menu(h.shown("keychain:alpha"), "move item")
	h.click("keychain:alpha")
	h.confirm().reply <- answerYes{yes: true}
	if e := h.errorDialog(); e.title != "awsmfa — alpha" || !strings.HasPrefix(e.text, "Check the keys of [alphaPerm] with STS") {
		t.Errorf("error dialog %+v", e)
	}
	if d := h.keychainDone(); d.Err == nil || d.Moved {
		t.Errorf("KeychainDone %+v", d)
	}
	m := h.sync()
	if it, _ := m.Item("keychain:alpha"); !it.Enabled {
		t.Error("move item hidden after a failed move")
	}
	h.noNote()
}

// TestKeychainMoveCanceledOrAlreadyDone: a canceled import (Quit, a
// canceled unlock prompt) and keys that someone else moved meanwhile are
// not errors: no dialog, no notification.
func TestKeychainMoveCanceledOrAlreadyDone(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		wantLock  bool
		wantState func(KeychainDone) bool
	}{
		{"canceled", fmt.Errorf("keychain: %w", session.ErrCanceled), false, func(d KeychainDone) bool { return d.Canceled }},
		{"already in the keychain", nil, true, func(d KeychainDone) bool { return d.Already }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, "alpha")
			h.core.importFn = func(ctx context.Context, name string) error {
				if tc.err != nil {
					return tc.err
				}
				h.core.mu.Lock() // another process moved them first
				h.core.stores[name] = session.KeysInKeychain
				h.core.mu.Unlock()
				return nil
			}
			h.start(nil)
			h.menu(h.shown("keychain:alpha"), "move item")
			h.click("keychain:alpha")
			h.confirm().reply <- answerYes{yes: true}
			if d := h.keychainDone(); !tc.wantState(d) || d.Err != nil || d.Moved {
				t.Errorf("KeychainDone %+v", d)
			}
			m := h.sync()
			if it, _ := m.Item("keychain:alpha"); it.Enabled == tc.wantLock {
				t.Errorf("move item enabled %v, want %v", it.Enabled, !tc.wantLock)
			}
			h.noErrorDialog()
			h.noNote()
		})
	}
}

// TestKeychainReclickIgnored: clicks while the confirmation is open, or
// while the import runs, neither stack dialogs nor import twice; the rest
// of the menu keeps working meanwhile.
func TestKeychainReclickIgnored(t *testing.T) {
	h := newHarness(t, "alpha")
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	h.core.importFn = func(ctx context.Context, _ string) error {
		started <- struct{}{}
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return session.ErrCanceled
		}
	}
	h.start(nil)
	h.menu(h.shown("keychain:alpha"), "move item")
	h.click("keychain:alpha")
	c := h.confirm()
	h.click("keychain:alpha")
	h.sync()
	h.noConfirm()
	c.reply <- answerYes{yes: true}
	<-started
	h.click("keychain:alpha")
	h.click("login:alpha") // the loop still serves other clicks
	h.ask().reply <- answer{code: "123456"}
	h.menu(h.labelIs("status:alpha", "alpha — active, 12h0m left"), "login while the import runs")
	h.noConfirm()
	close(release)
	if d := h.keychainDone(); !d.Moved {
		t.Errorf("KeychainDone %+v", d)
	}
	h.menu(h.labelIs("status:alpha", "alpha [keychain] — active, 12h0m left"), "lock")
	if got := h.core.importCalls(); len(got) != 1 {
		t.Errorf("imports %v, want one", got)
	}
}

// TestKeychainStatusError: when the core cannot tell where keys live, the
// menu shows neither locks nor move items, a stray click does nothing, and
// the rest works.
func TestKeychainStatusError(t *testing.T) {
	h := newHarness(t, "alpha")
	h.core.storesErr = errors.New("read the keychain marker: permission denied")
	h.start(nil)
	m := h.menu(h.label("status:alpha"), "status")
	if it, _ := m.Item("status:alpha"); it.Label != "alpha — logged out" {
		t.Errorf("status %q", it.Label)
	}
	if it, ok := m.Item("keychain:alpha"); !ok || it.Enabled {
		t.Errorf("move item %+v present %v, want hidden", it, ok)
	}
	h.click("keychain:alpha")
	h.sync()
	h.noConfirm()
	if got := h.core.importCalls(); len(got) != 0 {
		t.Errorf("imports %v", got)
	}
	// Once the core answers again, the item comes back.
	h.core.mu.Lock()
	h.core.storesErr = nil
	h.core.mu.Unlock()
	h.app.Post(FilesChanged{})
	h.menu(h.shown("keychain:alpha"), "move item back")
}

// noConfirmDialogs is a Dialogs without Confirm.
type noConfirmDialogs struct{ Dialogs }

func TestKeychainMoveNeedsConfirmation(t *testing.T) {
	t.Run("no Confirm method", func(t *testing.T) {
		h := newHarness(t, "alpha")
		h.start(func(c *Config) { c.Dialogs = noConfirmDialogs{h.dlg} })
		h.menu(h.shown("keychain:alpha"), "move item")
		h.click("keychain:alpha")
		if d := h.keychainDone(); d.Err == nil {
			t.Errorf("KeychainDone %+v", d)
		}
		if n := h.note(); n.title != "alpha: cannot ask to move the keys" {
			t.Errorf("notification %+v", n)
		}
		if got := h.core.importCalls(); len(got) != 0 {
			t.Errorf("imported without asking: %v", got)
		}
	})
	t.Run("dialog fails", func(t *testing.T) {
		h := newHarness(t, "alpha")
		h.start(nil)
		h.menu(h.shown("keychain:alpha"), "move item")
		h.click("keychain:alpha")
		h.confirm().reply <- answerYes{err: errors.New("exec: \"zenity\": executable file not found in $PATH")}
		if d := h.keychainDone(); d.Err == nil {
			t.Errorf("KeychainDone %+v", d)
		}
		if n := h.note(); n.title != "alpha: cannot ask to move the keys" || !strings.Contains(n.body, "zenity") {
			t.Errorf("notification %+v", n)
		}
		if got := h.core.importCalls(); len(got) != 0 {
			t.Errorf("imported without a yes: %v", got)
		}
	})
}

func TestQuitClosesConfirmDialog(t *testing.T) {
	h := newHarness(t, "alpha")
	h.start(nil)
	h.menu(h.shown("keychain:alpha"), "move item")
	h.click("keychain:alpha")
	c := h.confirm()
	h.quit()
	select {
	case <-c.closed:
	default:
		t.Error("Run returned while the confirmation was still open")
	}
	if got := h.core.importCalls(); len(got) != 0 {
		t.Errorf("imports %v", got)
	}
}
