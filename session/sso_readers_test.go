package session_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// The real readers of the token cache: aws-sdk-go-v2's config loader, the
// JS SDK v3's fromSSO, the Debian AWS CLI and boto3. Each finds the token
// we wrote by itself (HOME, the session name, the file name), and fetches
// role credentials from the fake portal with it.

func (e *ssoEnv) lastRoleKey(t *testing.T) string {
	t.Helper()
	issued := e.fake.IssuedRoleCredentials()
	if len(issued) == 0 {
		t.Fatal("the fake portal issued no role credentials")
	}
	last := issued[len(issued)-1]
	if last.AccountID != "222233334444" || last.RoleName != "Developer" {
		t.Errorf("role credentials for %s/%s", last.AccountID, last.RoleName)
	}
	return last.AccessKeyID
}

func TestSDKReadsSSOToken(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	e.login("acme", e.opts())
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile("dev"))
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(ctx)
	if err != nil {
		t.Fatalf("aws-sdk-go-v2 with our token: %v", err)
	}
	if creds.AccessKeyID != e.lastRoleKey(t) || creds.SessionToken == "" {
		t.Error("the SDK returned other credentials than the portal issued")
	}

	// An expired token: the SDK refreshes it with the refresh token we
	// stored, rewrites the file in its own format, and we read that back.
	e.setTokenField("acme", "expiresAt", time.Now().Add(-time.Minute).UTC().Format(time.RFC3339))
	cfg, _ = config.LoadDefaultConfig(ctx, config.WithSharedConfigProfile("dev"))
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		t.Fatalf("aws-sdk-go-v2 refreshing our token: %v", err)
	}
	if n := e.fake.CountCalls("CreateToken", "refresh_token"); n != 1 {
		t.Fatalf("%d refreshes by the SDK", n)
	}
	if st := e.status("acme"); st.State != session.Active || !st.Refreshable || st.Problem != nil {
		t.Errorf("after the SDK's refresh: %+v", st)
	}
}

// jssdk is the pinned JS SDK (scripts/setup-debian.sh runs npm ci there).
func jssdk(t *testing.T) string {
	t.Helper()
	dir, _ := filepath.Abs(filepath.Join("..", "testdata", "jssdk"))
	_, nodeErr := exec.LookPath("node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@aws-sdk", "credential-providers")); err != nil || nodeErr != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("node and testdata/jssdk/node_modules are required in CI: run scripts/setup-debian.sh")
		}
		t.Skip("node or the JS SDK is not installed (scripts/setup-debian.sh installs them)")
	}
	return dir
}

const fromSSOScript = `
const { fromSSO } = require("@aws-sdk/credential-providers");
fromSSO({ profile: "dev" })().then(
  (c) => console.log(JSON.stringify({ accessKeyId: c.accessKeyId, expiration: c.expiration })),
  (e) => { console.error(e.name + ": " + e.message); process.exit(1); });
`

func runFromSSO(t *testing.T, dir string) (string, error) {
	t.Helper()
	cmd := exec.Command("node", "-e", fromSSOScript)
	cmd.Dir = dir
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		return "", fmt.Errorf("%v: %s", err, ee.Stderr)
	}
	var got struct{ AccessKeyID string }
	if err := json.Unmarshal(out, &got); err != nil {
		return "", fmt.Errorf("fromSSO printed %q", out)
	}
	return got.AccessKeyID, nil
}

func TestJSSDKReadsSSOToken(t *testing.T) {
	dir := jssdk(t)
	e := newSSOEnv(t, acmeConfig)
	e.login("acme", e.opts())
	key, err := runFromSSO(t, dir)
	if err != nil {
		t.Fatalf("JS SDK fromSSO with our token: %v", err)
	}
	if key != e.lastRoleKey(t) {
		t.Error("fromSSO returned other credentials than the portal issued")
	}
	// Inside its 5-minute window the JS SDK refreshes with our refresh
	// token and rewrites the file (milliseconds, two-space JSON), which we
	// read back.
	e.setTokenField("acme", "expiresAt", time.Now().Add(2*time.Minute).UTC().Format(time.RFC3339))
	if _, err := runFromSSO(t, dir); err != nil {
		t.Fatalf("JS SDK refreshing our token: %v", err)
	}
	if n := e.fake.CountCalls("CreateToken", "refresh_token"); n != 1 {
		t.Fatalf("%d refreshes by the JS SDK", n)
	}
	raw := readFile(t, e.tokenPath("acme"))
	if !regexp.MustCompile(`"expiresAt": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"`).MatchString(raw) {
		t.Errorf("not the JS SDK's rewrite: %s", raw)
	}
	if st := e.status("acme"); st.State != session.Active || !st.Refreshable || st.Problem != nil {
		t.Errorf("after the JS SDK's refresh: %+v", st)
	}
}

// debianCLI is the AWS CLI v2 from Debian. It predates service-specific
// endpoint variables (CLI 2.13), so it is pointed at the fake the way
// botocore allows for any version: an endpoint rule set for sso and
// sso-oidc in AWS_DATA_PATH, which its loader reads before its own.
func (e *ssoEnv) debianCLI(t *testing.T) string {
	t.Helper()
	aws := "/usr/bin/aws"
	if runtime.GOOS != "linux" {
		t.Skip("the Debian AWS CLI is a Linux program")
	}
	if _, err := os.Stat(aws); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the Debian AWS CLI is required in CI: apt-get install -y awscli")
		}
		t.Skip("the Debian AWS CLI (/usr/bin/aws) is not installed")
	}
	e.botocoreDataPath(t)
	t.Setenv("AWS_PAGER", "")
	return aws
}

// botocoreDataPath writes the rule sets that send botocore's sso and
// sso-oidc clients to the fake.
func (e *ssoEnv) botocoreDataPath(t *testing.T) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "models")
	ruleset := `{"version": "1.0", "parameters": {"Region": {"builtIn": "AWS::Region", "required": false, "documentation": "The region.", "type": "String"}},
 "rules": [{"conditions": [], "endpoint": {"url": "` + e.fake.URL + `", "properties": {}, "headers": {}}, "type": "endpoint"}]}`
	for _, svc := range []string{"sso", "sso-oidc"} {
		p := filepath.Join(dir, svc, "2019-06-10")
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(p, "endpoint-rule-set-1.json"), ruleset)
	}
	t.Setenv("AWS_DATA_PATH", dir)
}

func run(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		return string(out), fmt.Errorf("%s %s: %v: %s", filepath.Base(name), strings.Join(args, " "), err, ee.Stderr)
	}
	return string(out), err
}

func TestAWSCLIReadsSSOToken(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	aws := e.debianCLI(t)
	e.login("acme", e.opts())
	exportCreds := func() string {
		t.Helper()
		out, err := run(t, aws, "configure", "export-credentials", "--profile", "dev")
		if err != nil {
			t.Fatal(err)
		}
		var creds struct{ AccessKeyID string }
		if err := json.Unmarshal([]byte(out), &creds); err != nil {
			t.Fatalf("export-credentials printed %q", out)
		}
		return creds.AccessKeyID
	}

	// The CLI's own SSO credential provider reads our token and calls the
	// portal with it, and caches the role credentials under the name our
	// logout removes.
	if exportCreds() != e.lastRoleKey(t) {
		t.Fatal("the CLI returned other credentials than the portal issued")
	}
	cliCache := filepath.Join(e.home, ".aws", "cli", "cache")
	if _, err := os.Stat(filepath.Join(cliCache, "511a617ae4acd5a39ea8c689f373b5615d14dba7.json")); err != nil {
		t.Fatalf("the CLI's role credential cache is not where logout looks: %v", err)
	}
	if res, err := e.m.SSOLogout(context.Background(), "acme"); err != nil || res.CLICredentials != 1 {
		t.Fatalf("our logout: %+v %v", res, err)
	}
	e.login("acme", e.opts())
	if exportCreds() != e.lastRoleKey(t) {
		t.Fatal("after a new login, the CLI used other credentials")
	}

	// Within botocore's 15-minute window the CLI refreshes with our
	// refresh token and registration, writes the file, and we read it.
	os.RemoveAll(cliCache) // else it answers from its cache, not the token
	e.setTokenField("acme", "expiresAt", time.Now().Add(10*time.Minute).UTC().Format("2006-01-02T15:04:05Z"))
	exportCreds()
	if n := e.fake.CountCalls("CreateToken", "refresh_token"); n != 1 {
		t.Fatalf("%d refreshes by the CLI", n)
	}
	if st := e.status("acme"); st.State != session.Active || !st.Refreshable || st.Left < 50*time.Minute {
		t.Errorf("after the CLI's refresh: %+v", st)
	}

	// "aws sso logout" finds our token, ends it at the portal and removes it.
	tok := e.token("acme")["accessToken"]
	if _, err := run(t, aws, "sso", "logout"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(e.tokenPath("acme")); !os.IsNotExist(err) || e.fake.AccessTokenValid(tok) {
		t.Error("aws sso logout did not end and remove our token")
	}
}

// After our device-code login, "aws sso login" of the same session reuses
// the client registration we cached: same file name, same content.
func TestAWSCLIReusesOurRegistration(t *testing.T) {
	e := newSSOEnv(t, acmeConfig)
	aws := e.debianCLI(t)
	o := e.opts()
	o.UseDeviceCode = true // the Debian CLI (2.9) knows only the device code
	e.login("acme", o)
	cmd := exec.Command(aws, "sso", "login", "--sso-session", "acme", "--no-browser")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	approved := false
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); !approved && strings.HasPrefix(line, e.fake.URL+"/device?user_code=") {
			if err := e.browser.Open(context.Background(), line); err != nil {
				t.Error(err)
			}
			approved = true
		}
	}
	io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil || !approved {
		t.Fatalf("aws sso login: %v (approved %v): %s", err, approved, stderr.String())
	}
	if n := e.fake.CountCalls("RegisterClient", ""); n != 1 {
		t.Errorf("%d registrations: the CLI did not reuse ours", n)
	}
	// And we read the token the CLI wrote.
	if st := e.status("acme"); st.State != session.Active || st.Problem != nil || !st.Refreshable {
		t.Errorf("the CLI's token: %+v", st)
	}
}

func TestBoto3ReadsSSOToken(t *testing.T) {
	py := "/usr/bin/python3"
	if _, err := exec.Command(py, "-c", "import boto3").CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("Debian's python3-boto3 is required in CI")
		}
		t.Skip("python3-boto3 is not installed")
	}
	e := newSSOEnv(t, acmeConfig)
	e.botocoreDataPath(t)
	e.login("acme", e.opts())
	out, err := run(t, py, "-c", "import boto3; print(boto3.Session(profile_name='dev').get_credentials().get_frozen_credentials().access_key)")
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(out) != e.lastRoleKey(t) {
		t.Errorf("boto3 returned other credentials than the portal issued: %q", out)
	}
}
