package tray

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// IAM Identity Center sessions on the menu: after the MFA profiles, one
// entry per session ("acme (SSO) — active, 6h40m left"), with the
// profiles that use it, "Login acme" and "Logout acme". They follow the
// profiles' layout rules (a row each up to FlatLimit entries in all, then
// a submenu each, then groups) and keep their IDs while the set of
// sessions stays the same.

// Item IDs of an SSO session S: each prefix + S.
const (
	IDSSOStatusPrefix   = "sso-status:"   // S's state line (flat menu); a click is "Login S"
	IDSSOPrefix         = "sso:"          // S's submenu, past FlatLimit entries
	IDSSOGroupPrefix    = "sso-group:"    // a group of SSO submenus, past GroupAbove entries
	IDSSOProfilesPrefix = "sso-profiles:" // "Profiles: dev, prod" (disabled)
	IDSSOLoginPrefix    = "sso-login:"
	IDSSOLogoutPrefix   = "sso-logout:"
	idSSOSepPrefix      = "sep:sso:"
)

// SSOMark follows a session's name wherever the menu names it.
const SSOMark = " (SSO)"

// ssoProfilesShown is how many profile names the profiles line spells
// out before "and N more"; the tooltip lists them all.
const ssoProfilesShown = 3

// ssoName is how the menu names a session: "acme", or the start URL's
// host for legacy profiles.
func ssoName(st session.SSOStatus) string { return session.SSODisplayName(st.Session.Name) }

// ssoOrder returns the sessions in natural order of their names, named
// sessions before legacy start URLs (the core's grouping): the slice
// itself when it is so already (the app sorts once per read).
func ssoOrder(ss []session.SSOStatus) []session.SSOStatus {
	cmp := func(x, y session.SSOStatus) int {
		if x.Session.Legacy != y.Session.Legacy {
			if x.Session.Legacy {
				return 1
			}
			return -1
		}
		return naturalCompare(x.Session.Name, y.Session.Name)
	}
	if slices.IsSortedFunc(ss, cmp) {
		return ss
	}
	out := slices.Clone(ss)
	slices.SortStableFunc(out, cmp)
	return out
}

// ssoTexts are the texts BuildMenu made for one session.
type ssoTexts struct {
	login, logout                 string
	idStatus, idSub, idLogin      string
	idLogout, idProfiles, idSep   string
	profiles                      []session.SSOProfile // what profilesLabel was made from
	profilesLabel, profilesTip    string
	status                        ssoMemo
	renewTip, clickTip, signingIn string
}

// ssoMemo is one status label with what it was made from.
type ssoMemo struct {
	state       session.State
	left        time.Duration
	refreshable bool
	problem     int
	busy        bool
	label       string
}

func (c *LabelCache) ssoTextsOf(st session.SSOStatus, loc locale.Locale) *ssoTexts {
	name := st.Session.Name
	if c == nil {
		return newSSOTexts(st, loc)
	}
	if c.sso == nil || c.ssoLoc != loc {
		c.sso, c.ssoLoc = map[string]*ssoTexts{}, loc
	}
	t, ok := c.sso[name]
	if !ok {
		if len(c.sso) > 256 {
			c.sso = map[string]*ssoTexts{}
		}
		t = newSSOTexts(st, loc)
		c.sso[name] = t
	}
	return t
}

func newSSOTexts(st session.SSOStatus, loc locale.Locale) *ssoTexts {
	name, shown := st.Session.Name, ssoName(st)
	return &ssoTexts{
		login: loc.Text("Login " + shown), logout: loc.Text("Logout " + shown),
		idStatus: IDSSOStatusPrefix + name, idSub: IDSSOPrefix + name, idLogin: IDSSOLoginPrefix + name,
		idLogout: IDSSOLogoutPrefix + name, idProfiles: IDSSOProfilesPrefix + name, idSep: idSSOSepPrefix + name,
		clickTip:  loc.Text("Click to sign in to " + shown + " in the browser"),
		signingIn: loc.Text(shown + SSOMark + loc.Dash() + "signing in\u2026"),
		status:    ssoMemo{state: -1},
	}
}

// ssoProblem numbers what stops a session, for the memo: 0 none, 1 its
// config, 2 an unreadable token file, 3 a token of another start URL.
func ssoProblem(st session.SSOStatus) int {
	switch {
	case st.Session.Problem != nil:
		return 1
	case st.Problem != nil && !st.HasToken:
		return 2
	case st.Problem != nil:
		return 3
	}
	return 0
}

func (t *ssoTexts) statusLabel(st session.SSOStatus, busy bool, loc locale.Locale) string {
	if busy {
		return t.signingIn
	}
	left := st.Left
	if left >= time.Minute {
		left = left.Truncate(time.Minute)
	} else {
		left = left.Truncate(time.Second)
	}
	key := ssoMemo{state: st.State, left: left, refreshable: st.Refreshable, problem: ssoProblem(st)}
	if m := t.status; m.state == key.state && m.left == key.left && m.refreshable == key.refreshable && m.problem == key.problem {
		return m.label
	}
	key.label = loc.Text(SSOStatusLabel(st, loc))
	t.status = key
	return key.label
}

// SSOStatusLabel is a session's state line, e.g. "acme (SSO) — active,
// 6h40m left", with ", renews itself" for a token that the tray renews
// without a browser.
func SSOStatusLabel(st session.SSOStatus, loc locale.Locale) string {
	name := ssoName(st) + SSOMark + loc.Dash()
	switch ssoProblem(st) {
	case 1:
		return name + "needs setup"
	case 2:
		return name + "token file unreadable"
	case 3:
		return name + "needs a new login"
	}
	renews := ""
	if st.Refreshable {
		renews = ", renews itself"
	}
	switch st.State {
	case session.Active:
		return name + "active, " + session.FormatLeft(st.Left) + " left" + renews
	case session.Expiring:
		return name + "expiring in " + session.FormatLeft(st.Left) + renews
	case session.Expired:
		return name + "expired"
	default:
		return name + "logged out"
	}
}

// SSOProfilesLabel is the line that names the profiles of a session:
// "Profiles: dev, prod", "Profiles: a, b, c and 4 more", or, with none,
// "No profile uses acme yet". A profile the SDKs refuse is marked.
func SSOProfilesLabel(st session.SSOStatus) string {
	ps := st.Session.Profiles
	if len(ps) == 0 {
		return "No profile uses " + ssoName(st) + " yet"
	}
	var b strings.Builder
	b.WriteString("Profiles: ")
	n := min(len(ps), ssoProfilesShown)
	if len(ps) == ssoProfilesShown+1 {
		n = len(ps) // "and 1 more" is no shorter than the name
	}
	for i, p := range ps[:n] {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p.Name)
		if p.Problem != nil {
			b.WriteString(" (needs setup)")
		}
	}
	if rest := len(ps) - n; rest > 0 {
		b.WriteString(" and " + strconv.Itoa(rest) + " more")
	}
	return b.String()
}

// ssoProfilesTip lists every profile with its account and role, and what
// is wrong with the ones the SDKs refuse.
func ssoProfilesTip(st session.SSOStatus) string {
	if len(st.Session.Profiles) == 0 {
		return "Add sso_session = " + st.Session.Name + " to a profile in the config"
	}
	parts := make([]string, 0, len(st.Session.Profiles))
	for _, p := range st.Session.Profiles {
		s := p.Name
		if p.AccountID != "" || p.RoleName != "" {
			s += " (" + p.AccountID + " " + p.RoleName + ")"
		}
		if p.Problem != nil {
			s += ": " + p.Problem.Error()
		}
		parts = append(parts, s)
	}
	return shorten(strings.Join(parts, "; "), 600)
}

func (t *ssoTexts) profilesLine(st session.SSOStatus, loc locale.Locale) Item {
	if !slices.EqualFunc(t.profiles, st.Session.Profiles, func(a, b session.SSOProfile) bool {
		return a.Name == b.Name && a.AccountID == b.AccountID && a.RoleName == b.RoleName && (a.Problem == nil) == (b.Problem == nil)
	}) || t.profilesLabel == "" {
		t.profiles = st.Session.Profiles
		t.profilesLabel, t.profilesTip = loc.Text(SSOProfilesLabel(st)), loc.Text(ssoProfilesTip(st))
	}
	return Item{ID: t.idProfiles, Label: t.profilesLabel, Tooltip: t.profilesTip}
}

// ssoTip says what the state line cannot: what stops the session, or
// whether it renews itself.
func ssoTip(st session.SSOStatus) string {
	switch {
	case st.Session.Problem != nil:
		return capitalize(st.Session.Problem.Error())
	case st.Problem != nil:
		return capitalize(st.Problem.Error())
	case st.Refreshable:
		return "Renews itself without a browser while the sign-in lasts (client registration until " +
			st.RegistrationExpiration.UTC().Format("2006-01-02") + ")"
	case st.HasToken:
		return "Needs a sign-in in the browser when it expires"
	}
	return ""
}

// ssoRow is S's state line: a row of the menu (a click signs in) or the
// label of S's submenu.
func ssoRow(st session.SSOStatus, opts MenuOptions, sub bool) Item {
	loc := opts.Locale
	t := opts.Cache.ssoTextsOf(st, loc)
	busy := opts.SigningIn[st.Session.Name]
	// Enabled while signing in too: a click brings the sign-in's dialog
	// to the front.
	row := Item{ID: t.idStatus, Label: t.statusLabel(st, busy, loc), Enabled: true, Tooltip: loc.Text(ssoTip(st))}
	if sub {
		row.ID, row.Enabled = t.idSub, true
		return row
	}
	switch {
	case busy:
		row.Tooltip = "Click to bring the sign-in's window to the front"
	case row.Tooltip == "":
		row.Tooltip = t.clickTip
	default:
		row.Tooltip = t.clickTip + ". " + row.Tooltip
	}
	return row
}

// ssoActions are S's profiles line, Login and Logout: always there,
// Logout disabled when there is no token.
func ssoActions(st session.SSOStatus, opts MenuOptions) [3]Item {
	t := opts.Cache.ssoTextsOf(st, opts.Locale)
	return [3]Item{
		t.profilesLine(st, opts.Locale),
		{ID: t.idLogin, Label: t.login, Enabled: true}, // while signing in, it raises the dialog
		{ID: t.idLogout, Label: t.logout, Enabled: st.HasToken},
	}
}

// appendSSOFlat appends S's rows to a flat menu.
func appendSSOFlat(items []Item, st session.SSOStatus, opts MenuOptions) []Item {
	items = append(items, ssoRow(st, opts, false))
	acts := ssoActions(st, opts)
	items = append(items, acts[:]...)
	t := opts.Cache.ssoTextsOf(st, opts.Locale)
	return append(items, Item{ID: t.idSep, Kind: KindSeparator})
}

// ssoSubmenus are one submenu per session.
func ssoSubmenus(ss []session.SSOStatus, opts MenuOptions) []Item {
	rows := make([]Item, len(ss))
	kids := make([]Item, 0, 3*len(ss))
	for i, st := range ss {
		rows[i] = ssoRow(st, opts, true)
		n := len(kids)
		acts := ssoActions(st, opts)
		kids = append(kids, acts[:]...)
		rows[i].Children = kids[n:len(kids):len(kids)]
	}
	return rows
}

// ssoGroups puts the session submenus into at most MaxGroups groups of
// neighbours, as groupRows does for profiles.
func ssoGroups(ss []session.SSOStatus, rows []Item, loc locale.Locale) []Item {
	n := len(rows)
	groups := min((n+GroupAbove-1)/GroupAbove, MaxGroups)
	size := (n + groups - 1) / groups
	out := make([]Item, 0, groups)
	for i := 0; i < n; i += size {
		j := min(i+size, n)
		live := 0
		for _, st := range ss[i:j] {
			if st.HasToken && isLive(st.State) {
				live++
			}
		}
		label := ssoName(ss[i]) + " \u2026 " + ssoName(ss[j-1]) + SSOMark
		if live > 0 {
			label += " (" + strconv.Itoa(live) + " active)"
		}
		out = append(out, Item{ID: IDSSOGroupPrefix + ss[i].Session.Name, Label: loc.Text(label), Enabled: true, Children: rows[i:j:j]})
	}
	return out
}

// groupKinds decides which kinds go into groups: past GroupAbove entries
// in all, the larger kind first, then the other if still more.
func groupKinds(profiles, ssos int) (groupProfiles, groupSSO bool) {
	if profiles+ssos <= GroupAbove {
		return false, false
	}
	rows := func(n int) int { return min((n+GroupAbove-1)/GroupAbove, MaxGroups) }
	if profiles >= ssos {
		groupProfiles = true
		groupSSO = rows(profiles)+ssos > GroupAbove
	} else {
		groupSSO = true
		groupProfiles = profiles+rows(ssos) > GroupAbove
	}
	return groupProfiles && profiles > 0, groupSSO && ssos > 0
}

// ssoAsStatus is an SSO session as the icon and tooltip weigh profiles:
// named "acme (SSO)"; a session whose token cannot be used has none.
func ssoAsStatus(st session.SSOStatus) session.Status {
	s := session.Status{Profile: session.Profile{Name: session.SSOKey(st.Session.Name).String()},
		State: st.State, Expiration: st.Expiration, Left: st.Left, HasSession: st.HasToken}
	if ssoProblem(st) != 0 {
		s.HasSession, s.State = false, session.LoggedOut
	}
	return s
}

// anySSOToken reports whether some session has a token to log out of.
func anySSOToken(ss []session.SSOStatus) bool {
	for _, st := range ss {
		if st.HasToken {
			return true
		}
	}
	return false
}
