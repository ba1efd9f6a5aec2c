package browser

import (
	"os/exec"
	"syscall"
)

// platformCommand is open(1), which hands the URL to the default browser.
func platformCommand(rawURL string) ([]string, error) {
	return []string{"/usr/bin/open", rawURL}, nil
}

func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }
