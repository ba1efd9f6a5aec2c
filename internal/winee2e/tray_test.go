//go:build linux

package winee2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// trayApp is awsmfa-tray.exe --demo running under wine, logging to a file.
type trayApp struct {
	cmd  *exec.Cmd
	log  *os.File
	done chan error
}

func startTray(t *testing.T) *trayApp {
	t.Helper()
	a := &trayApp{log: tempFile(t), done: make(chan error, 1)}
	a.cmd = winCmd("awsmfa-tray.exe", nil, "--demo", "--verbose")
	a.cmd.Stdout, a.cmd.Stderr = a.log, a.log
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { a.done <- a.cmd.Wait() }()
	t.Cleanup(func() {
		a.cmd.Process.Kill()
		<-a.done
		if t.Failed() {
			t.Logf("tray log:\n%s", a.logText(t))
		}
	})
	return a
}

func (a *trayApp) logText(t *testing.T) string { return readAll(t, a.log) }

// waitLog waits for a log line matching re, within a generous bound, and
// returns its submatches.
func (a *trayApp) waitLog(t *testing.T, re string) []string {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(time.Minute)
	for {
		if m := rx.FindStringSubmatch(a.logText(t)); m != nil {
			return m
		}
		select {
		case err := <-a.done:
			a.done <- err
			t.Fatalf("the tray exited (%v) before logging %q", err, re)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log line %q within a minute", re)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// wintool runs the Windows helper and decodes its JSON answer into out.
func wintool(t *testing.T, out any, args ...string) {
	t.Helper()
	r := run(t, "wintool.exe", nil, args...)
	if r.code != 0 {
		t.Fatalf("wintool %s: exit %d: %s", strings.Join(args, " "), r.code, r.stderr)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(r.stdout), out); err != nil {
			t.Fatalf("wintool %s: %v: %q", strings.Join(args, " "), err, r.stdout)
		}
	}
}

type window struct {
	HWND       uint64
	PID        uint32
	Class      string
	Text       string
	Visible    bool
	X, Y, W, H int
}

func (w window) rect() image.Rectangle { return image.Rect(w.X, w.Y, w.X+w.W, w.Y+w.H) }

func artifact(t *testing.T, name string) string {
	t.Helper()
	root, err := moduleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "artifacts", "wine")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dir, name)
}

// The tray on Windows, as a person starting it sees it: its icon in the
// shell's tray (wine's own tray window), drawn; its menu built and opened
// from the icon; and a clean exit when Windows closes it. Screenshots of
// the tray and the open menu land in artifacts/wine/.
func TestTrayStartsWithIconAndMenu(t *testing.T) {
	needWine(t)
	a := startTray(t)
	pid := a.waitLog(t, `msg=starting .*pid=(\d+)`)[1]
	a.waitLog(t, `msg="menu rebuilt" profiles=2`)

	var tw struct{ Icon, Tray window }
	wintool(t, &tw, "tray", pid)
	if tw.Icon.Class != "SystrayClass" || fmt.Sprint(tw.Icon.PID) != pid {
		t.Errorf("tray icon window %+v, want systray's of process %s", tw.Icon, pid)
	}
	if !tw.Tray.Visible || tw.Tray.W < 16 || tw.Tray.H < 16 {
		t.Fatalf("the shell's tray %+v is not on the screen", tw.Tray)
	}
	// The icon is drawn: the tray window is not all one colour.
	shot := artifact(t, "tray-icon.png")
	r := tw.Tray.rect()
	wintool(t, nil, "shot", shot, fmt.Sprint(r.Min.X), fmt.Sprint(r.Min.Y), fmt.Sprint(r.Dx()), fmt.Sprint(r.Dy()))
	if n := colours(t, shot); n < 3 {
		t.Errorf("the tray shows %d colours: no icon drawn (see %s)", n, shot)
	}

	// Its menu opens from the icon (the right click's message) as a
	// popup of the tray's own process, tall enough for its rows. Wine
	// keeps a menu's items inside the process that made it, so the log
	// and the screenshot are what show them.
	var menu struct {
		Popup window
		Items []any
	}
	wintool(t, &menu, "menu", pid, artifact(t, "tray-menu.png"))
	if fmt.Sprint(menu.Popup.PID) != pid || menu.Popup.H < 3*16 || menu.Popup.W < 100 {
		t.Errorf("the menu's popup %+v is not the tray's, or too small for its items", menu.Popup)
	}

	// Windows ends the session: the tray closes cleanly.
	const wmClose = 0x0010
	wintool(t, nil, "post", fmt.Sprint(tw.Icon.HWND), fmt.Sprint(wmClose))
	select {
	case err := <-a.done:
		a.done <- err
		if err != nil {
			t.Errorf("the tray exited with %v", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("the tray did not exit after its window was closed")
	}
	if log := a.logText(t); !strings.Contains(log, "msg=bye") || strings.Contains(log, "fatal error") {
		t.Errorf("the tray did not end cleanly:\n%s", log)
	}
}

// colours counts the distinct colours of a PNG file.
func colours(t *testing.T, path string) int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[[4]uint32]bool{}
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			r, g, b, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, b, a}] = true
		}
	}
	return len(seen)
}
