package tray

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/awsmfa-tray/awsmfa-tray/assets"
	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// Stable item IDs. Per-profile items append ":" and the profile name, so
// the same profile keeps the same IDs across renders.
const (
	IDStatusPrefix = "status:"
	IDLoginPrefix  = "login:"
	IDLogoutPrefix = "logout:"
	// IDKeychainPrefix + X is "Move X keys to keychain…".
	IDKeychainPrefix = "keychain:"
	IDSepPrefix      = "sep:"
	IDNone           = "none"
	IDSetupHint      = "setup-hint"
	IDError          = "error"
	IDLogoutAll      = "logout-all"
	IDAutostart      = "autostart"
	IDRefresh        = "refresh"
	IDQuit           = "quit"
	idSepActions     = "sep:-actions"
)

// ItemKind is how an item is drawn.
type ItemKind int

const (
	KindNormal ItemKind = iota
	KindCheckbox
	KindSeparator
)

// Item is one menu entry, as plain data.
type Item struct {
	ID      string
	Kind    ItemKind
	Label   string
	Tooltip string
	Enabled bool
	Checked bool
	Hidden  bool
}

// Menu is the whole tray: its items in order, plus the icon and tooltip
// that show the overall state.
type Menu struct {
	Items   []Item
	Icon    assets.IconState
	Tooltip string
}

// Item returns the item with id, if present.
func (m Menu) Item(id string) (Item, bool) {
	for _, it := range m.Items {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

// Shape is the ordered list of IDs and kinds: two menus with the same shape
// differ only in labels and flags, so an adapter can update in place.
func (m Menu) Shape() string {
	// Built by hand, not with fmt: it runs on every render, twice (the app
	// and the adapter), over five items per profile.
	n := 0
	for _, it := range m.Items {
		n += len(it.ID) + 3
	}
	var b strings.Builder
	b.Grow(n)
	for _, it := range m.Items {
		b.WriteString(strconv.Itoa(int(it.Kind)))
		b.WriteByte(':')
		b.WriteString(it.ID)
		b.WriteByte('\n')
	}
	return b.String()
}

// AutostartState is what the "Start at login" checkbox shows.
type AutostartState struct {
	Known   bool // the system's state could be read
	Enabled bool
	Stale   bool // the entry points at a moved or different binary
}

// MenuOptions are the inputs to BuildMenu besides the snapshot.
type MenuOptions struct {
	Locale    locale.Locale
	Autostart AutostartState
	// Err is set when the last snapshot failed; the menu shows it.
	Err error
	// KeyStores says where each profile's long-term keys live (the core's
	// KeychainStatus without probing). KeysInKeychain puts a lock beside
	// the profile; KeysInFile offers "Move X keys to keychain…". A profile
	// missing here gets neither.
	KeyStores map[string]session.KeyStore
}

// Exact label texts, shared with the e2e contract.
const (
	LabelNoProfiles = "No MFA profiles found"
	LabelSetupHint  = "Run 'awsmfa setup' to add one"
	LabelLogoutAll  = "Logout all"
	LabelAutostart  = "Start at login"
	LabelRefresh    = "Refresh"
	LabelQuit       = "Quit"
)

// BuildMenu turns a snapshot into a menu description. It is pure: the same
// inputs always give the same menu.
func BuildMenu(s session.Snapshot, opts MenuOptions) Menu {
	loc := opts.Locale
	// Five items per profile and six after them, allocated once.
	m := Menu{Items: make([]Item, 0, 5*len(s.Profiles)+8)}
	add := func(it Item) { m.Items = append(m.Items, it) }

	anySession := false
	switch {
	case opts.Err != nil:
		add(Item{ID: IDError, Label: loc.Text(shorten("Cannot read the AWS files: "+opts.Err.Error(), 120)),
			Tooltip: loc.Text(opts.Err.Error())})
		add(Item{ID: IDSepPrefix + IDError, Kind: KindSeparator})
	case len(s.Profiles) == 0:
		add(Item{ID: IDNone, Label: LabelNoProfiles})
		add(Item{ID: IDSetupHint, Label: LabelSetupHint})
		add(Item{ID: IDSepPrefix + IDNone, Kind: KindSeparator})
	default:
		for _, st := range s.Profiles {
			name := st.Profile.Name
			anySession = anySession || st.HasSession
			store := opts.KeyStores[name]
			status := Item{ID: IDStatusPrefix + name, Label: loc.Text(StatusLabel(st, store, loc))}
			if store == session.KeysInKeychain {
				status.Tooltip = "The long-term keys are in the OS keychain"
			}
			add(status)
			add(Item{ID: IDLoginPrefix + name, Label: loc.Text("Login " + name), Enabled: true})
			add(Item{ID: IDLogoutPrefix + name, Label: loc.Text("Logout " + name), Enabled: true, Hidden: !st.HasSession})
			// Always present, hidden unless the keys are in the file, so
			// moving them changes flags only and every ID stays valid.
			add(Item{ID: IDKeychainPrefix + name, Label: loc.Text(KeychainLabel(name)), Enabled: true,
				Tooltip: "Move the long-term keys out of the credentials file into the OS keychain",
				Hidden:  store != session.KeysInFile})
			add(Item{ID: IDSepPrefix + name, Kind: KindSeparator})
		}
	}

	add(Item{ID: IDLogoutAll, Label: LabelLogoutAll, Enabled: anySession})
	as := Item{ID: IDAutostart, Kind: KindCheckbox, Label: LabelAutostart, Enabled: true}
	switch {
	case !opts.Autostart.Known:
		as.Label += " (unavailable)"
		as.Enabled = false
	case opts.Autostart.Stale:
		as.Label += " (points to a moved app; click to fix)"
		as.Checked = false
	default:
		as.Checked = opts.Autostart.Enabled
	}
	add(as)
	add(Item{ID: IDRefresh, Label: LabelRefresh, Enabled: true})
	add(Item{ID: idSepActions, Kind: KindSeparator})
	add(Item{ID: IDQuit, Label: LabelQuit, Enabled: true})

	m.Icon = OverallIcon(s)
	m.Tooltip = loc.Text(tooltip(s, opts, loc))
	return m
}

// KeychainLabel is the menu item that moves a profile's long-term keys.
func KeychainLabel(profile string) string {
	return "Move " + profile + " keys to keychain\u2026"
}

// StatusLabel is a profile's status line, e.g. "myaccount — active, 3h12m
// left", with a lock after the name when store is KeysInKeychain
// ("myaccount 🔒 — active, 3h12m left"). Profiles with a Problem say
// "needs setup".
func StatusLabel(st session.Status, store session.KeyStore, loc locale.Locale) string {
	name := st.Profile.Name
	if store == session.KeysInKeychain {
		name += loc.Lock()
	}
	name += loc.Dash()
	if st.Profile.Problem != nil {
		return name + "needs setup"
	}
	switch st.State {
	case session.Active:
		return name + "active, " + session.FormatLeft(st.Left) + " left"
	case session.Expiring:
		return name + "expiring in " + session.FormatLeft(st.Left)
	case session.Expired:
		return name + "expired"
	case session.ActiveUnknown:
		return name + "active (unknown expiry)"
	default:
		return name + "logged out"
	}
}

// OverallIcon is red when a session has expired, amber when one expires
// soon, green when at least one is active, else grey. Profiles that need
// setup and hold no session do not count.
func OverallIcon(s session.Snapshot) assets.IconState {
	icon := assets.IconIdle
	for _, st := range s.Profiles {
		switch st.State {
		case session.Expired:
			if st.HasSession {
				return assets.IconExpired
			}
		case session.Expiring:
			icon = assets.IconExpiring
		case session.Active, session.ActiveUnknown:
			if icon == assets.IconIdle {
				icon = assets.IconActive
			}
		}
	}
	return icon
}

// tooltip summarises the overall state in one line.
func tooltip(s session.Snapshot, opts MenuOptions, loc locale.Locale) string {
	if opts.Err != nil {
		return "awsmfa: cannot read the AWS files"
	}
	if len(s.Profiles) == 0 {
		return "awsmfa: " + strings.ToLower(LabelNoProfiles[:1]) + LabelNoProfiles[1:]
	}
	var active, expiring, expired []string
	for _, st := range s.Profiles {
		switch st.State {
		case session.Active, session.ActiveUnknown:
			active = append(active, st.Profile.Name)
		case session.Expiring:
			expiring = append(expiring, st.Profile.Name+" expiring in "+session.FormatLeft(st.Left))
		case session.Expired:
			if st.HasSession {
				expired = append(expired, st.Profile.Name+" expired")
			}
		}
	}
	parts := append(expired, expiring...)
	live := len(active) + len(expiring)
	parts = append(parts, fmt.Sprintf("%d of %d active", live, len(s.Profiles)))
	return "awsmfa: " + strings.Join(parts, ", ")
}

// shorten cuts s to at most n runes, ending in "..." when cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-3]) + "..."
}
