package session

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// NoticeKind says which expiry notification a Notice is.
type NoticeKind int

const (
	NoticeExpiring NoticeKind = iota // the session is inside the warning window
	NoticeExpired                    // the session has just expired
	NoticeSummary                    // sessions that had expired before we started watching
)

// Notice is one notification to show. It carries no secret.
type Notice struct {
	Profile string // empty for NoticeSummary
	Kind    NoticeKind
	Title   string
	Body    string

	// SSOSession is set instead of Profile for an IAM Identity Center
	// session: its "Renew" is SSOLogin (sso_alerts.go).
	SSOSession string
}

// Alerts decides which expiry notifications are due, each once per session
// (a session is a profile plus its expiration, so a renewal starts afresh).
// It is pure: feed it snapshots, with any clock.
type Alerts struct {
	warnBefore time.Duration
	profiles   alertMemory
	sso        alertMemory // DueSSO's, apart from the profiles'
}

// NewAlerts watches with the given warning window; 0 turns the "expires
// soon" notice off, and expired notices still fire.
func NewAlerts(warnBefore time.Duration) *Alerts {
	return &Alerts{warnBefore: warnBefore}
}

// Due returns the notices that s makes due. On the first call, sessions that
// were already expired yield one summary notice instead of one each.
func (a *Alerts) Due(s Snapshot) []Notice {
	var live []alertToken
	for _, st := range s.Profiles {
		if st.HasSession && !st.Expiration.IsZero() {
			live = append(live, alertToken{name: st.Profile.Name, exp: st.Expiration, warn: true})
		}
	}
	due, stale := a.profiles.due(s.Taken, a.warnBefore, live)
	var out []Notice
	for _, d := range due {
		n := Notice{Profile: d.name, Kind: d.kind}
		if d.kind == NoticeExpired {
			n.Title = d.name + ": session expired"
			n.Body = "Log in again: " + renewHint(d.name) + leaningRoles(s, d.name, "No new credentials for %s until then")
		} else {
			n.Title = fmt.Sprintf("%s: session expires in %s", d.name, FormatLeft(d.left))
			n.Body = "Renew it: " + renewHint(d.name) + leaningRoles(s, d.name, "%s will stop working with it")
		}
		out = append(out, n)
	}
	if len(stale) > 0 {
		out = append(out, Notice{Kind: NoticeSummary,
			Title: expiredSummaryTitle(len(stale)),
			Body:  strings.Join(stale, ", ") + ": log in again from the tray menu or with awsmfa login."})
	}
	return out
}

// alertToken is one live token (a session, an SSO login) as the memory
// sees it; warn is false for one that must get no "expires soon" notice.
type alertToken struct {
	name string
	exp  time.Time
	warn bool
}

type alertKey struct {
	name string
	exp  time.Time
}

// dueAlert is a notice due for the token name: NoticeExpired, or
// NoticeExpiring with left to run.
type dueAlert struct {
	name string
	kind NoticeKind
	left time.Duration
}

// alertMemory is the once-per-token bookkeeping of one kind of login: which
// tokens were warned of and which reported expired, forgotten once a token
// is no longer live (renewed, logged out).
type alertMemory struct {
	primed  bool
	warned  map[alertKey]bool
	expired map[alertKey]bool
}

// due returns, in the order of live, the notices that have come due at
// now, and sorted, the names of the tokens that had already expired at
// the first call (they get one summary instead).
func (m *alertMemory) due(now time.Time, warnBefore time.Duration, live []alertToken) (out []dueAlert, stale []string) {
	if m.warned == nil {
		m.warned, m.expired = map[alertKey]bool{}, map[alertKey]bool{}
	}
	seen := make(map[alertKey]bool, len(live))
	for _, t := range live {
		k := alertKey{t.name, t.exp}
		seen[k] = true
		left := t.exp.Sub(now)
		switch {
		case left <= 0 && !m.expired[k]:
			m.expired[k], m.warned[k] = true, true
			if !m.primed {
				stale = append(stale, t.name)
				continue
			}
			out = append(out, dueAlert{name: t.name, kind: NoticeExpired})
		case left > 0 && warnBefore > 0 && left <= warnBefore && t.warn && !m.warned[k]:
			m.warned[k] = true
			out = append(out, dueAlert{name: t.name, kind: NoticeExpiring, left: left})
		}
	}
	sort.Strings(stale)
	m.primed = true
	for k := range m.warned {
		if !seen[k] {
			delete(m.warned, k)
			delete(m.expired, k)
		}
	}
	return out, stale
}

// Send shows every due notice through n and returns the first error; a
// failing notifier never stops the others.
func (a *Alerts) Send(n Notifier, s Snapshot) error {
	var first error
	for _, nt := range a.Due(s) {
		if err := n.Notify(nt.Title, nt.Body); err != nil && first == nil {
			first = fmt.Errorf("notify %q: %w", nt.Title, err)
		}
	}
	return first
}

// expiredSummaryTitle counts the stale sessions in words that read right for
// one as for many.
func expiredSummaryTitle(n int) string {
	if n == 1 {
		return "1 expired MFA session"
	}
	return fmt.Sprintf("%d expired MFA sessions", n)
}

// leaningRoles is a sentence to add to a notice about x that names the
// role profiles assuming their role with x's session; "" when none do.
// what has one %s for the names.
func leaningRoles(s Snapshot, x, what string) string {
	var names []string
	for _, r := range s.Roles {
		if r.Role.MFAProfile == x {
			names = append(names, r.Role.Name)
		}
	}
	switch n := len(names); n {
	case 0:
		return ""
	case 1:
		return ". " + fmt.Sprintf(what, names[0]) + "."
	default:
		return ". " + fmt.Sprintf(what, strings.Join(names[:n-1], ", ")+" and "+names[n-1]) + "."
	}
}

func renewHint(profile string) string {
	return fmt.Sprintf("\"Login %s\" in the tray menu, or awsmfa login --profile %s", profile, profile)
}

// NextChange is the next instant after s.Taken when a session in s enters
// its warning window or expires; zero when nothing is pending. UIs sleep
// until min(this, next label tick).
func NextChange(s Snapshot, warnBefore time.Duration) time.Time {
	var next time.Time
	consider := func(t time.Time) {
		if t.After(s.Taken) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for _, st := range s.Profiles {
		if !st.HasSession || st.Expiration.IsZero() {
			continue
		}
		if warnBefore > 0 {
			consider(st.Expiration.Add(-warnBefore))
		}
		consider(st.Expiration)
	}
	return next
}
