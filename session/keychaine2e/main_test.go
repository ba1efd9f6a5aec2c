package keychaine2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// innerEnv marks the re-executed test binary running inside the private
// D-Bus session with gnome-keyring started.
const innerEnv = "AWSMFA_KEYCHAIN_E2E_INNER"

// skipReason is set when no Secret Service can be started here.
var skipReason string

// TestMain re-runs the tests under dbus-run-session with a private HOME and
// XDG_RUNTIME_DIR, after unlocking and starting gnome-keyring's secrets
// component there, so the user's own keychain is never touched. Without
// the tools the tests skip, unless CI=true: CI must install them.
func TestMain(m *testing.M) {
	if os.Getenv(innerEnv) == "1" {
		os.Exit(m.Run())
	}
	if runtime.GOOS != "linux" {
		skipReason = "the Secret Service end-to-end test runs on Linux"
		os.Exit(m.Run())
	}
	var missing []string
	for _, tool := range []string{"dbus-run-session", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(os.Stderr, "CI=true but %s not installed: apt-get install -y --no-install-recommends dbus gnome-keyring\n", strings.Join(missing, " and "))
			os.Exit(1)
		}
		skipReason = strings.Join(missing, " and ") + " not installed (apt-get install dbus gnome-keyring)"
		os.Exit(m.Run())
	}
	os.Exit(runInner())
}

// runInner runs this test binary again inside a fresh D-Bus session with
// an unlocked gnome-keyring, and returns its exit code.
func runInner() int {
	dir, err := os.MkdirTemp("", "awsmfa-keychain-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	home, runDir := filepath.Join(dir, "home"), filepath.Join(dir, "run")
	for _, d := range []string{home, runDir} {
		if err := os.Mkdir(d, 0o700); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	// --unlock creates and unlocks the login keyring with the password on
	// stdin; --start then registers the secrets component on the bus.
	script := `set -e
printf %s pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null
gnome-keyring-daemon --start --components=secrets >/dev/null 2>&1 || { echo "gnome-keyring-daemon --start failed" >&2; exit 1; }
exec "$@"`
	args := append([]string{"--", "sh", "-c", script, "sh", os.Args[0]}, os.Args[1:]...)
	cmd := exec.Command("dbus-run-session", args...)
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "HOME", "XDG_RUNTIME_DIR", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME",
			"DBUS_SESSION_BUS_ADDRESS", "GNOME_KEYRING_CONTROL", "SSH_AUTH_SOCK",
			// No display: gnome-keyring's unlock prompt must fail at once
			// rather than open on the developer's screen.
			"DISPLAY", "WAYLAND_DISPLAY":
			continue
		}
		env = append(env, kv)
	}
	cmd.Env = append(env, "HOME="+home, "XDG_RUNTIME_DIR="+runDir, innerEnv+"=1")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() > 0 {
			return ee.ExitCode()
		}
		fmt.Fprintf(os.Stderr, "run the tests under dbus-run-session: %v\n", err)
		return 1
	}
	return 0
}

func skipUnlessSecretService(t *testing.T) {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
}
