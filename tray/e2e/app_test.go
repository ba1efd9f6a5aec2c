//go:build linux

package e2e

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// menuWait bounds how long the menu may take to show a change.
const menuWait = 10 * time.Second

// app is one running tray process (the real awsmfa-tray or minitray).
type app struct {
	t    *testing.T
	cmd  *exec.Cmd
	pid  int
	out  *syncBuffer
	done chan struct{} // closed when the process has exited
	err  error         // Wait's result, valid after done
	menu *menuClient
}

// baseEnv is a minimal environment for a child: nothing of the developer's
// own HOME, AWS or desktop settings leaks in.
func baseEnv(home string) []string {
	runtime := filepath.Join(home, ".run")
	os.MkdirAll(runtime, 0o700)
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"XDG_RUNTIME_DIR=" + runtime,
		"DISPLAY=" + harness.display,
		"DBUS_SESSION_BUS_ADDRESS=" + os.Getenv("DBUS_SESSION_BUS_ADDRESS"),
		"NO_AT_BRIDGE=1",
		"LC_ALL=C.UTF-8",
		"TZ=Europe/Berlin", // a non-UTC zone catches local-vs-UTC expiry bugs
	}
}

// startApp starts bin with env and args.
func startApp(t *testing.T, bin string, env []string, args ...string) *app {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	// Its own group, so stop reaches its zenity children; killed with us
	// if a -timeout panic skips the cleanup.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	a := &app{t: t, cmd: cmd, pid: cmd.Process.Pid, out: out, done: make(chan struct{})}
	a.menu = newMenuClient(harness.bus, a.pid)
	go func() {
		a.err = cmd.Wait()
		close(a.done)
	}()
	t.Cleanup(func() {
		var open []dialog
		if t.Failed() {
			open = a.dialogs()
		}
		a.stop()
		if t.Failed() {
			t.Logf("output of %s (pid %d), with these dialogs open at the failure: %v\n%s", filepath.Base(bin), a.pid, open, out.String())
			if log := appLog(env); log != "" {
				t.Logf("its log file:\n%s", log)
			}
		}
	})
	return a
}

// appLog is the app's log file under env's XDG_CACHE_HOME (it never
// holds a secret), for a failed test's report.
func appLog(env []string) string {
	for _, kv := range env {
		if dir, ok := strings.CutPrefix(kv, "XDG_CACHE_HOME="); ok {
			b, _ := os.ReadFile(filepath.Join(dir, "awsmfa-tray", "awsmfa-tray.log"))
			return string(b)
		}
	}
	return ""
}

// stop ends the app and everything in its process group: SIGTERM first,
// SIGKILL if it lingers.
func (a *app) stop() {
	select {
	case <-a.done:
	default:
		syscall.Kill(-a.pid, syscall.SIGTERM)
		select {
		case <-a.done:
		case <-time.After(5 * time.Second):
			syscall.Kill(-a.pid, syscall.SIGKILL)
			<-a.done
		}
	}
	// Leftover children (a zenity dialog) share the group.
	syscall.Kill(-a.pid, syscall.SIGKILL)
}

// exited reports whether the app has exited.
func (a *app) exited() bool {
	select {
	case <-a.done:
		return true
	default:
		return false
	}
}

// Layout reads the menu, failing the test if it cannot within menuWait.
func (a *app) Layout() menuItem {
	a.t.Helper()
	var root menuItem
	eventually(a.t, menuWait, "reading the menu", func() error {
		if a.exited() {
			return fmt.Errorf("the app exited: %v", a.err)
		}
		var err error
		root, err = a.menu.Layout()
		return err
	})
	return root
}

// WaitItem waits until a visible item whose label matches appears, and
// returns it.
func (a *app) WaitItem(what string, match func(string) bool) menuItem {
	a.t.Helper()
	var found menuItem
	var last menuItem
	err := poll(menuWait, func() error {
		if a.exited() {
			return fmt.Errorf("the app exited: %v", a.err)
		}
		root, err := a.menu.Layout()
		if err != nil {
			return err
		}
		last = root
		var ok bool
		if found, ok = root.Find(match); !ok {
			return errors.New("no such item")
		}
		return nil
	})
	if err != nil {
		a.t.Fatalf("menu item %s: not there within %v: %v; the menu was:\n%s", what, menuWait, err, last)
	}
	return found
}

// Click waits for the item and clicks it.
func (a *app) Click(what string, match func(string) bool) {
	a.t.Helper()
	it := a.WaitItem(what, match)
	if err := a.menu.Click(it.ID); err != nil {
		a.t.Fatalf("click %s: %v", what, err)
	}
}

// descendants lists the pids below a.pid.
func (a *app) descendants() []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command name may hold spaces; fields after the last ')' are
		// state and ppid.
		s := string(stat)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		children[ppid] = append(children[ppid], pid)
	}
	var out []int
	queue := []int{a.pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

// dialog is one zenity process the app runs.
type dialog struct {
	PID  int
	Args string // its arguments joined by spaces: they show what it says
}

// dialogs returns the zenity processes the app is running now. Their
// arguments show what a dialog says, which xdotool cannot read. (X window
// ids cannot tell two dialogs apart: Xvfb hands a new client the id range
// of the one that just left.)
func (a *app) dialogs() []dialog {
	var out []dialog
	for _, pid := range a.descendants() {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			continue
		}
		args := strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
		if filepath.Base(args[0]) == "zenity" {
			out = append(out, dialog{PID: pid, Args: strings.Join(args[1:], " ")})
		}
	}
	return out
}

// waitDialog waits until the app runs exactly one zenity dialog, other than
// the ones in skip, and returns it together with its window.
func (a *app) waitDialog(title string, skip ...dialog) (dialog, string) {
	a.t.Helper()
	var d dialog
	eventually(a.t, dialogWait, "a new dialog", func() error {
		ds := a.dialogs()
		for _, old := range skip {
			for _, x := range ds {
				if x.PID == old.PID {
					return fmt.Errorf("the previous dialog (pid %d) is still open", old.PID)
				}
			}
		}
		if len(ds) != 1 {
			return fmt.Errorf("%d zenity processes, want 1: %v", len(ds), ds)
		}
		d = ds[0]
		return nil
	})
	return d, findWindow(a.t, title, d.PID)
}

// waitNoDialog waits until the app runs no zenity process.
func (a *app) waitNoDialog() {
	a.t.Helper()
	eventually(a.t, dialogWait, "the dialog to end", func() error {
		if d := a.dialogs(); len(d) > 0 {
			return fmt.Errorf("still running: %v", d)
		}
		return nil
	})
}
