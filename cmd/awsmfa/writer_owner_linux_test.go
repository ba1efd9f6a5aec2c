package main

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

func ownerOf(t *testing.T, path string) (int, int) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return int(st.Uid), int(st.Gid)
}

// TestBinarySudoKeepsTheUsersFiles: "sudo -E awsmfa login" and logout on
// a user's files keep the file and its lock owned by the user, 0600, so
// the user can still use them without root, as "aws configure set" does.
func TestBinarySudoKeepsTheUsersFiles(t *testing.T) {
	u := otherUser(t)
	e := newEnv(t)
	e.standard(t, "alice")
	moveEnv(t, e, u)
	check := func(step string) {
		t.Helper()
		for _, p := range []string{e.creds, e.creds + ".lock"} {
			if uid, gid := ownerOf(t, p); uid != u.uid || gid != u.gid {
				t.Errorf("after %s, %s is owned by %d:%d; want %s (%d:%d)", step, p, uid, gid, u.name, u.uid, u.gid)
			}
		}
		if fi, err := os.Stat(e.creds); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("after %s, mode %v, %v; want 0600", step, fi.Mode().Perm(), err)
		}
		// The user still reads their own file, without root.
		if r := runWithin(t, binCmd(t, u, "status"), 30*time.Second); r.code != 0 {
			t.Errorf("after %s, the user cannot read their files: exit %d: %s", step, r.code, r.stderr)
		}
	}
	r := runWithin(t, binCmd(t, nil, "--profile", "alice", "login", "--token-code", e.code(t, "alice")), 30*time.Second)
	if r.code != 0 {
		t.Fatalf("login as root: exit %d: %s", r.code, r.stderr)
	}
	assertSessionWritten(t, e, "alice")
	check("login as root")
	if r := runWithin(t, binCmd(t, nil, "--profile", "alice", "logout"), 30*time.Second); r.code != 0 {
		t.Fatalf("logout as root: exit %d: %s", r.code, r.stderr)
	}
	check("logout as root")
}

// TestBinaryKeepsACLAndXattrs: login and logout carry the file's POSIX
// ACL and extended attributes over, so the owning group gains nothing
// through the mode's group bits (the ACL's mask).
func TestBinaryKeepsACLAndXattrs(t *testing.T) {
	needTools(t, "setfacl", "getfacl", "setfattr", "getfattr")
	e := newEnv(t)
	e.standard(t, "alice")
	if out, err := exec.Command("setfacl", "-m", "u:65534:r", e.creds).CombinedOutput(); err != nil {
		t.Skipf("this file system takes no ACLs: %s", out)
	}
	if out, err := exec.Command("setfattr", "-n", "user.backup", "-v", "nightly", e.creds).CombinedOutput(); err != nil {
		t.Skipf("this file system takes no user xattrs: %s", out)
	}
	facl := func() string {
		out, err := exec.Command("getfacl", "-cpn", e.creds).Output()
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	before := facl()
	if !strings.Contains(before, "user:65534:r--") {
		t.Fatalf("setup: ACL %q", before)
	}
	for _, args := range [][]string{
		{"--profile", "alice", "login", "--token-code", e.code(t, "alice")},
		{"--profile", "alice", "logout"},
	} {
		if r := runWithin(t, binCmd(t, nil, args...), 30*time.Second); r.code != 0 {
			t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
		}
		if got := facl(); got != before {
			t.Errorf("after %s the ACL is\n%s\nwant\n%s", args[2], got, before)
		}
		out, err := exec.Command("getfattr", "--absolute-names", "--only-values", "-n", "user.backup", e.creds).Output()
		if err != nil || string(out) != "nightly" {
			t.Errorf("after %s user.backup = %q, %v", args[2], out, err)
		}
	}
}
