package tray

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/systray"
	"golang.org/x/sys/windows"

	"github.com/awsmfa-tray/awsmfa-tray/assets"
	"github.com/awsmfa-tray/awsmfa-tray/internal/wine"
	"github.com/awsmfa-tray/awsmfa-tray/internal/wintest"
)

// startSystray runs the real fyne.io/systray on its own OS thread, as the
// app does on its main one. systray runs once per process, so the first
// test that needs it starts it for the rest of the run.
func startSystray(t *testing.T) {
	t.Helper()
	systrayOnce.Do(func() {
		go func() {
			runtime.LockOSThread()
			systray.Run(func() {
				systray.SetIcon(assets.TrayIcon(assets.IconActive))
				systray.SetTooltip("awsmfa: notify test")
				close(systrayReady)
			}, nil)
		}()
	})
	select {
	case <-systrayReady:
	case <-time.After(30 * time.Second):
		t.Fatal("systray did not start")
	}
}

var (
	systrayOnce  sync.Once
	systrayReady = make(chan struct{})
)

// fakeCache points the cache folder (where the icon file goes) at a temp
// folder for this test, and restores the notifier's parts afterwards.
func fakeCache(t *testing.T) {
	t.Setenv("LOCALAPPDATA", t.TempDir())
	oldToasts, oldToast, oldBalloon, oldIcon := toastsWork, toast, balloon, notifyIcon
	notifyIcon = sync.OnceValues(writeNotifyIcon)
	t.Cleanup(func() { toastsWork, toast, balloon, notifyIcon = oldToasts, oldToast, oldBalloon, oldIcon })
}

// The expiry warning reaches the screen when toasts fail: it goes to the
// balloon on the tray's own icon, and the toast got a real icon file.
func TestNotifyFallsBackToTrayBalloon(t *testing.T) {
	fakeCache(t)
	if err := showBalloon("t", "b"); !errors.Is(err, errNoTrayIcon) {
		t.Errorf("balloon before the tray icon exists: %v, want %v", err, errNoTrayIcon)
	}
	startSystray(t)

	var icons []any
	var balloons []string
	toastsWork = func() bool { return true }
	toast = func(title, body string, icon any) error {
		icons = append(icons, icon)
		return errors.New("toasts: no WinRT here")
	}
	balloon = func(title, body string) error {
		balloons = append(balloons, title+"|"+body)
		return showBalloon(title, body)
	}
	before := tooltips()
	title, body := "myaccount: session expires in 10m", "Log in again from the tray menu to keep working."
	if err := (BeeepNotifier{}).Notify(title, body); err != nil {
		t.Fatalf("Notify with failing toasts: %v", err)
	}
	if len(icons) != 1 || len(balloons) != 1 || balloons[0] != title+"|"+body {
		t.Fatalf("toast tried %d times, balloon %q; want one each", len(icons), balloons)
	}
	path, _ := icons[0].(string)
	checkIconFile(t, path)

	// Wine's shell tray draws a balloon as a tooltip window of its own;
	// the balloon's text stays inside explorer.exe, so a screenshot shows
	// it to a person.
	if wine.Running() {
		w, err := wintest.WaitFor(30*time.Second, func(w wintest.Window) bool {
			return w.Visible && strings.EqualFold(w.Class, "tooltips_class32") && !before[w.HWND]
		})
		if err != nil {
			t.Fatalf("no balloon on the screen: %v", err)
		}
		if dir, err := wintest.Artifacts(); err == nil {
			if img, err := wintest.Screenshot(w.Rect.Union(trayRect())); err == nil {
				if err := wintest.SavePNG(filepath.Join(dir, "tray-balloon.png"), img); err != nil {
					t.Log(err)
				}
			}
		}
	}
}

// Toasts are used where WinRT has the toast classes, as on Windows 10 and
// later; wine 8.0 has none, so there the real notifier takes the balloon
// without touching WinRT. That a toast shows on real Windows only a
// person at the screen can see.
func TestNotifyUsesToastsOnlyWhereTheyWork(t *testing.T) {
	fakeCache(t)
	if got, want := detectToasts(), !wine.Running() && windows.RtlGetVersion().MajorVersion >= 10; got != want {
		t.Fatalf("toasts detected: %v, want %v (wine %q, Windows %d)", got, want, wine.Version(), windows.RtlGetVersion().MajorVersion)
	}
	if !wine.Running() {
		return
	}
	if windows.RtlGetVersion().MajorVersion < 10 {
		t.Fatalf("wine reports Windows %d; scripts/wine/prefix.sh sets Windows 10, the app's minimum", windows.RtlGetVersion().MajorVersion)
	}
	startSystray(t)
	var balloons int
	toast = func(string, string, any) error { t.Error("a toast was tried under wine"); return nil }
	balloon = func(title, body string) error { balloons++; return showBalloon(title, body) }
	if err := (BeeepNotifier{}).Notify("myaccount: session expired", "Log in again from the tray menu."); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	if balloons != 1 {
		t.Errorf("balloon shown %d times; want once", balloons)
	}
}

// Before Windows 10 the notice goes straight to the tray's balloon.
func TestNotifyBeforeWindows10UsesBalloon(t *testing.T) {
	fakeCache(t)
	toastsWork = func() bool { return false }
	var n int
	toast = func(string, string, any) error { t.Error("a toast was tried before Windows 10"); return nil }
	balloon = func(string, string) error { n++; return nil }
	if err := (BeeepNotifier{}).Notify("t", "b"); err != nil || n != 1 {
		t.Errorf("Notify: %v, %d balloons", err, n)
	}
}

// When the balloon fails too, Notify says why, both reasons.
func TestNotifyReportsBothFailures(t *testing.T) {
	fakeCache(t)
	toastsWork = func() bool { return true }
	toast = func(string, string, any) error { return errors.New("toast refused") }
	balloon = func(string, string) error { return errNoTrayIcon }
	err := (BeeepNotifier{}).Notify("t", "b")
	if err == nil || !strings.Contains(err.Error(), "toast refused") || !errors.Is(err, errNoTrayIcon) {
		t.Errorf("Notify: %v", err)
	}
}

func tooltips() map[windows.HWND]bool {
	m := map[windows.HWND]bool{}
	for _, w := range wintest.TopLevel() {
		if strings.EqualFold(w.Class, "tooltips_class32") && w.Visible {
			m[w.HWND] = true
		}
	}
	return m
}

// trayRect is where the shell's tray window is, for the screenshot.
func trayRect() (r image.Rectangle) {
	for _, w := range wintest.TopLevel() {
		if w.Visible && (w.Class == "Shell_TrayWnd" || w.Text == "Wine System Tray") {
			r = r.Union(w.Rect)
		}
	}
	return r
}

// checkIconFile: the notifier's icon is a PNG file of the app's icon.
func checkIconFile(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil || !filepath.IsAbs(path) {
		t.Fatalf("icon file %q: %v", path, err)
	}
	if !bytes.Equal(b, assets.AppPNG(128)) {
		t.Errorf("icon file %s is not the app's icon", path)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Errorf("icon file %s: %v", path, err)
	}
}
