package keychaine2e

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
)

// The user's flow with the real awsmfa binary and the real Secret Service:
// every command's output is checked for secrets, and the file comes back
// byte for byte.
func TestCLIImportLoginStatusLogoutExport(t *testing.T) {
	skipUnlessSecretService(t)
	e := newEnv(t)
	bin := filepath.Join(t.TempDir(), "awsmfa")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/awsmfa-tray/awsmfa-tray/cmd/awsmfa").CombinedOutput(); err != nil {
		t.Fatalf("build awsmfa: %v\n%s", err, out)
	}
	awsmfa := func(wantOut string, args ...string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		e.noSecrets("output of awsmfa "+strings.Join(args, " "), stdout.String()+stderr.String())
		if err != nil || !strings.Contains(stdout.String(), wantOut) {
			t.Fatalf("awsmfa %s: %v\nstdout %q\nstderr %q\nwant %q", strings.Join(args, " "), err, stdout.String(), stderr.String(), wantOut)
		}
	}
	fileHasNoKeys := func(after string) {
		t.Helper()
		if s := e.read(); strings.Contains(s, e.user.SecretAccessKey) || strings.Contains(s, e.user.AccessKeyID) {
			t.Fatalf("after %s the long-term key is in the file", after)
		}
	}

	awsmfa("into the OS keychain", "--profile", "myaccount", "keychain", "import")
	fileHasNoKeys("import")
	awsmfa("myaccount  myaccountPerm  keychain", "keychain", "status")
	code, err := totp.Code(e.user.TOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	awsmfa("Logged in myaccount until", "--profile", "myaccount", "login", "--token-code", code)
	fileHasNoKeys("login")
	if is := e.srv.IssuedSessions(); len(is) != 1 || is[0].UserAccessKeyID != e.user.AccessKeyID {
		t.Fatalf("STS issued %d sessions, want one signed by the keychain's key", len(is))
	}
	awsmfa("active", "status")
	awsmfa("Logged out myaccount", "--profile", "myaccount", "logout")
	fileHasNoKeys("logout")
	awsmfa("back into", "--profile", "myaccount", "keychain", "export")
	if got := e.read(); got != e.original {
		t.Errorf("after import, login, logout, export the file is\n%s\nwant\n%s", got, e.original)
	}
}
