package main

import (
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// shellRun is how each real shell loads "awsmfa env" and prints variables:
// the script gets the awsmfa command line in $1..., and prints one
// variable's value a line.
var shellRuns = []struct {
	shell, syntax string
	script        func(envCmd string, vars []string) []string // argv
}{
	{"sh", "sh", posixScript("sh")},
	{"dash", "sh", posixScript("dash")},
	{"bash", "sh", posixScript("bash")},
	{"zsh", "sh", posixScript("zsh")},
	{"fish", "fish", func(envCmd string, vars []string) []string {
		s := envCmd + " | source; or exit 9\n"
		for _, v := range vars {
			s += "printf '%s\\n' \"$" + v + "\"\n"
		}
		return []string{"fish", "--no-config", "-c", s}
	}},
	{"pwsh", "powershell", func(envCmd string, vars []string) []string {
		s := envCmd + " | Out-String | Invoke-Expression\n"
		for _, v := range vars {
			s += "Write-Output $Env:" + v + "\n"
		}
		return []string{"pwsh", "-NoProfile", "-NonInteractive", "-Command", s}
	}},
}

func posixScript(sh string) func(string, []string) []string {
	return func(envCmd string, vars []string) []string {
		s := `eval "$(` + envCmd + `)" || exit 9` + "\n"
		for _, v := range vars {
			s += `printf '%s\n' "$` + v + `"` + "\n"
		}
		return []string{sh, "-c", s}
	}
}

// needShell skips a test for a shell that is not installed; CI installs
// all but pwsh, which Debian does not package.
func needShell(t *testing.T, shell string) {
	t.Helper()
	if _, err := exec.LookPath(shell); err != nil {
		if os.Getenv("CI") == "true" && shell != "pwsh" {
			t.Fatalf("%s is not installed (scripts/setup-debian.sh installs it)", shell)
		}
		t.Skipf("%s is not installed here", shell)
	}
}

// Each real shell, loading what "awsmfa env" prints, ends up with the
// session's keys, its expiry and the profile's region.
func TestEnvInRealShells(t *testing.T) {
	bin := binary(t)
	e := newEnv(t)
	e.standard(t, "myaccount")
	t.Setenv("AWS_REGION", "") // so that the profile's region is the one
	login(t, e, "myaccount")
	s := lastSession(t, e)
	vars := []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_REGION", "AWS_DEFAULT_REGION"}
	want := strings.Join([]string{s.AccessKeyID, s.SecretAccessKey, s.SessionToken, s.SessionToken,
		s.Expiration.UTC().Format(time.RFC3339), "eu-west-1", "eu-west-1"}, "\n") + "\n"
	for _, sr := range shellRuns {
		t.Run(sr.shell, func(t *testing.T) {
			needShell(t, sr.shell)
			for _, how := range []string{"--shell", "$SHELL"} {
				envCmd := shellQuote(bin) + " env -p myaccount"
				cmd := exec.Command("true")
				if how == "--shell" {
					envCmd += " --shell " + sr.syntax
					cmd.Env = append(os.Environ(), "SHELL=/bin/false")
				} else {
					path, _ := exec.LookPath(sr.shell)
					cmd.Env = append(os.Environ(), "SHELL="+path)
				}
				argv := sr.script(envCmd, vars)
				cmd.Path, cmd.Args = mustLookPath(t, argv[0]), argv
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("%s (%s): %v\n%s", sr.shell, how, err, out)
				}
				if string(out) != want {
					t.Errorf("%s (%s) sees\n%s\nwant\n%s", sr.shell, how, out, want)
				}
			}
		})
	}
	if n := e.calls(); n != 1 {
		t.Errorf("%d STS calls: env used the active session, so only the login calls", n)
	}
}

func mustLookPath(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Quoting holds for values no session has, in every real shell.
func TestEnvQuotingInRealShells(t *testing.T) {
	values := []string{`it's`, `"double"`, `$HOME and $(id) and ` + "`id`", `back\slash\\`, `semi;colon & pipe|`, `glob * ?`, `{brace}`, ` spaces  `}
	for _, sr := range shellRuns {
		t.Run(sr.shell, func(t *testing.T) {
			needShell(t, sr.shell)
			var lines, vars []string
			for i, v := range values {
				name := "AWSMFA_Q" + string(rune('A'+i))
				lines = append(lines, shellLine(sr.syntax, envVar{name, v}))
				vars = append(vars, name)
			}
			f := t.TempDir() + "/lines"
			if err := os.WriteFile(f, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			argv := sr.script("cat "+f, vars)
			if sr.shell == "pwsh" {
				argv = sr.script("Get-Content "+f, vars)
			}
			out, err := exec.Command(argv[0], argv[1:]...).Output()
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			if want := strings.Join(values, "\n") + "\n"; string(out) != want {
				t.Errorf("%s reads\n%q\nwant\n%q", sr.shell, out, want)
			}
		})
	}
}

// env logs in first when the session is not active, saying so on stderr
// only; without a code or a terminal it says how, and prints nothing.
func TestEnvLogsInFirst(t *testing.T) {
	e := newEnv(t)
	e.standard(t, "myaccount")
	r := cli(t, "-p", "myaccount", "env", "--shell", "sh")
	if r.code != 1 || r.stdout != "" || !strings.HasSuffix(r.stderr, "pass --token-code\n") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("logged out, no code: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = cli(t, "-p", "myaccount", "env", "--shell", "sh", "--token-code", e.code(t, "myaccount"), "--duration", "2h")
	s := lastSession(t, e)
	if r.code != 0 || !strings.Contains(r.stdout, "export AWS_SESSION_TOKEN='"+s.SessionToken+"'\n") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if !regexpMatch(`^awsmfa: logged in myaccount until \d{4}-\d\d-\d\d \d\d:\d\d \S+ \(2h0m\)\n(awsmfa: note: .*\n)?$`, r.stderr) {
		t.Errorf("stderr %q", r.stderr)
	}
	assertSessionWritten(t, e, "myaccount")
	// Active now: no second login, even with a code.
	e.nextStep()
	r = cli(t, "-p", "myaccount", "env", "--token-code", e.code(t, "myaccount"))
	if r.code != 0 || e.calls() != 1 || r.stderr != "" {
		t.Errorf("active session: exit %d, %d STS calls, stderr %q", r.code, e.calls(), r.stderr)
	}
	e.assertNoSecrets(t, r.stderr)
}

// A session inside its warning window is renewed when a code is given,
// and used as it is, with a note, when none can be had.
func TestEnvExpiringSession(t *testing.T) {
	e := newEnv(t)
	e.standard(t, "myaccount")
	login(t, e, "myaccount")
	soon := lastSession(t, e).Expiration.Add(-5 * time.Minute)
	withManager(t, session.Config{Clock: fixedClock(soon)})
	r := cli(t, "-p", "myaccount", "env", "--shell", "fish")
	if r.code != 0 || !strings.Contains(r.stdout, "set -gx AWS_ACCESS_KEY_ID '") || !strings.Contains(r.stderr, "expires in 5m; pass --token-code to renew it") {
		t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if e.calls() != 1 {
		t.Errorf("%d STS calls", e.calls())
	}
}

// exec, in-process: the command gets the session and loses what competes
// with it; the command is looked up before any code is spent.
func TestExecEnvironment(t *testing.T) {
	e := newEnv(t)
	e.standard(t, "myaccount")
	t.Setenv("AWS_PROFILE", "myaccount")
	t.Setenv("AWS_DEFAULT_PROFILE", "other")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIASTALESTALESTALE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "stale")
	t.Setenv("AWS_SESSION_TOKEN", "stale")
	t.Setenv("AWS_SECURITY_TOKEN", "stale")
	t.Setenv("AWS_SDK_LOAD_CONFIG", "1")
	t.Setenv("AWS_CREDENTIAL_FILE", "/elsewhere")
	t.Setenv("AWS_SESSION_EXPIRATION", "2000-01-01T00:00:00Z")
	var gotPath string
	var gotArgv, gotEnv []string
	prev := runCommand
	runCommand = func(a *app, path string, argv, env []string) error {
		gotPath, gotArgv, gotEnv = path, argv, env
		return &exitCode{code: 3}
	}
	t.Cleanup(func() { runCommand = prev })

	// A command that is not there: 127, before any MFA code is spent.
	r := cli(t, "exec", "--token-code", e.code(t, "myaccount"), "no-such-command-awsmfa", "x")
	if r.code != 127 || r.stderr != "awsmfa: command not found: no-such-command-awsmfa: check its name, or your PATH\n" || e.calls() != 0 || gotPath != "" {
		t.Errorf("exit %d, stderr %q, %d STS calls", r.code, r.stderr, e.calls())
	}

	// Any program on PATH will do: runCommand only records it.
	prog := "sh"
	if runtime.GOOS == "windows" {
		prog = "cmd"
	}
	r = cli(t, "exec", "--token-code", e.code(t, "myaccount"), "--", prog, "-c", "exit 3", "--profile")
	if r.code != 3 {
		t.Fatalf("exit %d, want the command's 3; stderr %q", r.code, r.stderr)
	}
	s := lastSession(t, e)
	if gotPath != mustLookPath(t, prog) || strings.Join(gotArgv, " ") != prog+" -c exit 3 --profile" {
		t.Errorf("ran %s %q", gotPath, gotArgv)
	}
	env := map[string]string{}
	for _, kv := range gotEnv {
		k, v, _ := strings.Cut(kv, "=")
		if _, dup := env[k]; dup {
			t.Errorf("%s is set twice", k)
		}
		env[k] = v
	}
	want := map[string]string{
		"AWS_ACCESS_KEY_ID": s.AccessKeyID, "AWS_SECRET_ACCESS_KEY": s.SecretAccessKey,
		"AWS_SESSION_TOKEN": s.SessionToken, "AWS_SECURITY_TOKEN": s.SessionToken,
		"AWS_CREDENTIAL_EXPIRATION": s.Expiration.UTC().Format(time.RFC3339),
		"AWSMFA_PROFILE":            "myaccount",
		"AWS_REGION":                "eu-west-1", // from the environment
		"AWS_DEFAULT_REGION":        "eu-west-1", // the same, for the older readers
		"HOME":                      e.dir,
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SDK_LOAD_CONFIG", "AWS_CREDENTIAL_FILE", "AWS_SESSION_EXPIRATION"} {
		if v, ok := env[k]; ok {
			t.Errorf("%s is still set (%q)", k, v)
		}
	}

}

func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }

// Both region variables get the region aws-sdk-go-v2 would pick.
func TestSessionVarsRegion(t *testing.T) {
	tests := []struct{ envRegion, envDefault, profile, want string }{
		{"", "", "eu-west-1", "eu-west-1"},
		{"", "", "", ""},
		{"", "ap-south-1", "eu-west-1", "ap-south-1"},
		{"us-west-2", "ap-south-1", "eu-west-1", "us-west-2"},
		{"us-west-2", "", "", "us-west-2"},
	}
	for _, tt := range tests {
		t.Setenv("AWS_REGION", tt.envRegion)
		t.Setenv("AWS_DEFAULT_REGION", tt.envDefault)
		got := map[string]string{}
		for _, v := range sessionVars(session.SessionCredentials{AccessKeyID: "a", SecretAccessKey: "b", SessionToken: "c", Region: tt.profile}) {
			got[v.name] = v.value
		}
		if got["AWS_REGION"] != tt.want || got["AWS_DEFAULT_REGION"] != tt.want {
			t.Errorf("%+v: AWS_REGION %q, AWS_DEFAULT_REGION %q", tt, got["AWS_REGION"], got["AWS_DEFAULT_REGION"])
		}
		if _, ok := got["AWS_CREDENTIAL_EXPIRATION"]; ok {
			t.Errorf("an expiration without one")
		}
	}
}

// Run on a terminal, env says on stderr how to load what it printed.
func TestEnvHintOnATerminal(t *testing.T) {
	e := newEnv(t)
	e.standard(t, "myaccount")
	login(t, e, "myaccount")
	withTTY(t)
	for shell, hint := range map[string]string{
		"sh":         `eval "$(awsmfa env --profile myaccount)"`,
		"fish":       "awsmfa env --profile myaccount | source",
		"powershell": "awsmfa env --profile myaccount | Out-String | Invoke-Expression",
	} {
		r := cli(t, "-p", "myaccount", "env", "--shell", shell)
		if r.code != 0 || r.stderr != "awsmfa: to set these in your shell: "+hint+"\n" {
			t.Errorf("%s: exit %d, stderr %q", shell, r.code, r.stderr)
		}
		e.assertNoSecrets(t, r.stderr)
	}
}
