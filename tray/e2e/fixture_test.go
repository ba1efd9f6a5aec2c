//go:build linux

package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
)

const (
	profile = "myaccount"
	serial  = "arn:aws:iam::123456789012:mfa/alice"
)

// world is one scenario's temp HOME with its AWS files and its own STS fake.
type world struct {
	t        *testing.T
	home     string
	credPath string
	cfgPath  string
	original []byte // credentials bytes as the test wrote them
	sts      *stsfake.Server
	user     stsfake.User
	lcAll    string
	lastStep int64 // TOTP step of the last code handed out
}

// newWorld writes the AWS files in the Perm convention for a fresh fake
// user. Login appends [myaccount]; logout must then give back every byte.
func newWorld(t *testing.T, opts ...stsfake.Option) *world {
	t.Helper()
	needHarness(t)
	w := &world{t: t, home: t.TempDir(), lcAll: "C.UTF-8"}
	w.user = stsfake.User{
		AccessKeyID:     stsfake.NewAccessKeyID(),
		SecretAccessKey: stsfake.NewSecretAccessKey(),
		MFASerial:       serial,
		TOTPSecret:      totp.NewSecret(),
	}
	w.sts = stsfake.NewTest(t, append([]stsfake.Option{stsfake.WithUsers(w.user)}, opts...)...)

	aws := filepath.Join(w.home, ".aws")
	if err := os.MkdirAll(aws, 0o700); err != nil {
		t.Fatal(err)
	}
	w.credPath = filepath.Join(aws, "credentials")
	w.cfgPath = filepath.Join(aws, "config")
	w.original = []byte(fmt.Sprintf(`# Long-term keys live in [%[1]sPerm]; awsmfa writes sessions into [%[1]s].
[%[1]sPerm]
aws_access_key_id = %[2]s
aws_secret_access_key = %[3]s
; comments and blank lines stay where they are

`, profile, w.user.AccessKeyID, w.user.SecretAccessKey))
	cfg := fmt.Sprintf(`[profile %[1]sPerm]
mfa_serial = %[2]s

[profile %[1]s]
region = us-east-1
`, profile, serial)
	if err := os.WriteFile(w.credPath, w.original, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(w.cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return w
}

// env is the app's environment: the temp HOME, the fake STS endpoint.
func (w *world) env() []string {
	env := baseEnv(w.home)
	for i, kv := range env {
		if strings.HasPrefix(kv, "LC_ALL=") {
			env[i] = "LC_ALL=" + w.lcAll
		}
	}
	return append(env,
		"AWS_ENDPOINT_URL_STS="+w.sts.URL,
		"AWS_REGION=us-east-1",
		"AWS_EC2_METADATA_DISABLED=true",
	)
}

// code returns a TOTP code the fake will accept now and has not seen. The
// fake refuses a step at or before the last one it accepted but allows one
// step of skew, so a later login uses the next step's code instead of
// waiting up to 30 s.
func (w *world) code() string {
	w.t.Helper()
	step := totp.Step(time.Now())
	if step <= w.lastStep {
		step = w.lastStep + 1
	}
	// More than one step ahead would be outside the fake's skew: wait.
	eventually(w.t, 2*totp.Period, "a fresh TOTP step", func() error {
		if totp.Step(time.Now()) < step-1 {
			return fmt.Errorf("step %d is not yet within the skew", step)
		}
		return nil
	})
	w.lastStep = step
	c, err := totp.Code(w.user.TOTPSecret, time.Unix(step*int64(totp.Period/time.Second), 0))
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// wrongCode returns a well-formed code that is not valid near now.
func (w *world) wrongCode() string {
	w.t.Helper()
	for _, c := range []string{"000000", "111111", "222222"} {
		if _, ok := totp.Verify(w.user.TOTPSecret, c, time.Now(), 2); !ok {
			return c
		}
	}
	w.t.Fatal("every candidate wrong code is valid now")
	return ""
}

// credentials reads the credentials file.
func (w *world) credentials() []byte {
	w.t.Helper()
	b, err := os.ReadFile(w.credPath)
	if err != nil {
		w.t.Fatal(err)
	}
	return b
}

// sectionKeys returns the key = value pairs of [name] in an AWS ini file.
// It is deliberately simple: the files here are the test's own.
func sectionKeys(b []byte, name string) map[string]string {
	keys := map[string]string{}
	in := false
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			in = strings.TrimSpace(strings.Trim(line, "[]")) == name
			continue
		}
		if k, v, ok := strings.Cut(line, "="); in && ok {
			keys[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return keys
}

// waitSession waits until [myaccount] holds the session the fake issued
// last, and returns that session.
func (w *world) waitSession(within time.Duration) stsfake.Session {
	w.t.Helper()
	var s stsfake.Session
	eventually(w.t, within, "the credentials file to hold the issued session", func() error {
		issued := w.sts.IssuedSessions()
		if len(issued) == 0 {
			return fmt.Errorf("the fake issued no session yet")
		}
		s = issued[len(issued)-1]
		keys := sectionKeys(w.credentials(), profile)
		// Compare without printing: these are secrets.
		switch {
		case keys["aws_session_token"] == "":
			return fmt.Errorf("[%s] has no aws_session_token", profile)
		case keys["aws_session_token"] != s.SessionToken:
			return fmt.Errorf("[%s] aws_session_token is not the one the fake issued", profile)
		case keys["aws_access_key_id"] != s.AccessKeyID:
			return fmt.Errorf("[%s] aws_access_key_id is not the issued session's", profile)
		case keys["aws_secret_access_key"] != s.SecretAccessKey:
			return fmt.Errorf("[%s] aws_secret_access_key is not the issued session's", profile)
		case keys["expiration"] == "":
			return fmt.Errorf("[%s] has no expiration", profile)
		}
		return nil
	})
	return s
}

// waitOriginalBytes waits until the credentials file is byte for byte the
// one the test wrote.
func (w *world) waitOriginalBytes(within time.Duration) {
	w.t.Helper()
	eventually(w.t, within, "the credentials file to be back to its original bytes", func() error {
		if got := w.credentials(); !bytes.Equal(got, w.original) {
			return fmt.Errorf("it differs (%d bytes, want %d)", len(got), len(w.original))
		}
		return nil
	})
}

// checkAWSCLI has the real AWS CLI read the session back. The CLI is
// required under CI=true and skipped (with a log line) elsewhere.
func (w *world) checkAWSCLI(s stsfake.Session) {
	w.t.Helper()
	bin, err := exec.LookPath("aws")
	if err != nil {
		if os.Getenv("CI") == "true" {
			w.t.Fatal("CI=true but the AWS CLI is missing (apt-get install -y awscli)")
		}
		w.t.Log("AWS CLI not installed: skipping its read-back")
		return
	}
	cmd := exec.Command(bin, "configure", "get", "aws_session_token", "--profile", profile)
	cmd.Env = w.awsCLIEnv()
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		w.t.Fatalf("aws configure get: %v: %s", err, stderr)
	}
	if strings.TrimSpace(string(out)) != s.SessionToken {
		w.t.Fatalf("aws configure get aws_session_token --profile %s printed %d bytes that are not the issued token",
			profile, len(strings.TrimSpace(string(out))))
	}
}

// awsCLIEnv is the app's environment plus what a pyenv-installed CLI needs
// to find itself once HOME moved.
func (w *world) awsCLIEnv() []string {
	env := w.env()
	root := os.Getenv("PYENV_ROOT")
	if root == "" {
		if h, err := os.UserHomeDir(); err == nil {
			root = filepath.Join(h, ".pyenv")
		}
	}
	return append(env, "PYENV_ROOT="+root, "AWS_PAGER=")
}
