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

var utf8 = locale.Locale{UTF8: true}

func status(name string, state session.State, left time.Duration) session.Status {
	st := session.Status{Profile: session.Profile{Name: name}, State: state, Left: left}
	st.HasSession = state != session.LoggedOut
	return st
}

func TestStatusLabel(t *testing.T) {
	needsSetup := status("myaccount", session.LoggedOut, 0)
	needsSetup.Profile.Problem = errors.New("add mfa_serial to [profile myaccountPerm]")
	tests := []struct {
		name  string
		st    session.Status
		store session.KeyStore
		loc   locale.Locale
		want  string
	}{
		{"active", status("myaccount", session.Active, 3*time.Hour+12*time.Minute+30*time.Second), session.KeysInFile, utf8, "myaccount — active, 3h12m left"},
		{"expiring", status("myaccount", session.Expiring, 8*time.Minute+59*time.Second), session.KeysInFile, utf8, "myaccount — expiring in 8m"},
		{"expired", status("myaccount", session.Expired, 0), session.KeysInFile, utf8, "myaccount — expired"},
		{"logged out", status("myaccount", session.LoggedOut, 0), session.KeysInFile, utf8, "myaccount — logged out"},
		{"unknown expiry", status("myaccount", session.ActiveUnknown, 0), session.KeysInFile, utf8, "myaccount — active (unknown expiry)"},
		{"needs setup", needsSetup, session.KeysMissing, utf8, "myaccount — needs setup"},
		{"C locale", status("myaccount", session.Active, 2*time.Hour), session.KeysInFile, locale.Locale{}, "myaccount - active, 2h0m left"},
		{"C locale expired", status("prod", session.Expired, 0), session.KeysInFile, locale.Locale{}, "prod - expired"},
		{"keychain", status("myaccount", session.Active, 3*time.Hour+12*time.Minute), session.KeysInKeychain, utf8, "myaccount [keychain] — active, 3h12m left"},
		{"keychain, C locale", status("myaccount", session.Active, 3*time.Hour+12*time.Minute), session.KeysInKeychain, locale.Locale{}, "myaccount [keychain] - active, 3h12m left"},
		{"keychain, needs setup", needsSetup, session.KeysInKeychain, utf8, "myaccount [keychain] — needs setup"},
		{"keys missing: no lock", status("myaccount", session.LoggedOut, 0), session.KeysMissing, utf8, "myaccount — logged out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StatusLabel(tt.st, tt.store, tt.loc); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// visible renders the items a user would see, one per line, submenus
// indented, with flags.
func visible(m Menu) string {
	var b strings.Builder
	m.Walk(func(it Item, depth int) {
		if it.Hidden {
			return
		}
		b.WriteString(strings.Repeat("  ", depth))
		switch it.Kind {
		case KindSeparator:
			b.WriteString("---\n")
			return
		case KindCheckbox:
			if it.Checked {
				b.WriteString("[x] ")
			} else {
				b.WriteString("[ ] ")
			}
		}
		b.WriteString(it.Label)
		if len(it.Children) > 0 {
			b.WriteString(" >")
		}
		if !it.Enabled {
			b.WriteString(" (disabled)")
		}
		b.WriteString("\n")
	})
	return b.String()
}

// expiredAgo is an expired session that ended d before now.
func expiredAgo(name string, now time.Time, d time.Duration) session.Status {
	st := status(name, session.Expired, 0)
	st.Expiration = now.Add(-d)
	return st
}

var t0 = time.Date(2026, 11, 27, 9, 4, 0, 0, time.UTC)

func TestBuildMenu(t *testing.T) {
	on := AutostartState{Known: true, Enabled: true}
	tests := []struct {
		name    string
		snap    session.Snapshot
		opts    MenuOptions
		want    string
		icon    assets.IconState
		tooltip string
	}{
		{
			name: "no profiles",
			opts: MenuOptions{Locale: utf8, Autostart: on},
			want: `No MFA profiles found (disabled)
Run 'awsmfa setup' to add one (disabled)
---
Logout all (disabled)
[x] Start at login
Refresh
---
Quit
`,
			icon:    assets.IconIdle,
			tooltip: "awsmfa: no MFA profiles found",
		},
		{
			name: "reading",
			opts: MenuOptions{Locale: utf8, Autostart: on, Reading: true},
			want: `Reading the AWS files… (disabled)
---
Logout all (disabled)
[x] Start at login
Refresh
---
Quit
`,
			icon:    assets.IconIdle,
			tooltip: "awsmfa: reading the AWS files…",
		},
		{
			name: "one active one logged out: every action always there",
			snap: session.Snapshot{Taken: t0, Profiles: []session.Status{
				status("alpha", session.Active, 3*time.Hour+12*time.Minute),
				status("beta", session.LoggedOut, 0),
			}},
			opts: MenuOptions{Locale: utf8, Autostart: AutostartState{Known: true}},
			want: `alpha — active, 3h12m left
Login alpha
Logout alpha
Move alpha keys to keychain… (disabled)
---
beta — logged out
Login beta
Logout beta (disabled)
Move beta keys to keychain… (disabled)
---
Logout all
[ ] Start at login
Refresh
---
Quit
`,
			icon:    assets.IconActive,
			tooltip: "awsmfa: 1 of 2 active; next to expire: alpha in 3h12m",
		},
		{
			name: "expiring and expired under C: the recent expiry is the reason",
			snap: session.Snapshot{Taken: t0, Profiles: []session.Status{
				status("alpha", session.Expiring, 8*time.Minute),
				expiredAgo("beta", t0, 20*time.Minute),
			}},
			opts: MenuOptions{Locale: locale.Locale{}, Autostart: on},
			want: `alpha - expiring in 8m
Login alpha
Logout alpha
Move alpha keys to keychain... (disabled)
---
beta - expired
Login beta
Logout beta
Move beta keys to keychain... (disabled)
---
Logout all
[x] Start at login
Refresh
---
Quit
`,
			icon:    assets.IconExpired,
			tooltip: "awsmfa: beta expired 20m ago; 1 of 2 active",
		},
		{
			name: "a session expired long ago does not colour the icon",
			snap: session.Snapshot{Taken: t0, Profiles: []session.Status{
				status("alpha", session.Active, 2*time.Hour),
				expiredAgo("old", t0, 6*365*24*time.Hour),
			}},
			opts: MenuOptions{Locale: utf8, Autostart: on},
			want: `alpha — active, 2h0m left
Login alpha
Logout alpha
Move alpha keys to keychain… (disabled)
---
old — expired
Login old
Logout old
Move old keys to keychain… (disabled)
---
Logout all
[x] Start at login
Refresh
---
Quit
`,
			icon:    assets.IconActive,
			tooltip: "awsmfa: 1 of 2 active; next to expire: alpha in 2h0m",
		},
		{
			name: "logging in",
			snap: session.Snapshot{Taken: t0, Profiles: []session.Status{
				status("alpha", session.LoggedOut, 0),
			}},
			opts: MenuOptions{Locale: utf8, Autostart: on, LoggingIn: map[string]bool{"alpha": true},
				KeyStores: map[string]session.KeyStore{"alpha": session.KeysInKeychain}},
			want: `alpha [keychain] — logging in… (disabled)
Login alpha (disabled)
Logout alpha (disabled)
alpha keys are in the keychain (disabled)
---
Logout all (disabled)
[x] Start at login
Refresh
---
Quit
`,
			icon:    assets.IconIdle,
			tooltip: "awsmfa: logging in to alpha…; 0 of 1 active",
		},
		{
			name: "stale autostart, unknown expiry",
			snap: session.Snapshot{Taken: t0, Profiles: []session.Status{
				status("alpha", session.ActiveUnknown, 0),
			}},
			opts: MenuOptions{Locale: utf8, Autostart: AutostartState{Known: true, Enabled: true, Stale: true}},
			want: `alpha — active (unknown expiry)
Login alpha
Logout alpha
Move alpha keys to keychain… (disabled)
---
Logout all
[ ] Start at login (points to a moved app; click to fix)
Refresh
---
Quit
`,
			icon:    assets.IconActive,
			tooltip: "awsmfa: 1 of 1 active",
		},
		{
			name: "keys in the file offer the move, keys in the keychain are marked",
			snap: session.Snapshot{Taken: t0, Profiles: []session.Status{
				status("alpha", session.Active, 3*time.Hour+12*time.Minute),
				status("beta", session.LoggedOut, 0),
				status("gamma", session.LoggedOut, 0),
			}},
			opts: MenuOptions{Locale: utf8, Autostart: on, KeyStores: map[string]session.KeyStore{
				"alpha": session.KeysInKeychain, "beta": session.KeysInFile, "gamma": session.KeysMissing,
			}},
			want: `alpha [keychain] — active, 3h12m left
Login alpha
Logout alpha
alpha keys are in the keychain (disabled)
---
beta — logged out
Login beta
Logout beta (disabled)
Move beta keys to keychain…
---
gamma — logged out
Login gamma
Logout gamma (disabled)
Move gamma keys to keychain… (disabled)
---
Logout all
[x] Start at login
Refresh
---
Quit
`,
			icon:    assets.IconActive,
			tooltip: "awsmfa: 1 of 3 active; next to expire: alpha in 3h12m",
		},
		{
			name: "more than a handful: a submenu each, in natural order",
			snap: session.Snapshot{Taken: t0, Profiles: []session.Status{
				status("s0", session.LoggedOut, 0), status("s1", session.LoggedOut, 0),
				status("s10", session.Active, time.Hour), status("s11", session.LoggedOut, 0),
				status("s2", session.LoggedOut, 0), status("s3", session.LoggedOut, 0),
			}},
			opts: MenuOptions{Locale: utf8, Autostart: on},
			want: `s0 — logged out >
  Login s0
  Logout s0 (disabled)
  Move s0 keys to keychain… (disabled)
s1 — logged out >
  Login s1
  Logout s1 (disabled)
  Move s1 keys to keychain… (disabled)
s2 — logged out >
  Login s2
  Logout s2 (disabled)
  Move s2 keys to keychain… (disabled)
s3 — logged out >
  Login s3
  Logout s3 (disabled)
  Move s3 keys to keychain… (disabled)
s10 — active, 1h0m left >
  Login s10
  Logout s10
  Move s10 keys to keychain… (disabled)
s11 — logged out >
  Login s11
  Logout s11 (disabled)
  Move s11 keys to keychain… (disabled)
---
Logout all
[x] Start at login
Refresh
---
Quit
`,
			icon:    assets.IconActive,
			tooltip: "awsmfa: 1 of 6 active; next to expire: s10 in 1h0m",
		},
		{
			name: "snapshot error, autostart unknown",
			opts: MenuOptions{Locale: utf8, Err: errors.New("duplicate [myaccount] sections in credentials")},
			want: `Cannot read the AWS files: duplicate [myaccount] sections in credentials (disabled)
---
Logout all (disabled)
[ ] Start at login (unavailable) (disabled)
Refresh
---
Quit
`,
			icon:    assets.IconIdle,
			tooltip: "awsmfa: cannot read the AWS files",
		},
		{
			name: "autostart refused",
			opts: MenuOptions{Locale: utf8, Autostart: AutostartState{Known: true, Unavailable: "built by go run"}},
			want: `No MFA profiles found (disabled)
Run 'awsmfa setup' to add one (disabled)
---
Logout all (disabled)
[ ] Start at login (unavailable) (disabled)
Refresh
---
Quit
`,
			icon:    assets.IconIdle,
			tooltip: "awsmfa: no MFA profiles found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := BuildMenu(tt.snap, tt.opts)
			if got := visible(m); got != tt.want {
				t.Errorf("menu:\n%s\nwant:\n%s", got, tt.want)
			}
			if m.Icon != tt.icon {
				t.Errorf("icon %v, want %v", m.Icon, tt.icon)
			}
			if m.Tooltip != tt.tooltip {
				t.Errorf("tooltip %q, want %q", m.Tooltip, tt.tooltip)
			}
		})
	}
}

// TestBuildMenuGroups: past GroupAbove profiles the submenus go into at
// most MaxGroups groups of neighbours, so the menu's own rows stay few.
func TestBuildMenuGroups(t *testing.T) {
	for _, n := range []int{GroupAbove + 1, 300, 1000} {
		var sts []session.Status
		for i := range n {
			st := status(fmt.Sprintf("s%d", i), session.LoggedOut, 0)
			if i%3 == 0 {
				st = status(fmt.Sprintf("s%d", i), session.Active, time.Hour)
			}
			sts = append(sts, st)
		}
		m := BuildMenu(session.Snapshot{Taken: t0, Profiles: sts}, MenuOptions{Locale: utf8})
		top, inside := 0, 0
		var names []string
		for _, it := range m.Items {
			if !strings.HasPrefix(it.ID, IDGroupPrefix) {
				continue
			}
			top++
			for _, p := range it.Children {
				inside++
				names = append(names, strings.TrimPrefix(p.ID, IDProfilePrefix))
			}
		}
		if top > MaxGroups || top < 2 || inside != n {
			t.Errorf("%d profiles: %d groups holding %d profiles", n, top, inside)
		}
		for i, name := range names {
			if name != fmt.Sprintf("s%d", i) {
				t.Fatalf("%d profiles: position %d holds %s: not natural order", n, i, name)
			}
		}
		if last := m.Items[len(m.Items)-1]; last.ID != IDQuit {
			t.Errorf("%d profiles: the last row is %s, want Quit", n, last.ID)
		}
		if g := m.Items[0]; !strings.HasPrefix(g.Label, "s0 … s") || !strings.HasSuffix(g.Label, " active)") {
			t.Errorf("%d profiles: first group %q", n, g.Label)
		}
	}
}

// TestBuildMenuShapeStable checks that logging in or out, and moving the
// keys, change flags and labels, never the items: nothing moves under the
// mouse, and the adapter updates items in place.
func TestBuildMenuShapeStable(t *testing.T) {
	for _, n := range []int{1, FlatLimit + 1, GroupAbove + 1} {
		build := func(state session.State, store session.KeyStore, busy bool) Menu {
			sts := []session.Status{status("alpha", state, time.Hour)}
			for i := 1; i < n; i++ {
				sts = append(sts, status(fmt.Sprintf("p%d", i), session.LoggedOut, 0))
			}
			return BuildMenu(session.Snapshot{Taken: t0, Profiles: sts}, MenuOptions{Locale: utf8,
				KeyStores: map[string]session.KeyStore{"alpha": store}, LoggingIn: map[string]bool{"alpha": busy}})
		}
		base := build(session.LoggedOut, session.KeysInFile, false)
		for _, m := range []Menu{
			build(session.Active, session.KeysInFile, false),
			build(session.Expired, session.KeysInKeychain, false),
			build(session.LoggedOut, session.KeysInFile, true),
		} {
			if m.Shape() != base.Shape() {
				t.Fatalf("%d profiles: shape changed:\n%s\n%s", n, base.Shape(), m.Shape())
			}
			m.Walk(func(it Item, _ int) {
				if it.Hidden {
					t.Errorf("%d profiles: %s hidden", n, it.ID)
				}
			})
		}
		lo, _ := base.Item(IDLogoutPrefix + "alpha")
		li, _ := build(session.Active, session.KeysInFile, false).Item(IDLogoutPrefix + "alpha")
		if lo.Enabled || !li.Enabled {
			t.Errorf("%d profiles: Logout alpha enabled: logged out %v, active %v", n, lo.Enabled, li.Enabled)
		}
	}
}

// A profile that needs setup offers no login that cannot work: its Login
// item, in the same place, is "Set up X…" with the problem as its tooltip;
// a sound profile beside it keeps "Login Y".
func TestBuildMenuNeedsSetup(t *testing.T) {
	broken := status("myaccount", session.LoggedOut, 0)
	broken.Profile.Problem = errors.New("add mfa_serial to [profile myaccountPerm] in ~/.aws/config, or run awsmfa setup --profile myaccount --serial ARN")
	fine := status("other", session.LoggedOut, 0)
	for _, n := range []int{2, FlatLimit + 1} {
		profiles := []session.Status{broken, fine}
		for i := 2; i < n; i++ {
			profiles = append(profiles, status(fmt.Sprintf("p%02d", i), session.LoggedOut, 0))
		}
		for _, loc := range []locale.Locale{utf8, {}} {
			m := BuildMenu(session.Snapshot{Profiles: profiles}, MenuOptions{Locale: loc})
			it, ok := m.Item(IDLoginPrefix + "myaccount")
			if !ok {
				t.Fatalf("%d profiles: no login item for myaccount", n)
			}
			if want := loc.Text(SetupLabel("myaccount")); it.Label != want || !it.Enabled {
				t.Errorf("%d profiles: myaccount's item %q (enabled %v), want %q enabled", n, it.Label, it.Enabled, want)
			}
			if !strings.HasPrefix(it.Tooltip, "Add mfa_serial") || !strings.Contains(it.Tooltip, "awsmfa setup") {
				t.Errorf("%d profiles: tooltip %q, want the problem's sentence", n, it.Tooltip)
			}
			if o, _ := m.Item(IDLoginPrefix + "other"); o.Label != "Login other" {
				t.Errorf("%d profiles: other's item %q", n, o.Label)
			}
			m.Walk(func(it Item, _ int) {
				if it.Label == "Login myaccount" {
					t.Errorf("%d profiles: %q offered for a profile that needs setup", n, it.Label)
				}
			})
		}
	}
}

func TestBuildMenuNoNonASCIIUnderC(t *testing.T) {
	p := status("caf\u00e9", session.Active, time.Hour)
	q := status("file", session.LoggedOut, 0)
	m := BuildMenu(session.Snapshot{Profiles: []session.Status{p, q}},
		MenuOptions{Locale: locale.Locale{}, KeyStores: map[string]session.KeyStore{
			"caf\u00e9": session.KeysInKeychain, "file": session.KeysInFile}, LoggingIn: map[string]bool{"file": true}})
	m.Walk(func(it Item, _ int) {
		for _, s := range []string{it.Label, it.Tooltip} {
			for _, r := range s {
				if r >= 0x80 {
					t.Errorf("non-ASCII in %q", s)
				}
			}
		}
	})
	for _, r := range m.Tooltip {
		if r >= 0x80 {
			t.Errorf("non-ASCII in the tooltip %q", m.Tooltip)
		}
	}
}

func TestIconReason(t *testing.T) {
	expiredNoSession := expiredAgo("a", t0, time.Minute)
	expiredNoSession.HasSession = false
	tests := []struct {
		name   string
		in     []session.Status
		want   assets.IconState
		reason string
	}{
		{"empty", nil, assets.IconIdle, ""},
		{"all logged out", []session.Status{status("a", session.LoggedOut, 0)}, assets.IconIdle, ""},
		{"one active", []session.Status{status("a", session.LoggedOut, 0), status("b", session.Active, time.Hour)}, assets.IconActive, "b"},
		{"the active one expiring first", []session.Status{status("a", session.Active, 2*time.Hour), status("b", session.Active, time.Hour)}, assets.IconActive, "b"},
		{"expiring beats active", []session.Status{status("a", session.Expiring, time.Minute), status("b", session.Active, time.Hour)}, assets.IconExpiring, "a"},
		{"a recent expiry beats all", []session.Status{status("a", session.Expiring, time.Minute), expiredAgo("b", t0, time.Hour)}, assets.IconExpired, "b"},
		{"the latest expiry", []session.Status{expiredAgo("a", t0, time.Hour), expiredAgo("b", t0, time.Minute)}, assets.IconExpired, "b"},
		{"expired without a session does not count", []session.Status{expiredNoSession}, assets.IconIdle, ""},
		{"expired long ago does not count", []session.Status{expiredAgo("a", t0, StaleExpiry+time.Minute), status("b", session.Active, time.Hour)}, assets.IconActive, "b"},
		{"expired just within", []session.Status{expiredAgo("a", t0, StaleExpiry)}, assets.IconExpired, "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := IconReason(session.Snapshot{Taken: t0, Profiles: tt.in})
			if got != tt.want || reason != tt.reason {
				t.Errorf("got %v (%q), want %v (%q)", got, reason, tt.want, tt.reason)
			}
		})
	}
}
