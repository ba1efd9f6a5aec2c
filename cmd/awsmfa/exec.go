package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
)

var execCmd = &command{
	name:    "exec",
	summary: "run a command with the session of P in its environment",
	usage:   "awsmfa [--profile P] exec [--token-code N] [--duration D] [-- COMMAND...]",
	help:    execHelp,
	flags:   sessionFlagSpecs,
	run:     runExec,
}

// exitCode ends awsmfa with a code and no message of its own: the exit
// status of exec's command, or a shell's 126 and 127.
type exitCode struct {
	code int
	msg  string // printed as an error when set
}

func (e *exitCode) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// runCommand replaces awsmfa with the command (Unix) or runs it and passes
// its exit status on (Windows); a seam for the in-process tests.
var runCommand = runCommandOS

func runExec(a *app, g globals, args []string) error {
	var code, duration string
	seen := map[string]bool{}
	f := cmdFlags{passthrough: true, stopAtArg: true, seen: seen}
	sessionFlags(&f, &code, &duration)
	argv, err := f.parse("exec", &g, args)
	if err != nil {
		return err
	}
	sa, err := parseSessionArgs("exec", code, duration, seen)
	if err != nil {
		return err
	}
	if len(argv) == 0 {
		argv = []string{defaultShell()}
	}
	// Find the command before spending an MFA code on it.
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return commandNotFound(argv[0], err)
	}
	m := a.manager()
	c, err := a.sessionFor(m, g.profileName(), sa)
	if err != nil {
		return err
	}
	a.closeTerminal()
	return runCommand(a, path, argv, execEnv(os.Environ(), c))
}

// defaultShell is what exec runs without a command: the user's shell.
func defaultShell() string {
	if s := os.Getenv("SHELL"); s != "" {
		return s
	}
	if runtime.GOOS == "windows" {
		if s := os.Getenv("COMSPEC"); s != "" {
			return s
		}
		return "cmd.exe"
	}
	return "/bin/sh"
}

// commandNotFound exits as a shell would: 127 for a command that is not
// there, 126 for one that cannot run.
func commandNotFound(name string, err error) error {
	if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
		return &exitCode{127, fmt.Sprintf("command not found: %s: check its name, or your PATH", name)}
	}
	return &exitCode{126, fmt.Sprintf("cannot run %s: make it an executable file", name)}
}
