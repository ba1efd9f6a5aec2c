package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

var loginCmd = &command{
	name:    "login",
	summary: "get a session with an MFA code and write it into [P]",
	usage:   "awsmfa [--profile P] login [--token-code N] [--duration D] [--force]",
	help:    loginHelp,
	flags:   []flagSpec{{name: "token-code", arg: "N"}, {name: "duration", arg: "D"}, {name: "force"}},
	run:     runLogin,
}

// loginArgs is what the login command line asks for.
type loginArgs struct {
	tokenCode string
	duration  time.Duration
	force     bool
}

func parseLogin(g *globals, args []string) (loginArgs, error) {
	var (
		la       loginArgs
		duration string
		seen     = map[string]bool{}
	)
	f := cmdFlags{
		strs:        map[string]*string{"token-code": &la.tokenCode, "duration": &duration},
		bools:       map[string]*bool{"force": &la.force},
		passthrough: true,
		seen:        seen,
	}
	rest, err := f.parse("login", g, args)
	if err != nil {
		return la, err
	}
	secs, err := parsePassthrough(rest)
	if err != nil {
		return la, err
	}
	if duration != "" && secs != "" {
		return la, usagef("login", "give either --duration or --duration-seconds, not both")
	}
	sa, err := parseSessionArgs("login", la.tokenCode, duration, seen)
	if err != nil {
		return la, err
	}
	la.duration = sa.duration
	if secs != "" {
		la.duration, err = session.ParseDuration(secs)
		if err != nil {
			return la, usagef("login", "--duration-seconds: %s", err.Error())
		}
	}
	return la, nil
}

// parsePassthrough accepts the original awsmfa script's passthrough to
// "aws sts get-session-token": only --duration-seconds has a meaning here;
// anything else would be silently lost, so it is refused by name.
func parsePassthrough(rest []string) (secs string, err error) {
	for i := 0; i < len(rest); i++ {
		arg := rest[i]
		name, val, hasVal := splitFlag(arg)
		if !strings.HasPrefix(arg, "--") || name != "duration-seconds" {
			return "", usagef("login", "unsupported argument after --: %q (only --duration-seconds is accepted there)", arg)
		}
		if !hasVal {
			if i+1 >= len(rest) {
				return "", usagef("login", "--duration-seconds needs a number of seconds")
			}
			i++
			val = rest[i]
		}
		if val == "" || strings.Trim(val, "0123456789") != "" {
			return "", usagef("login", "--duration-seconds needs a number of seconds, not %q", val)
		}
		if secs != "" && secs != val {
			return "", usagef("login", "--duration-seconds given twice")
		}
		secs = val
	}
	return secs, nil
}

func runLogin(a *app, g globals, args []string) error {
	la, err := parseLogin(&g, args)
	if err != nil {
		return err
	}
	name := g.profileName()
	m := a.manager()
	opts := session.LoginOptions{
		TokenCode: la.tokenCode,
		Prompt:    a.prompter(),
		Duration:  la.duration,
		Force:     la.force,
	}
	sess, err := a.login(m, name, opts)
	var active *session.ActiveError
	if errors.As(err, &active) {
		renew, err := a.askRenew(active)
		if err != nil {
			return err
		}
		if !renew {
			fmt.Fprintf(a.stdout, "%s is still logged in for %s (until %s); use --force to renew\n",
				active.Profile, session.FormatLeft(active.Left), formatTime(active.Until))
			return nil
		}
		opts.Force = true
		sess, err = a.login(m, name, opts)
		if err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Logged in %s until %s (%s)\n",
		sess.Profile, formatTime(sess.Expiration), session.FormatLeft(sess.Duration))
	if sess.Warning != "" {
		fmt.Fprintf(a.stderr, "awsmfa: note: %s\n", sess.Warning)
	}
	return nil
}

// slowSTS is how long STS may take before awsmfa says, on a terminal, that
// it is still waiting; a variable so tests need not wait.
var slowSTS = 2 * time.Second

// afterFunc is time.AfterFunc; tests fire it by hand.
var afterFunc = func(d time.Duration, f func()) (stop func() bool) { return time.AfterFunc(d, f).Stop }

// login is the core's Login with one addition for people at a terminal: once
// the code is known (given, or typed at the prompt), a timer starts, and if
// STS has not answered when it fires, one line on stderr says what awsmfa
// is waiting for. The core's own timeout still ends the wait.
func (a *app) login(m *session.Manager, name string, opts session.LoginOptions) (session.Session, error) {
	if !isTerminal(a.stderr) {
		return m.Login(a.ctx, name, opts)
	}
	var (
		mu      sync.Mutex
		stop    func() bool
		stopped bool
	)
	start := func() {
		where := "AWS STS"
		if p, err := m.Profile(name); err == nil {
			where = stsName(p)
		}
		mu.Lock()
		defer mu.Unlock()
		if stop == nil && !stopped {
			stop = afterFunc(slowSTS, func() {
				mu.Lock()
				defer mu.Unlock()
				if !stopped {
					fmt.Fprintf(a.stderr, "awsmfa: waiting for %s to answer...\n", where)
				}
			})
		}
	}
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		if stop != nil {
			stop()
		}
	}()
	if strings.TrimSpace(opts.TokenCode) != "" {
		start()
	} else if prompt := opts.Prompt; prompt != nil {
		opts.Prompt = func(ctx context.Context, req session.CodeRequest) (string, error) {
			code, err := prompt(ctx, req)
			// Only a code the core will send starts the clock.
			if err == nil && session.ValidateTokenCode(session.NormalizeCode(code)) == nil {
				start()
			}
			return code, err
		}
	}
	return m.Login(a.ctx, name, opts)
}

// stsName is how the slow-STS line names the endpoint: the override the
// user set, or AWS STS in the profile's region.
func stsName(p session.Profile) string {
	if p.Endpoint != "" {
		return "STS at " + p.Endpoint
	}
	return "AWS STS in " + p.Region
}

// askRenew asks on the terminal whether to renew an active session; with no
// terminal the answer is no, since nobody asked for --force.
func (a *app) askRenew(active *session.ActiveError) (bool, error) {
	if _, err := a.terminal(); err != nil {
		return false, nil
	}
	return a.confirm(fmt.Sprintf("A session for %s is still active for %s (until %s). Renew it?",
		active.Profile, session.FormatLeft(active.Left), formatTime(active.Until)))
}

// formatTime shows an instant in the user's zone, to the minute, with the
// zone's name (or offset), so that no one has to guess which zone it is.
func formatTime(t time.Time) string {
	return t.In(displayZone()).Format("2006-01-02 15:04 MST")
}
