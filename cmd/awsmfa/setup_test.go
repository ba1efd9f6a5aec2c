package main

import (
	"strings"
	"testing"
)

func TestSetup(t *testing.T) {
	const serial = "arn:aws:iam::123456789012:mfa/plain"
	tests := []struct {
		name    string
		args    []string
		answers []string // nil: no terminal
		code    int
		stderr  string
	}{
		{name: "serial flag", args: []string{"--profile", "plain", "setup", "--serial", serial}},
		{name: "serial flag, profile after", args: []string{"setup", "--serial=" + serial, "--profile", "plain"}},
		{name: "asked on the terminal", args: []string{"--profile", "plain", "setup"}, answers: []string{" " + serial + " "}},
		{name: "empty answer cancels", args: []string{"--profile", "plain", "setup"}, answers: []string{""}, code: 1, stderr: "awsmfa: canceled\n"},
		{name: "no terminal", args: []string{"--profile", "plain", "setup"}, code: 1, stderr: "awsmfa: no MFA device for plain: pass --serial arn:aws:iam::ACCOUNT_ID:mfa/DEVICE, the ARN shown in the IAM console under Security credentials\n"},
		{name: "mistyped at the terminal, then right", args: []string{"--profile", "plain", "setup"}, answers: []string{"GAHT12345678", serial}},
		{name: "mistyped at the terminal three times", args: []string{"--profile", "plain", "setup"}, answers: []string{"a", "b", "c"}, code: 1, stderr: `awsmfa: "c" is not an MFA device ARN`},
		{name: "no such profile", args: []string{"--profile", "nosuch", "setup", "--serial", serial}, code: 1, stderr: "awsmfa: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			u := e.addUser("plain")
			cfg := "[profile plain]\nregion = eu-west-1\n"
			creds := "# my keys\n[plain]\naws_access_key_id = " + u.AccessKeyID + "\naws_secret_access_key = " + u.SecretAccessKey + "\n"
			e.write(t, cfg, creds)
			var term *fakeTerm
			if tt.answers != nil {
				term = newFakeTerm(tt.answers...)
				withTerminal(t, term)
			}
			r := cli(t, tt.args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, tt.code, r.stderr)
			}
			e.assertNoSecrets(t, r.stdout, r.stderr)
			if tt.code != 0 {
				if !strings.HasPrefix(r.stderr, tt.stderr) || strings.Count(r.stderr, "\n") != 1 {
					t.Errorf("stderr %q, want one line starting %q", r.stderr, tt.stderr)
				}
				if e.readCreds(t) != creds || readFile(t, e.cfg) != cfg {
					t.Errorf("a failed setup changed a file")
				}
				return
			}
			want := "Recorded mfa_serial = " + serial + " for plain in [profile plainPerm] of " + e.cfg + "\n" +
				"Moved the long-term keys of [plain] to [plainPerm] in " + e.creds + "\n" +
				"Log in with: awsmfa --profile plain login\n"
			if r.stdout != want || r.stderr != "" {
				t.Errorf("stdout %q, stderr %q; want %q", r.stdout, r.stderr, want)
			}
			if term != nil && !strings.Contains(term.output(), "MFA device ARN for plain") {
				t.Errorf("terminal shows %q", term.output())
			}
			got := e.readCreds(t)
			if perm := section(got, "plainPerm"); !strings.Contains(perm, u.AccessKeyID) || !strings.Contains(perm, u.SecretAccessKey) {
				t.Errorf("[plainPerm] lacks the keys:\n%s", got)
			}
			if !strings.Contains(readFile(t, e.cfg), serial) {
				t.Errorf("the config lacks the serial:\n%s", readFile(t, e.cfg))
			}
			// Now plain is an MFA profile that logs in.
			r = cli(t, "--profile", "plain", "login", "--token-code", e.code(t, "plain"))
			if r.code != 0 || !loggedIn.MatchString(r.stdout) {
				t.Fatalf("login after setup: exit %d, %q %q", r.code, r.stdout, r.stderr)
			}
			assertSessionWritten(t, e, "plain")
		})
	}
}
