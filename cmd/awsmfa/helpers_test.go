package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMain(m *testing.M) {
	// No test may reach the real terminal of whoever runs them.
	openTerminal = noTerminal
	// Builds use the runner's environment, not a test's temp HOME (which
	// would mean a cold build cache and no module cache).
	buildEnv = os.Environ()
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// awsEnv are the variables that could leak the runner's AWS setup into a
// test; each test starts with all of them unset.
var awsEnv = []string{
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
	"AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS",
	"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_REGION", "AWS_DEFAULT_REGION",
	"AWS_CA_BUNDLE", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_SDK_LOAD_CONFIG",
	"AWS_EC2_METADATA_DISABLED",
	"COLUMNS", // a developer's terminal width must not change the tables
}

// offsetClock is the fake's clock: real time plus an offset that tests move
// forward to get a fresh TOTP step instead of sleeping 30 seconds.
type offsetClock struct{ off atomic.Int64 }

func (c *offsetClock) Now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *offsetClock) Advance(d time.Duration) { c.off.Add(int64(d)) }

// testEnv is one isolated world: its own shared files, HOME and STS fake.
type testEnv struct {
	dir, cfg, creds string
	fake            *stsfake.Server
	clock           *offsetClock
	users           map[string]stsfake.User // by profile name
}

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	for _, k := range awsEnv {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	dir := t.TempDir()
	e := &testEnv{
		dir:   dir,
		cfg:   filepath.Join(dir, "aws", "config"),
		creds: filepath.Join(dir, "aws", "credentials"),
		clock: &offsetClock{},
		users: map[string]stsfake.User{},
	}
	if err := os.MkdirAll(filepath.Join(dir, "aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	e.fake = stsfake.NewTest(t, stsfake.WithClock(e.clock.Now))
	t.Setenv("HOME", dir)
	t.Setenv("USERPROFILE", dir)
	t.Setenv("AWS_CONFIG_FILE", e.cfg)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", e.creds)
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_ENDPOINT_URL_STS", e.fake.URL)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	return e
}

// addUser creates a fake IAM user for profile with an MFA device.
func (e *testEnv) addUser(profile string) stsfake.User {
	u := stsfake.User{
		AccessKeyID:     stsfake.NewAccessKeyID(),
		SecretAccessKey: stsfake.NewSecretAccessKey(),
		MFASerial:       "arn:aws:iam::123456789012:mfa/" + profile,
		TOTPSecret:      totp.NewSecret(),
	}
	e.fake.AddUser(u)
	e.users[profile] = u
	return u
}

// standard writes the layout for each profile: [XPerm] keys in the
// credentials file, [profile XPerm] with mfa_serial and [profile X] with
// source_profile in the config file.
func (e *testEnv) standard(t *testing.T, profiles ...string) {
	t.Helper()
	var cfg, creds strings.Builder
	for _, p := range profiles {
		u := e.addUser(p)
		cfg.WriteString("[profile " + p + "Perm]\nmfa_serial = " + u.MFASerial + "\n\n")
		cfg.WriteString("[profile " + p + "]\nregion = eu-west-1\nsource_profile = " + p + "Perm\n\n")
		creds.WriteString("[" + p + "Perm]\naws_access_key_id = " + u.AccessKeyID +
			"\naws_secret_access_key = " + u.SecretAccessKey + "\n\n")
	}
	e.write(t, cfg.String(), creds.String())
}

func (e *testEnv) write(t *testing.T, cfg, creds string) {
	t.Helper()
	if err := os.WriteFile(e.cfg, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(e.creds, []byte(creds), 0o600); err != nil {
		t.Fatal(err)
	}
}

func (e *testEnv) readCreds(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(e.creds)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// code returns the current TOTP code of profile's device on the fake's clock.
func (e *testEnv) code(t *testing.T, profile string) string {
	t.Helper()
	c, err := totp.Code(e.users[profile].TOTPSecret, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// nextStep moves the fake's clock to the next TOTP step, so a new code is
// not a reuse of the last one.
func (e *testEnv) nextStep() { e.clock.Advance(totp.Period) }

func (e *testEnv) calls() int { return len(e.fake.Calls()) }

// secrets lists every secret the fake knows of, and every access key id:
// none of them may ever be printed.
func (e *testEnv) secrets() []string {
	var s []string
	for _, u := range e.users {
		s = append(s, u.SecretAccessKey, u.TOTPSecret, u.AccessKeyID)
	}
	for _, is := range e.fake.IssuedSessions() {
		s = append(s, is.SecretAccessKey, is.SessionToken, is.AccessKeyID)
	}
	return s
}

func (e *testEnv) assertNoSecrets(t *testing.T, outputs ...string) {
	t.Helper()
	for _, sec := range e.secrets() {
		for _, out := range outputs {
			if sec != "" && strings.Contains(out, sec) {
				t.Errorf("output contains a secret or key id (%d chars):\n%s", len(sec), out)
			}
		}
	}
}

// result is one in-process run.
type result struct {
	code           int
	stdout, stderr string
}

// cli runs awsmfa in-process with no terminal.
func cli(t *testing.T, args ...string) result {
	t.Helper()
	return cliCtx(context.Background(), t, args...)
}

func cliCtx(ctx context.Context, t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := runContext(ctx, args, strings.NewReader(""), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// withTerminal makes the CLI see term as its terminal for this test.
func withTerminal(t *testing.T, term terminal) {
	t.Helper()
	prev := openTerminal
	openTerminal = func(io.Reader, io.Writer) (terminal, error) { return term, nil }
	t.Cleanup(func() { openTerminal = prev })
}

// noTerminal is a machine with no terminal, like a CI job or a cron job.
func noTerminal(io.Reader, io.Writer) (terminal, error) { return nil, errNoTerminal }

// withManager makes the CLI build its Manager from cfg for this test.
func withManager(t *testing.T, cfg session.Config) {
	t.Helper()
	prev := newManager
	newManager = func() *session.Manager { return session.New(cfg) }
	t.Cleanup(func() { newManager = prev })
}

// withZone shows times in loc for this test.
func withZone(t *testing.T, loc *time.Location) {
	t.Helper()
	prev := displayZone
	displayZone = func() *time.Location { return loc }
	t.Cleanup(func() { displayZone = prev })
}

// fakeTerm answers prompts from a script; with block set, a read past the
// script waits until the context ends, like a user who never types.
type fakeTerm struct {
	mu      sync.Mutex
	answers []string
	block   bool
	asked   chan struct{} // gets a value each time a read starts
	out     bytes.Buffer
	closed  bool
}

func newFakeTerm(answers ...string) *fakeTerm {
	return &fakeTerm{answers: answers, asked: make(chan struct{}, 16)}
}

func (f *fakeTerm) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.out.Write(p)
}

func (f *fakeTerm) ReadLine(ctx context.Context) (string, error) {
	select {
	case f.asked <- struct{}{}:
	default:
	}
	f.mu.Lock()
	if len(f.answers) > 0 {
		a := f.answers[0]
		f.answers = f.answers[1:]
		f.mu.Unlock()
		return a, nil
	}
	block := f.block
	f.mu.Unlock()
	if block {
		<-ctx.Done()
		return "", ctx.Err()
	}
	return "", session.ErrCanceled
}

func (f *fakeTerm) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

func (f *fakeTerm) output() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.out.String()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
