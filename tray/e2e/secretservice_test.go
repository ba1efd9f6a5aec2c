//go:build linux

package e2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/zalando/go-keyring"
)

const (
	secretsName = "org.freedesktop.secrets"
	// keyringService is the service of every awsmfa keychain item; the
	// account is the long-term profile.
	keyringService = "awsmfa"
	// keyringWait bounds one go-keyring call from the test; the daemon is
	// unlocked, so no call ever waits for a prompt.
	keyringWait = 10 * time.Second
)

// secretService is one gnome-keyring-daemon serving the Secret Service on
// the test bus, with its keyrings in a scenario's temp HOME.
type secretService struct {
	t     *testing.T
	cmd   *exec.Cmd
	out   *syncBuffer
	done  chan struct{}
	owner string // its unique bus name
}

// needSecretService skips a test without gnome-keyring-daemon, or fails it
// under CI=true, where CI must install it.
func needSecretService(t *testing.T) {
	t.Helper()
	needHarness(t)
	if _, err := exec.LookPath("gnome-keyring-daemon"); err != nil {
		msg := "the keychain scenario needs gnome-keyring-daemon on PATH (apt-get install -y --no-install-recommends gnome-keyring)"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg + " (CI=true: not skipping)")
		}
		t.Skip(msg)
	}
}

// startSecretService starts an unlocked login keyring with the same HOME,
// XDG_RUNTIME_DIR and session bus as the app's env, then waits until it
// owns org.freedesktop.secrets. It refuses to start beside another owner:
// a daemon that D-Bus activation started (with the bus's environment, see
// guardActivation) would serve a keyring the test does not control.
func startSecretService(t *testing.T, env []string) *secretService {
	t.Helper()
	if owner := harness.bus.ownerOf(secretsName); owner != "" {
		t.Fatalf("%s is already owned by %s (pid %d) before the test started its own keyring",
			secretsName, owner, harness.bus.pidOf(owner))
	}
	var daemonEnv []string
	for _, kv := range env {
		// No display: a prompt (there should be none) must fail at once,
		// not wait on the Xvfb screen.
		if !strings.HasPrefix(kv, "DISPLAY=") {
			daemonEnv = append(daemonEnv, kv)
		}
	}
	// --foreground keeps the daemon our child, so the test can stop it by
	// its pid; --unlock creates the login keyring with the password on
	// stdin and unlocks it.
	s := &secretService{t: t, out: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets")
	s.cmd.Env = daemonEnv
	s.cmd.Stdin = strings.NewReader("pass")
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start gnome-keyring-daemon: %v", err)
	}
	go func() {
		s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(s.stop)

	eventually(t, menuWait, "gnome-keyring-daemon to own "+secretsName, func() error {
		select {
		case <-s.done:
			return fmt.Errorf("gnome-keyring-daemon exited: %v: %s", s.cmd.ProcessState, s.out.String())
		default:
		}
		owner := harness.bus.ownerOf(secretsName)
		if owner == "" {
			return errors.New("no owner yet")
		}
		if pid := harness.bus.pidOf(owner); pid != uint32(s.cmd.Process.Pid) {
			return fmt.Errorf("owned by %s (pid %d), not by our daemon (pid %d)", owner, pid, s.cmd.Process.Pid)
		}
		s.owner = owner
		return nil
	})
	// The documented start: --start finds the running daemon through
	// $XDG_RUNTIME_DIR/keyring/control and initialises its components.
	start := exec.Command("gnome-keyring-daemon", "--start", "--components=secrets")
	start.Env = daemonEnv
	if out, err := start.CombinedOutput(); err != nil {
		t.Fatalf("gnome-keyring-daemon --start: %v: %s", err, out)
	}
	s.checkOwner()
	return s
}

// checkOwner fails the test unless our daemon still serves the Secret
// Service: no other daemon may have taken the name.
func (s *secretService) checkOwner() {
	s.t.Helper()
	if owner := harness.bus.ownerOf(secretsName); owner != s.owner {
		s.t.Fatalf("%s is owned by %q (pid %d), want our daemon %s", secretsName, owner, harness.bus.pidOf(owner), s.owner)
	}
}

// stop ends the daemon and waits until the name is free for the next one.
func (s *secretService) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	if err := poll(menuWait, func() error {
		if owner := harness.bus.ownerOf(secretsName); owner != "" {
			return fmt.Errorf("still owned by %s (pid %d)", owner, harness.bus.pidOf(owner))
		}
		return nil
	}); err != nil {
		s.t.Errorf("%s after stopping gnome-keyring-daemon: %v", secretsName, err)
	}
	if s.t.Failed() {
		s.t.Logf("gnome-keyring-daemon output:\n%s", s.out.String())
	}
}

// get reads an awsmfa item as the app would, with go-keyring over the same
// bus, bounded in time. keyring.ErrNotFound means no such item.
func (s *secretService) get(account string) (string, error) {
	s.t.Helper()
	s.checkOwner()
	type result struct {
		secret string
		err    error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := keyring.Get(keyringService, account)
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.secret, r.err
	case <-time.After(keyringWait):
		s.t.Fatalf("go-keyring Get(%s, %s) still running after %v", keyringService, account, keyringWait)
		return "", nil
	}
}

// guardActivation points the bus's activation environment at a private
// folder. A service the bus starts on demand (gnome-keyring-daemon for
// org.freedesktop.secrets, if anything asks before the test's own daemon
// runs) would otherwise inherit the developer's HOME and XDG_RUNTIME_DIR
// from dbus-run-session, and could open their real keyrings.
func guardActivation(conn *dbus.Conn, dir string) error {
	env := map[string]string{
		"HOME":            dir,
		"XDG_RUNTIME_DIR": dir,
		"XDG_DATA_HOME":   dir,
		"XDG_CONFIG_HOME": dir,
		"XDG_CACHE_HOME":  dir,
		"DISPLAY":         "",
	}
	if err := conn.BusObject().Call("org.freedesktop.DBus.UpdateActivationEnvironment", 0, env).Err; err != nil {
		return fmt.Errorf("update the bus's activation environment: %w", err)
	}
	return nil
}
