package browser

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// platformCommand is xdg-open, which needs a graphical session: without
// one (a text console, ssh without X forwarding) there is no browser to
// come back to the loopback address, and callers fall back.
func platformCommand(rawURL string) ([]string, error) {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return nil, fmt.Errorf("%w: no graphical session (DISPLAY and WAYLAND_DISPLAY are unset)", ErrNoBrowser)
	}
	path, err := exec.LookPath("xdg-open")
	if err != nil {
		return nil, fmt.Errorf("%w: xdg-open is not installed (package xdg-utils)", ErrNoBrowser)
	}
	return []string{path, rawURL}, nil
}

// detach starts the opener in its own process group, so a Ctrl-C meant
// for us does not reach the browser it starts.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }
