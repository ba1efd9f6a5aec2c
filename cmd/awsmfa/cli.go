package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// Exit codes.
const (
	exitOK        = 0
	exitError     = 1
	exitUsage     = 2
	exitInterrupt = 130 // 128+SIGINT, what shells report for Ctrl-C
)

// Seams for tests: the core's wiring, the terminal and the display zone.
var (
	newManager   = func() *session.Manager { return session.New(session.Config{}) }
	openTerminal = openSystemTerminal
	displayZone  = func() *time.Location { return time.Local }
)

// app is one invocation's streams and lazily opened terminal.
type app struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer

	term    terminal
	termErr error
	opened  bool

	waitMu   sync.Mutex
	waitSaid map[string]bool // files the wait notice has named
}

// globals are the options valid before and after the command.
type globals struct {
	profile         string
	profileExplicit bool
}

// usageError is a mistake on the command line: exit 2 with a usage line.
type usageError struct {
	cmd string // command whose usage line to show; "" for the global one
	msg string
}

func (e *usageError) Error() string { return e.msg }

func usagef(cmd, format string, a ...any) error {
	return &usageError{cmd: cmd, msg: fmt.Sprintf(format, a...)}
}

// run is main without the process: it parses args, runs one command and
// returns the exit code. Ctrl-C (or SIGTERM) cancels the command cleanly.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return runContext(ctx, args, stdin, stdout, stderr)
}

// runContext is run under ctx; ctx being canceled counts as an interrupt.
func runContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	a.ctx = session.WithWaitNotice(ctx, a.sayWaiting)
	defer a.closeTerminal()
	return a.finish(a.dispatch(args))
}

// manager is the core for one command: its calls run under the command's
// context, so Ctrl-C ends their waits for a file, and a wait for a file
// that another program holds open is said on stderr.
func (a *app) manager() *session.Manager { return newManager().WithContext(a.ctx) }

// sayWaiting tells the person why nothing happens, once per file.
func (a *app) sayWaiting(path string) {
	a.waitMu.Lock()
	defer a.waitMu.Unlock()
	if a.waitSaid[path] {
		return
	}
	if a.waitSaid == nil {
		a.waitSaid = map[string]bool{}
	}
	a.waitSaid[path] = true
	fmt.Fprintf(a.stderr, "awsmfa: waiting for %s, which another program has open for writing\n", path)
}

// command is one subcommand.
type command struct {
	name    string
	summary string // one line for the command list, completion and the man page
	usage   string // the one-line usage shown on usage errors
	help    string // full --help text; testdata/help/*.golden holds it
	// flags are the options besides --profile and --help, for completion,
	// the man page and the test that the help text names each of them.
	flags []flagSpec
	// words are what the first argument may be (keychain's actions...).
	words  []string
	hidden bool // left out of help, completion and the man page
	run    func(a *app, g globals, args []string) error
}

// flagSpec is one option of a command.
type flagSpec struct {
	name   string    // long name, without dashes
	arg    string    // placeholder of its value; "" for a switch
	values valueKind // what completion offers as its value
}

// valueKind says what an option's value or an argument is, for completion.
type valueKind int

const (
	valueNone         valueKind = iota
	valueProfile                // an MFA profile
	valueSetupProfile           // any profile setup can work on
	valueShell                  // a shell name
)

var commands []*command

func init() {
	commands = []*command{loginCmd, logoutCmd, statusCmd, setupCmd, keychainCmd,
		envCmd, execCmd, ssoCmd, credProcessCmd, completionCmd, versionCmd, completeCmd}
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// helpRequest asks for a help text on stdout and exit 0.
type helpRequest struct{ cmd string }

func (h *helpRequest) Error() string { return "help requested" }

func (a *app) dispatch(args []string) error {
	g := globals{profile: ""}
	i := 0
	for i < len(args) {
		arg := args[i]
		if arg == "--" || !strings.HasPrefix(arg, "-") || arg == "-" {
			break
		}
		name, val, hasVal := splitFlag(arg)
		switch name {
		case "h", "help":
			return &helpRequest{}
		case "version":
			return versionCmd.run(a, g, nil)
		case "profile", "p":
			if !isProfileFlag(arg, name) {
				return usagef("", "unknown option %s", arg)
			}
			v, next, err := flagValue(args, i, "profile", val, hasVal, "")
			if err != nil {
				return err
			}
			if err := g.setProfile(v, ""); err != nil {
				return err
			}
			i = next
		default:
			return usagef("", "unknown option %s", arg)
		}
	}
	if i >= len(args) || args[i] == "--" {
		return usagef("", "no command given")
	}
	name := args[i]
	if name == "help" {
		if i+1 < len(args) && lookup(args[i+1]) != nil {
			return &helpRequest{cmd: args[i+1]}
		}
		return &helpRequest{}
	}
	c := lookup(name)
	if c == nil {
		return usagef("", "unknown command %q", name)
	}
	return c.run(a, g, args[i+1:])
}

func (g *globals) setProfile(v, cmd string) error {
	if v == "" {
		return usagef(cmd, "--profile needs a profile name")
	}
	if g.profileExplicit && g.profile != v {
		return usagef(cmd, "--profile given twice (%s and %s)", g.profile, v)
	}
	g.profile, g.profileExplicit = v, true
	return nil
}

// profileName is the profile to act on.
func (g globals) profileName() string {
	if g.profileExplicit {
		return g.profile
	}
	return session.DefaultProfile()
}

// finish prints err the way every command reports failure and returns the
// exit code.
func (a *app) finish(err error) int {
	if err == nil {
		return exitOK
	}
	var h *helpRequest
	if errors.As(err, &h) {
		fmt.Fprint(a.stdout, helpText(h.cmd))
		return exitOK
	}
	var ec *exitCode
	if errors.As(err, &ec) {
		if ec.msg != "" {
			fmt.Fprintf(a.stderr, "awsmfa: %s\n", oneLine(ec.msg))
		}
		return ec.code
	}
	var u *usageError
	if errors.As(err, &u) {
		fmt.Fprintf(a.stderr, "awsmfa: %s\n", oneLine(u.msg))
		fmt.Fprintf(a.stderr, "usage: %s\n", usageLine(u.cmd))
		fmt.Fprintf(a.stderr, "Run '%s --help' for more.\n", helpHint(u.cmd))
		return exitUsage
	}
	if a.ctx.Err() != nil {
		// Ctrl-C: whatever the core wrapped it in, the user canceled.
		fmt.Fprintln(a.stderr, "awsmfa: canceled")
		return exitInterrupt
	}
	if errors.Is(err, session.ErrCanceled) {
		fmt.Fprintln(a.stderr, "awsmfa: canceled")
		return exitError
	}
	fmt.Fprintf(a.stderr, "awsmfa: %s\n", oneLine(err.Error()))
	return exitError
}

// oneLine keeps an error on the single line scripts expect.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

func usageLine(cmd string) string {
	if c := lookup(cmd); c != nil {
		return c.usage
	}
	var names []string
	for _, c := range commands {
		if !c.hidden {
			names = append(names, c.name)
		}
	}
	return "awsmfa [--profile P] <" + strings.Join(names, "|") + "> [options]"
}

func helpHint(cmd string) string {
	if lookup(cmd) != nil {
		return "awsmfa " + cmd
	}
	return "awsmfa"
}
