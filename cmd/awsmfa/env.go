package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

var envCmd = &command{
	name:    "env",
	summary: "print the session of P as shell commands that set it",
	usage:   "awsmfa [--profile P] env [--shell SHELL] [--token-code N] [--duration D]",
	help:    envHelp,
	flags:   append([]flagSpec{{name: "shell", arg: "SHELL", values: valueShell}}, sessionFlagSpecs...),
	run:     runEnv,
}

// shells are the --shell names, each with the syntax it takes.
var shells = map[string]string{
	"sh": "sh", "bash": "sh", "zsh": "sh", "ksh": "sh", "dash": "sh", "ash": "sh", "mksh": "sh",
	"fish":       "fish",
	"powershell": "powershell", "pwsh": "powershell",
}

// shellNames are the names completion offers.
var shellNames = []string{"sh", "bash", "zsh", "fish", "powershell"}

func runEnv(a *app, g globals, args []string) error {
	var shell, code, duration string
	seen := map[string]bool{}
	f := cmdFlags{strs: map[string]*string{"shell": &shell}, seen: seen}
	sessionFlags(&f, &code, &duration)
	if _, err := f.parse("env", &g, args); err != nil {
		return err
	}
	sa, err := parseSessionArgs("env", code, duration, seen)
	if err != nil {
		return err
	}
	syntax, err := shellSyntax(shell, seen["shell"])
	if err != nil {
		return err
	}
	name := g.profileName()
	m := a.manager()
	c, err := a.sessionFor(m, name, sa)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(a.stdout)
	for _, v := range sessionVars(c) {
		out.WriteString(shellLine(syntax, v) + "\n")
	}
	if err := out.Flush(); err != nil {
		return err
	}
	if isTerminal(a.stdout) {
		fmt.Fprintf(a.stderr, "awsmfa: to set these in your shell: %s\n", loadHint(syntax, name))
	}
	return nil
}

// shellSyntax picks the syntax for --shell, else for $SHELL.
func shellSyntax(shell string, given bool) (string, error) {
	if given {
		if s, ok := shells[strings.ToLower(shell)]; ok {
			return s, nil
		}
		return "", usagef("env", "--shell: unknown shell %q: use sh (for bash, zsh, ksh and dash too), fish or powershell", shell)
	}
	env := os.Getenv("SHELL")
	if env == "" {
		if runtime.GOOS == "windows" {
			return "powershell", nil
		}
		return "sh", nil
	}
	base := strings.ToLower(strings.TrimSuffix(filepath.Base(env), ".exe"))
	if s, ok := shells[base]; ok {
		return s, nil
	}
	return "", usagef("env", "cannot tell the syntax of $SHELL (%s): pass --shell sh, fish or powershell", env)
}

// shellLine sets one variable in syntax, quoted so that the shell takes
// the value as it is.
func shellLine(syntax string, v envVar) string {
	switch syntax {
	case "fish":
		// In fish's single quotes only \ and ' are special.
		q := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v.value)
		return "set -gx " + v.name + " '" + q + "'"
	case "powershell":
		return "$Env:" + v.name + " = '" + strings.ReplaceAll(v.value, "'", "''") + "'"
	}
	return "export " + v.name + "='" + strings.ReplaceAll(v.value, "'", `'\''`) + "'"
}

func loadHint(syntax, profile string) string {
	p := session.ShellWord(profile)
	switch syntax {
	case "fish":
		return "awsmfa env --profile " + p + " | source"
	case "powershell":
		return "awsmfa env --profile " + p + " | Out-String | Invoke-Expression"
	}
	return `eval "$(awsmfa env --profile ` + p + `)"`
}
