package tray

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

func roleStatus(name, mfa string, ready bool, left time.Duration) session.RoleStatus {
	r := session.RoleStatus{Role: session.RoleProfile{Name: name, MFAProfile: mfa,
		RoleARN: "arn:aws:iam::222233334444:role/" + name}, Ready: ready, Left: left}
	if left > 0 {
		r.Expiration = t0.Add(left)
	}
	return r
}

func TestRoleLabel(t *testing.T) {
	broken := roleStatus("loop", "", false, 0)
	broken.Role.Problem = errors.New("the source profiles of loop form a loop")
	tests := []struct {
		r    session.RoleStatus
		loc  locale.Locale
		want string
	}{
		{roleStatus("prod-admin", "myaccount", true, 48*time.Minute+30*time.Second), utf8, "Role prod-admin — ready, 48m left"},
		{roleStatus("prod-admin", "myaccount", true, 0), utf8, "Role prod-admin — ready"},
		{roleStatus("prod-admin", "myaccount", false, 0), utf8, "Role prod-admin — needs myaccount"},
		{roleStatus("prod-admin", "myaccount", false, 30*time.Minute), utf8, "Role prod-admin — 30m left, then needs myaccount"},
		{roleStatus("prod-admin", "myaccount", false, 0), locale.Locale{}, "Role prod-admin - needs myaccount"},
		{broken, utf8, "Role loop — needs setup"},
	}
	for _, tt := range tests {
		if got := RoleLabel(tt.r, tt.loc); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

// Flat: a profile's roles follow its actions, in natural order, before its
// separator; roles that lean on no MFA profile come after the profiles.
func TestBuildMenuRolesFlat(t *testing.T) {
	broken := roleStatus("loop", "", false, 0)
	broken.Role.Problem = errors.New("the source profiles of loop form a loop")
	snap := session.Snapshot{Taken: t0, Profiles: []session.Status{
		status("myaccount", session.Active, 3*time.Hour),
		status("other", session.LoggedOut, 0),
	}, Roles: []session.RoleStatus{
		roleStatus("s10", "myaccount", true, 0),
		roleStatus("s2", "myaccount", true, 48*time.Minute),
		broken,
		roleStatus("dev", "other", false, 0),
	}}
	m := BuildMenu(snap, MenuOptions{Locale: utf8, Autostart: AutostartState{Known: true}})
	want := `myaccount — active, 3h0m left
Login myaccount
Logout myaccount
Move myaccount keys to keychain… (disabled)
Role s2 — ready, 48m left
Role s10 — ready
---
other — logged out
Login other
Logout other (disabled)
Move other keys to keychain… (disabled)
Role dev — needs other
---
Role loop — needs setup
---
Logout all
`
	if got := visible(m); !strings.HasPrefix(got, want) {
		t.Errorf("menu:\n%s\nwant it to start:\n%s", got, want)
	}
	if ev, ok := EventForClick("role:s2"); !ok || ev != (RoleClicked{Role: "s2"}) {
		t.Errorf("role row click: %#v", ev)
	}
	it, _ := m.Item("role:dev")
	if !it.Enabled || !strings.Contains(it.Tooltip, "Click to log in to other") {
		t.Errorf("role row %+v", it)
	}
}

// Many roles: each profile gets a submenu, with its roles after its
// actions; past GroupAbove roles they go into groups; unattached roles in
// a submenu of their own. The top level stays short.
func TestBuildMenuRolesSubmenus(t *testing.T) {
	snap := session.Snapshot{Taken: t0, Profiles: []session.Status{status("myaccount", session.Active, 3*time.Hour)}}
	for i := range 45 {
		snap.Roles = append(snap.Roles, roleStatus(fmt.Sprintf("r%d", i), "myaccount", true, 0))
	}
	broken := roleStatus("loop", "", false, 0)
	broken.Role.Problem = errors.New("loop")
	snap.Roles = append(snap.Roles, broken)
	m := BuildMenu(snap, MenuOptions{Locale: utf8})
	if len(m.Items) > 12 {
		t.Errorf("%d top-level items:\n%s", len(m.Items), visible(m))
	}
	sub, ok := m.Item("profile:myaccount")
	if !ok || len(sub.Children) != 3+1+3 {
		t.Fatalf("myaccount's submenu:\n%s", visible(m))
	}
	g := sub.Children[4]
	if g.Label != "Roles r0 … r14 (15 ready)" || len(g.Children) != 15 || g.Children[0].Label != "Role r0 — ready" {
		t.Errorf("first group %q with %d rows", g.Label, len(g.Children))
	}
	un, ok := m.Item(IDRolesUnattached)
	if !ok || un.Label != "1 role profile needs setup" || len(un.Children) != 1 {
		t.Errorf("unattached roles %+v", un)
	}
}

// Ticks move the roles too: time left counts down, and a role stops being
// ready when its MFA session expires.
func TestRolesTick(t *testing.T) {
	h := newHarness(t, "myaccount")
	h.core.sessions["myaccount"] = h.clock.Now().Add(40 * time.Minute)
	r := roleStatus("prod-admin", "myaccount", true, 0)
	r.Expiration = h.clock.Now().Add(50 * time.Minute)
	r.Left = 50 * time.Minute
	h.core.roles = []session.RoleStatus{r}
	h.start(nil)
	h.menu(h.labelIs("role:prod-admin", "Role prod-admin — ready, 50m left"), "50m")
	h.clock.Add(41 * time.Minute)
	h.app.Post(Tick{})
	h.menu(h.labelIs("role:prod-admin", "Role prod-admin — 9m left, then needs myaccount"), "needs myaccount")
	h.clock.Add(10 * time.Minute)
	h.app.Post(Tick{})
	h.menu(h.labelIs("role:prod-admin", "Role prod-admin — needs myaccount"), "needs myaccount, no time left")

	// A click on the row is "Login myaccount", and the dialog says why.
	h.click("role:prod-admin")
	a := h.ask()
	if a.profile != "myaccount" || !strings.Contains(a.hint, NeededBy([]string{"prod-admin"})) {
		t.Errorf("dialog %+v", a)
	}
	a.reply <- answer{code: "123456"}
	h.menu(h.labelIs("role:prod-admin", "Role prod-admin — ready"), "ready after the login")
}

// A role that needs setup says why in an error dialog, and no code is asked.
func TestRoleWithProblemClicked(t *testing.T) {
	h := newHarness(t, "myaccount")
	r := roleStatus("prod-admin", "myaccount", false, 0)
	r.Role.Problem = errors.New("role profile prod-admin has role_arn but no source_profile")
	h.core.roles = []session.RoleStatus{r}
	h.start(nil)
	h.click("role:prod-admin")
	if e := h.errorDialog(); e.title != "awsmfa — prod-admin" || !strings.HasPrefix(e.text, "Role profile prod-admin has role_arn") {
		t.Errorf("error dialog %+v", e)
	}
	select {
	case a := <-h.dlg.asks:
		t.Errorf("a code asked: %+v", a)
	case <-time.After(50 * time.Millisecond):
	}
}
