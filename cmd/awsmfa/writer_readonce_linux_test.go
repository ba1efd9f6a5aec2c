package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestBinaryLoginReadsEachFileOnce: one login reads the config and the
// credentials file once each (one read feeds profile resolution, the key
// source and the write), and opens neither after its write. strace
// watches the real binary.
func TestBinaryLoginReadsEachFileOnce(t *testing.T) {
	needTools(t, "strace")
	e := newEnv(t)
	e.standard(t, "alice")
	// A user's files were last changed long before the login; the writer
	// reuses its first read only when the file is older than a timestamp
	// tick (inifile's racyWindow, 50 ms), so make them so.
	time.Sleep(100 * time.Millisecond)
	log := filepath.Join(t.TempDir(), "strace.log")
	cmd := exec.Command("strace", "-f", "-qq", "-y", "-s", "0", "-o", log,
		"-e", "trace=openat,open,read,pread64,readv,rename,renameat,renameat2",
		binary(t), "--profile", "alice", "login", "--token-code", e.code(t, "alice"))
	detach(cmd)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("login under strace: %v: %s", err, out)
	}
	assertSessionWritten(t, e, "alice")
	trace, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	// read(3</path/credentials>, ""..., 1234) = 1234
	readRE := regexp.MustCompile(`\b(?:read|pread64|readv)\(\d+<([^>]+)>.*\) = (\d+)$`)
	reads := map[string]int{}
	renamed := false
	for _, l := range strings.Split(string(trace), "\n") {
		// Another thread's traced call (the HTTP client reading its
		// socket) can split the rename into "<unfinished ...>" and a
		// "resumed" line without the path; the session being written
		// (checked above) says it succeeded.
		if strings.Contains(l, "rename") && strings.Contains(l, e.creds) && (strings.HasSuffix(l, "= 0") || strings.HasSuffix(l, "<unfinished ...>")) {
			renamed = true
			continue
		}
		if m := readRE.FindStringSubmatch(l); m != nil && m[2] != "0" {
			reads[m[1]]++
		}
		if renamed && strings.Contains(l, "open") && (strings.Contains(l, `"`+e.creds+`"`) || strings.Contains(l, `"`+e.cfg+`"`)) {
			t.Errorf("opened again after the write: %s", l)
		}
	}
	if !renamed {
		t.Fatalf("no rename over the credentials file in the trace")
	}
	for _, p := range []string{e.cfg, e.creds} {
		if reads[p] != 1 {
			t.Errorf("%s was read %d times; want once", filepath.Base(p), reads[p])
		}
	}
}

// readsOf runs the binary with args under strace and counts the reads
// (that returned data) of each file.
func readsOf(t *testing.T, args ...string) map[string]int {
	t.Helper()
	log := filepath.Join(t.TempDir(), "strace.log")
	cmd := exec.Command("strace", append([]string{"-f", "-qq", "-y", "-s", "0", "-o", log,
		"-e", "trace=read,pread64,readv", binary(t)}, args...)...)
	detach(cmd)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s under strace: %v: %s", args, err, out)
	}
	trace, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	readRE := regexp.MustCompile(`\b(?:read|pread64|readv)\(\d+<([^>]+)>.*\) = (\d+)$`)
	reads := map[string]int{}
	for _, l := range strings.Split(string(trace), "\n") {
		if m := readRE.FindStringSubmatch(l); m != nil && m[2] != "0" {
			reads[m[1]]++
		}
	}
	return reads
}

// TestBinaryStatusAndEnvReadEachFileOnce: "status" (MFA profiles, IAM
// Identity Center sessions and, with none, the profiles to set up) and
// "env" of an active session read the config and the credentials file
// once each. Before, status read them for its MFA table and again for its
// SSO rows, and env for the state and again for the keys.
func TestBinaryStatusAndEnvReadEachFileOnce(t *testing.T) {
	needTools(t, "strace")
	e := newEnv(t)
	e.standard(t, "alice")
	if r := cli(t, "--profile", "alice", "login", "--token-code", e.code(t, "alice")); r.code != 0 {
		t.Fatalf("login: %d %s", r.code, r.stderr)
	}
	time.Sleep(100 * time.Millisecond) // older than a timestamp tick, as in the login test
	noMFA := newEnv(t)
	noMFA.write(t, "[profile plain]\nregion = eu-west-1\n", "[plain]\naws_access_key_id = AKIAPLAIN\naws_secret_access_key = s\n")
	for _, tt := range []struct {
		name string
		e    *testEnv
		args []string
	}{
		{"status", e, []string{"status"}},
		{"status --profile", e, []string{"--profile", "alice", "status"}},
		{"status without MFA profiles", noMFA, []string{"status"}},
		{"env", e, []string{"--profile", "alice", "env"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("AWS_CONFIG_FILE", tt.e.cfg)
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", tt.e.creds)
			reads := readsOf(t, tt.args...)
			for _, p := range []string{tt.e.cfg, tt.e.creds} {
				if reads[p] != 1 {
					t.Errorf("%s was read %d times; want once", filepath.Base(p), reads[p])
				}
			}
		})
	}
}
