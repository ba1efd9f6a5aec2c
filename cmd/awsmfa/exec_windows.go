package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
)

// runCommandOS runs the command and exits with its status. Windows has no
// exec: the command shares the console, so Ctrl-C reaches it directly, and
// awsmfa ignores Ctrl-C meanwhile so that it waits for the command's end.
func runCommandOS(a *app, path string, argv, env []string) error {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Args = argv
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	signal.Ignore(os.Interrupt)
	defer signal.Reset(os.Interrupt)
	if err := cmd.Start(); err != nil {
		return &exitCode{126, fmt.Sprintf("cannot run %s: %v", argv[0], err)}
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return &exitCode{code: ee.ExitCode()}
	case err != nil:
		return &exitCode{1, fmt.Sprintf("%s: %v", argv[0], err)}
	}
	return nil
}
