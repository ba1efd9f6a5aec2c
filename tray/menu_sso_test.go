package tray

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/assets"
	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

func ssoSt(name string, state session.State, left time.Duration, profiles ...string) session.SSOStatus {
	st := session.SSOStatus{Session: session.SSOSession{Name: name}, State: state, Left: left, HasToken: state != session.LoggedOut}
	for _, p := range profiles {
		st.Session.Profiles = append(st.Session.Profiles, session.SSOProfile{Name: p, AccountID: "222233334444", RoleName: "Developer"})
	}
	return st
}

func TestSSOStatusLabel(t *testing.T) {
	refresh := ssoSt("acme", session.Active, 40*time.Minute)
	refresh.Refreshable = true
	noSection := ssoSt("acme", session.LoggedOut, 0)
	noSection.Session.Problem = errors.New("no [sso-session acme]")
	notJSON := ssoSt("acme", session.LoggedOut, 0)
	notJSON.Problem = errors.New("is not a JSON object")
	other := ssoSt("acme", session.Active, time.Hour)
	other.Problem = errors.New("issued for another start URL")
	legacy := ssoSt("https://legacy.awsapps.com/start", session.Expired, 0)
	for _, tc := range []struct {
		st   session.SSOStatus
		loc  locale.Locale
		want string
	}{
		{ssoSt("acme", session.Active, 6*time.Hour+40*time.Minute+59*time.Second), utf8, "acme (SSO) — active, 6h40m left"},
		{refresh, utf8, "acme (SSO) — active, 40m left, renews itself"},
		{ssoSt("acme", session.Expiring, 8*time.Minute), utf8, "acme (SSO) — expiring in 8m"},
		{ssoSt("acme", session.Expired, 0), locale.Locale{}, "acme (SSO) - expired"},
		{ssoSt("acme", session.LoggedOut, 0), utf8, "acme (SSO) — logged out"},
		{noSection, utf8, "acme (SSO) — needs setup"},
		{notJSON, utf8, "acme (SSO) — token file unreadable"},
		{other, utf8, "acme (SSO) — needs a new login"},
		{legacy, utf8, "legacy.awsapps.com (SSO) — expired"},
	} {
		if got := SSOStatusLabel(tc.st, tc.loc); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestSSOProfilesLabel(t *testing.T) {
	for _, tc := range []struct {
		profiles []string
		want     string
	}{
		{nil, "No profile uses acme yet"},
		{[]string{"dev"}, "Profiles: dev"},
		{[]string{"a", "b", "c", "d"}, "Profiles: a, b, c, d"},
		{[]string{"a", "b", "c", "d", "e"}, "Profiles: a, b, c and 2 more"},
	} {
		if got := SSOProfilesLabel(ssoSt("acme", session.LoggedOut, 0, tc.profiles...)); got != tc.want {
			t.Errorf("%v: got %q, want %q", tc.profiles, got, tc.want)
		}
	}
	st := ssoSt("acme", session.LoggedOut, 0, "dev")
	st.Session.Profiles[0].Problem = errors.New("sso_region differs")
	if got := SSOProfilesLabel(st); got != "Profiles: dev (needs setup)" {
		t.Errorf("a refused profile: %q", got)
	}
}

func mixedSnap(mfa, sso int) session.Snapshot {
	s := session.Snapshot{Taken: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	for i := range mfa {
		s.Profiles = append(s.Profiles, status(fmt.Sprintf("p%d", i), session.LoggedOut, 0))
	}
	for i := range sso {
		s.SSO = append(s.SSO, ssoSt(fmt.Sprintf("s%d", i), session.Active, time.Hour, "dev"))
	}
	return s
}

// topRows are the labels of the menu's own level down to the first
// separator after the sessions.
func topRows(m Menu) []string {
	var out []string
	for _, it := range m.Items {
		if it.ID == IDLogoutAll {
			break
		}
		if it.Kind != KindSeparator {
			out = append(out, it.Label)
		}
	}
	return out
}

// The profiles' layout rules hold over both kinds: flat up to FlatLimit
// entries, then a submenu each, then past GroupAbove groups of the larger
// kind first, so the menu's own rows stay few.
func TestSSOLayoutAtScale(t *testing.T) {
	for _, tc := range []struct {
		mfa, sso int
		rows     int    // rows on the menu's own level above Logout all
		first    string // the first SSO row's label (a submenu or a group)
	}{
		{2, 2, 2*4 + 2*4, "s0 (SSO) — active, 1h0m left"},
		{4, 2, 6, "s0 (SSO) — active, 1h0m left"},
		{19, 2, 1 + 2, "s0 (SSO) — active, 1h0m left"},
		{30, 3, 2 + 3, "s0 (SSO) — active, 1h0m left"},
		{2, 25, 2 + 2, "s0 … s12 (SSO) (13 active)"},
		{15, 15, 1 + 15, "s0 (SSO) — active, 1h0m left"},
		{1000, 40, 15 + 2, "s0 … s19 (SSO) (20 active)"},
	} {
		t.Run(fmt.Sprintf("%d+%d", tc.mfa, tc.sso), func(t *testing.T) {
			m := BuildMenu(mixedSnap(tc.mfa, tc.sso), MenuOptions{Locale: utf8})
			rows := topRows(m)
			if len(rows) != tc.rows {
				t.Fatalf("%d rows on the menu's own level, want %d:\n%s", len(rows), tc.rows, strings.Join(rows, "\n"))
			}
			found := false
			for _, r := range rows {
				if r == tc.first {
					found = true
				}
			}
			if !found {
				t.Errorf("no row %q among:\n%s", tc.first, strings.Join(rows, "\n"))
			}
			// Every session keeps its Login and Logout, at any depth.
			for i := range tc.sso {
				if _, ok := m.Item(IDSSOLoginPrefix + fmt.Sprintf("s%d", i)); !ok {
					t.Fatalf("no Login s%d", i)
				}
			}
		})
	}
}

// Sessions sort the way people count; positions and IDs hold while only
// states change.
func TestSSOOrderAndStableIDs(t *testing.T) {
	legacy := ssoSt("https://legacy.awsapps.com/start", session.LoggedOut, 0)
	legacy.Session.Legacy = true
	s := session.Snapshot{SSO: []session.SSOStatus{
		legacy,
		ssoSt("s10", session.LoggedOut, 0), ssoSt("s2", session.LoggedOut, 0)}}
	m := BuildMenu(s, MenuOptions{Locale: utf8})
	var order []string
	for _, it := range m.Items {
		if strings.HasPrefix(it.ID, IDSSOStatusPrefix) {
			order = append(order, it.Label)
		}
	}
	if strings.Join(order, ",") != "s2 (SSO) — logged out,s10 (SSO) — logged out,legacy.awsapps.com (SSO) — logged out" {
		t.Errorf("order %q", order)
	}
	s.SSO[1] = ssoSt("s10", session.Active, time.Hour, "dev")
	m2 := BuildMenu(s, MenuOptions{Locale: utf8, SigningIn: map[string]bool{"s2": true}})
	if m.ShapeKey() != m2.ShapeKey() {
		t.Error("a state change rebuilt the menu")
	}
	if it, _ := m2.Item(IDSSOStatusPrefix + "s2"); it.Label != "s2 (SSO) — signing in…" || !it.Enabled {
		t.Errorf("signing in: %+v", it)
	}
	if it, _ := m2.Item(IDSSOLoginPrefix + "s2"); !it.Enabled {
		t.Error("Login s2 disabled while signing in: a click must bring its dialog to the front")
	}
	if it, _ := m2.Item(IDLogoutAll); !it.Enabled {
		t.Error("Logout all disabled with a token")
	}
	if !strings.Contains(m2.Tooltip, "signing in to s2 (SSO)…") {
		t.Errorf("tooltip %q", m2.Tooltip)
	}
}

// The label cache gives the same menu as none, and follows the locale.
func TestSSOLabelCache(t *testing.T) {
	var c LabelCache
	s := mixedSnap(2, 3)
	for _, loc := range []locale.Locale{utf8, {}, utf8} {
		want := visible(BuildMenu(s, MenuOptions{Locale: loc}))
		if got := visible(BuildMenu(s, MenuOptions{Locale: loc, Cache: &c})); got != want {
			t.Errorf("with the cache:\n%s\nwithout:\n%s", got, want)
		}
	}
}

func TestSSOIconAndTooltip(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	renews := ssoSt("acme", session.Active, 30*time.Minute)
	renews.Refreshable, renews.Expiration = true, now.Add(30*time.Minute)
	mfa := status("myaccount", session.Active, 3*time.Hour)
	mfa.Expiration = now.Add(3 * time.Hour)
	s := session.Snapshot{Taken: now, Profiles: []session.Status{mfa}, SSO: []session.SSOStatus{renews}}
	m := BuildMenu(s, MenuOptions{Locale: utf8})
	if m.Icon != assets.IconActive || m.Reason != "myaccount" || m.Tooltip != "awsmfa: 2 of 2 active; next to expire: myaccount in 3h0m" {
		t.Errorf("a token that renews itself is never next to expire: %v %q %q", m.Icon, m.Reason, m.Tooltip)
	}
	s.Profiles = nil
	if m := BuildMenu(s, MenuOptions{Locale: utf8}); m.Tooltip != "awsmfa: 1 of 1 active; next to expire: acme (SSO) in 30m (renews itself)" {
		t.Errorf("tooltip %q", m.Tooltip)
	}
	gone := ssoSt("acme", session.Expired, 0)
	gone.Expiration = now.Add(-20 * time.Minute)
	s.SSO = []session.SSOStatus{gone}
	if m := BuildMenu(s, MenuOptions{Locale: utf8}); m.Icon != assets.IconExpired || m.Reason != "acme (SSO)" || m.Tooltip != "awsmfa: acme (SSO) expired 20m ago; 0 of 1 active" {
		t.Errorf("expired: %v %q %q", m.Icon, m.Reason, m.Tooltip)
	}
	gone.Expiration = now.Add(-13 * time.Hour)
	s.SSO = []session.SSOStatus{gone}
	if m := BuildMenu(s, MenuOptions{Locale: utf8}); m.Icon != assets.IconIdle {
		t.Errorf("a day-old expiry colours the icon %v", m.Icon)
	}
}

func TestSSOClicks(t *testing.T) {
	for id, want := range map[string]Event{
		IDSSOLoginPrefix + "acme":                              SSOLoginClicked{Session: "acme"},
		IDSSOStatusPrefix + "acme":                             SSOLoginClicked{Session: "acme"},
		IDSSOLogoutPrefix + "https://legacy.awsapps.com/start": SSOLogoutClicked{Session: "https://legacy.awsapps.com/start"},
	} {
		if got, ok := EventForClick(id); !ok || got != want {
			t.Errorf("%s: %#v", id, got)
		}
	}
	for _, id := range []string{IDSSOPrefix + "acme", IDSSOProfilesPrefix + "acme", IDSSOGroupPrefix + "acme", IDSSOLoginPrefix} {
		if ev, ok := EventForClick(id); ok {
			t.Errorf("%s clicks %#v", id, ev)
		}
	}
}
