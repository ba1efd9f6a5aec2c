//go:build linux

package winee2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var (
	wine       string // the wine64 binary
	binDir     string // awsmfa.exe, awsmfa-tray.exe and wintool.exe
	skipReason string
)

// TestMain builds the Windows binaries once. It needs the prefix and the
// environment that scripts/wine/run.sh sets up.
func TestMain(m *testing.M) {
	if os.Getenv("AWSMFA_WINE_E2E") != "1" {
		skipReason = "the Windows end-to-end tests run under wine from scripts/wine/run.sh"
		os.Exit(m.Run())
	}
	code, err := setup()
	if err != nil {
		fmt.Fprintln(os.Stderr, "winee2e:", err)
		os.Exit(1)
	}
	os.Exit(code(m))
}

func setup() (func(*testing.M) int, error) {
	prefix := os.Getenv("WINEPREFIX")
	if _, err := os.Stat(filepath.Join(prefix, ".awsmfa-ready")); prefix == "" || err != nil {
		return nil, errors.New("WINEPREFIX is not a prefix made by scripts/wine/prefix.sh")
	}
	if wine = os.Getenv("WINE"); wine == "" {
		return nil, errors.New("WINE is not set (scripts/wine/lib.sh sets it)")
	}
	dir, err := os.MkdirTemp("", "awsmfa-winee2e-")
	if err != nil {
		return nil, err
	}
	binDir = dir
	root, err := moduleRoot()
	if err != nil {
		return nil, err
	}
	for _, b := range []struct{ out, pkg, ldflags string }{
		{"awsmfa.exe", "./cmd/awsmfa", ""},
		{"awsmfa-tray.exe", "./cmd/awsmfa-tray", "-H windowsgui"},
		{"wintool.exe", "./internal/winee2e/testdata/wintool", ""},
	} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, b.out), "-ldflags", b.ldflags, b.pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("build %s: %v\n%s", b.pkg, err, out)
		}
	}
	return func(m *testing.M) int {
		defer os.RemoveAll(dir)
		return m.Run()
	}, nil
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("go list -m: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

func needWine(t *testing.T) {
	t.Helper()
	if skipReason != "" {
		t.Skip(skipReason)
	}
}

// winPath is how a Windows program under wine names a Linux path: drive
// Z: is the Linux root.
func winPath(p string) string { return `Z:` + strings.ReplaceAll(p, "/", `\`) }

// result is one finished Windows program.
type result struct {
	code           int
	stdout, stderr string
}

// winCmd prepares exe (a path, a name in binDir, or a program of wine's
// own such as reg) to run under wine with env added to a copy of the
// test's environment without any AWS_ variable.
func winCmd(exe string, env []string, args ...string) *exec.Cmd {
	if !filepath.IsAbs(exe) && strings.HasSuffix(exe, ".exe") {
		exe = filepath.Join(binDir, exe)
	}
	cmd := exec.Command(wine, append([]string{exe}, args...)...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// run runs exe under wine and waits for it, within a generous bound. Its
// output goes to files, not pipes: wine's own helper processes (the
// desktop, the device manager) inherit the handles and outlive it, so a
// pipe would never reach its end.
func run(t *testing.T, exe string, env []string, args ...string) result {
	t.Helper()
	cmd := winCmd(exe, env, args...)
	out, errb := tempFile(t), tempFile(t)
	cmd.Stdout, cmd.Stderr = out, errb
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s %v did not finish within 2 minutes", exe, args)
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatalf("run %s: %v", exe, err)
	}
	return result{cmd.ProcessState.ExitCode(), readAll(t, out), readAll(t, errb)}
}

func tempFile(t *testing.T) *os.File {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "out-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func readAll(t *testing.T, f *os.File) string {
	t.Helper()
	b, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
