package tray

import (
	"errors"
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
		{"keychain", status("myaccount", session.Active, 3*time.Hour+12*time.Minute), session.KeysInKeychain, utf8, "myaccount \U0001F512 — active, 3h12m left"},
		{"keychain, C locale", status("myaccount", session.Active, 3*time.Hour+12*time.Minute), session.KeysInKeychain, locale.Locale{}, "myaccount [keychain] - active, 3h12m left"},
		{"keychain, needs setup", needsSetup, session.KeysInKeychain, utf8, "myaccount \U0001F512 — needs setup"},
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

// visible renders the items a user would see, one per line, with flags.
func visible(m Menu) string {
	var b strings.Builder
	for _, it := range m.Items {
		if it.Hidden {
			continue
		}
		switch it.Kind {
		case KindSeparator:
			b.WriteString("---\n")
			continue
		case KindCheckbox:
			if it.Checked {
				b.WriteString("[x] ")
			} else {
				b.WriteString("[ ] ")
			}
		}
		b.WriteString(it.Label)
		if !it.Enabled {
			b.WriteString(" (disabled)")
		}
		b.WriteString("\n")
	}
	return b.String()
}

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
			name: "one active one logged out",
			snap: session.Snapshot{Profiles: []session.Status{
				status("alpha", session.Active, 3*time.Hour+12*time.Minute),
				status("beta", session.LoggedOut, 0),
			}},
			opts: MenuOptions{Locale: utf8, Autostart: AutostartState{Known: true}},
			want: `alpha — active, 3h12m left (disabled)
Login alpha
Logout alpha
---
beta — logged out (disabled)
Login beta
---
Logout all
[ ] Start at login
Refresh
---
Quit
`,
			icon:    assets.IconActive,
			tooltip: "awsmfa: 1 of 2 active",
		},
		{
			name: "expiring and expired under C",
			snap: session.Snapshot{Profiles: []session.Status{
				status("alpha", session.Expiring, 8*time.Minute),
				status("beta", session.Expired, 0),
			}},
			opts: MenuOptions{Locale: locale.Locale{}, Autostart: on},
			want: `alpha - expiring in 8m (disabled)
Login alpha
Logout alpha
---
beta - expired (disabled)
Login beta
Logout beta
---
Logout all
[x] Start at login
Refresh
---
Quit
`,
			icon:    assets.IconExpired,
			tooltip: "awsmfa: beta expired, alpha expiring in 8m, 1 of 2 active",
		},
		{
			name: "stale autostart, unknown expiry",
			snap: session.Snapshot{Profiles: []session.Status{
				status("alpha", session.ActiveUnknown, 0),
			}},
			opts: MenuOptions{Locale: utf8, Autostart: AutostartState{Known: true, Enabled: true, Stale: true}},
			want: `alpha — active (unknown expiry) (disabled)
Login alpha
Logout alpha
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
			name: "keys in the file offer the move, keys in the keychain show the lock",
			snap: session.Snapshot{Profiles: []session.Status{
				status("alpha", session.Active, 3*time.Hour+12*time.Minute),
				status("beta", session.LoggedOut, 0),
				status("gamma", session.LoggedOut, 0),
			}},
			opts: MenuOptions{Locale: utf8, Autostart: on, KeyStores: map[string]session.KeyStore{
				"alpha": session.KeysInKeychain, "beta": session.KeysInFile, "gamma": session.KeysMissing,
			}},
			want: `alpha 🔒 — active, 3h12m left (disabled)
Login alpha
Logout alpha
---
beta — logged out (disabled)
Login beta
Move beta keys to keychain…
---
gamma — logged out (disabled)
Login gamma
---
Logout all
[x] Start at login
Refresh
---
Quit
`,
			icon:    assets.IconActive,
			tooltip: "awsmfa: 1 of 3 active",
		},
		{
			name: "keychain items under C",
			snap: session.Snapshot{Profiles: []session.Status{
				status("alpha", session.Active, 3*time.Hour+12*time.Minute),
				status("beta", session.LoggedOut, 0),
			}},
			opts: MenuOptions{Locale: locale.Locale{}, Autostart: on, KeyStores: map[string]session.KeyStore{
				"alpha": session.KeysInKeychain, "beta": session.KeysInFile,
			}},
			want: `alpha [keychain] - active, 3h12m left (disabled)
Login alpha
Logout alpha
---
beta - logged out (disabled)
Login beta
Move beta keys to keychain...
---
Logout all
[x] Start at login
Refresh
---
Quit
`,
			icon:    assets.IconActive,
			tooltip: "awsmfa: 1 of 2 active",
		},
		{
			name: "key stores unknown: neither lock nor move",
			snap: session.Snapshot{Profiles: []session.Status{status("alpha", session.LoggedOut, 0)}},
			opts: MenuOptions{Locale: utf8, Autostart: on},
			want: `alpha — logged out (disabled)
Login alpha
---
Logout all (disabled)
[x] Start at login
Refresh
---
Quit
`,
			icon:    assets.IconIdle,
			tooltip: "awsmfa: 0 of 1 active",
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

// TestBuildMenuShapeStable checks that logging in or out changes flags and
// labels, never the item IDs: the adapter then updates items in place and
// the IDs a test clicks stay valid.
func TestBuildMenuShapeStable(t *testing.T) {
	out := session.Snapshot{Profiles: []session.Status{status("alpha", session.LoggedOut, 0)}}
	in := session.Snapshot{Profiles: []session.Status{status("alpha", session.Active, time.Hour)}}
	a, b := BuildMenu(out, MenuOptions{Locale: utf8}), BuildMenu(in, MenuOptions{Locale: utf8})
	if a.Shape() != b.Shape() {
		t.Fatalf("shape changed:\n%s\n%s", a.Shape(), b.Shape())
	}
	lo, _ := a.Item(IDLogoutPrefix + "alpha")
	li, _ := b.Item(IDLogoutPrefix + "alpha")
	if !lo.Hidden || li.Hidden {
		t.Errorf("Logout alpha hidden: logged out %v, active %v", lo.Hidden, li.Hidden)
	}

	// Moving the keys to the keychain hides the move item, keeping IDs.
	inFile := BuildMenu(in, MenuOptions{Locale: utf8, KeyStores: map[string]session.KeyStore{"alpha": session.KeysInFile}})
	moved := BuildMenu(in, MenuOptions{Locale: utf8, KeyStores: map[string]session.KeyStore{"alpha": session.KeysInKeychain}})
	if inFile.Shape() != moved.Shape() || inFile.Shape() != a.Shape() {
		t.Fatalf("shape changed by the key store:\n%s\n%s", inFile.Shape(), moved.Shape())
	}
	kf, _ := inFile.Item(IDKeychainPrefix + "alpha")
	km, _ := moved.Item(IDKeychainPrefix + "alpha")
	if kf.Hidden || !kf.Enabled || !km.Hidden {
		t.Errorf("move item: keys in file %+v, in keychain %+v", kf, km)
	}
}

func TestBuildMenuNoNonASCIIUnderC(t *testing.T) {
	p := status("caf\u00e9", session.Active, time.Hour)
	q := status("file", session.LoggedOut, 0)
	m := BuildMenu(session.Snapshot{Profiles: []session.Status{p, q}},
		MenuOptions{Locale: locale.Locale{}, KeyStores: map[string]session.KeyStore{
			"caf\u00e9": session.KeysInKeychain, "file": session.KeysInFile}})
	for _, it := range m.Items {
		for _, s := range []string{it.Label, it.Tooltip} {
			for _, r := range s {
				if r >= 0x80 {
					t.Errorf("non-ASCII in %q", s)
				}
			}
		}
	}
}

func TestOverallIcon(t *testing.T) {
	expiredNoSession := status("a", session.Expired, 0)
	expiredNoSession.HasSession = false
	tests := []struct {
		name string
		in   []session.Status
		want assets.IconState
	}{
		{"empty", nil, assets.IconIdle},
		{"all logged out", []session.Status{status("a", session.LoggedOut, 0)}, assets.IconIdle},
		{"one active", []session.Status{status("a", session.LoggedOut, 0), status("b", session.Active, time.Hour)}, assets.IconActive},
		{"expiring beats active", []session.Status{status("a", session.Expiring, time.Minute), status("b", session.Active, time.Hour)}, assets.IconExpiring},
		{"expired beats all", []session.Status{status("a", session.Expiring, time.Minute), status("b", session.Expired, 0)}, assets.IconExpired},
		{"expired without a session does not count", []session.Status{expiredNoSession}, assets.IconIdle},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OverallIcon(session.Snapshot{Profiles: tt.in}); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
