//go:build linux

package e2e

import (
	"bufio"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	itemPath  = dbus.ObjectPath("/StatusNotifierItem")
	itemIface = "org.kde.StatusNotifierItem"
)

// pixmap is one entry of the IconPixmap property, a(iiay).
type pixmap struct {
	W, H int32
	Pix  []byte
}

// itemLook is what a panel reads from the item to draw it.
type itemLook struct {
	Icons   []pixmap
	Tooltip string // the tooltip's title part
}

// readItem reads IconPixmap and ToolTip of process pid's item on conn.
func readItem(conn *dbus.Conn, pid int) (itemLook, error) {
	var look itemLook
	obj := conn.Object(itemBusName(pid), itemPath)
	v, err := obj.GetProperty(itemIface + ".IconPixmap")
	if err != nil {
		return look, fmt.Errorf("IconPixmap: %w", err)
	}
	if err := dbus.Store([]interface{}{v.Value()}, &look.Icons); err != nil {
		return look, fmt.Errorf("IconPixmap is %s: %w", v.Signature(), err)
	}
	v, err = obj.GetProperty(itemIface + ".ToolTip")
	if err != nil {
		return look, fmt.Errorf("ToolTip: %w", err)
	}
	var tip struct {
		Name  string
		Icons []pixmap
		Title string
		Text  string
	}
	if err := dbus.Store([]interface{}{v.Value()}, &tip); err != nil {
		return look, fmt.Errorf("ToolTip is %s: %w", v.Signature(), err)
	}
	look.Tooltip = tip.Title
	return look, nil
}

// drawn reports whether look has a real icon and a tooltip.
func (l itemLook) drawn() error {
	if len(l.Icons) == 0 || l.Icons[0].W == 0 || l.Icons[0].H == 0 ||
		len(l.Icons[0].Pix) != int(l.Icons[0].W*l.Icons[0].H*4) {
		var sizes []string
		for _, p := range l.Icons {
			sizes = append(sizes, fmt.Sprintf("%dx%d/%d bytes", p.W, p.H, len(p.Pix)))
		}
		return fmt.Errorf("IconPixmap is [%s], want a non-empty ARGB image", strings.Join(sizes, " "))
	}
	if !strings.HasPrefix(l.Tooltip, "awsmfa: ") {
		return fmt.Errorf("ToolTip title is %q, want the summary", l.Tooltip)
	}
	return nil
}

// Issue 12, item 1: the first icon and tooltip always arrive. The race was
// in systray's start-up (an icon set while it exported its properties was
// lost), so the test starts the real app many times and reads the
// properties a panel draws, each time.
func TestTrayIconArrivesEveryStart(t *testing.T) {
	needHarness(t)
	if harness.trayErr != nil {
		t.Fatal(harness.trayErr)
	}
	const starts = 30
	w := newWorld(t)
	for i := range starts {
		// Half the starts on one thread: the scheduling differs, and
		// with it the moment the first icon is set.
		env := w.env()
		if i%2 == 1 {
			env = append(env, "GOMAXPROCS=1")
		}
		a := startApp(t, harness.tray, env)
		var look itemLook
		err := poll(menuWait, func() error {
			if a.exited() {
				return fmt.Errorf("the app exited: %v", a.err)
			}
			var err error
			if look, err = readItem(harness.bus.conn, a.pid); err != nil {
				return err
			}
			return look.drawn()
		})
		if err != nil {
			t.Fatalf("start %d of %d: the icon never arrived within %v: %v", i+1, starts, menuWait, err)
		}
		a.stop()
	}
}

// privateBus is a dbus-daemon of the test's own, with nothing on it: no
// StatusNotifierWatcher until the test provides one.
type privateBus struct {
	addr string
	cmd  *exec.Cmd
}

func startPrivateBus(t *testing.T) *privateBus {
	t.Helper()
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dbus-daemon: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case addr := <-line:
		if addr == "" {
			t.Fatal("dbus-daemon printed no address")
		}
		return &privateBus{addr: addr, cmd: cmd}
	case <-time.After(menuWait):
		t.Fatal("dbus-daemon printed no address within", menuWait)
	}
	return nil
}

// withBus is env with the session bus replaced.
func withBus(env []string, addr string) []string {
	out := make([]string, 0, len(env))
	for _, kv := range env {
		if !strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") {
			out = append(out, kv)
		}
	}
	return append(out, "DBUS_SESSION_BUS_ADDRESS="+addr)
}

// A panel that starts after the app (a desktop's tray often does) gets the
// item registered and reads a drawn icon and tooltip.
func TestTrayRegistersWithALateWatcher(t *testing.T) {
	needHarness(t)
	if harness.trayErr != nil {
		t.Fatal(harness.trayErr)
	}
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		t.Fatal("dbus-daemon not on PATH (apt-get install dbus)")
	}
	w := newWorld(t)
	pb := startPrivateBus(t)
	conn, err := dbus.Connect(pb.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	a := startApp(t, harness.tray, withBus(w.env(), pb.addr))
	// The app serves its item with no watcher on the bus.
	eventually(t, menuWait, "the item served without a watcher", func() error {
		if a.exited() {
			return fmt.Errorf("the app exited: %v", a.err)
		}
		look, err := readItem(conn, a.pid)
		if err != nil {
			return err
		}
		return look.drawn()
	})

	late := &testBus{conn: conn}
	if err := late.exportWatcher(); err != nil {
		t.Fatal(err)
	}
	eventually(t, menuWait, "the app registers with the late watcher", func() error {
		for _, r := range late.registrations() {
			if r.Service == string(itemPath) {
				return nil
			}
		}
		return fmt.Errorf("registrations: %+v", late.registrations())
	})
	look, err := readItem(conn, a.pid)
	if err != nil {
		t.Fatal(err)
	}
	if err := look.drawn(); err != nil {
		t.Fatalf("after registering with the late watcher: %v", err)
	}
}

// registrations returns every registration this bus's watcher took.
func (b *testBus) registrations() []registration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]registration(nil), b.items...)
}
