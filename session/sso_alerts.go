package session

import (
	"fmt"
	"sort"
	"strings"
)

// ssoAlerts is what DueSSO remembers: like the profiles' memory, each
// notice once per token (a session plus its expiration).
type ssoAlerts struct {
	primed  bool
	warned  map[alertKey]bool
	expired map[alertKey]bool
}

// DueSSO returns the notices that s makes due for IAM Identity Center
// sessions, with the same kinds, wording and once-only rule as Due, and
// SSOSession set so that "Renew" knows to call SSOLogin. A token that
// renews by itself (Refreshable) gets no "expires soon" notice: the core
// refreshes it ahead of the window; when a refresh is refused the token
// stops being refreshable, and the notice comes in time. Call
// SSORefreshDue before taking s, so that a token a refresh can save is not
// reported as expired.
func (a *Alerts) DueSSO(s SSOSnapshot) []Notice {
	st := &a.sso
	if st.warned == nil {
		st.warned, st.expired = map[alertKey]bool{}, map[alertKey]bool{}
	}
	var out []Notice
	var stale []string
	live := map[alertKey]bool{}
	for _, ss := range s.Sessions {
		if !ss.HasToken || ss.Expiration.IsZero() || ss.Problem != nil {
			continue
		}
		name := ss.Session.Name
		k := alertKey{name, ss.Expiration}
		live[k] = true
		left := ss.Expiration.Sub(s.Taken)
		switch {
		case left <= 0 && !st.expired[k]:
			st.expired[k], st.warned[k] = true, true
			if !st.primed {
				stale = append(stale, name)
				continue
			}
			out = append(out, Notice{SSOSession: name, Kind: NoticeExpired,
				Title: name + " (SSO): login expired",
				Body:  "Log in again: " + ssoRenewHint(name)})
		case left > 0 && a.warnBefore > 0 && left <= a.warnBefore && !ss.Refreshable && !st.warned[k]:
			st.warned[k] = true
			out = append(out, Notice{SSOSession: name, Kind: NoticeExpiring,
				Title: fmt.Sprintf("%s (SSO): login expires in %s", name, FormatLeft(left)),
				Body:  "Renew it: " + ssoRenewHint(name)})
		}
	}
	if len(stale) > 0 {
		sort.Strings(stale)
		out = append(out, Notice{Kind: NoticeSummary,
			Title: ssoSummaryTitle(len(stale)),
			Body:  strings.Join(stale, ", ") + ": log in again from the tray menu or with awsmfa sso login."})
	}
	st.primed = true
	for k := range st.warned {
		if !live[k] {
			delete(st.warned, k)
			delete(st.expired, k)
		}
	}
	return out
}

func ssoSummaryTitle(n int) string {
	if n == 1 {
		return "1 expired SSO login"
	}
	return fmt.Sprintf("%d expired SSO logins", n)
}

func ssoRenewHint(name string) string {
	return fmt.Sprintf("\"Login %s\" in the tray menu, or awsmfa sso login --session %s", name, name)
}
