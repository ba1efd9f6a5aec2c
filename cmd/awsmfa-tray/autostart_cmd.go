package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

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
		if why := transientBinary(exe); why != "" {
			fmt.Fprintln(stderr, "awsmfa-tray:", why)
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

var goRunBinary = regexp.MustCompile(`/go-build\d+/[^/]+/exe/[^/]+$`)

// transientBinary says why exe must not start at login: `go run` builds
// into a temp folder (…/go-build…/b001/exe/awsmfa-tray) that is gone once
// it exits. "" when exe is fine.
func transientBinary(exe string) string {
	if goRunBinary.MatchString(strings.ReplaceAll(exe, `\`, "/")) {
		return "Start at login needs an installed awsmfa-tray: this one was built by go run into a temp folder that goes away (" +
			exe + "). Install it (go install ./cmd/awsmfa-tray, or a package) and run that."
	}
	return ""
}
