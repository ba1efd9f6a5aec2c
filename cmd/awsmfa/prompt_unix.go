//go:build !windows

package main

import (
	"io"
	"os"
)

// openSystemTerminal opens the controlling terminal, so a prompt works even
// when stdin or stdout are redirected; failing that, stdin if it is one.
func openSystemTerminal(stdin io.Reader, stderr io.Writer) (terminal, error) {
	if f, err := os.OpenFile("/dev/tty", os.O_RDWR, 0); err == nil {
		return newFileTerminal(f, f, f.Close), nil
	}
	if t, ok := stdinTerminal(stdin, stderr); ok {
		return t, nil
	}
	return nil, errNoTerminal
}
