package autostart

import (
	"bufio"
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The XDG autostart entry. It is pure and compiled on every system so
// that its tests run everywhere; autostart_linux.go wires it up.

//go:embed awsmfa-tray.desktop.tmpl
var desktopTmplText string

// xdgAutostartPath is $XDG_CONFIG_HOME/autostart/awsmfa-tray.desktop, with
// ~/.config when XDG_CONFIG_HOME is unset or relative (the spec says to
// ignore relative values).
func xdgAutostartPath() (string, error) {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("find autostart folder: %w", err)
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart", appName+".desktop"), nil
}

// renderDesktop returns the autostart entry that launches exe.
func renderDesktop(exe string) ([]byte, error) {
	execValue, err := desktopExec(exe)
	if err != nil {
		return nil, err
	}
	if strings.Contains(exe, "%") {
		// GLib (GNOME's session) checks that the program exists before it
		// expands %%, so it rejects a spec-correct "/a/100%%/b". Through
		// env, the program is env and the path is an argument, expanded.
		execValue = "env " + execValue
	}
	// Plain replacement, not text/template: the template package alone
	// would add about 300 KB to the tray's binary (and so to its memory).
	return []byte(strings.NewReplacer("{{.Exec}}", execValue, "{{.Icon}}", appName).Replace(desktopTmplText)), nil
}

// execReserved are the characters that force quoting of an Exec argument
// (Desktop Entry spec, "The Exec key").
const execReserved = " \t\n\"'\\><~|&;$*?#()`"

// desktopExec encodes one program path as an Exec value. Two layers apply:
// first the Exec quoting rule (double quotes, with " ` $ \ escaped by a
// backslash, and % doubled), then the general string-value rule, which
// escapes every backslash again. So a literal backslash ends up as four.
func desktopExec(arg string) (string, error) {
	if !utf8.ValidString(arg) {
		return "", errors.New("autostart: binary path is not valid UTF-8")
	}
	for _, r := range arg {
		if unicode.IsControl(r) {
			return "", errors.New("autostart: binary path holds a control character")
		}
	}
	quote := strings.ContainsAny(arg, execReserved)
	var q strings.Builder
	if quote {
		q.WriteByte('"')
	}
	for _, r := range arg {
		switch r {
		case '"', '`', '$', '\\':
			q.WriteByte('\\') // always quoted here: all four are reserved
		case '%':
			q.WriteByte('%')
		}
		q.WriteRune(r)
	}
	if quote {
		q.WriteByte('"')
	}
	return strings.ReplaceAll(q.String(), `\`, `\\`), nil
}

// parseDesktopExec returns the program an Exec value runs, undoing
// renderDesktop: the first argument, or the one after "env" and its
// NAME=value arguments. It is lenient about escapes it does not know.
func parseDesktopExec(value string) (string, error) {
	args, err := splitDesktopExec(value)
	if err != nil {
		return "", err
	}
	if len(args) > 1 && (args[0] == "env" || args[0] == "/usr/bin/env") {
		args = args[1:]
		for len(args) > 1 && strings.Contains(args[0], "=") {
			args = args[1:]
		}
	}
	if len(args) == 0 || args[0] == "" {
		return "", errors.New("autostart: empty Exec")
	}
	return args[0], nil
}

// splitDesktopExec splits an Exec value into arguments, with the string
// escapes, the quoting and %% undone. Other field codes are kept as they are.
func splitDesktopExec(value string) ([]string, error) {
	s := unescapeDesktopString(value)
	var args []string
	for {
		s = strings.TrimLeft(s, " ")
		if s == "" {
			return args, nil
		}
		var b strings.Builder
		if s[0] == '"' {
			closed := false
			i := 1
			for ; i < len(s); i++ {
				c := s[i]
				if c == '\\' && i+1 < len(s) && strings.IndexByte("\"`$\\", s[i+1]) >= 0 {
					i++
					b.WriteByte(s[i])
					continue
				}
				if c == '"' {
					closed = true
					break
				}
				b.WriteByte(c)
			}
			if !closed {
				return nil, errors.New("autostart: unterminated quote in Exec")
			}
			s = s[i+1:]
		} else {
			arg, rest, _ := strings.Cut(s, " ")
			b.WriteString(arg)
			s = rest
		}
		args = append(args, strings.ReplaceAll(b.String(), "%%", "%"))
	}
}

// unescapeDesktopString applies the general string-value escapes.
func unescapeDesktopString(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] != '\\' || i+1 == len(v) {
			b.WriteByte(v[i])
			continue
		}
		i++
		switch v[i] {
		case 's':
			b.WriteByte(' ')
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '\\':
			b.WriteByte('\\')
		default:
			b.WriteByte('\\')
			b.WriteByte(v[i])
		}
	}
	return b.String()
}

// parseDesktop reads the target and the enabled state of an entry. An entry
// turned off by a session manager (Hidden=true, or GNOME's
// X-GNOME-Autostart-enabled=false) counts as disabled.
func parseDesktop(data []byte) (target string, enabled bool) {
	enabled = true
	inEntry := false
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") {
			inEntry = line == "[Desktop Entry]"
			continue
		}
		if !inEntry {
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch key {
		case "Exec":
			if prog, err := parseDesktopExec(val); err == nil {
				target = prog
			}
		case "Hidden":
			if val == "true" {
				enabled = false
			}
		case "X-GNOME-Autostart-enabled":
			if val == "false" {
				enabled = false
			}
		}
	}
	return target, enabled
}
