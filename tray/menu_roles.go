package tray

import (
	"slices"
	"strconv"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// Role profiles (role_arn with source_profile, assumed by "awsmfa
// credential-process") are rows under the MFA profile whose session they
// assume their role with: in its part of a flat menu, else at the end of
// its submenu. Their state: "ready" while that session lives, the time
// left of the role credentials cached for it, else "needs X". A click on
// one is "Login X", whose dialog then names the role. Roles whose source
// leads to no MFA profile (a loop, a chain of roles) are listed after the
// profiles, to say they need setup.

const (
	// IDRolePrefix + R is role profile R's row.
	IDRolePrefix = "role:"
	// IDRolesUnattached is the submenu of roles that lean on no MFA
	// profile, used once the menu is not flat.
	IDRolesUnattached = "roles-unattached"
	// FlatRows bounds a flat menu's profile part (5 rows per profile plus
	// the role rows); more gives every profile a submenu.
	FlatRows = 30
)

// roleGroups are a snapshot's role rows by MFA profile, in natural order.
type roleGroups struct {
	by     map[string][]session.RoleStatus
	orphan []session.RoleStatus
}

func groupRoles(s session.Snapshot, profiles []session.Status) roleGroups {
	var g roleGroups
	if len(s.Roles) == 0 {
		return g
	}
	known := make(map[string]bool, len(profiles))
	for _, st := range profiles {
		known[st.Profile.Name] = true
	}
	g.by = map[string][]session.RoleStatus{}
	for _, r := range s.Roles {
		if x := r.Role.MFAProfile; known[x] {
			g.by[x] = append(g.by[x], r)
		} else {
			g.orphan = append(g.orphan, r)
		}
	}
	less := func(a, b session.RoleStatus) int { return naturalCompare(a.Role.Name, b.Role.Name) }
	for _, rs := range g.by {
		slices.SortFunc(rs, less)
	}
	slices.SortFunc(g.orphan, less)
	return g
}

// flatFits reports whether the profiles and their roles fit a flat menu.
func flatFits(profiles, roles int) bool {
	return profiles <= FlatLimit && 5*profiles+roles <= FlatRows
}

// roleRows are the rows of roles, grouped past GroupAbove into submenus
// of neighbours ("a … f (3 ready)") so a submenu stays on the screen.
func roleRows(rs []session.RoleStatus, opts MenuOptions) []Item {
	rows := make([]Item, len(rs))
	for i, r := range rs {
		rows[i] = roleRow(r, opts)
	}
	if len(rows) <= GroupAbove {
		return rows
	}
	n := len(rows)
	groups := min((n+GroupAbove-1)/GroupAbove, MaxGroups)
	size := (n + groups - 1) / groups
	out := make([]Item, 0, groups)
	for i := 0; i < n; i += size {
		j := min(i+size, n)
		ready := 0
		for _, r := range rs[i:j] {
			if r.Ready {
				ready++
			}
		}
		label := "Roles " + rs[i].Role.Name + " \u2026 " + rs[j-1].Role.Name
		if ready > 0 {
			label += " (" + strconv.Itoa(ready) + " ready)"
		}
		out = append(out, Item{ID: IDGroupPrefix + IDRolePrefix + rs[i].Role.Name, Label: opts.Locale.Text(label),
			Enabled: true, Children: rows[i:j:j]})
	}
	return out
}

// roleRow is one role's row; a click logs its MFA profile in.
func roleRow(r session.RoleStatus, opts MenuOptions) Item {
	loc := opts.Locale
	t := opts.Cache.roleTexts(r.Role.Name, loc)
	it := Item{ID: t.id, Label: t.label(r, loc), Enabled: true}
	switch {
	case r.Role.Problem != nil:
		it.Tooltip = loc.Text(shorten(capitalize(r.Role.Problem.Error()), 300))
	default:
		it.Tooltip = loc.Text("Assumes " + r.Role.RoleARN + " with the session of " + r.Role.MFAProfile +
			". Click to log in to " + r.Role.MFAProfile)
	}
	return it
}

// RoleLabel is a role profile's row, e.g. "Role prod-admin — ready, 48m
// left" or "Role prod-admin — needs myaccount".
func RoleLabel(r session.RoleStatus, loc locale.Locale) string {
	name := "Role " + r.Role.Name + loc.Dash()
	x := r.Role.MFAProfile
	left := ""
	if r.Left > 0 {
		left = session.FormatLeft(r.Left) + " left"
	}
	switch {
	case r.Role.Problem != nil:
		return name + "needs setup"
	case r.Ready && left != "":
		return name + "ready, " + left
	case r.Ready:
		return name + "ready"
	case left != "":
		return name + left + ", then needs " + x
	}
	return name + "needs " + x
}

// roleText is one role's cached row texts.
type roleText struct {
	id   string
	memo roleMemo
}

// roleMemo is a role label with what it was made from; left is cut to
// the unit FormatLeft shows.
type roleMemo struct {
	ready, problem bool
	left           time.Duration
	mfa            string
	label          string
	set            bool
}

func (t *roleText) label(r session.RoleStatus, loc locale.Locale) string {
	left := r.Left
	if left >= time.Minute {
		left = left.Truncate(time.Minute)
	} else {
		left = left.Truncate(time.Second)
	}
	key := roleMemo{ready: r.Ready, problem: r.Role.Problem != nil, left: left, mfa: r.Role.MFAProfile, set: true}
	if m := t.memo; m.set && m.ready == key.ready && m.problem == key.problem && m.left == key.left && m.mfa == key.mfa {
		return m.label
	}
	key.label = loc.Text(RoleLabel(r, loc))
	t.memo = key
	return key.label
}

// roleTexts returns role name's cached texts (fresh ones without a cache).
func (c *LabelCache) roleTexts(name string, loc locale.Locale) *roleText {
	if c == nil {
		return &roleText{id: IDRolePrefix + name}
	}
	if c.loc != loc {
		c.m, c.roles, c.loc = nil, nil, loc
	}
	if c.roles == nil {
		c.roles = map[string]*roleText{}
	}
	t, ok := c.roles[name]
	if !ok {
		t = &roleText{id: IDRolePrefix + name}
		c.roles[name] = t
	}
	return t
}

// moveRoles brings the roles in s to now: time left counts down, and a
// role is ready while its MFA profile's session is live at now.
func moveRoles(s *session.Snapshot, now time.Time) {
	if len(s.Roles) == 0 {
		return
	}
	live := make(map[string]bool, len(s.Profiles))
	for _, st := range s.Profiles {
		live[st.Profile.Name] = st.HasSession && isLive(st.State)
	}
	for i := range s.Roles {
		r := &s.Roles[i]
		if r.Role.MFAProfile != "" {
			if l, ok := live[r.Role.MFAProfile]; ok {
				r.Ready = l
			}
		}
		r.Left = 0
		if !r.Expiration.IsZero() && r.Expiration.After(now) {
			r.Left = r.Expiration.Sub(now)
		}
	}
}
