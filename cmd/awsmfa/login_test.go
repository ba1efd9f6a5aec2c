package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
)

// loggedIn matches the one line a successful login prints.
var loggedIn = regexp.MustCompile(`^Logged in (\S+) until (\d{4}-\d\d-\d\d \d\d:\d\d \S+) \((\S+)\)\n$`)

// lastSession is the fake's record of the latest session it issued.
func lastSession(t *testing.T, e *testEnv) stsfake.Session {
	t.Helper()
	s := e.fake.IssuedSessions()
	if len(s) == 0 {
		t.Fatal("the fake issued no session")
	}
	return s[len(s)-1]
}

// assertSessionWritten checks [profile] holds exactly the session the fake
// issued last, and that the long-term section is untouched.
func assertSessionWritten(t *testing.T, e *testEnv, profile string) stsfake.Session {
	t.Helper()
	s := lastSession(t, e)
	creds := e.readCreds(t)
	sec := section(creds, profile)
	if sec == "" {
		t.Fatalf("no [%s] in the credentials file:\n%s", profile, creds)
	}
	for _, kv := range []string{
		"aws_access_key_id = " + s.AccessKeyID,
		"aws_secret_access_key = " + s.SecretAccessKey,
		"aws_session_token = " + s.SessionToken,
		"expiration = " + s.Expiration.UTC().Format(time.RFC3339),
	} {
		if !strings.Contains(sec, kv+"\n") {
			t.Errorf("[%s] lacks %q", profile, strings.SplitN(kv, " =", 2)[0])
		}
	}
	if u, ok := e.users[profile]; ok {
		perm := section(creds, profile+"Perm")
		if !strings.Contains(perm, u.AccessKeyID) || !strings.Contains(perm, u.SecretAccessKey) {
			t.Errorf("[%sPerm] lost its long-term keys", profile)
		}
	}
	return s
}

// section returns the lines of [name] in an INI text, header excluded.
func section(text, name string) string {
	var b strings.Builder
	in := false
	for _, line := range strings.SplitAfter(text, "\n") {
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(trim, "[") {
			in = trim == "["+name+"]"
			continue
		}
		if in {
			b.WriteString(line)
		}
	}
	return b.String()
}

func TestLoginSuccess(t *testing.T) {
	zone := time.FixedZone("UTC+5:30", 5*3600+1800)
	tests := []struct {
		name     string
		args     func(e *testEnv) []string
		env      map[string]string
		profile  string
		duration time.Duration
		left     string
	}{
		{
			name:    "AWS_PROFILE",
			args:    func(e *testEnv) []string { return []string{"login", "--token-code", e.code(t, "myaccount")} },
			env:     map[string]string{"AWS_PROFILE": "myaccount"},
			profile: "myaccount", duration: 12 * time.Hour, left: "12h0m",
		},
		{
			name:    "AWS_DEFAULT_PROFILE",
			args:    func(e *testEnv) []string { return []string{"login", "--token-code", e.code(t, "other")} },
			env:     map[string]string{"AWS_DEFAULT_PROFILE": "other"},
			profile: "other", duration: 12 * time.Hour, left: "12h0m",
		},
		{
			name:    "AWS_PROFILE wins over AWS_DEFAULT_PROFILE",
			args:    func(e *testEnv) []string { return []string{"login", "--token-code", e.code(t, "myaccount")} },
			env:     map[string]string{"AWS_PROFILE": "myaccount", "AWS_DEFAULT_PROFILE": "other"},
			profile: "myaccount", duration: 12 * time.Hour, left: "12h0m",
		},
		{
			name:    "default profile",
			args:    func(e *testEnv) []string { return []string{"login", "--token-code", e.code(t, "default")} },
			profile: "default", duration: 12 * time.Hour, left: "12h0m",
		},
		{
			name: "profile before command",
			args: func(e *testEnv) []string {
				return []string{"--profile", "other", "login", "--token-code", e.code(t, "other")}
			},
			env:     map[string]string{"AWS_PROFILE": "myaccount"},
			profile: "other", duration: 12 * time.Hour, left: "12h0m",
		},
		{
			name: "profile after command",
			args: func(e *testEnv) []string {
				return []string{"login", "--token-code=" + e.code(t, "other"), "--profile=other"}
			},
			env:     map[string]string{"AWS_PROFILE": "myaccount"},
			profile: "other", duration: 12 * time.Hour, left: "12h0m",
		},
		{
			name: "same profile before and after",
			args: func(e *testEnv) []string {
				return []string{"-profile", "other", "login", "-token-code", e.code(t, "other"), "--profile", "other"}
			},
			profile: "other", duration: 12 * time.Hour, left: "12h0m",
		},
		{
			name: "duration",
			args: func(e *testEnv) []string {
				return []string{"--profile", "myaccount", "login", "--duration", "8h", "--token-code", e.code(t, "myaccount")}
			},
			profile: "myaccount", duration: 8 * time.Hour, left: "8h0m",
		},
		{
			name: "duration in seconds",
			args: func(e *testEnv) []string {
				return []string{"--profile", "myaccount", "login", "--duration", "5400", "--token-code", e.code(t, "myaccount")}
			},
			profile: "myaccount", duration: 90 * time.Minute, left: "1h30m",
		},
		{
			name: "passthrough duration-seconds",
			args: func(e *testEnv) []string {
				return []string{"--profile", "myaccount", "login", "--token-code", e.code(t, "myaccount"), "--", "--duration-seconds", "3600"}
			},
			profile: "myaccount", duration: time.Hour, left: "1h0m",
		},
		{
			name: "passthrough duration-seconds=",
			args: func(e *testEnv) []string {
				return []string{"--profile", "myaccount", "login", "--token-code", e.code(t, "myaccount"), "--", "--duration-seconds=900"}
			},
			profile: "myaccount", duration: 15 * time.Minute, left: "15m",
		},
		{
			name: "empty passthrough",
			args: func(e *testEnv) []string {
				return []string{"--profile", "myaccount", "login", "--token-code", e.code(t, "myaccount"), "--"}
			},
			profile: "myaccount", duration: 12 * time.Hour, left: "12h0m",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.standard(t, "myaccount", "other", "default")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			withZone(t, zone)
			before := time.Now()
			r := cli(t, tt.args(e)...)
			if r.code != 0 || !quietStderr(r.stderr) {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			s := assertSessionWritten(t, e, tt.profile)
			want := fmt.Sprintf("Logged in %s until %s (%s)\n", tt.profile, s.Expiration.In(zone).Format("2006-01-02 15:04 MST"), tt.left)
			if r.stdout != want || !loggedIn.MatchString(r.stdout) {
				t.Errorf("stdout %q, want %q", r.stdout, want)
			}
			if got := s.Expiration.Sub(before); got < tt.duration-time.Minute || got > tt.duration+time.Minute {
				t.Errorf("session lasts %v, want %v", got, tt.duration)
			}
			calls := e.fake.Calls()
			if len(calls) != 1 || calls[0].DurationSeconds != int32(tt.duration/time.Second) {
				t.Errorf("calls %+v, want one with DurationSeconds %d", calls, int(tt.duration/time.Second))
			}
			// Only the profile asked for got a session.
			for _, p := range []string{"myaccount", "other", "default"} {
				if p != tt.profile && strings.Contains(section(e.readCreds(t), p), "aws_session_token") {
					t.Errorf("[%s] got a session too", p)
				}
			}
			e.assertNoSecrets(t, r.stdout, r.stderr)
		})
	}
}

// The original awsmfa script's config layout works unchanged.
func TestLoginLegacyLayout(t *testing.T) {
	tests := []struct {
		name string
		cfg  string
	}{
		{"bare Perm, profile X with source_profile", `[myaccountPerm]
mfa_serial = SERIAL
user_arn = arn:aws:iam::123456789012:user/myaccount

[profile myaccount]
region = eu-west-1
source_profile = myaccountPerm
output = json
`},
		{"bare Perm, bare X with source_profile", `[myaccountPerm]
mfa_serial = SERIAL
user_arn = arn:aws:iam::123456789012:user/myaccount

[myaccount]
region = eu-west-1
source_profile = myaccountPerm
`},
		{"bare Perm, no section for X", `[myaccountPerm]
mfa_serial = SERIAL
user_arn = arn:aws:iam::123456789012:user/myaccount
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			u := e.addUser("myaccount")
			cfg := strings.ReplaceAll(tt.cfg, "SERIAL", u.MFASerial)
			creds := "[myaccountPerm]\naws_access_key_id = " + u.AccessKeyID + "\naws_secret_access_key = " + u.SecretAccessKey + "\n"
			e.write(t, cfg, creds)
			t.Setenv("AWS_PROFILE", "myaccount")
			r := cli(t, "login", "--token-code", e.code(t, "myaccount"))
			if r.code != 0 || !quietStderr(r.stderr) || !loggedIn.MatchString(r.stdout) {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			assertSessionWritten(t, e, "myaccount")
			if calls := e.fake.Calls(); len(calls) != 1 || calls[0].SerialNumber != u.MFASerial {
				t.Errorf("calls %+v, want one with the serial from [myaccountPerm]", calls)
			}
			// The long-term section and the config stay byte for byte.
			if got := e.readCreds(t); !strings.HasPrefix(got, creds) {
				t.Errorf("the long-term section changed:\n%s", got)
			}
			if got := readFile(t, e.cfg); got != cfg {
				t.Errorf("login changed the config file:\n%s", got)
			}
		})
	}
}

// Without --force an active session is kept, and STS is not called.
func TestLoginActive(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		term     *fakeTerm // nil: no terminal
		renewed  bool
		stdout   *regexp.Regexp
		prompted string
	}{
		{
			name:   "no terminal says how long is left",
			args:   []string{"login", "--token-code", "CODE"},
			stdout: regexp.MustCompile(`^myaccount is still logged in for (11h59m|12h0m) \(until \d{4}-\d\d-\d\d \d\d:\d\d \S+\); use --force to renew\n$`),
		},
		{
			name:    "force renews",
			args:    []string{"login", "--force", "--token-code", "CODE"},
			renewed: true,
			stdout:  loggedIn,
		},
		{
			name:     "terminal yes renews",
			args:     []string{"login", "--token-code", "CODE"},
			term:     newFakeTerm("y"),
			renewed:  true,
			stdout:   loggedIn,
			prompted: "Renew it? [y/N] ",
		},
		{
			name:     "terminal YES renews",
			args:     []string{"login", "--token-code", "CODE"},
			term:     newFakeTerm(" YES "),
			renewed:  true,
			stdout:   loggedIn,
			prompted: "Renew it? [y/N] ",
		},
		{
			name:     "terminal no keeps",
			args:     []string{"login", "--token-code", "CODE"},
			term:     newFakeTerm("n"),
			stdout:   regexp.MustCompile(`^myaccount is still logged in for `),
			prompted: "Renew it? [y/N] ",
		},
		{
			name:     "terminal enter keeps",
			args:     []string{"login"},
			term:     newFakeTerm(""),
			stdout:   regexp.MustCompile(`^myaccount is still logged in for `),
			prompted: "Renew it? [y/N] ",
		},
		{
			name:     "terminal yes then prompts for the code",
			args:     []string{"login"},
			term:     newFakeTerm("y", "CODE"),
			renewed:  true,
			stdout:   loggedIn,
			prompted: "MFA code for myaccount (arn:aws:iam::123456789012:mfa/myaccount): ",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.standard(t, "myaccount")
			t.Setenv("AWS_PROFILE", "myaccount")
			if r := cli(t, "login", "--token-code", e.code(t, "myaccount")); r.code != 0 {
				t.Fatalf("first login: exit %d, %s", r.code, r.stderr)
			}
			first := e.readCreds(t)
			e.nextStep()
			code := e.code(t, "myaccount")
			if tt.term != nil {
				for i, a := range tt.term.answers {
					tt.term.answers[i] = strings.ReplaceAll(a, "CODE", code)
				}
				withTerminal(t, tt.term)
			}
			args := make([]string, len(tt.args))
			for i, a := range tt.args {
				args[i] = strings.ReplaceAll(a, "CODE", code)
			}
			r := cli(t, args...)
			if r.code != 0 || !quietStderr(r.stderr) {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			if !tt.stdout.MatchString(r.stdout) {
				t.Errorf("stdout %q, want match %v", r.stdout, tt.stdout)
			}
			wantCalls := 1
			if tt.renewed {
				wantCalls = 2
				assertSessionWritten(t, e, "myaccount")
				if len(e.fake.IssuedSessions()) != 2 {
					t.Errorf("no new session issued")
				}
			} else if e.readCreds(t) != first {
				t.Errorf("the credentials file changed without a renewal")
			}
			if n := e.calls(); n != wantCalls {
				t.Errorf("%d STS calls, want %d", n, wantCalls)
			}
			if tt.term != nil && !strings.Contains(tt.term.output(), tt.prompted) {
				t.Errorf("terminal shows %q, want %q", tt.term.output(), tt.prompted)
			}
			outs := []string{r.stdout, r.stderr}
			if tt.term != nil {
				outs = append(outs, tt.term.output())
			}
			e.assertNoSecrets(t, outs...)
		})
	}
}

// With no --token-code the code is asked for on the terminal.
func TestLoginPrompt(t *testing.T) {
	const prompt = "MFA code for myaccount (arn:aws:iam::123456789012:mfa/myaccount): "
	tests := []struct {
		name    string
		answers []string // CODE is the valid code
		term    bool
		code    int
		stderr  string
		prompts int
	}{
		{name: "code", answers: []string{"CODE"}, term: true, prompts: 1},
		{name: "code with spaces", answers: []string{"  CODE \r"}, term: true, prompts: 1},
		{name: "mistyped then code", answers: []string{"12345", "abcdef", "CODE"}, term: true, prompts: 3},
		{name: "three mistakes", answers: []string{"1", "2", "3"}, term: true, code: 1, stderr: "6 digits\n", prompts: 3},
		{name: "empty answer cancels", answers: []string{""}, term: true, code: 1, stderr: "awsmfa: canceled\n", prompts: 1},
		{name: "end of input cancels", term: true, code: 1, stderr: "awsmfa: canceled\n", prompts: 1},
		{name: "no terminal", code: 1, stderr: "pass --token-code\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.standard(t, "myaccount")
			t.Setenv("AWS_PROFILE", "myaccount")
			before := e.readCreds(t)
			var term *fakeTerm
			if tt.term {
				code := e.code(t, "myaccount")
				var answers []string
				for _, a := range tt.answers {
					answers = append(answers, strings.ReplaceAll(a, "CODE", code))
				}
				term = newFakeTerm(answers...)
				withTerminal(t, term)
			}
			r := cli(t, "login")
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, tt.code, r.stderr)
			}
			if tt.code == 0 {
				if !loggedIn.MatchString(r.stdout) || !quietStderr(r.stderr) {
					t.Errorf("stdout %q, stderr %q", r.stdout, r.stderr)
				}
				assertSessionWritten(t, e, "myaccount")
			} else {
				if !strings.HasPrefix(r.stderr, "awsmfa: ") || !strings.HasSuffix(r.stderr, tt.stderr) || strings.Count(r.stderr, "\n") != 1 {
					t.Errorf("stderr %q, want one line ending %q", r.stderr, tt.stderr)
				}
				if n := e.calls(); n != 0 {
					t.Errorf("%d STS calls, want none", n)
				}
				if e.readCreds(t) != before {
					t.Errorf("the credentials file changed")
				}
			}
			if term != nil {
				if got := strings.Count(term.output(), prompt); got != tt.prompts {
					t.Errorf("prompted %d times, want %d:\n%s", got, tt.prompts, term.output())
				}
				e.assertNoSecrets(t, term.output())
			}
			e.assertNoSecrets(t, r.stdout, r.stderr)
		})
	}
}

// Ctrl-C at the prompt leaves everything as it was and exits 130.
func TestLoginInterruptAtPrompt(t *testing.T) {
	e := newEnv(t)
	e.standard(t, "myaccount")
	t.Setenv("AWS_PROFILE", "myaccount")
	before := e.readCreds(t)
	term := newFakeTerm()
	term.block = true
	withTerminal(t, term)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-term.asked
		cancel()
	}()
	r := cliCtx(ctx, t, "login")
	if r.code != 130 || r.stderr != "awsmfa: canceled\n" || r.stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 130 and canceled", r.code, r.stdout, r.stderr)
	}
	if n := e.calls(); n != 0 {
		t.Errorf("%d STS calls, want none", n)
	}
	if e.readCreds(t) != before {
		t.Errorf("the credentials file changed")
	}
}

// STS and configuration failures are one line on stderr and exit 1.
func TestLoginErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, e *testEnv) []string // returns args
		want  string                                  // in the message
		calls int
	}{
		{
			name: "wrong code",
			setup: func(t *testing.T, e *testEnv) []string {
				e.standard(t, "myaccount")
				c := e.code(t, "myaccount")
				wrong := fmt.Sprintf("%06d", (atoi(c)+500000)%1000000)
				return []string{"--profile", "myaccount", "login", "--token-code", wrong}
			},
			want:  "the MFA code was not accepted; wait for the next code",
			calls: 1,
		},
		{
			name: "reused code",
			setup: func(t *testing.T, e *testEnv) []string {
				e.standard(t, "myaccount")
				c := e.code(t, "myaccount")
				if r := cli(t, "--profile", "myaccount", "login", "--token-code", c); r.code != 0 {
					t.Fatalf("first login: %s", r.stderr)
				}
				if r := cli(t, "--profile", "myaccount", "logout"); r.code != 0 {
					t.Fatalf("logout: %s", r.stderr)
				}
				return []string{"--profile", "myaccount", "login", "--token-code", c}
			},
			want:  "the MFA code was not accepted; wait for the next code",
			calls: 1,
		},
		{
			name: "missing serial",
			setup: func(t *testing.T, e *testEnv) []string {
				u := e.addUser("myaccount")
				e.write(t, "[profile myaccount]\nregion = eu-west-1\nsource_profile = myaccountPerm\n",
					"[myaccountPerm]\naws_access_key_id = "+u.AccessKeyID+"\naws_secret_access_key = "+u.SecretAccessKey+"\n")
				return []string{"--profile", "myaccount", "login", "--token-code", "123456"}
			},
			want: "setup --serial",
		},
		{
			name: "missing long-term profile",
			setup: func(t *testing.T, e *testEnv) []string {
				e.write(t, "[profile myaccount]\nmfa_serial = arn:aws:iam::123456789012:mfa/myaccount\n", "")
				return []string{"--profile", "myaccount", "login", "--token-code", "123456"}
			},
			want: "myaccountPerm",
		},
		{
			name: "long-term profile without keys",
			setup: func(t *testing.T, e *testEnv) []string {
				e.write(t, "[profile myaccount]\nmfa_serial = arn:aws:iam::123456789012:mfa/myaccount\n", "[myaccountPerm]\nregion = eu-west-1\n")
				return []string{"--profile", "myaccount", "login", "--token-code", "123456"}
			},
			want: "myaccountPerm",
		},
		{
			name: "serial not an MFA ARN",
			setup: func(t *testing.T, e *testEnv) []string {
				u := e.addUser("myaccount")
				e.write(t, "[profile myaccount]\nmfa_serial = GAHT12345678\n",
					"[myaccountPerm]\naws_access_key_id = "+u.AccessKeyID+"\naws_secret_access_key = "+u.SecretAccessKey+"\n")
				return []string{"--profile", "myaccount", "login", "--token-code", "123456"}
			},
			want: "mfa_serial",
		},
		{
			name: "unknown profile",
			setup: func(t *testing.T, e *testEnv) []string {
				e.standard(t, "myaccount")
				return []string{"--profile", "nosuch", "login", "--token-code", "123456"}
			},
			want: "nosuch",
		},
		{
			name: "deleted key",
			setup: func(t *testing.T, e *testEnv) []string {
				e.standard(t, "myaccount")
				e.fake.DeleteUser(e.users["myaccount"].AccessKeyID)
				return []string{"--profile", "myaccount", "login", "--token-code", e.code(t, "myaccount")}
			},
			want:  "check [myaccountPerm]",
			calls: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			args := tt.setup(t, e)
			before := e.readCreds(t)
			callsBefore := e.calls()
			r := cli(t, args...)
			if r.code != 1 {
				t.Errorf("exit %d, want 1", r.code)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			if !strings.HasPrefix(r.stderr, "awsmfa: ") || strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") {
				t.Errorf("stderr %q, want one line starting awsmfa:", r.stderr)
			}
			if !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr %q, want it to say %q", r.stderr, tt.want)
			}
			if n := e.calls() - callsBefore; n != tt.calls {
				t.Errorf("%d STS calls, want %d", n, tt.calls)
			}
			if e.readCreds(t) != before {
				t.Errorf("a failed login changed the credentials file")
			}
			e.assertNoSecrets(t, r.stdout, r.stderr)
		})
	}
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// quietStderr: a successful login prints nothing on stderr but, for the
// issue's own layout ([profile X] with source_profile), the note that Go
// tools refuse that layout.
func quietStderr(s string) bool {
	return s == "" || regexp.MustCompile(`^awsmfa: note: source_profile without role_arn in \[profile \S+\] of \S+ makes Go-based tools[^\n]*\n$`).MatchString(s)
}
