package tray

import (
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// A session whose MFA profile has mfa_process (a hardware key, a script)
// is renewed before it expires without asking anybody: at the warning
// time (NotifyBefore, else the expiring window), off the loop, once per
// session. The warning is then left out; a failed renewal becomes a
// notice with Renew.

type alertKey struct {
	profile string
	exp     time.Time
}

// renewBefore is how long before expiry a renewal starts.
func (a *App) renewBefore() time.Duration {
	if a.cfg.NotifyBefore > 0 {
		return a.cfg.NotifyBefore
	}
	return a.warn
}

// startRenewals starts the renewals due now and returns the profiles
// renewed (or being renewed) without asking for their current session,
// whose warnings are left out.
func (a *App) startRenewals() map[string]bool {
	var out map[string]bool
	for _, st := range a.snap.Profiles {
		if !st.Profile.HasMFAProcess || st.Profile.Problem != nil || !st.HasSession || st.Expiration.IsZero() {
			continue
		}
		if st.State != session.Active && st.State != session.Expiring {
			continue
		}
		k := alertKey{st.Profile.Name, st.Expiration}
		if !a.renewed[k] {
			if st.Left > a.renewBefore() {
				continue
			}
			if _, busy := a.logins[k.profile]; busy {
				continue // a login runs already: it renews
			}
			a.renewed[k] = true
			a.log.Info("renewing without asking (mfa_process)", "profile", k.profile, "left", st.Left.Round(time.Second))
			a.startLogin(a.runCtx, k.profile, loginOrigin{auto: true})
		}
		if out == nil {
			out = map[string]bool{}
		}
		out[k.profile] = true
	}
	return out
}

// pruneRenewed forgets sessions no longer in the files.
func (a *App) pruneRenewed() {
	if len(a.renewed) == 0 {
		return
	}
	live := make(map[alertKey]bool, len(a.snap.Profiles))
	for _, st := range a.snap.Profiles {
		live[alertKey{st.Profile.Name, st.Expiration}] = true
	}
	for k := range a.renewed {
		if !live[k] {
			delete(a.renewed, k)
		}
	}
}

// expiryNotice is the notice for one of the core's expiry alerts: a
// warning or an expired session stays, with Renew; the summary at start
// does not.
func expiryNotice(n session.Notice) Notice {
	switch n.Kind {
	case session.NoticeExpiring, session.NoticeExpired:
		return Notice{Key: ProfileKey(n.Profile), Title: n.Title, Body: n.Body, Stay: true,
			Actions: RenewActions(LoginClicked{Profile: n.Profile})}
	}
	return Notice{Key: keyExpiredSummary, Title: n.Title, Body: n.Body}
}

// Keys of notices about no one profile.
const (
	keyExpiredSummary = "expired-summary"
	keyLogoutAll      = "logout-all"
)
