package autostart

import (
	"errors"
	"strings"
)

// The Windows Run value. The command-line helpers are pure and compiled on
// every system so that their tests run everywhere.

// runKeyPath is the Run key under HKEY_CURRENT_USER.
const runKeyPath = `Software\Microsoft\Windows\CurrentVersion\Run`

// runApprovedKeyPath is where Explorer and Task Manager record that the user
// turned a Run entry off, without deleting it.
const runApprovedKeyPath = `Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run`

// runValueName is the name of our value under the Run key.
const runValueName = appName

// quoteRunCommand quotes exe so that a path with spaces is not split.
func quoteRunCommand(exe string) (string, error) {
	if strings.ContainsAny(exe, "\"\x00") {
		return "", errors.New("autostart: binary path holds a quote")
	}
	return `"` + exe + `"`, nil
}

// parseRunCommand returns the program of a Run command line, quoted or not.
func parseRunCommand(cmd string) string {
	cmd = strings.TrimSpace(cmd)
	if rest, ok := strings.CutPrefix(cmd, `"`); ok {
		prog, _, _ := strings.Cut(rest, `"`)
		return prog
	}
	// Unquoted: Windows itself guesses; an .exe suffix is the best hint.
	if i := strings.Index(strings.ToLower(cmd), ".exe"); i >= 0 {
		return cmd[:i+len(".exe")]
	}
	prog, _, _ := strings.Cut(cmd, " ")
	return prog
}

// approvedDisabled reads a StartupApproved value: its first byte is even when
// the entry is enabled (02, 06) and odd when the user disabled it (03, 07).
func approvedDisabled(data []byte) bool {
	return len(data) > 0 && data[0]&1 == 1
}
