package main

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestHelp(t *testing.T) {
	tests := []struct {
		args   []string
		golden string
	}{
		{[]string{"--help"}, "help/global.golden"},
		{[]string{"-h"}, "help/global.golden"},
		{[]string{"help"}, "help/global.golden"},
		{[]string{"--profile", "x", "--help"}, "help/global.golden"},
		{[]string{"login", "--help"}, "help/login.golden"},
		{[]string{"login", "-h"}, "help/login.golden"},
		{[]string{"help", "login"}, "help/login.golden"},
		{[]string{"login", "--token-code", "123456", "--help"}, "help/login.golden"},
		{[]string{"logout", "--help"}, "help/logout.golden"},
		{[]string{"status", "-h"}, "help/status.golden"},
		{[]string{"setup", "--help"}, "help/setup.golden"},
		{[]string{"version", "--help"}, "help/version.golden"},
		{[]string{"-p", "x", "keychain", "--help"}, "help/keychain.golden"},
		{[]string{"env", "-h"}, "help/env.golden"},
		{[]string{"exec", "--help"}, "help/exec.golden"},
		{[]string{"help", "completion"}, "help/completion.golden"},
		{[]string{"completion", "--help"}, "help/completion.golden"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			e := newEnv(t)
			r := cli(t, tt.args...)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			golden(t, tt.golden, r.stdout)
			for _, line := range strings.Split(r.stdout, "\n") {
				if n := utf8.RuneCountInString(line); n > 80 {
					t.Errorf("%d columns: %s", n, line)
				}
			}
			if n := e.calls(); n != 0 {
				t.Errorf("help made %d STS calls", n)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	newEnv(t)
	for _, args := range [][]string{{"version"}, {"--version"}} {
		r := cli(t, args...)
		if r.code != 0 || r.stdout != "awsmfa dev\n" || r.stderr != "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, r.code, r.stdout, r.stderr)
		}
	}
}

// Every usage mistake exits 2 with the message, the command's usage line
// and a pointer to --help, before any file is read or STS is called.
func TestUsageErrors(t *testing.T) {
	const (
		loginUsage  = "usage: awsmfa [--profile P] login [--token-code N] [--duration D] [--force]\n"
		globalUsage = "usage: awsmfa [--profile P] <login|logout|status|setup|keychain|env|exec|sso|credential-process|completion|version> [options]\n"
	)
	tests := []struct {
		name  string
		args  []string
		msg   string // the first stderr line after "awsmfa: "
		usage string // the usage line; "" means login's
	}{
		{"no command", nil, "no command given", globalUsage},
		{"only profile", []string{"--profile", "x"}, "no command given", globalUsage},
		{"unknown command", []string{"logni"}, `unknown command "logni"`, globalUsage},
		{"unknown global option", []string{"--force", "login"}, "unknown option --force", globalUsage},
		{"login option before command", []string{"--token-code", "123456", "login"}, "unknown option --token-code", globalUsage},
		{"profile without value", []string{"--profile"}, "--profile needs a value", globalUsage},
		{"profile followed by option", []string{"--profile", "--help"}, "--profile needs a value", globalUsage},
		{"empty profile", []string{"--profile=", "status"}, "--profile needs a profile name", globalUsage},
		{"two profiles", []string{"--profile", "a", "login", "--profile", "b"}, "--profile given twice (a and b)", ""},
		{"unknown login option", []string{"login", "--bogus"}, "unknown option --bogus", ""},
		{"stray argument", []string{"login", "myaccount"}, `unexpected argument "myaccount"`, ""},
		{"token code missing", []string{"login", "--token-code"}, "--token-code needs a value", ""},
		{"token code 5 digits", []string{"login", "--token-code", "12345"}, "--token-code: ", ""},
		{"token code 7 digits", []string{"login", "--token-code=1234567"}, "--token-code: ", ""},
		{"token code letters", []string{"login", "--token-code", "12a456"}, "--token-code: ", ""},
		{"token code empty", []string{"login", "--token-code="}, "--token-code: ", ""},
		{"token code spaces", []string{"login", "--token-code", " 123456"}, "--token-code: ", ""},
		{"duration too short", []string{"login", "--token-code", "123456", "--duration", "10m"}, "--duration: ", ""},
		{"duration too long", []string{"login", "--duration", "37h"}, "--duration: ", ""},
		{"duration junk", []string{"login", "--duration", "soon"}, "--duration: ", ""},
		{"force with value", []string{"login", "--force=yes"}, "--force takes no value", ""},
		{"passthrough other flag", []string{"login", "--token-code", "123456", "--", "--serial-number", "arn:x"},
			`unsupported argument after --: "--serial-number" (only --duration-seconds is accepted there)`, ""},
		{"passthrough positional", []string{"login", "--", "3600"},
			`unsupported argument after --: "3600" (only --duration-seconds is accepted there)`, ""},
		{"passthrough single dash", []string{"login", "--", "-duration-seconds", "3600"},
			`unsupported argument after --: "-duration-seconds" (only --duration-seconds is accepted there)`, ""},
		{"passthrough missing seconds", []string{"login", "--", "--duration-seconds"}, "--duration-seconds needs a number of seconds", ""},
		{"passthrough not seconds", []string{"login", "--", "--duration-seconds", "1h"}, `--duration-seconds needs a number of seconds, not "1h"`, ""},
		{"passthrough out of range", []string{"login", "--", "--duration-seconds=60"}, "--duration-seconds: ", ""},
		{"passthrough and duration", []string{"login", "--duration", "1h", "--", "--duration-seconds", "3600"},
			"give either --duration or --duration-seconds, not both", ""},
		{"logout all with profile", []string{"--profile", "x", "logout", "--all"},
			"--all logs out of every profile; leave out --profile", "usage: awsmfa [--profile P] logout [--all]\n"},
		{"logout stray", []string{"logout", "x"}, `unexpected argument "x"`, "usage: awsmfa [--profile P] logout [--all]\n"},
		{"status json value", []string{"status", "--json=1"}, "--json takes no value", "usage: awsmfa [--profile P] status [--json]\n"},
		{"status after dashdash", []string{"status", "--", "x"}, `unexpected argument "x"`, "usage: awsmfa [--profile P] status [--json]\n"},
		{"setup serial empty", []string{"setup", "--serial="}, "--serial needs the ARN of the MFA device", "usage: awsmfa [--profile P] setup [--serial ARN] [--yes] [--undo]\n"},
		{"setup serial not an ARN", []string{"setup", "--serial", "GAHT12345678"}, `--serial: "GAHT12345678" is not an MFA device ARN like arn:aws:iam::123456789012:mfa/alice`, "usage: awsmfa [--profile P] setup [--serial ARN] [--yes] [--undo]\n"},
		{"setup serial not an MFA ARN", []string{"setup", "--serial", "arn:aws:iam::123456789012:user/alice"}, `--serial: "arn:aws:iam::123456789012:user/alice" is not an MFA device ARN`, "usage: awsmfa [--profile P] setup [--serial ARN] [--yes] [--undo]\n"},
		{"short profile without value", []string{"-p"}, "--profile needs a value", globalUsage},
		{"--p is not -p", []string{"--p", "x", "status"}, "unknown option --p", globalUsage},
		{"env unknown shell", []string{"env", "--shell", "tcsh"}, `--shell: unknown shell "tcsh"`, "usage: awsmfa [--profile P] env [--shell SHELL] [--token-code N] [--duration D]\n"},
		{"env bad code", []string{"env", "--token-code", "12"}, "--token-code: ", "usage: awsmfa [--profile P] env [--shell SHELL] [--token-code N] [--duration D]\n"},
		{"env stray", []string{"env", "x"}, `unexpected argument "x"`, "usage: awsmfa [--profile P] env [--shell SHELL] [--token-code N] [--duration D]\n"},
		{"exec bad duration", []string{"exec", "--duration", "2m", "--", "true"}, "--duration: ", "usage: awsmfa [--profile P] exec [--token-code N] [--duration D] [-- COMMAND...]\n"},
		{"completion no shell", []string{"completion"}, "completion needs a shell", "usage: awsmfa completion bash|zsh|fish|powershell\n"},
		{"completion unknown shell", []string{"completion", "tcsh"}, `unknown shell "tcsh"`, "usage: awsmfa completion bash|zsh|fish|powershell\n"},
		{"version stray", []string{"version", "now"}, `unexpected argument "now"`, "usage: awsmfa version\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.standard(t, "myaccount")
			t.Setenv("AWS_PROFILE", "myaccount")
			before := e.readCreds(t)
			r := cli(t, tt.args...)
			if r.code != 2 {
				t.Errorf("exit %d, want 2; stderr:\n%s", r.code, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout %q, want nothing", r.stdout)
			}
			lines := strings.SplitAfter(r.stderr, "\n")
			if len(lines) != 4 || lines[3] != "" {
				t.Fatalf("stderr is not message + usage + hint:\n%s", r.stderr)
			}
			if !strings.HasPrefix(lines[0], "awsmfa: "+tt.msg) {
				t.Errorf("message %q, want it to start %q", lines[0], "awsmfa: "+tt.msg)
			}
			usage := tt.usage
			if usage == "" {
				usage = loginUsage
			}
			if lines[1] != usage {
				t.Errorf("usage line %q, want %q", lines[1], usage)
			}
			if !strings.HasPrefix(lines[2], "Run 'awsmfa") || !strings.HasSuffix(lines[2], " --help' for more.\n") {
				t.Errorf("hint line %q", lines[2])
			}
			if n := e.calls(); n != 0 {
				t.Errorf("a usage error made %d STS calls", n)
			}
			if after := e.readCreds(t); after != before {
				t.Errorf("a usage error changed the credentials file")
			}
		})
	}
}
