//go:build linux

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
	"github.com/awsmfa-tray/awsmfa-tray/internal/xvfb"
)

// insideEnv marks the copy of the test binary that runs under
// dbus-run-session, so it does not re-exec itself again.
const insideEnv = "AWSMFA_E2E_INSIDE_DBUS"

// harness is what TestMain sets up once for the whole package.
var harness struct {
	skip       string // why every test skips; empty when the harness is up
	repo       string // module root
	artifacts  string // <repo>/artifacts, git-ignored
	binDir     string // built binaries
	tray       string // built awsmfa-tray, or empty with trayErr set
	trayErr    error
	minitray   string // built testdata/minitray, or empty with miniErr set
	miniErr    error
	cli        string // built awsmfa, or empty with cliErr set
	cliErr     error
	browser    string // built testdata/ssobrowser, or empty with browserErr set
	browserErr error
	display    string // ":N" of our Xvfb
	bus        *testBus
	sources    []string // what the built binaries are made of; see noteSources
}

var requiredTools = []string{"dbus-run-session", "Xvfb", "zenity", "xdotool"}

func TestMain(m *testing.M) {
	os.Exit(mainExit(m))
}

func mainExit(m *testing.M) int {
	if os.Getenv(totpSecretEnv) != "" {
		return totpHelper()
	}
	ci := os.Getenv("CI") == "true"
	var missing []string
	for _, tool := range requiredTools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		msg := fmt.Sprintf("tray e2e needs %s on PATH (apt-get install -y --no-install-recommends dbus xvfb zenity xdotool)",
			strings.Join(missing, ", "))
		if ci {
			fmt.Fprintln(os.Stderr, "FAIL:", msg, "(CI=true: not skipping)")
			return 1
		}
		harness.skip = msg
		return m.Run()
	}
	if os.Getenv(insideEnv) == "" {
		return reexecUnderDBus()
	}
	code, err := setUp(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: tray e2e setup:", err)
		return 1
	}
	return code
}

// reexecUnderDBus runs this same test binary, with the same flags, inside a
// private session bus so no test ever touches the developer's desktop bus.
func reexecUnderDBus() int {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: tray e2e: find own executable:", err)
		return 1
	}
	cmd := exec.Command("dbus-run-session", append([]string{"--", self}, os.Args[1:]...)...)
	cmd.Env = append(os.Environ(), insideEnv+"=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() > 0 {
			return ee.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "FAIL: tray e2e: dbus-run-session:", err)
		return 1
	}
	return 0
}

func setUp(m *testing.M) (int, error) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		return 1, fmt.Errorf("dbus-run-session gave no DBUS_SESSION_BUS_ADDRESS")
	}
	// Quiets GTK's accessibility bus lookups in zenity.
	os.Setenv("NO_AT_BRIDGE", "1")

	repo, err := moduleRoot()
	if err != nil {
		return 1, err
	}
	harness.repo = repo
	harness.artifacts = filepath.Join(repo, "artifacts")
	if err := os.MkdirAll(harness.artifacts, 0o755); err != nil {
		return 1, fmt.Errorf("create artifacts folder: %w", err)
	}
	binDir, err := os.MkdirTemp("", "awsmfa-e2e-bin-")
	if err != nil {
		return 1, fmt.Errorf("create bin dir: %w", err)
	}
	defer os.RemoveAll(binDir)
	harness.binDir = binDir

	stopX, err := startXvfb()
	if err != nil {
		return 1, err
	}
	defer stopX()

	bus, err := newTestBus()
	if err != nil {
		return 1, err
	}
	defer bus.Close()
	harness.bus = bus
	activation := filepath.Join(binDir, "activation")
	if err := os.Mkdir(activation, 0o700); err != nil {
		return 1, fmt.Errorf("create activation dir: %w", err)
	}
	if err := guardActivation(bus.conn, activation); err != nil {
		return 1, err
	}

	// A build failure fails only the tests that need that binary, so the
	// harness self-test still runs while the app is being written.
	harness.tray, harness.trayErr = goBuild(repo, "./cmd/awsmfa-tray", filepath.Join(binDir, "awsmfa-tray"))
	harness.minitray, harness.miniErr = goBuild(repo, "./tray/e2e/testdata/minitray", filepath.Join(binDir, "minitray"))
	harness.cli, harness.cliErr = goBuild(repo, "./cmd/awsmfa", filepath.Join(binDir, "awsmfa"))
	harness.browser, harness.browserErr = goBuild(repo, "./tray/e2e/testdata/ssobrowser", filepath.Join(binDir, "ssobrowser"))
	harness.sources = sourcesOf(repo, "./cmd/awsmfa-tray", "./cmd/awsmfa", "./tray/e2e/testdata/minitray", "./tray/e2e/testdata/ssobrowser")
	return m.Run(), nil
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("find module root with go list -m: %w", err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", fmt.Errorf("go list -m printed no module dir")
	}
	return dir, nil
}

func goBuild(repo, pkg, out string) (string, error) {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = repo
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %w\n%s", pkg, err, b)
	}
	return out, nil
}

// startXvfb starts Xvfb on a display checked free (internal/xvfb: lock
// files go missing on a shared machine, and -displayfd alone can then hand
// out a number another run's server answers). Autorepeat is off (-r):
// xdotool's XTEST key press and release are two requests, and on a loaded
// machine a release more than 660 ms late made the server repeat the
// digit, so a typed code came out 7 digits long.
func startXvfb() (stop func(), err error) {
	x, err := xvfb.Start(1024, 768, "-r")
	if err != nil {
		return nil, err
	}
	harness.display = x.Display
	os.Setenv("DISPLAY", harness.display)
	return x.Stop, nil
}

// sourcesOf lists the module's own package folders that pkgs are built
// from, plus go.mod and go.sum.
func sourcesOf(repo string, pkgs ...string) []string {
	args := append([]string{"list", "-e", "-deps", "-f", "{{with .Module}}{{if .Main}}{{$.Dir}}{{end}}{{end}}"}, pkgs...)
	cmd := exec.Command("go", args...)
	cmd.Dir = repo
	out, _ := cmd.Output()
	dirs := append(strings.Fields(string(out)), filepath.Join(repo, "go.mod"), filepath.Join(repo, "go.sum"))
	return dirs
}

var notedSources sync.Once

// noteSources opens the binaries' source folders while the tests run. go
// test caches a result keyed on the files a test opens, and it cannot see
// that this package builds and runs cmd/awsmfa-tray: without this, a
// changed app would get a stale "(cached)" pass.
func noteSources() {
	notedSources.Do(func() {
		for _, p := range harness.sources {
			if f, err := os.Open(p); err == nil {
				f.Close()
			}
		}
	})
}

// needHarness skips (or, with the harness down, fails) a test.
func needHarness(t *testing.T) {
	t.Helper()
	if harness.skip != "" {
		t.Skip(harness.skip)
	}
	noteSources()
}

// The test binary doubles as the mfa_process of TestTrayMFAProcessRenews:
// with totpSecretEnv naming a file with the TOTP secret it prints the code
// of the current step, or of the one after the last it printed (STS takes
// each code once; the fake allows a step of skew), and exits.
const (
	totpSecretEnv = "AWSMFA_E2E_TOTP_SECRET"
	totpStateEnv  = "AWSMFA_E2E_TOTP_STATE"
)

func totpHelper() int {
	secret, err := os.ReadFile(os.Getenv(totpSecretEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	state := os.Getenv(totpStateEnv)
	step := totp.Step(time.Now())
	if b, err := os.ReadFile(state); err == nil {
		if last, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && last >= step {
			step = last + 1
		}
	}
	code, err := totp.Code(strings.TrimSpace(string(secret)), time.Unix(step*int64(totp.Period/time.Second), 0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := os.WriteFile(state, []byte(strconv.FormatInt(step, 10)), 0o600); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(code)
	return 0
}
