package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
	"golang.org/x/sys/unix"
)

// awsCLI is the real AWS CLI: Debian's, as elsewhere in the tests, else
// whatever "aws" is on PATH.
func awsCLI(t *testing.T) string {
	t.Helper()
	for _, c := range []string{"/usr/bin/aws", "aws"} {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	skipOrFail(t, "the AWS CLI is not installed (scripts/setup-debian.sh installs awscli)")
	return ""
}

// raceLayout is the credentials file of the race tests: alice's long-term
// keys between other long-term sections, and [upd0], which the AWS CLI
// rewrites in place.
func raceLayout(t *testing.T, e *testEnv) (longTerm []string) {
	t.Helper()
	e.standard(t, "alice")
	creds := e.readCreds(t)
	blocks := []string{
		"[bobPerm]\naws_access_key_id = AKIABOB0000000000000\naws_secret_access_key = bob/secret+keep\n\n",
		"[upd0]\naws_access_key_id = ASIAUPD0000000000000\naws_secret_access_key = upd0secret\naws_session_token = OLDVAL\n\n",
		"[carolPerm]\n# carol's keys ; keep\naws_access_key_id=AKIACAROL00000000000\naws_secret_access_key   =  carol\n",
	}
	creds = blocks[0] + creds + blocks[1] + blocks[2]
	if err := os.WriteFile(e.creds, []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{blocks[0], blocks[2], section(creds, "alicePerm")}
}

// truncatingOpen finds, with a dry run of cmd under strace on a copy of
// the file, which openat of the file is the AWS CLI's O_TRUNC one: the
// start of its truncate-then-write gap.
func truncatingOpen(t *testing.T, file string, argv []string) int {
	t.Helper()
	dir := t.TempDir()
	cp := filepath.Join(dir, filepath.Base(file))
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cp, b, 0o600); err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(dir, "strace.log")
	args := append([]string{"-f", "-qq", "-o", log, "-P", cp, "-e", "trace=openat"}, argv...)
	cmd := exec.Command("strace", args...)
	cmd.Env = append(os.Environ(), "AWS_SHARED_CREDENTIALS_FILE="+cp)
	if out, err := cmd.CombinedOutput(); err != nil {
		skipOrFail(t, "strace cannot trace the AWS CLI here: %v: %s", err, out)
	}
	trace, _ := os.ReadFile(log)
	n := 0
	for _, l := range strings.Split(string(trace), "\n") {
		if !strings.Contains(l, "openat(") {
			continue
		}
		n++
		if strings.Contains(l, "O_TRUNC") {
			return n
		}
	}
	t.Fatalf("the AWS CLI did not open the file with O_TRUNC; its opens:\n%s", trace)
	return 0
}

// startDelayedCLI starts cmd under strace, which holds the return of its
// truncating open of file (the when-th open, see truncatingOpen) for 6 s: the CLI has emptied the file and will
// write it 6 s later, the deterministic reproduction.
func startDelayedCLI(t *testing.T, file string, when int, argv []string) (wait func() result) {
	t.Helper()
	args := append([]string{"-f", "-qq", "-o", os.DevNull, "-P", file, "-e", "trace=openat",
		"-e", fmt.Sprintf("inject=openat:delay_exit=6000000:when=%d", when)}, argv...)
	cmd := exec.Command("strace", args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	waitFor(t, "the AWS CLI to truncate the file", 60*time.Second, func() bool {
		select {
		case err := <-done:
			t.Fatalf("the AWS CLI exited before truncating: %v\n%s%s", err, out.String(), errb.String())
		default:
		}
		fi, err := os.Stat(file)
		return err == nil && fi.Size() == 0
	})
	return func() result {
		select {
		case err := <-done:
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			}
			return result{code, out.String(), errb.String()}
		case <-time.After(60 * time.Second):
			t.Fatal("the AWS CLI did not finish")
			return result{}
		}
	}
}

// assertRaceOutcome: nothing the file held is lost, both updates landed,
// and both readers can parse it.
func assertRaceOutcome(t *testing.T, e *testEnv, longTerm []string, login, cli result) {
	t.Helper()
	if login.code != 0 || !loggedIn.MatchString(login.stdout) {
		t.Errorf("login: exit %d, stdout %q, stderr %q", login.code, login.stdout, login.stderr)
	}
	if cli.code != 0 {
		t.Errorf("aws configure set: exit %d: %s%s", cli.code, cli.stdout, cli.stderr)
	}
	final := e.readCreds(t)
	for _, block := range longTerm {
		if !strings.Contains(final, block) {
			t.Errorf("a long-term section was lost or changed:\n%s\nfile now:\n%s", block, final)
		}
	}
	if !strings.Contains(section(final, "upd0"), "aws_session_token = NEWVAL\n") {
		t.Errorf("the AWS CLI's update of [upd0] was lost:\n%s", final)
	}
	if login.code == 0 {
		assertSessionWritten(t, e, "alice")
	}
	f := inifile.Parse([]byte(final))
	for _, s := range f.Sections() {
		if f.Count(s) != 1 {
			t.Errorf("[%s] appears %d times", s, f.Count(s))
		}
	}
	out, err := exec.Command(awsCLI(t), "configure", "get", "aws_session_token", "--profile", "alice").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != lastSession(t, e).SessionToken {
		t.Errorf("the AWS CLI cannot read the result: %v: %d bytes", err, len(out))
	}
}

// TestBinaryRaceWithAWSCLI is issue 9's deterministic reproduction with
// the real AWS CLI, whose "configure set" truncates the credentials file
// and then writes it, without a lock; strace stretches that gap to 6 s.
// Before the fix, a login whose write fell in the gap saw an empty file
// and wrote it back holding only [alice]: every long-term section gone.
func TestBinaryRaceWithAWSCLI(t *testing.T) {
	needTools(t, "strace")
	cliArgs := func() []string {
		return []string{awsCLI(t), "configure", "set", "aws_session_token", "NEWVAL", "--profile", "upd0"}
	}

	t.Run("our write falls in the gap", func(t *testing.T) {
		e := newEnv(t)
		longTerm := raceLayout(t, e)
		when := truncatingOpen(t, e.creds, cliArgs()) // before awsmfa waits on STS
		gate := gateSTS(t, e)
		login := binCmd(t, nil, "--profile", "alice", "login", "--token-code", e.code(t, "alice"))
		var out, errb bytes.Buffer
		login.Stdout, login.Stderr = &out, &errb
		if err := login.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- login.Wait() }()
		t.Cleanup(func() { login.Process.Kill() })
		select { // awsmfa has read the file, taken the lock and asked STS
		case <-gate.arrived:
		case err := <-done:
			t.Fatalf("login ended before calling STS: %v: %s", err, errb.String())
		case <-time.After(30 * time.Second):
			t.Fatal("login never called STS")
		}
		wait := startDelayedCLI(t, e.creds, when, cliArgs())
		gate.release() // STS answers while the file is empty
		var lr result
		select {
		case err := <-done:
			if ee, ok := err.(*exec.ExitError); ok {
				lr.code = ee.ExitCode()
			}
			lr.stdout, lr.stderr = out.String(), errb.String()
		case <-time.After(60 * time.Second):
			t.Fatal("login did not finish")
		}
		assertRaceOutcome(t, e, longTerm, lr, wait())
	})

	t.Run("our first read falls in the gap", func(t *testing.T) {
		e := newEnv(t)
		if !leasesWork(t, filepath.Dir(e.creds)) {
			// Without leases a read cannot tell this 6 s gap from an empty
			// file (the fallback waits out only gaps of a normal length).
			t.Skip("this file system grants no read leases (fcntl F_SETLEASE)")
		}
		longTerm := raceLayout(t, e)
		wait := startDelayedCLI(t, e.creds, truncatingOpen(t, e.creds, cliArgs()), cliArgs())
		lr := runWithin(t, binCmd(t, nil, "--profile", "alice", "login", "--token-code", e.code(t, "alice")), 60*time.Second)
		assertRaceOutcome(t, e, longTerm, lr, wait())
	})
}

// TestBinaryRaceSoak runs the real "aws configure set" in a loop against
// two awsmfa login/logout loops on the same credentials file for
// AWSMFA_RACE_DURATION (scripts/test.sh: 2m). It asserts that no
// long-term section is ever lost or changed, that no section is doubled
// and that every awsmfa failure is a refusal that wrote nothing; it
// reports the updates lost on either side, which a writer without a lock
// makes possible.
func TestBinaryRaceSoak(t *testing.T) {
	d, err := time.ParseDuration(os.Getenv("AWSMFA_RACE_DURATION"))
	if err != nil || d <= 0 {
		t.Skip("set AWSMFA_RACE_DURATION (e.g. 2m) to run the soak against the AWS CLI; scripts/test.sh does")
	}
	aws := awsCLI(t)
	bin := binary(t)
	e := newEnv(t)

	type worker struct {
		name  string
		user  stsfake.User
		fake  *stsfake.Server
		clock *offsetClock
	}
	var cfg, creds strings.Builder
	var longTerm []string
	var workers []*worker
	for i := range 2 {
		w := &worker{name: fmt.Sprintf("w%d", i), clock: &offsetClock{}}
		w.user = stsfake.User{AccessKeyID: stsfake.NewAccessKeyID(), SecretAccessKey: stsfake.NewSecretAccessKey(),
			MFASerial: "arn:aws:iam::123456789012:mfa/" + w.name, TOTPSecret: totp.NewSecret()}
		// Each login moves the codes' clock a step ahead (a step is
		// accepted once), hundreds of hours in a run; the sessions keep the
		// real time, or their expiry would soon lie beyond the longest STS
		// grants by our clock, a reply awsmfa rightly refuses.
		w.fake = stsfake.NewTest(t, stsfake.WithUsers(w.user), stsfake.WithCodeClock(w.clock.Now))
		workers = append(workers, w)
		cfg.WriteString("[profile " + w.name + "Perm]\nmfa_serial = " + w.user.MFASerial + "\n\n[profile " + w.name + "]\nregion = eu-west-1\n\n")
		block := "[" + w.name + "Perm]\naws_access_key_id = " + w.user.AccessKeyID + "\naws_secret_access_key = " + w.user.SecretAccessKey + "\n\n"
		longTerm = append(longTerm, block)
		creds.WriteString(block)
	}
	for i := range 40 {
		block := fmt.Sprintf("[m%02dPerm]\n# long-term %d\naws_access_key_id = AKIAM%015d\naws_secret_access_key = secret/%02d+keep\n\n", i, i, i, i)
		longTerm = append(longTerm, block)
		creds.WriteString(block)
		if i == 20 {
			creds.WriteString("[cliA]\naws_access_key_id = ASIACLIA000000000000\naws_secret_access_key = x\naws_session_token = V0\n\n")
		}
	}
	e.write(t, cfg.String(), creds.String())

	var (
		stop                               atomic.Bool
		logins, logouts, refused, lostOurs atomic.Int64
		cliWrites, cliAppends, lostTheirs  atomic.Int64
		appended                           []string
		mu                                 sync.Mutex
		wg                                 sync.WaitGroup
	)
	fail := func(format string, a ...any) {
		mu.Lock()
		defer mu.Unlock()
		t.Errorf(format, a...)
	}
	run := func(env []string, name string, args ...string) result {
		cmd := exec.Command(name, args...)
		cmd.Env = env
		detach(cmd)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			code = -1
		}
		return result{code, out.String(), errb.String()}
	}
	// refusal: an awsmfa failure must be a sentence that wrote nothing.
	refusal := func(what string, r result) {
		if strings.Contains(r.stderr, "wrote nothing") {
			refused.Add(1)
			return
		}
		fail("%s: exit %d: %s%s", what, r.code, r.stdout, r.stderr)
	}
	read := func() string {
		b, err := os.ReadFile(e.creds)
		if err != nil {
			fail("read: %v", err)
		}
		return string(b)
	}
	deadline := time.Now().Add(d)
	for _, w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			env := append(os.Environ(), "AWS_ENDPOINT_URL_STS="+w.fake.URL)
			for !stop.Load() && time.Now().Before(deadline) {
				// A fresh step each time: STS refuses a step twice.
				w.clock.Advance(totp.Period)
				code, _ := totp.Code(w.user.TOTPSecret, w.clock.Now())
				r := run(env, bin, "--profile", w.name, "login", "--token-code", code, "--force")
				if r.code != 0 {
					refusal("login "+w.name, r)
					continue
				}
				logins.Add(1)
				issued := w.fake.IssuedSessions()
				token := issued[len(issued)-1].SessionToken
				lost := !strings.Contains(section(read(), w.name), "aws_session_token = "+token+"\n")
				r = run(env, bin, "--profile", w.name, "logout")
				switch {
				case r.code != 0:
					refusal("logout "+w.name, r)
				case strings.HasPrefix(r.stdout, "No session"):
					lost = true // the AWS CLI wrote back the file as it was before our login
				default:
					logouts.Add(1)
					if strings.Contains(section(read(), w.name), "aws_session_token") {
						lostOurs.Add(1) // our logout undone
					}
				}
				if lost {
					lostOurs.Add(1)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		env := os.Environ()
		for i := 1; !stop.Load() && time.Now().Before(deadline); i++ {
			profile, val := "cliA", fmt.Sprintf("V%d", i)
			if i%2 == 0 {
				profile, val = fmt.Sprintf("new%d", i), fmt.Sprintf("S%d", i)
			}
			r := run(env, aws, "configure", "set", "aws_session_token", val, "--profile", profile)
			if r.code != 0 {
				fail("aws configure set --profile %s: exit %d: %s%s", profile, r.code, r.stdout, r.stderr)
				continue
			}
			if profile == "cliA" {
				cliWrites.Add(1)
			} else {
				cliAppends.Add(1)
				mu.Lock()
				appended = append(appended, profile)
				mu.Unlock()
			}
			if !strings.Contains(section(read(), profile), "aws_session_token = "+val+"\n") {
				lostTheirs.Add(1)
			}
		}
	}()
	wg.Wait()

	final := read()
	lostSections := 0
	for _, block := range longTerm {
		if !strings.Contains(final, block) {
			lostSections++
			t.Errorf("a long-term section was lost or changed:\n%s", block)
		}
	}
	lostAppends := 0
	for _, p := range appended {
		if section(final, p) == "" {
			lostAppends++
		}
	}
	f := inifile.Parse([]byte(final))
	for _, s := range f.Sections() {
		if f.Count(s) != 1 {
			t.Errorf("[%s] appears %d times", s, f.Count(s))
		}
	}
	if r := run(os.Environ(), aws, "configure", "get", "aws_session_token", "--profile", "cliA"); r.code != 0 {
		t.Errorf("the AWS CLI cannot parse the file at the end: %s", r.stderr)
	}
	t.Logf("race soak over %s: awsmfa %d logins, %d logouts, %d refused (wrote nothing); AWS CLI %d rewrites, %d appends", d, logins.Load(), logouts.Load(), refused.Load(), cliWrites.Load(), cliAppends.Load())
	t.Logf("lost: %d long-term sections; awsmfa updates undone by the AWS CLI: %d; AWS CLI updates lost: %d seen right after they were written, %d appended sections missing at the end", lostSections, lostOurs.Load(), lostTheirs.Load(), lostAppends)
}

// leasesWork reports whether files in dir take a Linux read lease, which
// is how awsmfa sees a writer holding the file open.
func leasesWork(t *testing.T, dir string) bool {
	t.Helper()
	f, err := os.CreateTemp(dir, "lease-probe-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(f.Name())
	f.Close()
	r, err := os.Open(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	_, err = unix.FcntlInt(r.Fd(), unix.F_SETLEASE, unix.F_RDLCK)
	return err == nil
}
