package tray

import (
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// statusAt is st, read from the files earlier, as it stands at now: a
// session with a known expiration moves to active, expiring or expired
// by the core's own rule, session.StateAt. Everything else is what the read
// found.
// This lets the minute tick count down without reading the files again;
// TestStatusAtAgreesWithCore holds it to session.Manager.Snapshot.
func statusAt(st session.Status, now time.Time, warn time.Duration) session.Status {
	if !st.HasSession || st.Expiration.IsZero() {
		return st
	}
	st.State, st.Left = session.StateAt(st.Expiration, now, warn)
	return st
}

// moveTo brings every status in s to now, in place, and the role
// profiles with them.
func moveTo(s *session.Snapshot, now time.Time, warn time.Duration) {
	s.Taken = now
	for i := range s.Profiles {
		s.Profiles[i] = statusAt(s.Profiles[i], now, warn)
	}
	moveRoles(s, now)
	moveSSOTo(s.SSO, now, warn)
}

// stateWindow is the core's expiring window as Config describes it.
func stateWindow(cfg Config) time.Duration {
	switch {
	case cfg.WarnBefore > 0:
		return cfg.WarnBefore
	case cfg.NotifyBefore > 0:
		return cfg.NotifyBefore
	}
	return session.DefaultWarnBefore
}
