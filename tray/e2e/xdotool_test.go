//go:build linux

package e2e

import (
	"context"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// dialogWait bounds how long a zenity dialog may take to show. GTK's first
// start on a cold, loaded 2-core machine takes a few seconds.
const dialogWait = 20 * time.Second

// xdotool runs xdotool on our Xvfb with a timeout.
func xdotool(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+harness.display)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("xdotool %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// waitWindow waits for a visible window whose title is exactly title and
// returns its id. Only for a title no other window has had: two dialogs of
// one profile share their title, and waitDialog tells them apart by pid.
func waitWindow(t *testing.T, title string) string {
	t.Helper()
	return findWindow(t, title, 0)
}

// findWindow waits for the one visible window titled exactly title (and
// made by process pid, unless 0) and returns its id. Windows come and go
// meanwhile: the server drops a closed dialog's window on its own time,
// after the process is gone, and a search meeting a window as it leaves
// fails with BadWindow. So a failed search is a reason to look again,
// within dialogWait, and the pid keeps it from ever settling on the
// previous dialog's window (which would swallow the keys typed next).
func findWindow(t *testing.T, title string, pid int) string {
	t.Helper()
	args := []string{"search", "--all", "--onlyvisible", "--name"}
	if pid != 0 {
		// GTK sets _NET_WM_PID; --all, or --pid would only be one of the
		// criteria any of which may match.
		args = append(args, "--pid", strconv.Itoa(pid))
	}
	args = append(args, "^"+regexp.QuoteMeta(title)+"$")
	var id string
	err := poll(dialogWait, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		out, err := xdotool(ctx, args...)
		if err != nil {
			return err
		}
		ids := strings.Fields(out)
		if len(ids) != 1 {
			return fmt.Errorf("windows titled %q: %q, want exactly one", title, ids)
		}
		id = ids[0]
		return nil
	})
	if err != nil {
		t.Fatalf("no window titled %q (pid %d) within %v: %v", title, pid, dialogWait, err)
	}
	return id
}

// typeInto focuses window id and types text then Return. GTK ignores
// synthetic events sent with `type --window`, so the keys go through XTEST
// to the focused window instead.
func typeInto(t *testing.T, id, text string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if _, err := xdotool(ctx, "windowfocus", "--sync", id, "type", "--delay", "20", text); err != nil {
		t.Fatal(err)
	}
	if _, err := xdotool(ctx, "key", "Return"); err != nil {
		t.Fatal(err)
	}
}

// pressEscape focuses window id and presses Escape, which zenity reports as
// cancel.
func pressEscape(t *testing.T, id string) {
	t.Helper()
	pressKey(t, id, "Escape")
}

// pressKey focuses window id and presses key (an X keysym name).
func pressKey(t *testing.T, id, key string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if _, err := xdotool(ctx, "windowfocus", "--sync", id, "key", key); err != nil {
		t.Fatal(err)
	}
}

// windowRect returns a window's position and size on the screen.
func windowRect(id string) (image.Rectangle, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := xdotool(ctx, "getwindowgeometry", "--shell", id)
	if err != nil {
		return image.Rectangle{}, err
	}
	v := map[string]int{}
	for _, line := range strings.Fields(out) {
		k, val, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(val)
		if err == nil {
			v[k] = n
		}
	}
	if v["WIDTH"] == 0 || v["HEIGHT"] == 0 {
		return image.Rectangle{}, fmt.Errorf("no geometry for window %s: %q", id, out)
	}
	return image.Rect(v["X"], v["Y"], v["X"]+v["WIDTH"], v["Y"]+v["HEIGHT"]), nil
}

// screenshot saves window id (the whole screen if its geometry is unknown)
// as artifacts/<name>.png. It only logs on failure: a missing picture must
// not fail the behaviour under test.
func screenshot(t *testing.T, id, name string) {
	t.Helper()
	rect, err := windowRect(id)
	if err != nil {
		t.Logf("screenshot: %v; taking the whole screen", err)
		rect = image.Rectangle{}
	}
	// A window can be mapped before GTK has painted it: wait (briefly)
	// for more than one colour.
	var img *image.RGBA
	err = poll(3*time.Second, func() error {
		var err error
		if img, err = x11Screenshot(harness.display, rect); err != nil {
			return err
		}
		if uniform(img) {
			return fmt.Errorf("the window is still blank")
		}
		return nil
	})
	if err != nil {
		t.Logf("screenshot: %v", err)
		if img == nil {
			return
		}
	}
	path := filepath.Join(harness.artifacts, name+".png")
	if err := savePNG(path, img); err != nil {
		t.Logf("screenshot: %v", err)
		return
	}
	t.Logf("screenshot saved to %s", path)
}

func uniform(img *image.RGBA) bool {
	for i := 4; i+4 <= len(img.Pix); i += 4 {
		if img.Pix[i] != img.Pix[0] || img.Pix[i+1] != img.Pix[1] || img.Pix[i+2] != img.Pix[2] {
			return false
		}
	}
	return true
}
