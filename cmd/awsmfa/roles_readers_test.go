package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
)

// After "awsmfa setup --profile prod-admin --yes", every real client gets
// the role from awsmfa with the one MFA session, and all but the first from
// the cache: one AssumeRole for them all.
func TestRoleReadersAfterSetup(t *testing.T) {
	w := newRoleWorld(t, "")
	w.loginMFA(t)
	w.setup(t)
	if !strings.Contains(readFile(t, w.cfg), "\ncredential_process = awsmfa credential-process --profile prod-admin\n") {
		t.Fatalf("setup wrote:\n%s", readFile(t, w.cfg))
	}
	creds := w.readCreds(t)
	for _, rd := range readers {
		t.Run(rd.name, func(t *testing.T) {
			arn, err := rd.run(t, w, roleProfileName)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(arn, assumedRolePfx+"awsmfa-") || !assumedByUs(w, arn) {
				t.Errorf("caller %q is not the role awsmfa assumed", arn)
			}
			w.assertNoSecrets(t, arn)
		})
	}
	if n := len(w.fake.AssumedRoles()); n != 1 {
		t.Errorf("%d AssumeRole calls for the clients, want 1 (the rest from the cache)", n)
	}
	if n := len(w.fake.IssuedSessions()); n != 1 {
		t.Errorf("%d MFA sessions", n)
	}
	if w.readCreds(t) != creds {
		t.Error("the clients changed the credentials file")
	}
	files, _ := filepath.Glob(filepath.Join(w.dir, "cache", "awsmfa", "roles", "prod-admin-*.json"))
	if len(files) != 1 {
		t.Fatalf("role cache files %v", files)
	}
	if fi, err := os.Stat(files[0]); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("role cache mode %v, %v", fi.Mode(), err)
	}
}

// aws-sdk-go-v2, which renews process credentials when they expire, keeps
// working across two role-credential expiries with no prompt: the fake
// makes role sessions last seconds.
func TestRoleCredentialsAcrossExpiries(t *testing.T) {
	w := newRoleWorld(t, "", stsfake.WithRoleSessionCap(2*time.Second))
	w.loginMFA(t)
	w.setup(t)
	t.Setenv("AWSMFA_TEST_RENEW_CHILD", "1")
	out, err := runReader(t, os.Args[0], "-test.run=^TestRenewChild$", "-test.count=1", "-test.v")
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(out, "RENEWED 3") {
		t.Fatalf("child says:\n%s", out)
	}
	var roleCalls int
	keys := map[string]bool{}
	for _, s := range w.fake.AssumedRoles() {
		keys[s.AccessKeyID] = true
	}
	for _, c := range w.fake.Calls() {
		switch c.Action {
		case "GetCallerIdentity":
			if c.Status != 200 || !keys[c.AccessKeyID] {
				t.Errorf("GetCallerIdentity %+v: want 200, signed with a role session", c)
			}
			roleCalls++
		case "GetSessionToken":
			if c.AccessKeyID != w.users["myaccount"].AccessKeyID {
				t.Errorf("a GetSessionToken call besides the login: %+v", c)
			}
		}
	}
	if len(keys) < 3 || roleCalls < 3 || len(w.fake.IssuedSessions()) != 1 {
		t.Errorf("%d role sessions, %d calls, %d MFA sessions", len(keys), roleCalls, len(w.fake.IssuedSessions()))
	}
}

// TestRenewChild is TestRoleCredentialsAcrossExpiries's client: it calls
// STS until the SDK has renewed the role credentials twice.
func TestRenewChild(t *testing.T) {
	if os.Getenv("AWSMFA_TEST_RENEW_CHILD") == "" {
		t.Skip("child of TestRoleCredentialsAcrossExpiries")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile(roleProfileName))
	if err != nil {
		t.Fatal(err)
	}
	client := sts.NewFromConfig(cfg)
	seen := map[string]bool{}
	for len(seen) < 3 {
		if _, err := client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
			t.Fatalf("after %d role credentials: %v", len(seen), err)
		}
		c, err := cfg.Credentials.Retrieve(ctx)
		if err != nil {
			t.Fatal(err)
		}
		seen[c.AccessKeyID] = true
		select {
		case <-ctx.Done():
			t.Fatalf("only %d role credentials before the deadline", len(seen))
		case <-time.After(200 * time.Millisecond):
		}
	}
	fmt.Println("RENEWED " + strconv.Itoa(len(seen)))
}
