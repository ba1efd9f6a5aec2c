package session_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// The crash tests re-run this test binary as a child that stops at a step
// of a keychain move (inside the fake keychain), and kill it there with
// SIGKILL.
const (
	crashStageEnv = "AWSMFA_TEST_KEYCHAIN_CRASH_STAGE" // where the child stops
	crashDirEnv   = "AWSMFA_TEST_KEYCHAIN_CRASH_DIR"   // the shared fake keychain
	crashReadyEnv = "AWSMFA_TEST_KEYCHAIN_CRASH_READY" // written once stopped
)

// TestKeychainCrashChild is the child; it does nothing in a normal run.
func TestKeychainCrashChild(t *testing.T) {
	stage := os.Getenv(crashStageEnv)
	if stage == "" {
		t.Skip("child of TestKeychainCrash")
	}
	kc := newFakeKeychain()
	kc.dir = os.Getenv(crashDirEnv)
	m := session.New(session.Config{Keychain: kc, Timeout: 10 * time.Second})
	// The steps, as the fake keychain sees them: an import has just
	// stored the item; an export has written the file and is about to
	// delete the item.
	at := map[string]string{"import:after-keychain-write": "set", "export:after-file-write": "delete"}[stage]
	kc.stop = func(op string) {
		if op != at {
			return
		}
		if err := os.WriteFile(os.Getenv(crashReadyEnv), []byte(stage), 0o600); err != nil {
			t.Error(err)
			return
		}
		for {
			time.Sleep(time.Hour) // until the parent kills us
		}
	}
	var err error
	if strings.HasPrefix(stage, "import:") {
		err = m.KeychainImport(context.Background(), "myaccount")
	} else {
		err = m.KeychainExport(context.Background(), "myaccount")
	}
	t.Fatalf("never reached %s (err: %v)", stage, err)
}

func TestKeychainCrash(t *testing.T) {
	tests := []struct {
		stage    string
		imported bool // the parent imports before the child runs
	}{
		{stage: "import:after-keychain-write"},
		{stage: "export:after-file-write", imported: true},
	}
	for _, tt := range tests {
		t.Run(tt.stage, func(t *testing.T) {
			e, kc := newKeychainEnv(t, permConfig, permCreds)
			kc.dir = t.TempDir()
			original := readFile(t, e.credPath)
			if tt.imported {
				if err := e.m.KeychainImport(context.Background(), "myaccount"); err != nil {
					t.Fatal(err)
				}
			}

			out := killAtStage(t, tt.stage, kc.dir)
			e.assertNoKeys(out)

			// Both steps write the keys before anything removes them: a
			// kill in between leaves them in the file and in the keychain.
			if got := readFile(t, e.credPath); got != original {
				t.Errorf("credentials file after the kill:\n%q\nwant the keys still (or again) in it:\n%q", got, original)
			}
			if !kc.has("myaccountPerm", e.keys()) {
				t.Error("the keychain lost the keys")
			}
			locs, err := e.m.KeychainStatus(true)
			if err != nil || len(locs) != 1 || locs[0].Store != session.KeysInFile {
				t.Errorf("status after the kill = %+v, %v; want keys in the file", locs, err)
			}

			// Running the import again finishes the job.
			if err := e.m.KeychainImport(context.Background(), "myaccount"); err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, e.credPath); strings.Contains(got, e.user.SecretAccessKey) || !strings.Contains(got, "awsmfa_keychain = true") {
				t.Errorf("file after a second import: %q", got)
			}
			if !kc.has("myaccountPerm", e.keys()) {
				t.Error("keychain lost the keys on the second import")
			}
		})
	}
}

// killAtStage runs the child until it reports it stopped at stage, then
// kills it. It returns the child's output.
func killAtStage(t *testing.T, stage, kcDir string) string {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "ready")
	cmd := exec.Command(os.Args[0], "-test.run=^TestKeychainCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashStageEnv+"="+stage, crashDirEnv+"="+kcDir, crashReadyEnv+"="+ready)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.After(60 * time.Second)
	for {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("child exited before reaching %s: %v\n%s", stage, err, out.String())
		case <-deadline:
			_ = cmd.Process.Kill()
			<-exited
			t.Fatalf("child did not reach %s within a minute\n%s", stage, out.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-exited
	return out.String()
}
