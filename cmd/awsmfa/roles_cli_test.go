package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/localchan"
	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/internal/wine"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// parseCredentials checks stdout is exactly one credential_process JSON
// object with the five fields, and returns it.
func parseCredentials(t *testing.T, stdout string) credentialProcessOutput {
	t.Helper()
	var raw map[string]any
	if err := json.Unmarshal([]byte(stdout), &raw); err != nil || !strings.HasSuffix(stdout, "}\n") || strings.Count(stdout, "\n") != 1 {
		t.Fatalf("stdout is not one JSON line: %q (%v)", stdout, err)
	}
	if len(raw) != 5 || raw["Version"] != float64(1) {
		t.Errorf("fields %v", raw)
	}
	var c credentialProcessOutput
	json.Unmarshal([]byte(stdout), &c)
	if _, err := time.Parse(time.RFC3339, c.Expiration); err != nil || !strings.HasSuffix(c.Expiration, "Z") {
		t.Errorf("Expiration %q is not RFC 3339 UTC", c.Expiration)
	}
	return c
}

// checkRole checks c is the role session the fake issued last.
func (w *roleWorld) checkRole(t *testing.T, c credentialProcessOutput) {
	t.Helper()
	roles := w.fake.AssumedRoles()
	if len(roles) == 0 {
		t.Fatal("no role assumed")
	}
	last := roles[len(roles)-1]
	if c.AccessKeyID != last.AccessKeyID || c.SecretAccessKey != last.SecretAccessKey || c.SessionToken != last.SessionToken ||
		c.Expiration != last.Expiration.UTC().Format(time.RFC3339) || !last.MFA {
		t.Errorf("printed credentials are not the role session the fake issued")
	}
}

func TestCredentialProcessPrintsOnlyJSON(t *testing.T) {
	w := newRoleWorld(t, "")
	w.loginMFA(t)
	r := cli(t, "credential-process", "--profile", roleProfileName)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	w.checkRole(t, parseCredentials(t, r.stdout))
	// --profile may come first, as everywhere.
	if r := cli(t, "--profile", roleProfileName, "credential-process"); r.code != 0 {
		t.Errorf("global --profile: %d %s", r.code, r.stderr)
	}
	// Without --profile it does not guess from AWS_PROFILE.
	t.Setenv("AWS_PROFILE", roleProfileName)
	if r := cli(t, "credential-process"); r.code != exitUsage || !strings.Contains(r.stderr, "--profile NAME is required") {
		t.Errorf("no --profile: %d %q", r.code, r.stderr)
	}
}

// With no MFA session and no tray, credential-process asks on the
// terminal (never stdout), then prints the role.
func TestCredentialProcessAsksOnTheTerminal(t *testing.T) {
	w := newRoleWorld(t, "")
	term := newFakeTerm(w.code(t, "myaccount"))
	withTerminal(t, term)
	r := cli(t, "credential-process", "--profile", roleProfileName)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	w.checkRole(t, parseCredentials(t, r.stdout))
	if out := term.output(); !strings.Contains(out, "MFA code for myaccount") {
		t.Errorf("terminal shows %q", out)
	}
	w.assertNoSecrets(t, term.output(), r.stderr)
}

// trayStandIn serves the local channel the way the tray will: it logs the
// profile in (here with the current code) and answers.
func (w *roleWorld) trayStandIn(t *testing.T, answer func(req localchan.Request) localchan.Reply) *[]localchan.Request {
	t.Helper()
	wine.Skip(t, wine.NamedPipes) // the stand-in must accept
	addr, err := localchan.DefaultAddr()
	if err != nil {
		t.Fatal(err)
	}
	l, err := localchan.Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var got []localchan.Request
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.Serve(context.Background(), func(ctx context.Context, req localchan.Request) localchan.Reply {
			mu.Lock()
			got = append(got, req)
			mu.Unlock()
			return answer(req)
		})
	}()
	t.Cleanup(func() { l.Close(); <-done })
	return &got
}

func TestCredentialProcessAsksTheTray(t *testing.T) {
	w := newRoleWorld(t, "")
	tray := session.New(session.Config{})
	got := w.trayStandIn(t, func(req localchan.Request) localchan.Reply {
		if _, err := tray.Login(context.Background(), req.Profile, session.LoginOptions{TokenCode: w.code(t, req.Profile)}); err != nil {
			return localchan.Reply{Error: err.Error()}
		}
		return localchan.Reply{OK: true}
	})
	r := runBin(t, "", "credential-process", "--profile", roleProfileName)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	w.checkRole(t, parseCredentials(t, r.stdout))
	if len(*got) != 1 || (*got)[0].Profile != "myaccount" || (*got)[0].For != roleProfileName {
		t.Errorf("the tray was asked %+v", *got)
	}
	// The session the tray wrote serves the next call without asking.
	if r := runBin(t, "", "credential-process", "--profile", roleProfileName); r.code != 0 || len(*got) != 1 {
		t.Errorf("second call: %d %q, tray asked %d times", r.code, r.stderr, len(*got))
	}
}

func TestCredentialProcessTrayAnswers(t *testing.T) {
	tests := []struct {
		name  string
		reply localchan.Reply
		want  string
	}{
		{"canceled at the tray", localchan.Reply{Canceled: true}, "awsmfa: canceled\n"},
		{"the tray's error", localchan.Reply{Error: "the MFA code was not accepted 3 times; check the device"}, "awsmfa: the MFA code was not accepted 3 times; check the device\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newRoleWorld(t, "")
			w.trayStandIn(t, func(localchan.Request) localchan.Reply { return tt.reply })
			r := runBin(t, "", "credential-process", "--profile", roleProfileName)
			if r.code != exitError || r.stdout != "" || r.stderr != tt.want {
				t.Errorf("exit %d, stdout %q, stderr %q; want %q", r.code, r.stdout, r.stderr, tt.want)
			}
		})
	}
}

// Each mistake is one sentence on stderr, nothing on stdout, exit 1, and
// no MFA code spent.
func TestCredentialProcessBadInput(t *testing.T) {
	role := func(body string) string {
		return "[profile myaccountPerm]\nmfa_serial = SERIAL\n[profile prod-admin]\nrole_arn = " + roleARN + "\n" + body
	}
	tests := []struct {
		name   string
		config string // replaces the world's config when set
		prep   func(t *testing.T, w *roleWorld)
		want   string
	}{
		{name: "no source_profile", config: role(""),
			want: "role profile prod-admin has role_arn but no source_profile: add \"source_profile = myaccount\" (your MFA profile) to [profile prod-admin] in "},
		{name: "a loop of source profiles", config: role("source_profile = hop\n[profile hop]\nrole_arn = " + roleARN + "\nsource_profile = prod-admin\n"),
			want: "the source profiles of prod-admin form a loop (prod-admin -> hop -> prod-admin): point source_profile at your MFA profile (myaccount) or its long-term profile (myaccountPerm)"},
		{name: "a source profile that is itself a role", config: role("source_profile = hop\n[profile hop]\nrole_arn = arn:aws:iam::111122223333:role/hop\nsource_profile = myaccountPerm\n"),
			want: "source_profile hop of prod-admin is itself a role profile; awsmfa assumes a role only with an MFA session, so set source_profile = myaccount"},
		{name: "a role the user cannot assume", prep: func(t *testing.T, w *roleWorld) {
			w.fake.AddRole(stsfake.Role{ARN: roleARN, Trusted: []string{"arn:aws:iam::123456789012:user/bob"}})
			w.loginMFA(t)
		}, want: "STS does not let arn:aws:iam::123456789012:user/myaccount assume " + roleARN + " (prod-admin): check role_arn and external_id of prod-admin, and that the role's trust policy allows this user (with MFA, if it asks for it)"},
		{name: "an MFA session that expired mid-run", prep: func(t *testing.T, w *roleWorld) {
			w.loginMFA(t)
			w.fake.SetKeyExpired(w.fake.IssuedSessions()[0].AccessKeyID, true)
		}, want: "the MFA session of myaccount expired before the role of prod-admin could be assumed: log in with \"awsmfa login --profile myaccount\" or from the awsmfa-tray menu, then try again"},
		{name: "no MFA session and nobody to ask",
			want: "prod-admin needs a live MFA session of myaccount, and there is none: log in with \"awsmfa login --profile myaccount\" or from the awsmfa-tray menu, then try again"},
		{name: "not a role profile", config: "[profile myaccountPerm]\nmfa_serial = SERIAL\n[profile prod-admin]\nregion = x\n",
			want: "profile \"prod-admin\": not a role profile: it has no role_arn in "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newRoleWorld(t, "")
			if tt.config != "" {
				if err := os.WriteFile(w.cfg, []byte(strings.ReplaceAll(tt.config, "SERIAL", w.users["myaccount"].MFASerial)), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if tt.prep != nil {
				tt.prep(t, w)
			}
			sessions := len(w.fake.IssuedSessions())
			r := runBin(t, "", "credential-process", "--profile", roleProfileName)
			if r.code != exitError || r.stdout != "" {
				t.Errorf("exit %d, stdout %q", r.code, r.stdout)
			}
			if !strings.HasPrefix(r.stderr, "awsmfa: "+tt.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("stderr %q\nwant one line starting %q", r.stderr, "awsmfa: "+tt.want)
			}
			if len(w.fake.IssuedSessions()) != sessions {
				t.Error("an MFA session was started")
			}
			w.assertNoSecrets(t, r.stderr)
		})
	}
}

// mfa_process supplies the code; while it waits (for a touch of the key)
// the terminal, here stderr, says so.
func TestCredentialProcessMFAProcess(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the test's mfa_process is a POSIX shell script")
	}
	w := newRoleWorld(t, "")
	dir := t.TempDir()
	codeFile, touched := filepath.Join(dir, "code"), filepath.Join(dir, "touched")
	script := "while [ ! -f " + touched + " ]; do sleep 0.02; done; cat " + codeFile
	cfg := strings.Replace(readFile(t, w.cfg), "[profile myaccountPerm]\n", "[profile myaccountPerm]\nmfa_process = "+script+"\n", 1)
	if err := os.WriteFile(w.cfg, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	code := w.code(t, "myaccount")
	if err := os.WriteFile(codeFile, []byte(code+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(w.bin, "credential-process", "--profile", roleProfileName)
	detach(cmd)
	var out bytes.Buffer
	cmd.Stdout = &out
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	var errLines []string
	for sc.Scan() {
		errLines = append(errLines, sc.Text())
		if sc.Text() == "Touch your security key for myaccount" {
			os.WriteFile(touched, nil, 0o600) // the key is touched
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("credential-process: %v, stderr %q", err, errLines)
	}
	if strings.Join(errLines, "\n") != "Touch your security key for myaccount" {
		t.Errorf("stderr %q", errLines)
	}
	w.checkRole(t, parseCredentials(t, out.String()))
	w.assertNoSecrets(t, strings.Join(errLines, "\n"))
	for _, l := range errLines {
		if strings.Contains(l, code) {
			t.Error("the code was printed")
		}
	}
}

func TestSetupRoleProfile(t *testing.T) {
	w := newRoleWorld(t, "")
	original := readFile(t, w.cfg)
	creds := w.readCreds(t)
	cmdLine := credProcessLine(roleProfileName)

	// No terminal, no --yes: the edit is shown, not made.
	r := cli(t, "setup", "--profile", roleProfileName)
	wantPlan := "In [profile prod-admin] of " + w.cfg + ":\n" +
		"  rename role_arn to awsmfa_role_arn\n" +
		"  rename source_profile to awsmfa_source_profile\n" +
		"  add credential_process = " + cmdLine + "\n" +
		"Every AWS tool then gets prod-admin's credentials from awsmfa; nothing else in the file changes.\n"
	if r.code != 0 || r.stdout != wantPlan+"Run again with --yes to make this change.\n" || readFile(t, w.cfg) != original {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	// A no on the terminal changes nothing; a yes makes the edit.
	withTerminal(t, newFakeTerm("n"))
	if r := cli(t, "setup", "--profile", roleProfileName); r.code != 0 || !strings.HasSuffix(r.stdout, "Nothing changed.\n") || readFile(t, w.cfg) != original {
		t.Fatalf("no: %d %q", r.code, r.stdout)
	}
	term := newFakeTerm("y")
	withTerminal(t, term)
	r = cli(t, "setup", "--profile", roleProfileName)
	if r.code != 0 || !strings.HasPrefix(r.stdout, wantPlan) || !strings.Contains(term.output(), "Make this change? [y/N]") {
		t.Fatalf("yes: %d %q %q", r.code, r.stdout, r.stderr)
	}
	want := strings.Replace(strings.Replace(original, "role_arn = ", "awsmfa_role_arn = ", 1), "source_profile = ", "awsmfa_source_profile = ", 1) +
		"credential_process = " + cmdLine + "\n"
	if got := readFile(t, w.cfg); got != want {
		t.Errorf("config:\n%s\nwant:\n%s", got, want)
	}
	if w.readCreds(t) != creds {
		t.Error("setup changed the credentials file")
	}
	if r := cli(t, "setup", "--profile", roleProfileName, "--yes"); r.code != 0 || !strings.HasPrefix(r.stdout, "Nothing to change: prod-admin already gets its credentials from awsmfa") {
		t.Errorf("again: %d %q %q", r.code, r.stdout, r.stderr)
	}
	if r := cli(t, "setup", "--profile", roleProfileName, "--serial", "arn:aws:iam::123456789012:mfa/x"); r.code != exitUsage {
		t.Errorf("--serial with a role: %d %q", r.code, r.stderr)
	}
	// Undo puts back every byte.
	if r := cli(t, "setup", "--profile", roleProfileName, "--undo", "--yes"); r.code != 0 || readFile(t, w.cfg) != original {
		t.Errorf("undo: %d %q %q\n%s", r.code, r.stdout, r.stderr, readFile(t, w.cfg))
	}
	// Plain profiles still get the plain setup.
	if r := cli(t, "setup", "--profile", "myaccount", "--yes"); r.code != exitUsage || !strings.Contains(r.stderr, "--yes is for role profiles") {
		t.Errorf("--yes on an MFA profile: %d %q", r.code, r.stderr)
	}
}

func TestCredProcessLineQuotes(t *testing.T) {
	prev := awsmfaProgram
	t.Cleanup(func() { awsmfaProgram = prev })
	awsmfaProgram = func() string { return "/opt/my tools/awsmfa" }
	want := `'/opt/my tools/awsmfa' credential-process --profile prod-admin`
	if runtime.GOOS == "windows" {
		want = `"/opt/my tools/awsmfa" credential-process --profile prod-admin`
	}
	if got := credProcessLine("prod-admin"); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if got := credProcessLine("it's"); !strings.HasSuffix(got, `--profile 'it'\''s'`) && runtime.GOOS != "windows" {
		t.Errorf("got %s", got)
	}
}

// A tray socket others could open is refused with a sentence, not used
// and not silently skipped.
func TestCredentialProcessRefusesAnUnsafeTraySocket(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("a named pipe has no mode")
	}
	w := newRoleWorld(t, "")
	got := w.trayStandIn(t, func(localchan.Request) localchan.Reply { return localchan.Reply{OK: true} })
	addr, _ := localchan.DefaultAddr()
	if err := os.Chmod(addr, 0o666); err != nil {
		t.Fatal(err)
	}
	r := runBin(t, "", "credential-process", "--profile", roleProfileName)
	want := "awsmfa: refusing to ask awsmfa-tray for a login: the tray's channel is not safe to use: others may open the socket " + addr + " (mode 0666, want 0600)\n"
	if r.code != exitError || r.stderr != want || len(*got) != 0 {
		t.Errorf("exit %d, stderr %q, tray asked %d times\nwant %q", r.code, r.stderr, len(*got), want)
	}
}

// "awsmfa login" on a role profile logs its MFA profile in (asking once)
// and assumes the role: the seam behind Login picks the kind.
func TestLoginRoleProfile(t *testing.T) {
	w := newRoleWorld(t, "")
	r := cli(t, "--profile", roleProfileName, "login", "--token-code", w.code(t, "myaccount"))
	if r.code != 0 || !loggedIn.MatchString(r.stdout) || !strings.HasPrefix(r.stdout, "Logged in prod-admin until ") || !strings.HasSuffix(r.stdout, "(1h0m)\n") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if len(w.fake.IssuedSessions()) != 1 || len(w.fake.AssumedRoles()) != 1 {
		t.Errorf("%d MFA sessions, %d role sessions", len(w.fake.IssuedSessions()), len(w.fake.AssumedRoles()))
	}
	// The role's credentials are fresh: without --force it says so.
	r = cli(t, "--profile", roleProfileName, "login")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "prod-admin is still logged in for ") {
		t.Errorf("second login: %d %q %q", r.code, r.stdout, r.stderr)
	}
	// credential-process serves them from the cache.
	if r := cli(t, "credential-process", "--profile", roleProfileName); r.code != 0 || len(w.fake.AssumedRoles()) != 1 {
		t.Errorf("credential-process after login: %d %q, %d role sessions", r.code, r.stderr, len(w.fake.AssumedRoles()))
	}
}
