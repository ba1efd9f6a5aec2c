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
		if strings.Contains(l, "rename") && strings.Contains(l, e.creds) && strings.HasSuffix(l, "= 0") {
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
