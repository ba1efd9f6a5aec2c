package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/internal/wine"
)

const (
	roleARN         = "arn:aws:iam::222233334444:role/admin"
	assumedRolePfx  = "arn:aws:sts::222233334444:assumed-role/admin/"
	roleProfileName = "prod-admin"
)

// roleWorld is a testEnv with a role at the fake, the layout in
// the files, and the built awsmfa first on PATH, as a user has it.
type roleWorld struct {
	*testEnv
	bin string
}

// roleConfig is the layout; SERIAL is the device ARN, EXTRA more
// lines for [profile prod-admin].
const roleConfig = `[profile myaccountPerm]
mfa_serial = SERIAL

[profile prod-admin]
role_arn = ` + roleARN + `
source_profile = myaccountPerm
mfa_serial = SERIAL
region = eu-west-1
EXTRA`

func newRoleWorld(t *testing.T, extra string, opts ...stsfake.Option) *roleWorld {
	t.Helper()
	bin := binary(t)
	e := newEnv(t)
	// A fake with the role (and the test's options) in place of newEnv's.
	e.fake.Close()
	e.fake = stsfake.NewTest(t, append([]stsfake.Option{stsfake.WithClock(e.clock.Now),
		stsfake.WithRoles(stsfake.Role{ARN: roleARN, RequireMFA: true})}, opts...)...)
	t.Setenv("AWS_ENDPOINT_URL_STS", e.fake.URL)
	u := e.addUser("myaccount")
	e.write(t, strings.NewReplacer("SERIAL", u.MFASerial, "EXTRA", extra).Replace(roleConfig),
		"[myaccountPerm]\naws_access_key_id = "+u.AccessKeyID+"\naws_secret_access_key = "+u.SecretAccessKey+"\n")
	run := filepath.Join(e.dir, "run")
	if err := os.MkdirAll(run, 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("XDG_RUNTIME_DIR", run) // no tray, unless a test starts one
	t.Setenv("XDG_CACHE_HOME", filepath.Join(e.dir, "cache"))
	t.Setenv("LOCALAPPDATA", filepath.Join(e.dir, "cache")) // the cache folder on Windows
	t.Setenv("PATH", filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("AWS_PAGER", "")
	t.Setenv("AWS_DEFAULT_REGION", "eu-west-1") // older botocore ignores AWS_REGION
	return &roleWorld{testEnv: e, bin: bin}
}

// loginMFA logs myaccount in with a code, in-process.
func (w *roleWorld) loginMFA(t *testing.T) {
	t.Helper()
	if r := cli(t, "--profile", "myaccount", "login", "--token-code", w.code(t, "myaccount")); r.code != 0 {
		t.Fatalf("login: %d %s", r.code, r.stderr)
	}
}

// setup runs "awsmfa setup --yes" for the role profile with the binary.
func (w *roleWorld) setup(t *testing.T) {
	t.Helper()
	if r := runBin(t, "", "setup", "--profile", roleProfileName, "--yes"); r.code != 0 {
		t.Fatalf("setup: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// roleSecrets adds the role sessions' secrets to the ones never printed.
func (w *roleWorld) assertNoSecrets(t *testing.T, outputs ...string) {
	t.Helper()
	w.testEnv.assertNoSecrets(t, outputs...)
	for _, s := range w.fake.AssumedRoles() {
		for _, out := range outputs {
			if strings.Contains(out, s.SecretAccessKey) || strings.Contains(out, s.SessionToken) {
				t.Errorf("output holds a role secret:\n%s", out)
			}
		}
	}
}

// A reader asks a real AWS client for the caller identity of profile and
// returns the ARN it got.
type reader struct {
	name string
	run  func(t *testing.T, w *roleWorld, profile string) (string, error)
}

var readers = []reader{
	{"AWS CLI", awsCLIIdentity},
	{"boto3", boto3Identity},
	{"aws-sdk-go-v2", goSDKIdentity},
	{"JS SDK fromIni", func(t *testing.T, w *roleWorld, p string) (string, error) { return jsIdentity(t, w, p, "fromIni") }},
	{"JS SDK fromProcess", func(t *testing.T, w *roleWorld, p string) (string, error) { return jsIdentity(t, w, p, "fromProcess") }},
}

// need finds a reader's program: required in CI, else skipped.
func need(t *testing.T, what string, paths ...string) string {
	t.Helper()
	for _, p := range paths {
		if filepath.IsAbs(p) {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		} else if lp, err := exec.LookPath(p); err == nil {
			return lp
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required in CI: run scripts/setup-debian.sh", what)
	}
	t.Skipf("%s is not installed (scripts/setup-debian.sh)", what)
	return ""
}

// runReader runs a reader detached from any terminal, with stdin empty, so
// that neither it nor the credential_process it starts can prompt anyone.
func runReader(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	detach(cmd)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		// A reader may say why on either stream (the Go SDK's child prints
		// "ERROR ..." on stdout).
		return out.String(), fmt.Errorf("%v: %s", err, strings.TrimSpace(errb.String()+"\n"+out.String()))
	}
	return out.String(), nil
}

func awsCLIIdentity(t *testing.T, w *roleWorld, profile string) (string, error) {
	aws := need(t, "the Debian AWS CLI", "/usr/bin/aws", "aws")
	// The Debian CLI (2.9) predates AWS_ENDPOINT_URL_STS.
	out, err := runReader(t, aws, "sts", "get-caller-identity", "--profile", profile, "--endpoint-url", w.fake.URL, "--output", "json")
	if err != nil {
		return "", err
	}
	var id struct{ Arn string }
	if err := json.Unmarshal([]byte(out), &id); err != nil {
		return "", fmt.Errorf("aws output %q: %v", out, err)
	}
	return id.Arn, nil
}

func boto3Identity(t *testing.T, w *roleWorld, profile string) (string, error) {
	py := need(t, "python3 with boto3 (python3-boto3)", "/usr/bin/python3")
	script := `import sys, boto3
s = boto3.Session(profile_name=sys.argv[1])
print(s.client("sts", endpoint_url=sys.argv[2]).get_caller_identity()["Arn"])`
	out, err := runReader(t, py, "-c", script, profile, w.fake.URL)
	return strings.TrimSpace(out), err
}

// goSDKIdentity runs aws-sdk-go-v2's LoadDefaultConfig in a child (this
// test binary, detached), since the process credentials it runs must not
// find the terminal of whoever runs the tests.
func goSDKIdentity(t *testing.T, w *roleWorld, profile string) (string, error) {
	t.Setenv("AWSMFA_TEST_GOSDK_PROFILE", profile)
	// The SDK starts credential_process, and wine may fail to start it
	// before awsmfa runs: then nothing was asked of the fake.
	var out string
	err := wine.Again(t, "the Go SDK reader", func() (err error) {
		out, err = runReader(t, os.Args[0], "-test.run=^TestGoSDKReaderChild$", "-test.count=1")
		return err
	})
	if err != nil {
		return "", err
	}
	for _, l := range strings.Split(out, "\n") {
		if arn, ok := strings.CutPrefix(l, "ARN "); ok {
			return arn, nil
		}
	}
	return "", fmt.Errorf("no ARN in %q", out)
}

// TestGoSDKReaderChild is goSDKIdentity's child.
func TestGoSDKReaderChild(t *testing.T) {
	profile := os.Getenv("AWSMFA_TEST_GOSDK_PROFILE")
	if profile == "" {
		t.Skip("child of the reader tests")
	}
	arn, err := goSDKCallerARN(context.Background(), profile)
	if err != nil {
		fmt.Println("ERROR", err)
		os.Exit(1)
	}
	fmt.Println("ARN " + arn)
}

func goSDKCallerARN(ctx context.Context, profile string, opts ...func(*config.LoadOptions) error) (string, error) {
	cfg, err := config.LoadDefaultConfig(ctx, append([]func(*config.LoadOptions) error{config.WithSharedConfigProfile(profile)}, opts...)...)
	if err != nil {
		return "", err
	}
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(id.Arn), nil
}

func jsSDK(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "jssdk", "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "@aws-sdk", "credential-providers")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the JS SDK is required in CI: npm ci --prefix testdata/jssdk")
		}
		t.Skip("the JS SDK is not installed: npm ci --prefix testdata/jssdk")
	}
	return dir
}

func jsIdentity(t *testing.T, w *roleWorld, profile, provider string) (string, error) {
	node := need(t, "Node.js", "node")
	mods := jsSDK(t)
	script := `const { ` + provider + ` } = require(process.argv[1] + "/@aws-sdk/credential-providers");
const { STSClient, GetCallerIdentityCommand } = require(process.argv[1] + "/@aws-sdk/client-sts");
(async () => {
  const credentials = ` + provider + `({ profile: process.argv[2] });
  const c = new STSClient({ region: "eu-west-1", endpoint: process.argv[3], credentials });
  const id = await c.send(new GetCallerIdentityCommand({}));
  console.log(id.Arn);
})().catch(e => { console.error(String(e && e.message || e)); process.exit(1); });`
	out, err := runReader(t, node, "-e", script, mods, profile, w.fake.URL)
	return strings.TrimSpace(out), err
}

// assumedByUs reports whether arn is a role session that awsmfa's
// credential-process made: assumed with an MFA session from the fake
// (a client assuming the role itself signs with the long-term keys).
func assumedByUs(w *roleWorld, arn string) bool {
	mfa := map[string]bool{}
	for _, s := range w.fake.IssuedSessions() {
		mfa[s.AccessKeyID] = true
	}
	for _, s := range w.fake.AssumedRoles() {
		if s.AssumedRoleARN == arn && mfa[s.SourceAccessKeyID] {
			return true
		}
	}
	return false
}
