package main

import (
	"io"
	"os"
)

// isTerminal reports whether w is a terminal (a character device other
// than the null device); a seam for tests.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(fi, null) {
		return false
	}
	return true
}

// colorStdout reports whether stdout gets colour: a terminal that can show
// it, and no NO_COLOR (https://no-color.org) or TERM=dumb.
func (a *app) colorStdout() bool {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" || !isTerminal(a.stdout) {
		return false
	}
	f, ok := a.stdout.(*os.File)
	return !ok || enableColor(f)
}
