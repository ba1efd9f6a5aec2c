//go:build !windows

package main

import (
	"fmt"
	"syscall"
)

// runCommandOS becomes the command, as aws-vault does: same process, so
// its exit status and every signal (Ctrl-C, SIGTERM, SIGHUP, a stopped
// job) are the command's own, with nothing in between to forward them.
func runCommandOS(a *app, path string, argv, env []string) error {
	err := syscall.Exec(path, argv, env)
	return &exitCode{126, fmt.Sprintf("cannot run %s: %v", argv[0], err)}
}
