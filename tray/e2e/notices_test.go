//go:build linux

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
)

// Issue 10's notices you cannot miss, with role profiles leaning on the
// session: the warning and the expired notice both stay, name the roles,
// sit in one place (one id for every notice of myaccount), and the
// expired one's Renew logs in again.
func TestTrayRoleNoticesStayAndRenew(t *testing.T) {
	const lifetime = 15 * time.Second
	w := newRoleWorld(t, []string{roleName, "dev-ro"}, stsfake.WithSessionCap(lifetime))
	a := startTray(t, w, "--notify-before", "10m")
	a.WaitItem("the role row", exactly(roleLabel(w.lcAll, roleName, "needs "+profile)))
	login(t, a, w, w.code, "")
	first := w.waitSession(loginWait)

	warn := waitNotification(t, a, "the warning", mentions(notifyExpiring))
	stays(t, "warning", warn)
	if want := "dev-ro and " + roleName + " will stop working with it."; !strings.HasSuffix(warn.Body, want) {
		t.Errorf("warning body %q does not end %q", warn.Body, want)
	}
	var expired notification
	eventually(t, lifetime+menuWait, "the expired notice", func() error {
		ns := harness.bus.Notifications(a.pid)
		for _, n := range ns {
			if mentions(notifyExpired)(n) {
				expired = n
				return nil
			}
		}
		return fmt.Errorf("notifications so far: %s", describe(ns))
	})
	stays(t, "expired notice", expired)
	if want := "No new credentials for dev-ro and " + roleName + " until then."; !strings.HasSuffix(expired.Body, want) {
		t.Errorf("expired body %q does not end %q", expired.Body, want)
	}
	// Logged in, warning, expired: one notice, replaced in place.
	ids := map[uint32]bool{}
	for _, n := range harness.bus.Notifications(a.pid) {
		ids[n.ID] = true
	}
	if len(ids) != 1 || expired.ReplacesID != warn.ID {
		t.Errorf("the notices of %s got ids %v and the expired one replaces %d; want one id, %d",
			profile, ids, expired.ReplacesID, warn.ID)
	}
	a.WaitItem("the role row after the expiry", exactly(roleLabel(w.lcAll, roleName, "needs "+profile)))

	// Renew on the expired notice: the dialog opens, a code logs in again.
	if err := harness.bus.InvokeAction(expired.ID, "renew"); err != nil {
		t.Fatal(err)
	}
	_, win := a.waitDialog(dialogTitle(w.lcAll))
	typeInto(t, win, w.code())
	eventually(t, loginWait, "a second session", func() error {
		if n := len(w.sts.IssuedSessions()); n < 2 {
			return fmt.Errorf("%d sessions issued", n)
		}
		return nil
	})
	second := w.waitSession(loginWait)
	if second.SessionToken == first.SessionToken {
		t.Fatal("Renew did not log in again")
	}
	a.WaitItem("the role row, ready again", exactly(roleLabel(w.lcAll, roleName, "ready")))
	eventually(t, menuWait, "the second logged-in notice", func() error {
		if ns := harness.bus.Notifications(a.pid); countMatching(ns, notifyLoggedIn) < 2 {
			return fmt.Errorf("notifications so far: %s", describe(ns))
		}
		return nil
	})
	for _, n := range harness.bus.Notifications(a.pid) {
		if n.ID != warn.ID {
			t.Errorf("notice %q got id %d, not the one place %d", n.Summary, n.ID, warn.ID)
		}
	}
}

// A notice the person dismissed is not replaced: the next one about the
// profile comes as a new notice (replaces_id 0), and the ones after it
// replace that one. No timers here: sessions last 12 hours.
func TestTrayDismissedNoticeIsNotReplaced(t *testing.T) {
	w := newWorld(t)
	a := startTray(t, w, "--verbose")
	login(t, a, w, w.code, "")
	w.waitSession(loginWait)
	in := waitNotification(t, a, "the logged-in notice", mentions(notifyLoggedIn))
	if err := harness.bus.Dismiss(in.ID); err != nil {
		t.Fatal(err)
	}
	// The app has heard it once it logs it.
	waitLogged(t, w, `msg="notice closed"`, 1)

	a.Click(logoutLabel(profile), exactly(logoutLabel(profile)))
	out := waitNotification(t, a, "the logged-out notice", mentions(profile+": logged out"))
	if out.ReplacesID != 0 || out.ID == in.ID {
		t.Errorf("after a dismissal the logged-out notice replaces %d and got id %d; want a new notice", out.ReplacesID, out.ID)
	}
	a.WaitItem("logged out", exactly(statusLabel(w.lcAll, labelLoggedOut)))
	login(t, a, w, w.code, "")
	w.waitSession(loginWait)
	eventually(t, menuWait, "the second logged-in notice", func() error {
		if ns := harness.bus.Notifications(a.pid); countMatching(ns, notifyLoggedIn) < 2 {
			return fmt.Errorf("notifications so far: %s", describe(ns))
		}
		return nil
	})
	ns := harness.bus.Notifications(a.pid)
	if last := ns[len(ns)-1]; last.ReplacesID != out.ID || last.ID != out.ID {
		t.Errorf("the second logged-in notice replaces %d and got id %d; want %d (the logged-out one's)", last.ReplacesID, last.ID, out.ID)
	}
}
