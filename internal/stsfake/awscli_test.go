package stsfake

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestAWSCLI checks that botocore's signer (a different SigV4 implementation,
// signing a different header set) is accepted too, through both the
// --endpoint-url flag and AWS_ENDPOINT_URL_STS.
func TestAWSCLI(t *testing.T) {
	aws, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not installed (apt-get install -y awscli)")
	}
	dir := isolateAWSEnv(t)
	t.Setenv("HOME", dir)
	t.Setenv("AWS_PAGER", "")
	t.Setenv("AWS_DEFAULT_REGION", "eu-west-1") // awscli v1 ignores AWS_REGION
	f := newFixture(t)
	f.srv.SetClock(time.Now)
	code, err := totpCodeNow(f.user.TOTPSecret)
	if err != nil {
		t.Fatal(err)
	}

	t.Setenv("AWS_ACCESS_KEY_ID", f.user.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", f.user.SecretAccessKey)
	out, err := cliCmd(aws, "sts", "get-session-token", "--endpoint-url", f.srv.URL,
		"--serial-number", aliceSerial, "--token-code", code, "--duration-seconds", "900",
		"--output", "json").Output()
	if err != nil {
		t.Fatalf("aws sts get-session-token: %v: %s", err, stderrOf(err))
	}
	var gst struct {
		Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken, Expiration string }
	}
	if err := json.Unmarshal(out, &gst); err != nil {
		t.Fatalf("parse CLI output: %v", err)
	}
	if s := f.srv.IssuedSessions(); len(s) != 1 || s[0].AccessKeyID != gst.Credentials.AccessKeyId {
		t.Fatal("the CLI did not get the session the fake issued")
	}

	t.Setenv("AWS_ACCESS_KEY_ID", gst.Credentials.AccessKeyId)
	t.Setenv("AWS_SECRET_ACCESS_KEY", gst.Credentials.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", gst.Credentials.SessionToken)
	t.Setenv("AWS_ENDPOINT_URL_STS", f.srv.URL)
	out, err = cliCmd(aws, "sts", "get-caller-identity", "--query", "Arn", "--output", "text").Output()
	if err != nil {
		t.Fatalf("aws sts get-caller-identity: %v: %s", err, stderrOf(err))
	}
	if got := strings.TrimSpace(string(out)); got != aliceARN {
		t.Errorf("Arn = %q, want %q", got, aliceARN)
	}
	if c := lastCall(t, f.srv); !c.SessionToken || c.Status != 200 {
		t.Errorf("last call = %+v", c)
	}
}

// cliCmd runs the CLI with the test's environment minus the AWS variables
// set to "": botocore, unlike the Go SDK, reads AWS_PROFILE="" as a profile
// named "".
func cliCmd(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") && strings.HasSuffix(kv, "=") {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	return cmd
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
