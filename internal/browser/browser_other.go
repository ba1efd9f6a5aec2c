//go:build !linux && !darwin && !windows

package browser

import (
	"fmt"
	"os"
	"os/exec"
)

// platformCommand is xdg-open on the other Unix systems too.
func platformCommand(rawURL string) ([]string, error) {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return nil, fmt.Errorf("%w: no graphical session (DISPLAY and WAYLAND_DISPLAY are unset)", ErrNoBrowser)
	}
	path, err := exec.LookPath("xdg-open")
	if err != nil {
		return nil, fmt.Errorf("%w: xdg-open is not installed", ErrNoBrowser)
	}
	return []string{path, rawURL}, nil
}

func detach(*exec.Cmd) {}
