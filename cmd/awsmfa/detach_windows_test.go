//go:build windows

package main

import (
	"os/exec"
	"syscall"
)

// detach starts cmd without a console, so the child cannot open CONIN$.
func detach(cmd *exec.Cmd) {
	const detachedProcess = 0x00000008
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: detachedProcess}
}
