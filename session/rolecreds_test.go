package session_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// roleEnv is newEnv with the role admin at the fake and a private cache.
func roleEnv(t *testing.T, config string, role stsfake.Role) (*testEnv, string) {
	t.Helper()
	e := newEnv(t, config, permCreds)
	if role.ARN == "" {
		role.ARN = adminARN
	}
	e.srv.AddRole(role)
	cache := t.TempDir()
	e.m = session.New(session.Config{Clock: e.clock, Timeout: 5 * time.Second, CacheDir: cache})
	return e, cache
}

func (e *testEnv) login(t *testing.T) {
	t.Helper()
	if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code(), Force: true}); err != nil {
		t.Fatal(err)
	}
}

func (e *testEnv) countCalls(action string) int {
	n := 0
	for _, c := range e.srv.Calls() {
		if c.Action == action {
			n++
		}
	}
	return n
}

func TestRoleCredentialsFromTheMFASession(t *testing.T) {
	e, cache := roleEnv(t, roleCfg, stsfake.Role{RequireMFA: true})
	e.login(t)
	ctx := context.Background()
	c, err := e.m.RoleCredentials(ctx, "prod-admin", session.RoleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	roles := e.srv.AssumedRoles()
	if len(roles) != 1 {
		t.Fatalf("%d role sessions", len(roles))
	}
	got := roles[0]
	mfa := e.srv.IssuedSessions()[0]
	if c.AccessKeyID != got.AccessKeyID || c.SessionToken != got.SessionToken || !c.Expiration.Equal(got.Expiration) {
		t.Errorf("returned %v, fake issued other credentials", c)
	}
	if got.SourceAccessKeyID != mfa.AccessKeyID || !got.MFA || got.Expiration.Sub(got.IssuedAt) != time.Hour ||
		!strings.HasPrefix(got.RoleSessionName, "awsmfa-") {
		t.Errorf("role session %+v: want it assumed with the MFA session for an hour", got)
	}
	if s := fmt.Sprintf("%v %+v %#v", c, c, c); strings.Contains(s, c.SecretAccessKey) || strings.Contains(s, c.SessionToken) {
		t.Errorf("fmt shows a secret: %s", s)
	}

	// The cache answers without a network call while more than 15 minutes
	// are left, and is private.
	files, _ := filepath.Glob(filepath.Join(cache, "roles", "prod-admin-*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	if fi, err := os.Stat(files[0]); err != nil || (runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600) {
		t.Errorf("cache file mode %v, %v", fi.Mode(), err)
	}
	if strings.Contains(readFile(t, e.credPath), c.AccessKeyID) {
		t.Error("role credentials went into the shared credentials file")
	}
	calls := len(e.srv.Calls())
	e.clock.Advance(44 * time.Minute)
	again, err := e.m.RoleCredentials(ctx, "prod-admin", session.RoleOptions{})
	if err != nil || again != c || len(e.srv.Calls()) != calls {
		t.Errorf("cache hit: %v, %v, %d new calls", again, err, len(e.srv.Calls())-calls)
	}
	e.clock.Advance(time.Minute + time.Second)
	fresh, err := e.m.RoleCredentials(ctx, "prod-admin", session.RoleOptions{})
	if err != nil || fresh.AccessKeyID == c.AccessKeyID || e.countCalls("AssumeRole") != 2 {
		t.Errorf("renewal: %v, %v, %d AssumeRole calls", fresh, err, e.countCalls("AssumeRole"))
	}

	// Logging out of the MFA profile retires the cached role credentials.
	if _, err := e.m.Logout("myaccount"); err != nil {
		t.Fatal(err)
	}
	_, err = e.m.RoleCredentials(ctx, "prod-admin", session.RoleOptions{})
	var need *session.NeedLoginError
	if !errors.As(err, &need) || need.Profile != "myaccount" || need.For != "prod-admin" || need.Expired {
		t.Fatalf("after logout: %v", err)
	}
	want := `prod-admin needs a live MFA session of myaccount, and there is none: log in with "awsmfa login --profile myaccount" or from the awsmfa-tray menu, then try again`
	if err.Error() != want {
		t.Errorf("error %q\nwant %q", err, want)
	}
	e.assertNoSecrets(err.Error())
}

func TestRoleCredentialsSettings(t *testing.T) {
	cfg := permConfig + "[profile r]\nrole_arn = " + adminARN + "\nsource_profile = myaccount\nduration_seconds = 1800\nrole_session_name = alice-laptop\nexternal_id = vendor-42\n"
	e, _ := roleEnv(t, cfg, stsfake.Role{ExternalID: "vendor-42"})
	e.login(t)
	if _, err := e.m.RoleCredentials(context.Background(), "r", session.RoleOptions{}); err != nil {
		t.Fatal(err)
	}
	got := e.srv.AssumedRoles()[0]
	if got.RoleSessionName != "alice-laptop" || got.ExternalID != "vendor-42" || got.Expiration.Sub(got.IssuedAt) != 30*time.Minute {
		t.Errorf("role session %+v", got)
	}
}

func TestRoleCredentialsExpiredSession(t *testing.T) {
	e, _ := roleEnv(t, roleCfg, stsfake.Role{})
	e.login(t)
	e.clock.Advance(13 * time.Hour)
	_, err := e.m.RoleCredentials(context.Background(), "prod-admin", session.RoleOptions{})
	var need *session.NeedLoginError
	if !errors.As(err, &need) || !need.Expired {
		t.Fatalf("got %v, want an expired NeedLoginError", err)
	}
	if !strings.HasPrefix(err.Error(), "the MFA session of myaccount, which prod-admin needs, has expired: log in") {
		t.Errorf("error %q", err)
	}
	if n := e.countCalls("AssumeRole"); n != 0 {
		t.Errorf("%d AssumeRole calls with an expired session", n)
	}
}

// The file says the session is live, STS says it expired: without anyone
// to ask, one sentence; with a prompter, one new login and the role.
func TestRoleCredentialsSessionExpiredMidRun(t *testing.T) {
	e, _ := roleEnv(t, roleCfg, stsfake.Role{})
	e.login(t)
	e.srv.SetKeyExpired(e.srv.IssuedSessions()[0].AccessKeyID, true)
	ctx := context.Background()
	_, err := e.m.RoleCredentials(ctx, "prod-admin", session.RoleOptions{})
	var need *session.NeedLoginError
	if !errors.As(err, &need) || !need.MidRun {
		t.Fatalf("got %v, want a mid-run NeedLoginError", err)
	}
	if !strings.HasPrefix(err.Error(), "the MFA session of myaccount expired before the role of prod-admin could be assumed: log in with") {
		t.Errorf("error %q", err)
	}

	var asked atomic.Int32
	e.clock.Advance(30 * time.Second) // a fresh code
	c, err := e.m.RoleCredentials(ctx, "prod-admin", session.RoleOptions{Login: session.LoginOptions{
		Prompt: func(context.Context, session.CodeRequest) (string, error) { asked.Add(1); return e.code(), nil },
	}})
	if err != nil || asked.Load() != 1 || c.AccessKeyID == "" {
		t.Fatalf("with a prompter: %v, %v, asked %d times", c, err, asked.Load())
	}
	if n := len(e.srv.IssuedSessions()); n != 2 {
		t.Errorf("%d MFA sessions, want a second one", n)
	}
}

func TestRoleCredentialsLogsInOnce(t *testing.T) {
	e, _ := roleEnv(t, roleOnMFA, stsfake.Role{RequireMFA: true})
	var asked atomic.Int32
	opts := session.RoleOptions{Login: session.LoginOptions{
		Prompt: func(_ context.Context, req session.CodeRequest) (string, error) {
			asked.Add(1)
			if req != (session.CodeRequest{Profile: "myaccount", Serial: testSerial, For: "prod-admin", Attempt: 1}) {
				t.Errorf("asked %+v", req)
			}
			return e.code(), nil
		},
	}}
	ctx := context.Background()
	if _, err := e.m.RoleCredentials(ctx, "prod-admin", opts); err != nil {
		t.Fatal(err)
	}
	// The session is in [myaccount] now, so other roles and the next
	// renewal need no code.
	e.clock.Advance(50 * time.Minute)
	if _, err := e.m.RoleCredentials(ctx, "prod-admin", opts); err != nil {
		t.Fatal(err)
	}
	if asked.Load() != 1 || e.countCalls("AssumeRole") != 2 || e.countCalls("GetSessionToken") != 1 {
		t.Errorf("asked %d times, %d AssumeRole, %d GetSessionToken", asked.Load(), e.countCalls("AssumeRole"), e.countCalls("GetSessionToken"))
	}
}

// A delegate (the tray) logs in for us; ErrNoDelegate falls through to the
// prompter.
func TestRoleCredentialsDelegate(t *testing.T) {
	e, _ := roleEnv(t, roleCfg, stsfake.Role{})
	ctx := context.Background()
	tray := session.New(session.Config{Clock: e.clock, Timeout: 5 * time.Second})
	var delegated []string
	opts := session.RoleOptions{Delegate: func(ctx context.Context, profile, forRole string) error {
		delegated = append(delegated, profile+" for "+forRole)
		_, err := tray.Login(ctx, profile, session.LoginOptions{TokenCode: e.code()})
		return err
	}}
	if _, err := e.m.RoleCredentials(ctx, "prod-admin", opts); err != nil {
		t.Fatal(err)
	}
	if strings.Join(delegated, ";") != "myaccount for prod-admin" {
		t.Errorf("delegated %v", delegated)
	}

	e2, _ := roleEnv(t, roleCfg, stsfake.Role{})
	var asked int
	_, err := e2.m.RoleCredentials(ctx, "prod-admin", session.RoleOptions{
		Delegate: func(context.Context, string, string) error { return session.ErrNoDelegate },
		Login: session.LoginOptions{Prompt: func(context.Context, session.CodeRequest) (string, error) {
			asked++
			return e2.code(), nil
		}},
	})
	if err != nil || asked != 1 {
		t.Errorf("fall-through to the prompter: %v, asked %d", err, asked)
	}

	// A canceled login at the tray is a cancel here too.
	e3, _ := roleEnv(t, roleCfg, stsfake.Role{})
	_, err = e3.m.RoleCredentials(ctx, "prod-admin", session.RoleOptions{
		Delegate: func(context.Context, string, string) error { return session.ErrCanceled },
	})
	if !errors.Is(err, session.ErrCanceled) {
		t.Errorf("canceled at the tray: %v", err)
	}
}

func TestRoleCredentialsNotAllowed(t *testing.T) {
	e, _ := roleEnv(t, roleCfg, stsfake.Role{Trusted: []string{"arn:aws:iam::123456789012:user/bob"}})
	e.login(t)
	_, err := e.m.RoleCredentials(context.Background(), "prod-admin", session.RoleOptions{})
	want := "STS does not let arn:aws:iam::123456789012:user/alice assume " + adminARN + " (prod-admin): check role_arn and external_id of prod-admin, and that the role's trust policy allows this user (with MFA, if it asks for it)"
	if err == nil || err.Error() != want {
		t.Errorf("error %v\nwant %s", err, want)
	}
}

func TestMFAProcess(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the test scripts are POSIX shell")
	}
	dir := t.TempDir()
	codeFile, goFile := filepath.Join(dir, "code"), filepath.Join(dir, "go")
	// The command waits for the go file, like ykman waits for a touch.
	script := "while [ ! -f " + goFile + " ]; do sleep 0.02; done; cat " + codeFile
	cfg := permConfig + "mfa_process = " + script + "\n[profile prod-admin]\nrole_arn = " + adminARN + "\nsource_profile = myaccount\n"
	e, _ := roleEnv(t, cfg, stsfake.Role{RequireMFA: true})
	writeFile(t, codeFile, e.code()[:3]+" "+e.code()[3:]+"\n")
	var touched []string
	opts := session.RoleOptions{Login: session.LoginOptions{Touch: func(profile string) func() {
		touched = append(touched, profile)
		writeFile(t, goFile, "")
		return func() { touched = append(touched, "stopped") }
	}}}
	if _, err := e.m.RoleCredentials(context.Background(), "prod-admin", opts); err != nil {
		t.Fatal(err)
	}
	if strings.Join(touched, ",") != "myaccount,stopped" {
		t.Errorf("touch calls %v", touched)
	}
	if n := len(e.srv.IssuedSessions()); n != 1 {
		t.Errorf("%d MFA sessions", n)
	}

	// A command that prints no code fails with a sentence that does not
	// quote it.
	e2, _ := roleEnv(t, permConfig+"mfa_process = echo 12345x-secretish\n[profile r]\nrole_arn = "+adminARN+"\nsource_profile = myaccount\n", stsfake.Role{})
	_, err := e2.m.RoleCredentials(context.Background(), "r", session.RoleOptions{})
	if err == nil || err.Error() != "mfa_process of myaccount did not print a 6-digit code: run it by hand to check it" {
		t.Errorf("error %v", err)
	}
	e3, _ := roleEnv(t, permConfig+"mfa_process = exit 3\n[profile r]\nrole_arn = "+adminARN+"\nsource_profile = myaccount\n", stsfake.Role{})
	_, err = e3.m.RoleCredentials(context.Background(), "r", session.RoleOptions{})
	if err == nil || !strings.Contains(err.Error(), "mfa_process of myaccount failed (exit status 3)") {
		t.Errorf("error %v", err)
	}
}
