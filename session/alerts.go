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

type alertKey struct {
	profile string
	exp     time.Time
}

// Alerts decides which expiry notifications are due, each once per session
// (a session is a profile plus its expiration, so a renewal starts afresh).
// It is pure: feed it snapshots, with any clock.
type Alerts struct {
	warnBefore time.Duration
	primed     bool
	warned     map[alertKey]bool
	expired    map[alertKey]bool
	sso        ssoAlerts // DueSSO's memory, apart from the profiles'
}

// NewAlerts watches with the given warning window; 0 turns the "expires
// soon" notice off, and expired notices still fire.
func NewAlerts(warnBefore time.Duration) *Alerts {
	return &Alerts{warnBefore: warnBefore, warned: map[alertKey]bool{}, expired: map[alertKey]bool{}}
}

// Due returns the notices that s makes due. On the first call, sessions that
// were already expired yield one summary notice instead of one each.
func (a *Alerts) Due(s Snapshot) []Notice {
	var out []Notice
	var stale []string
	live := map[alertKey]bool{}
	for _, st := range s.Profiles {
		if !st.HasSession || st.Expiration.IsZero() {
			continue
		}
		k := alertKey{st.Profile.Name, st.Expiration}
		live[k] = true
		left := st.Expiration.Sub(s.Taken)
		switch {
		case left <= 0 && !a.expired[k]:
			a.expired[k], a.warned[k] = true, true
			if !a.primed {
				stale = append(stale, k.profile)
				continue
			}
			out = append(out, Notice{Profile: k.profile, Kind: NoticeExpired,
				Title: k.profile + ": session expired",
				Body:  "Log in again: " + renewHint(k.profile) + leaningRoles(s, k.profile, "No new credentials for %s until then")})
		case left > 0 && a.warnBefore > 0 && left <= a.warnBefore && !a.warned[k]:
			a.warned[k] = true
			out = append(out, Notice{Profile: k.profile, Kind: NoticeExpiring,
				Title: fmt.Sprintf("%s: session expires in %s", k.profile, FormatLeft(left)),
				Body:  "Renew it: " + renewHint(k.profile) + leaningRoles(s, k.profile, "%s will stop working with it")})
		}
	}
	if len(stale) > 0 {
		sort.Strings(stale)
		out = append(out, Notice{Kind: NoticeSummary,
			Title: expiredSummaryTitle(len(stale)),
			Body:  strings.Join(stale, ", ") + ": log in again from the tray menu or with awsmfa login."})
	}
	a.primed = true
	for k := range a.warned {
		if !live[k] {
			delete(a.warned, k)
			delete(a.expired, k)
		}
	}
	return out
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
