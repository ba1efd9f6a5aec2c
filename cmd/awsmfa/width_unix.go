//go:build !windows

package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// terminalWidth asks the kernel for the terminal's columns, or is 0.
func terminalWidth(f *os.File) int {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0
	}
	return int(ws.Col)
}
