package main

import (
	"os"
	"strconv"
)

// defaultWidth is the width of output that goes to no terminal and has
// no COLUMNS: the classic terminal's, which a pasted report also fits.
const defaultWidth = 80

// stdoutWidth is how many columns a line on stdout may take without
// wrapping: COLUMNS when it is set (the shell's word, and the user's
// override), else the terminal's own width, else defaultWidth.
func (a *app) stdoutWidth() int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	if f, ok := a.stdout.(*os.File); ok && isTerminal(a.stdout) {
		if n := terminalWidth(f); n > 0 {
			return n
		}
	}
	return defaultWidth
}
