//go:build windows

package main

import (
	"io"
	"os"
)

// openSystemTerminal opens the console, so a prompt works even when stdin or
// stdout are redirected; failing that, stdin if it is a character device.
func openSystemTerminal(stdin io.Reader, stderr io.Writer) (terminal, error) {
	in, err := os.OpenFile("CONIN$", os.O_RDWR, 0)
	if err == nil {
		out, err := os.OpenFile("CONOUT$", os.O_RDWR, 0)
		if err == nil {
			return newFileTerminal(in, out, func() error {
				out.Close()
				return in.Close()
			}), nil
		}
		in.Close()
	}
	if t, ok := stdinTerminal(stdin, stderr); ok {
		return t, nil
	}
	return nil, errNoTerminal
}
