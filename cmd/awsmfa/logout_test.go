package main

import (
	"strings"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

func login(t *testing.T, e *testEnv, profile string) {
	t.Helper()
	if r := cli(t, "--profile", profile, "login", "--token-code", e.code(t, profile)); r.code != 0 {
		t.Fatalf("login %s: exit %d, %s", profile, r.code, r.stderr)
	}
}

func TestLogout(t *testing.T) {
	tests := []struct {
		name      string
		loggedIn  []string
		args      []string
		stdout    string
		remaining []string // profiles that must still hold a session
	}{
		{
			name:      "profile",
			loggedIn:  []string{"myaccount", "other"},
			args:      []string{"logout"},
			stdout:    "Logged out myaccount\n" + session.RevocationNote + "\n",
			remaining: []string{"other"},
		},
		{
			name:      "profile flag after command",
			loggedIn:  []string{"myaccount", "other"},
			args:      []string{"logout", "--profile", "other"},
			stdout:    "Logged out other\n" + session.RevocationNote + "\n",
			remaining: []string{"myaccount"},
		},
		{
			name:      "no session",
			loggedIn:  []string{"other"},
			args:      []string{"logout"},
			stdout:    "No session for myaccount; nothing to log out\n",
			remaining: []string{"other"},
		},
		{
			name:     "all",
			loggedIn: []string{"myaccount", "other"},
			args:     []string{"logout", "--all"},
			stdout:   "Logged out myaccount\nLogged out other\n" + session.RevocationNote + "\n",
		},
		{
			name:   "all with none",
			args:   []string{"logout", "--all"},
			stdout: "No MFA sessions to log out of\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.standard(t, "myaccount", "other", "third")
			t.Setenv("AWS_PROFILE", "myaccount")
			for _, p := range tt.loggedIn {
				login(t, e, p)
			}
			calls := e.calls()
			r := cli(t, tt.args...)
			if r.code != 0 || r.stderr != "" || r.stdout != tt.stdout {
				t.Errorf("exit %d, stderr %q, stdout %q; want %q", r.code, r.stderr, r.stdout, tt.stdout)
			}
			creds := e.readCreds(t)
			for _, p := range []string{"myaccount", "other", "third"} {
				keep := false
				for _, q := range tt.remaining {
					keep = keep || p == q
				}
				if has := strings.Contains(section(creds, p), "aws_session_token"); has != keep {
					t.Errorf("[%s] holds a session: %v, want %v", p, has, keep)
				}
				u := e.users[p]
				if perm := section(creds, p+"Perm"); !strings.Contains(perm, u.AccessKeyID) || !strings.Contains(perm, u.SecretAccessKey) {
					t.Errorf("[%sPerm] lost its long-term keys", p)
				}
			}
			if n := e.calls(); n != calls {
				t.Errorf("logout called STS")
			}
			e.assertNoSecrets(t, r.stdout, r.stderr)

			// The session is gone for status too.
			st := cli(t, "status", "--json")
			for _, p := range []string{"myaccount", "other", "third"} {
				if strings.Contains(section(creds, p), "aws_session_token") {
					continue
				}
				if !strings.Contains(st.stdout, `"profile": "`+p+`",
    "state": "logged_out"`) {
					t.Errorf("status of %s is not logged_out:\n%s", p, st.stdout)
				}
			}
		})
	}
}

// Logging out of a section holding long-term keys is refused, and the keys
// survive.
func TestLogoutRefusesLongTermKeys(t *testing.T) {
	e := newEnv(t)
	e.standard(t, "myaccount")
	before := e.readCreds(t)
	r := cli(t, "--profile", "myaccountPerm", "logout")
	if r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, "awsmfa: ") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("exit %d, stdout %q, stderr %q; want a one-line refusal", r.code, r.stdout, r.stderr)
	}
	if got := e.readCreds(t); got != before {
		t.Errorf("logout changed the credentials file:\n%s", got)
	}
	e.assertNoSecrets(t, r.stdout, r.stderr)
}
