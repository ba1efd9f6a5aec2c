package tray

import (
	"hash/maphash"
	"strconv"
	"strings"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/assets"
	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// Stable item IDs. Per-profile items append ":" and the profile name, so
// the same profile keeps the same IDs across renders.
const (
	IDStatusPrefix = "status:"
	// IDProfilePrefix + X is X's submenu (state as its label), used once
	// there are more than FlatLimit profiles.
	IDProfilePrefix = "profile:"
	// IDGroupPrefix + first profile is a submenu of profiles, used once
	// there are more than GroupAbove.
	IDGroupPrefix  = "group:"
	IDLoginPrefix  = "login:"
	IDLogoutPrefix = "logout:"
	// IDKeychainPrefix + X is "Move X keys to keychain…".
	IDKeychainPrefix = "keychain:"
	IDSepPrefix      = "sep:"
	IDNone           = "none"
	IDSetupHint      = "setup-hint"
	IDReading        = "reading"
	IDError          = "error"
	IDLogoutAll      = "logout-all"
	IDAutostart      = "autostart"
	IDRefresh        = "refresh"
	IDQuit           = "quit"
	idSepActions     = "sep:-actions"
)

// How the profiles are laid out: up to FlatLimit as rows of the menu
// itself; more, one submenu each; more than GroupAbove, those submenus in
// at most MaxGroups submenus of neighbours in natural order, so the menu's
// own rows (and with them Logout all and Quit) always fit on a screen.
const (
	FlatLimit  = 5
	GroupAbove = 20
	MaxGroups  = 15
)

// StaleExpiry is how long after its expiry a session still counts for the
// tray icon: an old session nobody renewed is not a reason for red.
const StaleExpiry = 12 * time.Hour

// ItemKind is how an item is drawn.
type ItemKind int

const (
	KindNormal ItemKind = iota
	KindCheckbox
	KindSeparator
)

// Item is one menu entry, as plain data. An item with Children is a
// submenu; rows under a profile (roles, SSO sessions) fit the same way.
type Item struct {
	ID       string
	Kind     ItemKind
	Label    string
	Tooltip  string
	Enabled  bool
	Checked  bool
	Hidden   bool
	Children []Item
}

// same reports whether it and o draw the same, children aside.
func (it Item) same(o Item) bool {
	return it.ID == o.ID && it.Kind == o.Kind && it.Label == o.Label && it.Tooltip == o.Tooltip &&
		it.Enabled == o.Enabled && it.Checked == o.Checked && it.Hidden == o.Hidden
}

// Menu is the whole tray: its items in order, plus the icon and tooltip
// that show the overall state.
type Menu struct {
	Items   []Item
	Icon    assets.IconState
	Tooltip string
	// Reason is the profile the icon's colour is about ("" when none).
	Reason string

	shapeKey uint64 // ShapeKey, made once by BuildMenu
}

// Item returns the item with id, at any depth, if present.
func (m Menu) Item(id string) (Item, bool) {
	return findItem(m.Items, id)
}

func findItem(items []Item, id string) (Item, bool) {
	for _, it := range items {
		if it.ID == id {
			return it, true
		}
		if it, ok := findItem(it.Children, id); ok {
			return it, true
		}
	}
	return Item{}, false
}

// Walk calls f for every item, depth first, in menu order.
func (m Menu) Walk(f func(it Item, depth int)) { walk(m.Items, 0, f) }

func walk(items []Item, depth int, f func(Item, int)) {
	for _, it := range items {
		f(it, depth)
		walk(it.Children, depth+1, f)
	}
}

// Shape is the tree of IDs and kinds: two menus with the same shape differ
// only in labels and flags, so an adapter can update in place.
func (m Menu) Shape() string {
	var b strings.Builder
	b.Grow(16 * len(m.Items))
	shape(&b, m.Items)
	return b.String()
}

func shape(b *strings.Builder, items []Item) {
	for _, it := range items {
		b.WriteString(strconv.Itoa(int(it.Kind)))
		b.WriteByte(':')
		b.WriteString(it.ID)
		if len(it.Children) > 0 {
			b.WriteByte('{')
			shape(b, it.Children)
			b.WriteByte('}')
		}
		b.WriteByte('\n')
	}
}

// ShapeKey is a hash of Shape, made without allocating: the app and the
// adapter compare it on every render. BuildMenu keeps it in the Menu.
func (m Menu) ShapeKey() uint64 {
	if m.shapeKey != 0 {
		return m.shapeKey
	}
	return shapeKey(m.Items)
}

var shapeSeed = maphash.MakeSeed()

func shapeKey(items []Item) uint64 {
	var h maphash.Hash
	h.SetSeed(shapeSeed)
	var rec func([]Item)
	rec = func(items []Item) {
		for _, it := range items {
			h.WriteByte(byte(it.Kind))
			h.WriteString(it.ID)
			if len(it.Children) > 0 {
				h.WriteByte('{')
				rec(it.Children)
				h.WriteByte('}')
			}
			h.WriteByte('\n')
		}
	}
	rec(items)
	return h.Sum64() | 1 // never 0, which means "not made yet"
}

// AutostartState is what the "Start at login" checkbox shows.
type AutostartState struct {
	Known   bool // the system's state could be read
	Enabled bool
	Stale   bool // the entry points at a moved or different binary
	// Unavailable, when set, says why Start at login cannot be offered
	// (e.g. a binary that `go run` built in a temp folder).
	Unavailable string
}

// MenuOptions are the inputs to BuildMenu besides the snapshot.
type MenuOptions struct {
	Locale    locale.Locale
	Autostart AutostartState
	// Err is set when the last snapshot failed; the menu shows it.
	Err error
	// Reading is set before the first read of the files has finished.
	Reading bool
	// KeyStores says where each profile's long-term keys live (the core's
	// key locations, read with the snapshot). KeysInKeychain marks the
	// profile; KeysInFile offers "Move X keys to keychain…". A profile
	// missing here gets neither.
	KeyStores map[string]session.KeyStore
	// LoggingIn holds the profiles whose login is at STS right now.
	LoggingIn map[string]bool
	// SigningIn holds the SSO sessions whose sign-in runs right now.
	SigningIn map[string]bool
	// Cache, when set, keeps the texts of earlier menus so a render makes
	// only the labels that changed (a tick with 1,000 profiles would
	// otherwise make 6,000 strings). It never changes what BuildMenu
	// returns.
	Cache *LabelCache
	// Reuse, when set, is storage the menu is built in, overwriting the
	// menu built in it before: only for a tray that keeps nothing of a
	// menu once Apply returns (MenuCopier). A tick with 1,000 profiles
	// otherwise makes 350 KiB of items for the collector.
	Reuse *MenuBuffers
}

// MenuBuffers is storage BuildMenu reuses from one menu to the next.
type MenuBuffers struct{ b [3][]Item }

// The buffers: the menu's items, the profiles' submenus, their children.
const (
	bufItems = iota
	bufRows
	bufKids
)

// MenuCopier is a Tray that copies what it needs of a menu in Apply, so
// the next menu may be built in the same storage.
type MenuCopier interface {
	Tray
	CopiesMenu()
}

// buf returns buffer which emptied, with room for n items; a nil b
// gives new storage.
func (b *MenuBuffers) buf(which, n int) []Item {
	if b == nil {
		return make([]Item, 0, n)
	}
	if cap(b.b[which]) < n {
		b.b[which] = make([]Item, 0, n)
	}
	return b.b[which][:0]
}

// keep remembers a buffer that append may have moved.
func (b *MenuBuffers) keep(which int, s []Item) {
	if b != nil {
		b.b[which] = s[:0]
	}
}

// LabelCache remembers, per profile, the texts BuildMenu made for it.
type LabelCache struct {
	loc   locale.Locale
	m     map[string]*profileTexts
	roles map[string]*roleText
	// The SSO sessions' texts (menu_sso.go).
	ssoLoc locale.Locale
	sso    map[string]*ssoTexts
}

type profileTexts struct {
	login, setup, logout, move, inKeychain string
	clickTip, setupTip                     string
	idStatus, idProfile, idLogin, idLogout string
	idKeys                                 string
	status                                 statusMemo
}

// statusMemo is one status label with what it was made from; left is cut
// to the unit FormatLeft shows, so equal keys give equal labels.
type statusMemo struct {
	state   session.State
	left    time.Duration
	store   session.KeyStore
	problem bool
	label   string
}

// texts returns name's cached texts (fresh ones without a cache).
func (c *LabelCache) texts(name string, loc locale.Locale) *profileTexts {
	if c == nil {
		return newTexts(name, loc)
	}
	if c.m == nil || c.loc != loc {
		if c.loc != loc {
			c.roles = nil
		}
		c.m, c.loc = map[string]*profileTexts{}, loc
	}
	t, ok := c.m[name]
	if !ok {
		t = newTexts(name, loc)
		c.m[name] = t
	}
	return t
}

// Trim forgets the profiles (and roles) not in keep, once it holds many
// more.
func (c *LabelCache) Trim(keep, keepRoles int) {
	if c != nil && len(c.m) > 2*keep+16 {
		c.m = nil
	}
	if c != nil && len(c.roles) > 2*keepRoles+16 {
		c.roles = nil
	}
}

func newTexts(name string, loc locale.Locale) *profileTexts {
	return &profileTexts{
		login: loc.Text("Login " + name), setup: loc.Text(SetupLabel(name)), logout: loc.Text("Logout " + name),
		move: loc.Text(KeychainLabel(name)), inKeychain: loc.Text(name + " keys are in the keychain"),
		clickTip: loc.Text("Click to log in to " + name),
		setupTip: loc.Text("Click to see what " + name + " needs"),
		idStatus: IDStatusPrefix + name, idProfile: IDProfilePrefix + name,
		idLogin: IDLoginPrefix + name, idLogout: IDLogoutPrefix + name, idKeys: IDKeychainPrefix + name,
		status: statusMemo{state: -1},
	}
}

// statusLabel is StatusLabel through the memo.
func (t *profileTexts) statusLabel(st session.Status, store session.KeyStore, loc locale.Locale) string {
	left := st.Left
	if left >= time.Minute {
		left = left.Truncate(time.Minute)
	} else {
		left = left.Truncate(time.Second)
	}
	key := statusMemo{state: st.State, left: left, store: store, problem: st.Profile.Problem != nil}
	if m := t.status; m.state == key.state && m.left == key.left && m.store == key.store && m.problem == key.problem {
		return m.label
	}
	key.label = loc.Text(StatusLabel(st, store, loc))
	t.status = key
	return key.label
}

// Exact label texts, shared with the e2e contract.
const (
	LabelNoProfiles = "No MFA profiles found"
	LabelSetupHint  = "Run 'awsmfa setup' to add one"
	LabelReading    = "Reading the AWS files\u2026"
	LabelLogoutAll  = "Logout all"
	LabelAutostart  = "Start at login"
	LabelRefresh    = "Refresh"
	LabelQuit       = "Quit"
	// KeychainMark follows the name of a profile whose long-term keys are
	// in the OS keychain: plain ASCII, which every font draws.
	KeychainMark = " [keychain]"
)

// BuildMenu turns a snapshot into a menu description. It is pure: the same
// inputs always give the same menu.
func BuildMenu(s session.Snapshot, opts MenuOptions) Menu {
	loc := opts.Locale
	profiles := naturalOrder(s.Profiles)
	roles := groupRoles(s, profiles)
	bufs := opts.Reuse
	m := Menu{Items: bufs.buf(bufItems, 8+5*min(len(profiles), FlatLimit+1))}
	add := func(it Item) { m.Items = append(m.Items, it) }
	defer func() { bufs.keep(bufItems, m.Items) }()

	ssos := ssoOrder(s.SSO)
	anySession := anySSOToken(ssos)
	switch {
	case opts.Reading:
		add(Item{ID: IDReading, Label: loc.Text(LabelReading)})
		add(Item{ID: IDSepPrefix + IDReading, Kind: KindSeparator})
	case opts.Err != nil:
		add(Item{ID: IDError, Label: loc.Text(shorten("Cannot read the AWS files: "+opts.Err.Error(), 120)),
			Tooltip: loc.Text(opts.Err.Error())})
		add(Item{ID: IDSepPrefix + IDError, Kind: KindSeparator})
	case len(profiles) == 0 && len(ssos) == 0:
		add(Item{ID: IDNone, Label: LabelNoProfiles})
		add(Item{ID: IDSetupHint, Label: LabelSetupHint})
		add(Item{ID: IDSepPrefix + IDNone, Kind: KindSeparator})
		if len(roles.orphan) > 0 {
			m.Items = append(m.Items, roleRows(roles.orphan, opts)...)
			add(Item{ID: IDSepPrefix + IDRolesUnattached, Kind: KindSeparator})
		}
	case flatFits(len(profiles)+len(ssos), len(s.Roles)):
		for _, st := range profiles {
			anySession = anySession || st.HasSession
			add(profileRow(st, opts, IDStatusPrefix))
			acts := profileActions(st, opts)
			m.Items = append(m.Items, acts[:]...)
			m.Items = append(m.Items, roleRows(roles.by[st.Profile.Name], opts)...)
			add(Item{ID: IDSepPrefix + st.Profile.Name, Kind: KindSeparator})
		}
		if len(roles.orphan) > 0 {
			m.Items = append(m.Items, roleRows(roles.orphan, opts)...)
			add(Item{ID: IDSepPrefix + IDRolesUnattached, Kind: KindSeparator})
		}
		for _, st := range ssos {
			m.Items = appendSSOFlat(m.Items, st, opts)
		}
	default:
		rows := bufs.buf(bufRows, len(profiles))[:len(profiles)]
		kids := bufs.buf(bufKids, 3*len(profiles)) // one allocation for every submenu
		for i, st := range profiles {
			anySession = anySession || st.HasSession
			rows[i] = profileRow(st, opts, IDProfilePrefix)
			n := len(kids)
			acts := profileActions(st, opts)
			kids = append(kids, acts[:]...)
			if rs := roles.by[st.Profile.Name]; len(rs) > 0 {
				kids = append(kids, Item{ID: IDSepPrefix + IDRolePrefix + st.Profile.Name, Kind: KindSeparator})
				kids = append(kids, roleRows(rs, opts)...)
			}
			rows[i].Children = kids[n:len(kids):len(kids)]
		}
		bufs.keep(bufRows, rows)
		bufs.keep(bufKids, kids)
		groupProfiles, groupSSO := groupKinds(len(profiles), len(ssos))
		if groupProfiles {
			rows = groupRows(profiles, rows, loc)
		}
		m.Items = append(m.Items, rows...)
		if n := len(roles.orphan); n > 0 {
			label := strconv.Itoa(n) + " role profiles need setup"
			if n == 1 {
				label = "1 role profile needs setup"
			}
			m.Items = append(m.Items, Item{ID: IDRolesUnattached, Label: label, Enabled: true,
				Children: roleRows(roles.orphan, opts)})
		}
		if len(ssos) > 0 {
			sso := ssoSubmenus(ssos, opts)
			if groupSSO {
				sso = ssoGroups(ssos, sso, loc)
			}
			m.Items = append(m.Items, sso...)
		}
		add(Item{ID: IDSepPrefix + "-profiles", Kind: KindSeparator})
	}

	add(Item{ID: IDLogoutAll, Label: LabelLogoutAll, Enabled: anySession})
	as := Item{ID: IDAutostart, Kind: KindCheckbox, Label: LabelAutostart, Enabled: true}
	switch {
	case opts.Autostart.Unavailable != "":
		as.Label += " (unavailable)"
		as.Tooltip = loc.Text(opts.Autostart.Unavailable)
		as.Enabled = false
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

	if !opts.Reading && opts.Err == nil {
		m.Icon, m.Reason = IconReason(s)
	}
	m.Tooltip = loc.Text(tooltip(s, m, opts))
	m.shapeKey = shapeKey(m.Items)
	return m
}

// profileRow is X's state line: a row of the menu (flat, where a click
// logs in) or the label of X's submenu.
func profileRow(st session.Status, opts MenuOptions, prefix string) Item {
	name := st.Profile.Name
	loc := opts.Locale
	store := opts.KeyStores[name]
	busy := opts.LoggingIn[name]
	t := opts.Cache.texts(name, loc)
	id := t.idProfile
	if prefix == IDStatusPrefix {
		id = t.idStatus
	}
	row := Item{ID: id, Label: t.statusLabel(st, store, loc), Enabled: true}
	if busy {
		row.Label = loc.Text(name + keychainMark(store) + loc.Dash() + "logging in\u2026")
	}
	const inKeychain = "The long-term keys are in the OS keychain"
	switch {
	case prefix == IDStatusPrefix && st.Profile.Problem != nil:
		row.Tooltip = t.setupTip
	case prefix == IDStatusPrefix && store == session.KeysInKeychain:
		row.Tooltip = t.clickTip + ". " + inKeychain
	case prefix == IDStatusPrefix:
		row.Tooltip = t.clickTip
	case store == session.KeysInKeychain:
		row.Tooltip = inKeychain
	}
	if prefix == IDStatusPrefix {
		// Drawn enabled, so the state reads as clearly as the actions; a
		// click on it is "Login X".
		row.Enabled = !busy
	}
	return row
}

// profileActions are X's Login, Logout and keychain items. They are
// always there, disabled when they have nothing to do, so nothing moves
// under the mouse when a state changes.
func profileActions(st session.Status, opts MenuOptions) [3]Item {
	name := st.Profile.Name
	loc := opts.Locale
	store, known := opts.KeyStores[name]
	t := opts.Cache.texts(name, loc)
	keys := Item{ID: t.idKeys, Label: t.move, Enabled: store == session.KeysInFile,
		Tooltip: "Move the long-term keys out of the credentials file into the OS keychain"}
	switch {
	case !known:
		keys.Tooltip = "Where the long-term keys live is not known"
	case store == session.KeysInKeychain:
		keys.Label = t.inKeychain
		keys.Tooltip = loc.Text("To put them back: awsmfa keychain export --profile " + name)
	case store == session.KeysMissing:
		keys.Tooltip = "No long-term keys found in the credentials file"
	}
	login := Item{ID: t.idLogin, Label: t.login, Enabled: !opts.LoggingIn[name]}
	if p := st.Profile.Problem; p != nil {
		// A login that cannot work is not offered: the same item, in the
		// same place, says what it does (the problem's sentence).
		login.Label = t.setup
		login.Tooltip = loc.Text(shorten(capitalize(p.Error()), 300))
	}
	return [3]Item{
		login,
		{ID: t.idLogout, Label: t.logout, Enabled: st.HasSession},
		keys,
	}
}

// groupRows puts the profile submenus into at most MaxGroups submenus of
// neighbours, labelled by their first and last names and how many of them
// are active.
func groupRows(profiles []session.Status, rows []Item, loc locale.Locale) []Item {
	n := len(rows)
	groups := min((n+GroupAbove-1)/GroupAbove, MaxGroups)
	size := (n + groups - 1) / groups
	out := make([]Item, 0, groups)
	for i := 0; i < n; i += size {
		j := min(i+size, n)
		live := 0
		for _, st := range profiles[i:j] {
			if isLive(st.State) {
				live++
			}
		}
		label := profiles[i].Profile.Name + " \u2026 " + profiles[j-1].Profile.Name
		if live > 0 {
			label += " (" + strconv.Itoa(live) + " active)"
		}
		out = append(out, Item{ID: IDGroupPrefix + profiles[i].Profile.Name, Label: loc.Text(label), Enabled: true,
			Children: rows[i:j:j]})
	}
	return out
}

func isLive(s session.State) bool {
	return s == session.Active || s == session.Expiring || s == session.ActiveUnknown
}

// SetupLabel is the Login item of a profile that needs setup: a click
// shows what is missing and how to fix it, and asks for no code.
func SetupLabel(profile string) string {
	return "Set up " + profile + "\u2026"
}

// KeychainLabel is the menu item that moves a profile's long-term keys.
func KeychainLabel(profile string) string {
	return "Move " + profile + " keys to keychain\u2026"
}

func keychainMark(store session.KeyStore) string {
	if store == session.KeysInKeychain {
		return KeychainMark
	}
	return ""
}

// StatusLabel is a profile's status line, e.g. "myaccount — active, 3h12m
// left", with KeychainMark after the name when store is KeysInKeychain
// ("myaccount [keychain] — active, 3h12m left"). Profiles with a Problem
// say "needs setup".
func StatusLabel(st session.Status, store session.KeyStore, loc locale.Locale) string {
	name := st.Profile.Name + keychainMark(store) + loc.Dash()
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

// OverallIcon is IconReason's colour.
func OverallIcon(s session.Snapshot) assets.IconState {
	icon, _ := IconReason(s)
	return icon
}

// IconReason chooses the icon's colour and the profile it is about: red
// for a session that expired within StaleExpiry (the most recent one),
// else amber for one in its warning window (the soonest), else green when
// one is active (the one expiring first), else grey. A session expired
// longer ago, or a profile with no session, does not colour the icon.
// s.Taken is the instant the states are for.
func IconReason(s session.Snapshot) (assets.IconState, string) {
	var red, amber, green *session.Status
	weigh := func(st *session.Status) {
		if !st.HasSession {
			return
		}
		switch st.State {
		case session.Expired:
			if st.Expiration.IsZero() || s.Taken.IsZero() || stale(*st, s.Taken) {
				return
			}
			if red == nil || st.Expiration.After(red.Expiration) {
				red = st
			}
		case session.Expiring:
			if amber == nil || st.Left < amber.Left {
				amber = st
			}
		case session.Active:
			if green == nil || green.State == session.ActiveUnknown || st.Left < green.Left {
				green = st
			}
		case session.ActiveUnknown:
			if green == nil {
				green = st
			}
		}
	}
	for i := range s.Profiles {
		weigh(&s.Profiles[i])
	}
	// SSO sessions weigh the same, named "acme (SSO)"; one that renews
	// itself is never the one "next to expire" while another is active.
	for _, st := range s.SSO {
		as := ssoAsStatus(st)
		if st.Refreshable && as.State == session.Active {
			if green == nil {
				green = &as
			}
			continue
		}
		weigh(&as)
	}
	switch {
	case red != nil:
		return assets.IconExpired, red.Profile.Name
	case amber != nil:
		return assets.IconExpiring, amber.Profile.Name
	case green != nil:
		return assets.IconActive, green.Profile.Name
	}
	return assets.IconIdle, ""
}

// tooltip says the overall state in one line, starting with the profile
// the icon's colour is about.
func tooltip(s session.Snapshot, m Menu, opts MenuOptions) string {
	switch {
	case opts.Reading:
		return "awsmfa: reading the AWS files\u2026"
	case opts.Err != nil:
		return "awsmfa: cannot read the AWS files"
	case len(s.Profiles) == 0 && len(s.SSO) == 0:
		return "awsmfa: " + strings.ToLower(LabelNoProfiles[:1]) + LabelNoProfiles[1:]
	}
	var parts []string
	for _, st := range naturalOrder(s.Profiles) {
		if opts.LoggingIn[st.Profile.Name] {
			parts = append(parts, "logging in to "+st.Profile.Name+"\u2026")
		}
	}
	for _, st := range s.SSO {
		if opts.SigningIn[st.Session.Name] {
			parts = append(parts, "signing in to "+ssoName(st)+SSOMark+"\u2026")
		}
	}
	live := 0
	var reason session.Status
	renews := ""
	for _, st := range s.Profiles {
		if isLive(st.State) {
			live++
		}
		if st.Profile.Name == m.Reason {
			reason = st
		}
	}
	for _, sst := range s.SSO {
		st := ssoAsStatus(sst)
		if st.HasSession && isLive(st.State) {
			live++
		}
		if st.Profile.Name == m.Reason {
			reason = st
			if sst.Refreshable {
				renews = " (renews itself)"
			}
		}
	}
	count := strconv.Itoa(live) + " of " + strconv.Itoa(len(s.Profiles)+len(s.SSO)) + " active"
	switch m.Icon {
	case assets.IconExpired:
		parts = append(parts, m.Reason+" expired "+session.FormatLeft(s.Taken.Sub(reason.Expiration))+" ago", count)
	case assets.IconExpiring:
		parts = append(parts, m.Reason+" expires in "+session.FormatLeft(reason.Left), count)
	case assets.IconActive:
		parts = append(parts, count)
		if reason.State == session.Active {
			parts = append(parts, "next to expire: "+m.Reason+" in "+session.FormatLeft(reason.Left)+renews)
		}
	default:
		parts = append(parts, count)
	}
	return "awsmfa: " + strings.Join(parts, "; ")
}

// shorten cuts s to at most n runes, ending in "..." when cut.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-3]) + "..."
}
