package main

import (
	"fmt"
	"io"
	"os"

	"github.com/awsmfa-tray/awsmfa-tray/tray"
)

// runAutostart handles --autostart on|off|status for scripts and
// installers.
func runAutostart(m tray.Autostart, what string, stdout, stderr io.Writer) int {
	switch what {
	case "on":
		exe, err := os.Executable()
		if err != nil {
			fmt.Fprintln(stderr, "awsmfa-tray: cannot find our own binary:", err)
			return 1
		}
		if err := m.Enable(exe); err != nil {
			fmt.Fprintln(stderr, "awsmfa-tray: start at login:", err)
			return 1
		}
	case "off":
		if err := m.Disable(); err != nil {
			fmt.Fprintln(stderr, "awsmfa-tray: start at login:", err)
			return 1
		}
	}
	st, err := m.Status()
	if err != nil {
		fmt.Fprintln(stderr, "awsmfa-tray: start at login:", err)
		return 1
	}
	printAutostart(stdout, st.Enabled, st.Stale, st.Path, st.Target)
	return 0
}

func printAutostart(w io.Writer, enabled, stale bool, path, target string) {
	if !enabled {
		fmt.Fprintln(w, "Start at login: off")
		return
	}
	fmt.Fprintln(w, "Start at login: on")
	fmt.Fprintln(w, "Entry:", path)
	fmt.Fprintln(w, "Starts:", target)
	if stale {
		fmt.Fprintln(w, "Warning: the entry points to a binary that is missing or is not this one; run awsmfa-tray --autostart on to fix it.")
	}
}
