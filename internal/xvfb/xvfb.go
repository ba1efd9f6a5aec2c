//go:build linux

// Package xvfb starts a private X server (Xvfb) for the tests that show
// real windows: zenity's dialogs, the tray on a panel. Only tests import
// it.
//
// Xvfb -displayfd picks the lowest display whose lock file it can create,
// and on a machine shared by many test runs lock files go missing (a
// server that shared a number removes the lock when it exits), so two
// servers could end up answering one number and a test type into another
// run's window. Start picks a number of its own far above those, makes
// sure nothing listens there, starts Xvfb on it (which refuses loudly if
// the number is taken after all), and checks that the server answering is
// the one it started before handing out the display.
package xvfb

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// Server is one running Xvfb.
type Server struct {
	Display string // ":N"
	cmd     *exec.Cmd
	done    chan error
}

// Start starts Xvfb with a width x height x 24 screen and extra
// arguments. The server dies with the test process.
func Start(width, height int, extra ...string) (*Server, error) {
	var last error
	for range 40 {
		n := 200 + rand.IntN(700)
		if inUse(n) {
			continue
		}
		s, err := try(n, width, height, extra)
		if err == nil {
			return s, nil
		}
		last = err
	}
	return nil, fmt.Errorf("no free X display for Xvfb: %w", last)
}

// inUse: a socket, abstract or in /tmp/.X11-unix, or a lock file for n.
func inUse(n int) bool {
	name := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
	for _, p := range []string{name, fmt.Sprintf("/tmp/.X%d-lock", n)} {
		if _, err := os.Lstat(p); err == nil {
			return true
		}
	}
	sockets, err := os.ReadFile("/proc/net/unix")
	return err == nil && strings.Contains(string(sockets), "@"+name+"\n")
}

func try(n, width, height int, extra []string) (*Server, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	display := fmt.Sprintf(":%d", n)
	// -noreset: without it Xvfb resets whenever its last client leaves,
	// and a client connecting during the reset fails. That was zenity
	// exiting 1 ("cannot open display") right after the previous dialog
	// closed: a Return read as Cancel, a window never found.
	args := append([]string{display, "-displayfd", "3", "-nolisten", "tcp", "-noreset", "-screen", "0", fmt.Sprintf("%dx%dx24", width, height)}, extra...)
	cmd := exec.Command("Xvfb", args...)
	cmd.ExtraFiles = []*os.File{w}
	// Dies with us even when a -timeout panic skips the test's cleanup.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("start Xvfb: %w", err)
	}
	w.Close()
	s := &Server{Display: display, cmd: cmd, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()

	ready := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		ready <- strings.TrimSpace(line)
	}()
	select {
	case got := <-ready:
		if got != fmt.Sprint(n) {
			s.Stop()
			return nil, fmt.Errorf("Xvfb %s said display %q: %s", display, got, stderr.String())
		}
	case err := <-s.done:
		s.done <- err
		return nil, fmt.Errorf("Xvfb %s exited: %v: %s", display, err, strings.TrimSpace(stderr.String()))
	case <-time.After(30 * time.Second):
		s.Stop()
		return nil, fmt.Errorf("Xvfb %s not ready within 30s", display)
	}
	// The server that answers is ours: it has our screen.
	cmd2 := exec.Command("xdotool", "getdisplaygeometry")
	cmd2.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd2.Output()
	if want := fmt.Sprintf("%d %d", width, height); err != nil || strings.TrimSpace(string(out)) != want {
		s.Stop()
		return nil, fmt.Errorf("display %s answers %q (%v), not our %s screen", display, out, err, want)
	}
	return s, nil
}

// Stop kills the server and waits for it.
func (s *Server) Stop() {
	s.cmd.Process.Kill()
	err := <-s.done
	s.done <- err
}
