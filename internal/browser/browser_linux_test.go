package browser

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const authURL = "https://oidc.eu-west-1.amazonaws.com/authorize?response_type=code&client_id=x&state=y"

// script writes an executable that records its arguments, one a line, in
// the file it returns, and exits with code.
func script(t *testing.T, dir, name, code string) string {
	t.Helper()
	out := filepath.Join(dir, name+".args")
	path := filepath.Join(dir, name)
	body := "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > " + out + "\nexit " + code + "\n"
	if err := os.WriteFile(path, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	return out
}

func args(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the opener did not run: %v", err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestOpenWithXDGOpen(t *testing.T) {
	dir := t.TempDir()
	out := script(t, dir, "xdg-open", "0")
	t.Setenv("PATH", dir)
	t.Setenv("BROWSER", "")
	t.Setenv("DISPLAY", ":99")
	if err := Open(context.Background(), authURL); err != nil {
		t.Fatal(err)
	}
	if got := args(t, out); len(got) != 1 || got[0] != authURL {
		t.Errorf("xdg-open got %q", got)
	}
}

func TestOpenWithBROWSER(t *testing.T) {
	dir := t.TempDir()
	out := script(t, dir, "mybrowser", "0")
	t.Setenv("PATH", dir)
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	// The first entry is not installed; the second takes %s.
	t.Setenv("BROWSER", "nosuchbrowser:mybrowser --new-tab=%s")
	if err := Open(context.Background(), authURL); err != nil {
		t.Fatal(err)
	}
	if got := args(t, out); len(got) != 1 || got[0] != "--new-tab="+authURL {
		t.Errorf("BROWSER got %q", got)
	}
}

func TestOpenFailures(t *testing.T) {
	dir := t.TempDir()
	script(t, dir, "xdg-open", "3") // xdg-open's "no browser found"
	t.Setenv("PATH", dir)
	t.Setenv("BROWSER", "")
	t.Setenv("WAYLAND_DISPLAY", "")

	t.Setenv("DISPLAY", "")
	if err := Open(context.Background(), authURL); !errors.Is(err, ErrNoBrowser) || !strings.Contains(err.Error(), "no graphical session") {
		t.Errorf("no display: %v", err)
	}
	t.Setenv("DISPLAY", ":99")
	if err := Open(context.Background(), authURL); !errors.Is(err, ErrNoBrowser) || !strings.Contains(err.Error(), "xdg-open failed") {
		t.Errorf("failing opener: %v", err)
	}
	t.Setenv("PATH", t.TempDir())
	if err := Open(context.Background(), authURL); !errors.Is(err, ErrNoBrowser) || !strings.Contains(err.Error(), "xdg-utils") {
		t.Errorf("no xdg-open: %v", err)
	}
	for _, bad := range []string{"file:///etc/passwd", "--version", "javascript:alert(1)"} {
		if err := Open(context.Background(), bad); err == nil || !strings.Contains(err.Error(), "not an http(s) URL") {
			t.Errorf("Open(%q): %v", bad, err)
		}
	}
}

// An opener that keeps running (xdg-open waiting on a browser it started)
// counts as opened once it has not failed for a while.
func TestOpenLongRunningOpener(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "xdg-open")
	if err := os.WriteFile(path, []byte("#!/bin/sh\nexec sleep 1\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":/usr/bin:/bin")
	t.Setenv("BROWSER", "")
	t.Setenv("DISPLAY", ":99")
	old := settle
	settle = 50 * time.Millisecond
	defer func() { settle = old }()
	if err := Open(context.Background(), authURL); err != nil {
		t.Fatal(err)
	}
}
