package tray

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/fakeclock"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// TestStatusAtAgreesWithCore: what a tick makes of an earlier read
// (statusAt) is what the core would say if it read the files again at the
// same fake time, for expirations on and around every boundary and for
// each window as main wires it (the core's WarnBefore is NotifyBefore).
func TestStatusAtAgreesWithCore(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 4, 0, 0, time.UTC)
	// Expirations relative to t0, named for the profile that holds them.
	exps := map[string]time.Duration{
		"a-past":      -time.Hour,
		"b-just-past": -time.Second,
		"c-in-1s":     time.Second,
		"d-in-59s":    59 * time.Second,
		"e-in-90s":    90 * time.Second,
		"f-in-5m":     5 * time.Minute,
		"g-in-9m59s":  9*time.Minute + 59*time.Second,
		"h-in-10m":    10 * time.Minute,
		"i-in-10m1s":  10*time.Minute + time.Second,
		"j-in-11m":    11 * time.Minute,
		"k-in-3h12m":  3*time.Hour + 12*time.Minute,
		"l-in-12h":    12 * time.Hour,
	}
	cfg, cred := coreFiles(t, t0, exps)
	// Where a tick lands: before, on and after each boundary above.
	later := []time.Duration{0, time.Second, 30 * time.Second, time.Minute, 61 * time.Second,
		5 * time.Minute, 9 * time.Minute, 10 * time.Minute, 11 * time.Minute, 3 * time.Hour, 13 * time.Hour}
	for _, notifyBefore := range []time.Duration{0, time.Minute, 5 * time.Minute, session.DefaultWarnBefore} {
		t.Run(fmt.Sprintf("notify-before=%s", notifyBefore), func(t *testing.T) {
			clock := fakeclock.New(t0)
			core := session.New(session.Config{ConfigFile: cfg, CredentialsFile: cred, Clock: clock, WarnBefore: notifyBefore})
			read, err := core.Snapshot()
			if err != nil {
				t.Fatal(err)
			}
			if len(read.Profiles) != len(exps)+2 {
				t.Fatalf("core found %d profiles, want %d", len(read.Profiles), len(exps)+2)
			}
			// Every state is in play, so agreement is not vacuous.
			seen := map[session.State]bool{}
			for _, st := range read.Profiles {
				seen[st.State] = true
			}
			for _, s := range []session.State{session.LoggedOut, session.Active, session.Expiring, session.Expired, session.ActiveUnknown} {
				if !seen[s] {
					t.Fatalf("no profile is %s at the read", s)
				}
			}
			warn := stateWindow(Config{NotifyBefore: notifyBefore})
			for _, d := range later {
				clock.Set(t0.Add(d))
				want, err := core.Snapshot()
				if err != nil {
					t.Fatal(err)
				}
				got := session.Snapshot{Taken: read.Taken, Profiles: append([]session.Status(nil), read.Profiles...)}
				moveTo(&got, clock.Now(), warn)
				if !got.Taken.Equal(want.Taken) {
					t.Errorf("+%s: Taken %v, core %v", d, got.Taken, want.Taken)
				}
				for i, w := range want.Profiles {
					g := got.Profiles[i]
					if g.Profile.Name != w.Profile.Name || g.State != w.State || g.Left != w.Left ||
						!g.Expiration.Equal(w.Expiration) || g.HasSession != w.HasSession {
						t.Errorf("+%s %s: tray %s %s left, core %s %s left", d, w.Profile.Name, g.State, g.Left, w.State, w.Left)
					}
				}
			}
		})
	}
}

// coreFiles writes a config and credentials file in the Perm convention:
// one profile per expiration, plus one logged out and one whose session
// has no expiration.
func coreFiles(t *testing.T, t0 time.Time, exps map[string]time.Duration) (cfgPath, credPath string) {
	t.Helper()
	var cfg, cred strings.Builder
	add := func(name, exp string, hasSession bool) {
		fmt.Fprintf(&cfg, "[profile %s]\nregion = us-east-1\nmfa_serial = arn:aws:iam::123456789012:mfa/%s\n\n", name, name)
		fmt.Fprintf(&cred, "[%sPerm]\naws_access_key_id = AKIAEXAMPLE000000000\naws_secret_access_key = perm/secret\n\n", name)
		if !hasSession {
			return
		}
		fmt.Fprintf(&cred, "[%s]\naws_access_key_id = ASIAEXAMPLE000000000\naws_secret_access_key = session/secret\naws_session_token = token\n", name)
		if exp != "" {
			fmt.Fprintf(&cred, "expiration = %s\n", exp)
		}
		cred.WriteString("\n")
	}
	for name, d := range exps {
		add(name, t0.Add(d).Format(time.RFC3339), true)
	}
	add("m-logged-out", "", false)
	add("n-no-expiry", "", true)
	dir := t.TempDir()
	cfgPath, credPath = filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	for p, b := range map[string]string{cfgPath: cfg.String(), credPath: cred.String()} {
		if err := os.WriteFile(p, []byte(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return cfgPath, credPath
}

func TestStateWindow(t *testing.T) {
	for _, tc := range []struct {
		warn, notify, want time.Duration
	}{
		{0, 0, session.DefaultWarnBefore},
		{0, 3 * time.Minute, 3 * time.Minute},
		{2 * time.Minute, 3 * time.Minute, 2 * time.Minute},
		{2 * time.Minute, 0, 2 * time.Minute},
	} {
		if got := stateWindow(Config{WarnBefore: tc.warn, NotifyBefore: tc.notify}); got != tc.want {
			t.Errorf("WarnBefore %s, NotifyBefore %s: window %s, want %s", tc.warn, tc.notify, got, tc.want)
		}
	}
}
