package session

import (
	"fmt"
	"strings"
)

// DueSSO returns the notices that s makes due for IAM Identity Center
// sessions, with the same kinds, wording and once-only rule as Due, and
// SSOSession set so that "Renew" knows to call SSOLogin. A token that
// renews by itself (Refreshable) gets no "expires soon" notice: the core
// refreshes it ahead of the window; when a refresh is refused the token
// stops being refreshable, and the notice comes in time. Call
// SSORefreshDue before taking s, so that a token a refresh can save is not
// reported as expired.
func (a *Alerts) DueSSO(s SSOSnapshot) []Notice {
	var live []alertToken
	for _, ss := range s.Sessions {
		if ss.HasToken && !ss.Expiration.IsZero() && ss.Problem == nil {
			live = append(live, alertToken{name: ss.Session.Name, exp: ss.Expiration, warn: !ss.Refreshable})
		}
	}
	due, stale := a.sso.due(s.Taken, a.warnBefore, live)
	var out []Notice
	for _, d := range due {
		n := Notice{SSOSession: d.name, Kind: d.kind}
		if d.kind == NoticeExpired {
			n.Title = d.name + " (SSO): login expired"
			n.Body = "Log in again: " + ssoRenewHint(d.name)
		} else {
			n.Title = fmt.Sprintf("%s (SSO): login expires in %s", d.name, FormatLeft(d.left))
			n.Body = "Renew it: " + ssoRenewHint(d.name)
		}
		out = append(out, n)
	}
	if len(stale) > 0 {
		out = append(out, Notice{Kind: NoticeSummary,
			Title: ssoSummaryTitle(len(stale)),
			Body:  strings.Join(stale, ", ") + ": log in again from the tray menu or with awsmfa sso login."})
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
