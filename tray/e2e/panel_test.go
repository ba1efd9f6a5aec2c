//go:build linux

package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// The tray as a person sees it: xfce4-panel hosting the StatusNotifierItem
// and dunst showing the notices, on our Xvfb and a bus of their own (the
// harness's bus has the test's own watcher and notification daemon). The
// pictures land in artifacts/panel-*.png for a person to judge; the test
// checks only that each step happened.

const panelXML = `<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="size" type="uint" value="30"/>
      <property name="plugin-ids" type="array">
        <value type="int" value="1"/>
        <value type="int" value="2"/>
      </property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="separator">
      <property name="expand" type="bool" value="true"/>
      <property name="style" type="uint" value="0"/>
    </property>
    <property name="plugin-2" type="string" value="systray">
      <property name="square-icons" type="bool" value="true"/>
    </property>
  </property>
</channel>
`

// startDesktopPart starts one program of the fake desktop with env, killed
// at the end of the test.
func startDesktopPart(t *testing.T, env []string, name string, args ...string) *syncBuffer {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = env
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		if t.Failed() {
			t.Logf("%s said:\n%s", filepath.Base(name), out.String())
		}
	})
	return out
}

func waitName(t *testing.T, conn *dbus.Conn, name string) {
	t.Helper()
	eventually(t, dialogWait, name+" on the desktop's bus", func() error {
		var owner string
		if err := conn.BusObject().Call("org.freedesktop.DBus.GetNameOwner", 0, name).Store(&owner); err != nil {
			return err
		}
		return nil
	})
}

// shotScreen saves the whole screen once it has changed from before (or
// after a short wait if before is nil), as artifacts/name.png, and the part
// that differs from base (before when base is nil) as name-crop.png.
func shotScreen(t *testing.T, name string, before *image.RGBA, base ...*image.RGBA) *image.RGBA {
	t.Helper()
	var img *image.RGBA
	err := poll(5*time.Second, func() error {
		var err error
		if img, err = x11Screenshot(harness.display, image.Rectangle{}); err != nil {
			return err
		}
		if before != nil && bytes.Equal(img.Pix, before.Pix) {
			return fmt.Errorf("the screen has not changed yet")
		}
		return nil
	})
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
	if img != nil {
		path := filepath.Join(harness.artifacts, name+".png")
		if err := savePNG(path, img); err != nil {
			t.Logf("screenshot: %v", err)
		} else {
			t.Logf("screenshot saved to %s", path)
		}
		// And the part that changed, with the panel above it: what a
		// person looks at.
		from := before
		if len(base) > 0 {
			from = base[0]
		}
		if from != nil {
			if r := changed(from, img); !r.Empty() {
				r = image.Rect(r.Min.X-8, 0, r.Max.X+8, r.Max.Y+8).Intersect(img.Bounds())
				if err := savePNG(filepath.Join(harness.artifacts, name+"-crop.png"), img.SubImage(r).(*image.RGBA)); err != nil {
					t.Logf("screenshot: %v", err)
				}
			}
		}
	}
	return img
}

// changed is the bounding box of the pixels that differ.
func changed(a, b *image.RGBA) image.Rectangle {
	var r image.Rectangle
	bd := a.Bounds().Intersect(b.Bounds())
	for y := bd.Min.Y; y < bd.Max.Y; y++ {
		for x := bd.Min.X; x < bd.Max.X; x++ {
			i, j := a.PixOffset(x, y), b.PixOffset(x, y)
			if !bytes.Equal(a.Pix[i:i+3], b.Pix[j:j+3]) {
				r = r.Union(image.Rect(x, y, x+1, y+1))
			}
		}
	}
	return r
}

// panelIcon finds where the panel draws our item: the rightmost part of the
// panel window at the top of the screen.
func panelIcon(t *testing.T) (x, y int) {
	t.Helper()
	var r image.Rectangle
	eventually(t, dialogWait, "the panel's window", func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		out, err := xdotool(ctx, "search", "--onlyvisible", "--class", "xfce4-panel")
		if err != nil {
			return err
		}
		for _, id := range strings.Fields(out) {
			if rr, err := windowRect(id); err == nil && rr.Dx() > 500 {
				r = rr
				return nil
			}
		}
		return fmt.Errorf("no panel-sized window among %q", out)
	})
	return r.Max.X - r.Dy()/2 - 2, r.Min.Y + r.Dy()/2
}

// needPanel skips (fails under CI=true) without the real panel's parts.
func needPanel(t *testing.T) {
	t.Helper()
	needHarness(t)
	if harness.trayErr != nil {
		t.Fatal(harness.trayErr)
	}
	xfconfd, _ := filepath.Glob("/usr/lib/*/xfce4/xfconf/xfconfd")
	for _, tool := range []string{"xfce4-panel", "dunst", "dbus-daemon"} {
		if _, err := exec.LookPath(tool); err != nil || len(xfconfd) == 0 {
			msg := "the panel screenshots need xfce4-panel, xfconf and dunst (apt-get install xfce4-panel dunst)"
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
}

// startDesktop starts xfconfd, xfce4-panel and dunst on a bus of their
// own, for the app's environment env in home, and returns a connection to
// that bus and env pointed at it.
func startDesktop(t *testing.T, home string, env []string) (*dbus.Conn, []string) {
	t.Helper()
	xfconfd, _ := filepath.Glob("/usr/lib/*/xfce4/xfconf/xfconfd")
	pb := startPrivateBus(t)
	conn, err := dbus.Connect(pb.addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	env = withBus(env, pb.addr)
	cfgDir := filepath.Join(home, ".config", "xfce4", "xfconf", "xfce-perchannel-xml")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfgDir, "xfce4-panel.xml"), []byte(panelXML), 0o600); err != nil {
		t.Fatal(err)
	}
	startDesktopPart(t, env, xfconfd[0])
	waitName(t, conn, "org.xfce.Xfconf")
	startDesktopPart(t, env, "xfce4-panel", "--disable-wm-check")
	waitName(t, conn, watcherName)
	startDesktopPart(t, env, "dunst")
	waitName(t, conn, notifierName)
	return conn, env
}

func TestTrayOnARealPanel(t *testing.T) {
	needPanel(t)
	w := newWorld(t)
	w.addProfile("prod", time.Now().Add(5*time.Hour+42*time.Minute))
	w.addProfile("old", time.Date(2020, 3, 1, 12, 0, 0, 0, time.UTC))
	// [keychain] on prod: its keys marked as moved.
	cred := bytes.Replace(w.credentials(), []byte("[prodPerm]\naws_access_key_id = "+w.user.AccessKeyID+"\naws_secret_access_key = "+w.user.SecretAccessKey+"\n"),
		[]byte("[prodPerm]\nawsmfa_keychain = true\n"), 1)
	if err := os.WriteFile(w.credPath, cred, 0o600); err != nil {
		t.Fatal(err)
	}
	conn, env := startDesktop(t, w.home, w.env())

	empty := shotScreen(t, "panel-empty", nil)
	a := startApp(t, harness.tray, env)
	eventually(t, menuWait, "the item drawn", func() error {
		look, err := readItem(conn, a.pid)
		if err != nil {
			return err
		}
		return look.drawn()
	})
	shotScreen(t, "panel-icon", empty)

	// Open the menu the way a person does: a click on the icon.
	x, y := panelIcon(t)
	closeNotices(t, conn)
	before, _ := x11Screenshot(harness.display, image.Rectangle{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := xdotool(ctx, "mousemove", strconv.Itoa(x), strconv.Itoa(y), "click", "1"); err != nil {
		t.Fatal(err)
	}
	shotScreen(t, "panel-menu", before)
	if _, err := xdotool(ctx, "key", "Escape"); err != nil {
		t.Fatal(err)
	}
	// The pointer left on the icon would bring up its tooltip, over
	// where dunst draws the notice.
	pointerAway(t)

	// A login from the menu, and dunst's notice of it.
	menu := &menuClient{obj: conn.Object(itemBusName(a.pid), menuPath)}
	var root menuItem
	eventually(t, menuWait, "Login myaccount in the menu", func() error {
		var err error
		if root, err = menu.Layout(); err != nil {
			return err
		}
		if _, ok := root.Find(exactly(loginLabel(profile))); !ok {
			return fmt.Errorf("not yet:\n%s", root)
		}
		return nil
	})
	li, _ := root.Find(exactly(loginLabel(profile)))
	if err := menu.Click(li.ID); err != nil {
		t.Fatal(err)
	}
	win := waitWindow(t, dialogTitle(w.lcAll))
	screenshot(t, win, "panel-login-dialog")
	before, _ = x11Screenshot(harness.display, image.Rectangle{})
	typeInto(t, win, w.code())
	w.waitSession(loginWait)
	// The screen changes when the dialog closes, before dunst draws: wait
	// for the notice itself, then check what the picture shows of it.
	nr := waitNoticeDrawn(t)
	shot := shotScreen(t, "panel-notice", before)
	if shot == nil {
		t.Fatal("no picture of the notice")
	}
	crop := shot.SubImage(nr.Inset(-8).Intersect(shot.Bounds())).(*image.RGBA)
	if n := colours(crop); n < minNoticeColours {
		t.Errorf("the notice in the picture has %d colours: it is not drawn (or is covered)", n)
	}
	if err := savePNG(filepath.Join(harness.artifacts, "panel-notice-crop.png"), crop); err != nil {
		t.Logf("screenshot: %v", err)
	}

	// Seven profiles: a submenu each. Open the menu and the first one.
	for _, n := range []string{"s1", "s2", "s10", "stage"} {
		w.addProfile(n, time.Time{})
	}
	eventually(t, menuWait, "the submenus", func() error {
		r, err := menu.Layout()
		if err != nil {
			return err
		}
		if it, ok := r.Find(prefixed("prod [keychain]" + dash(w.lcAll))); !ok || len(it.Children) == 0 {
			return fmt.Errorf("no submenu yet:\n%s", r)
		}
		return nil
	})
	// The logged-in notice would show beside the menu.
	closeNotices(t, conn)
	closed, _ := x11Screenshot(harness.display, image.Rectangle{})
	if _, err := xdotool(ctx, "mousemove", strconv.Itoa(x), strconv.Itoa(y), "click", "1"); err != nil {
		t.Fatal(err)
	}
	opened := shotScreen(t, "panel-menu-submenus", closed)
	// The first row sits just below the panel, under the pointer's x.
	if _, err := xdotool(ctx, "mousemove", strconv.Itoa(x-60), strconv.Itoa(y+32)); err != nil {
		t.Fatal(err)
	}
	// First the row lights up, then (after GTK's hover delay) the
	// submenu opens.
	var lit *image.RGBA
	eventually(t, dialogWait, "the row under the pointer lit", func() error {
		var err error
		if lit, err = x11Screenshot(harness.display, image.Rectangle{}); err != nil {
			return err
		}
		if bytes.Equal(lit.Pix, opened.Pix) {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	if _, err := xdotool(ctx, "key", "Right"); err != nil { // the keyboard's way in
		t.Fatal(err)
	}
	shotScreen(t, "panel-submenu-open", lit, closed)
	xdotool(ctx, "key", "Escape")
	xdotool(ctx, "key", "Escape")
}

// visibleWindows lists the visible windows xdotool finds with args
// (e.g. "--class", "Dunst"); none is not an error.
func visibleWindows(args ...string) ([]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := xdotool(ctx, append([]string{"search", "--onlyvisible"}, args...)...)
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.ExitCode() == 1 && strings.TrimSpace(out) == "" {
		return nil, nil // xdotool's "nothing found"
	}
	return strings.Fields(out), err
}

// pointerAway moves the pointer off the panel and waits until the
// panel's systray plugin shows nothing below the panel (its tooltip or its
// menu, both windows of the plugin's wrapper process), so neither covers
// what the next picture is of.
func pointerAway(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := xdotool(ctx, "mousemove", "20", "600"); err != nil {
		t.Fatal(err)
	}
	eventually(t, dialogWait, "the panel's tooltip and menu to close", func() error {
		ids, err := visibleWindows("--name", "^wrapper-2.0$")
		if err != nil {
			return err
		}
		for _, id := range ids {
			if r, err := windowRect(id); err == nil && r.Min.Y > 31 {
				return fmt.Errorf("window %s at %v is still shown", id, r)
			}
		}
		return nil
	})
}

// closeNotices has dunst close every notice it shows (its own
// NotificationCloseAll, what dunstctl close-all calls) and waits until no
// notice window is mapped, so a picture of the menu holds the menu alone.
func closeNotices(t *testing.T, conn *dbus.Conn) {
	t.Helper()
	if err := conn.Object(notifierName, "/org/freedesktop/Notifications").Call("org.dunstproject.cmd0.NotificationCloseAll", 0).Err; err != nil {
		t.Fatalf("dunst close-all: %v", err)
	}
	eventually(t, dialogWait, "dunst's notices to close", func() error {
		ids, err := visibleWindows("--class", "Dunst")
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			return fmt.Errorf("dunst still shows %v", ids)
		}
		return nil
	})
}

// waitNoticeDrawn waits until dunst's notice window is mapped and drawn
// (more than a frame and a background), and returns where it is.
func waitNoticeDrawn(t *testing.T) image.Rectangle {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), dialogWait)
	defer cancel()
	out, err := xdotool(ctx, "search", "--sync", "--onlyvisible", "--class", "Dunst")
	if err != nil {
		t.Fatalf("no dunst notice window within %v: %v", dialogWait, err)
	}
	ids := strings.Fields(out)
	var r image.Rectangle
	eventually(t, dialogWait, "dunst's notice drawn", func() error {
		if r, err = windowRect(ids[0]); err != nil {
			return err
		}
		img, err := x11Screenshot(harness.display, r)
		if err != nil {
			return err
		}
		if n := colours(img); n < minNoticeColours {
			return fmt.Errorf("%d colours in the notice window at %v", n, r)
		}
		return nil
	})
	return r
}

// minNoticeColours: a notice with its text drawn has many more (the
// anti-aliased glyphs); a blank or a plain box has one or two.
const minNoticeColours = 8

// colours counts the distinct RGB colours in img.
func colours(img *image.RGBA) int {
	seen := map[[3]uint8]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			i := img.PixOffset(x, y)
			seen[[3]uint8{img.Pix[i], img.Pix[i+1], img.Pix[i+2]}] = true
		}
	}
	return len(seen)
}
