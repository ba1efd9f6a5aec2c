package tray

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/assets"
)

// post hands ev to the loop, waits until it is handled, and returns the
// newest menu applied by then.
func post[E Event](h *harness, ev E) Menu {
	h.t.Helper()
	h.app.Post(ev)
	handledEvent[E](h, "a posted event was never handled")
	h.settle()
	for {
		select {
		case m := <-h.tray.menus:
			h.last = m
		default:
			return h.last
		}
	}
}

// wantReads checks how often the files were read for a snapshot and for
// the key stores since the start.
func (h *harness) wantReads(snapshots, keyReads int, when string) {
	h.t.Helper()
	h.settle()
	if s, k := h.core.reads(); s != snapshots || k != keyReads {
		h.t.Errorf("%s: %d snapshot and %d key-store reads, want %d and %d", when, s, k, snapshots, keyReads)
	}
}

func statusLabel(m Menu, profile string) string {
	it, _ := m.Item(IDStatusPrefix + profile)
	return it.Label
}

// TestTickReadsNoFile: the minute tick counts the labels down from the
// last read, with no file read; so does toggling Start at login.
func TestTickReadsNoFile(t *testing.T) {
	h := newHarness(t, "alpha", "beta")
	h.core.sessions["alpha"] = h.clock.Now().Add(3*time.Hour + 12*time.Minute)
	h.start(nil)
	h.wantReads(1, 1, "at start")
	for _, want := range []string{"alpha — active, 3h11m left", "alpha — active, 3h10m left", "alpha — active, 3h9m left"} {
		h.clock.Add(time.Minute)
		if got := statusLabel(post(h, Tick{}), "alpha"); got != want {
			t.Errorf("after a tick: %q, want %q", got, want)
		}
	}
	if got := statusLabel(h.last, "beta"); got != "beta — logged out" {
		t.Errorf("beta: %q", got)
	}
	post(h, ToggleAutostart{})
	h.wantReads(1, 1, "after three ticks and a toggle")
}

// TestReadsOnChangeAndActions: a FilesChanged, a Refresh, and the end of
// our own login and logout each read the files exactly once.
func TestReadsOnChangeAndActions(t *testing.T) {
	h := newHarness(t, "alpha")
	h.start(nil)
	h.wantReads(1, 1, "at start")

	h.core.mu.Lock()
	h.core.sessions["alpha"] = h.clock.Now().Add(time.Hour)
	h.core.mu.Unlock()
	if got := statusLabel(post(h, FilesChanged{}), "alpha"); got != "alpha — active, 1h0m left" {
		t.Errorf("after FilesChanged: %q", got)
	}
	h.wantReads(2, 2, "after FilesChanged")

	post(h, Refresh{})
	h.wantReads(3, 3, "after Refresh")

	h.click("login:alpha")
	h.ask().reply <- answer{code: "123456"}
	h.loginDone()
	h.wantReads(4, 4, "after our login")
	h.note()

	h.click("logout:alpha")
	handledEvent[LogoutDone](h, "logout never ended")
	h.wantReads(5, 5, "after our logout")
}

// TestTickCrossesExpiry: ticks alone move a session into its warning
// window and past its expiry, flipping the label and icon and firing each
// notice once, without reading the files.
func TestTickCrossesExpiry(t *testing.T) {
	h := newHarness(t, "alpha")
	h.core.sessions["alpha"] = h.clock.Now().Add(10*time.Minute + 30*time.Second)
	h.start(nil)
	if m := h.last; statusLabel(m, "alpha") != "alpha — active, 10m left" || m.Icon != assets.IconActive {
		t.Errorf("at start: %q, icon %v", statusLabel(m, "alpha"), m.Icon)
	}

	h.clock.Add(time.Minute)
	m := post(h, Tick{})
	if statusLabel(m, "alpha") != "alpha — expiring in 9m" || m.Icon != assets.IconExpiring {
		t.Errorf("in the window: %q, icon %v", statusLabel(m, "alpha"), m.Icon)
	}
	if n := h.note(); !strings.HasPrefix(n.title, "alpha: session expires in") {
		t.Errorf("warning %q", n.title)
	}

	h.clock.Add(2 * time.Hour) // slept past the expiry
	m = post(h, Tick{})
	if statusLabel(m, "alpha") != "alpha — expired" || m.Icon != assets.IconExpired {
		t.Errorf("past expiry: %q, icon %v", statusLabel(m, "alpha"), m.Icon)
	}
	if n := h.note(); n.title != "alpha: session expired" {
		t.Errorf("expiry notice %q", n.title)
	}
	h.clock.Add(time.Minute)
	post(h, Tick{})
	h.noNote()
	h.wantReads(1, 1, "after the ticks")
}

// TestTickRereadsChangedFiles: a tick reads the files again when their
// size or time changed since the last read (an edit the watcher has not
// reported yet), and only then.
func TestTickRereadsChangedFiles(t *testing.T) {
	h := newHarness(t, "alpha")
	dir := t.TempDir()
	h.core.cfgFile, h.core.credFile = filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	if err := os.WriteFile(h.core.credFile, []byte("[alphaPerm]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.start(nil)
	post(h, Tick{})
	h.wantReads(1, 1, "after a tick on unchanged files")

	h.core.mu.Lock()
	h.core.sessions["alpha"] = h.clock.Now().Add(time.Hour)
	h.core.mu.Unlock()
	if err := os.WriteFile(h.core.credFile, []byte("[alphaPerm]\n[alpha]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := statusLabel(post(h, Tick{}), "alpha"); got != "alpha — active, 1h0m left" {
		t.Errorf("after the edit: %q", got)
	}
	h.wantReads(2, 2, "after a tick on a changed file")

	// The config file appearing counts as a change too.
	if err := os.WriteFile(h.core.cfgFile, []byte("[profile alpha]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	post(h, Tick{})
	post(h, Tick{})
	h.wantReads(3, 3, "after the config file appeared and two ticks")
}

// TestTickRetriesFailedRead: while the files cannot be read, every tick
// tries again, so the menu recovers on its own.
func TestTickRetriesFailedRead(t *testing.T) {
	h := newHarness(t, "alpha")
	h.core.snapErr = errors.New("read credentials file: permission denied")
	h.start(nil)
	if _, ok := h.last.Item(IDError); !ok {
		t.Fatalf("no error item:\n%s", visible(h.last))
	}
	post(h, Tick{})
	h.wantReads(2, 0, "after a tick with the files unreadable")

	h.core.mu.Lock()
	h.core.snapErr = nil
	h.core.mu.Unlock()
	if got := statusLabel(post(h, Tick{}), "alpha"); got != "alpha — logged out" {
		t.Errorf("after recovery: %q", got)
	}
	h.wantReads(3, 1, "after the recovering tick")
	post(h, Tick{})
	h.wantReads(3, 1, "after a tick once recovered")
}

// TestWindowMismatchLogged: a core whose expiring window differs from the
// tray's is noticed on a read and logged once.
func TestWindowMismatchLogged(t *testing.T) {
	h := newHarness(t, "alpha")
	h.core.warn = 5 * time.Minute
	h.core.sessions["alpha"] = h.clock.Now().Add(7 * time.Minute)
	logs := &lockedBuffer{}
	h.start(func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(logs, nil)) })
	post(h, Refresh{})
	if n := strings.Count(logs.String(), "expiring window differs"); n != 1 {
		t.Errorf("logged the mismatch %d times, want once:\n%s", n, logs)
	}
}

// lockedBuffer is a log sink the test reads while the app writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
