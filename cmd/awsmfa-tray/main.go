// Command awsmfa-tray is the tray app: every MFA profile with its live
// state, "Login X" asking for the code, expiry notifications. It only
// wires the parts together; see package tray for the behaviour.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/dialogs"
	"github.com/awsmfa-tray/awsmfa-tray/internal/browser"
	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/tray"
	"github.com/awsmfa-tray/awsmfa-tray/tray/autostart"
)

// The dialogs answer every question the tray asks, and can raise an open
// code dialog (dialogs may not import tray, so the check is here).
var _ interface {
	tray.Dialogs
	tray.Confirmer
	tray.Raiser
	tray.SSOPrompter
} = dialogs.Zenity{}

// version is stamped by the build: -ldflags "-X main.version=1.2.3".
var version = "dev"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

type options struct {
	demo         bool
	verbose      bool
	version      bool
	notifyBefore time.Duration
	notifySet    bool
	autostart    string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("awsmfa-tray", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.demo, "demo", false, "try it safely: throwaway AWS files and a local fake STS with two demo profiles")
	fs.BoolVar(&o.verbose, "verbose", false, "also log to stderr")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	fs.DurationVar(&o.notifyBefore, "notify-before", session.DefaultWarnBefore, "warn this long before a session expires; 0 turns the warning off")
	fs.StringVar(&o.autostart, "autostart", "", "on, off or status: manage Start at login, then exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: awsmfa-tray [flags]\n\nA tray icon for AWS MFA sessions. Flags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.notifyBefore < 0 {
		return o, errors.New("--notify-before must not be negative")
	}
	switch o.autostart {
	case "", "on", "off", "status":
	default:
		return o, fmt.Errorf("--autostart takes on, off or status, not %q", o.autostart)
	}
	fs.Visit(func(f *flag.Flag) { o.notifySet = o.notifySet || f.Name == "notify-before" })
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "awsmfa-tray:", err)
		return 2
	}
	if o.version {
		fmt.Fprintln(stdout, "awsmfa-tray", version)
		return 0
	}
	if o.autostart != "" {
		return runAutostart(autostart.New(), o.autostart, stdout, stderr)
	}

	cacheDir, err := os.UserCacheDir()
	if err != nil {
		fmt.Fprintln(stderr, "awsmfa-tray: no cache folder for the log and lock:", err)
		return 1
	}
	dir := filepath.Join(cacheDir, "awsmfa-tray")
	lockName := "awsmfa-tray.lock"
	if o.demo {
		lockName = "awsmfa-tray-demo.lock" // the demo may run beside the real app
	}
	unlock, ok, err := lockInstance(dir, lockName)
	if err != nil {
		fmt.Fprintln(stderr, "awsmfa-tray:", err)
		return 1
	}
	if !ok {
		fmt.Fprintln(stdout, "awsmfa-tray is already running")
		return 0
	}
	defer unlock()

	logger, closeLog, err := setupLogging(filepath.Join(dir, "awsmfa-tray.log"), o.verbose, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "awsmfa-tray:", err)
		return 1
	}
	defer closeLog()
	logger.Info("starting", "version", version, "pid", os.Getpid(), "demo", o.demo)

	dialogs.PrepareEnv()
	loc := locale.DetectLocale(os.Getenv)
	var auto tray.Autostart = autostart.New()
	exe, err := os.Executable()
	if err != nil {
		logger.Warn("cannot find our own binary; Start at login unavailable", "err", err)
		auto = nil
	}
	// A binary that go run built vanishes with its temp folder, so Start
	// at login is refused (the demo's is in memory, so it stays).
	autoRefused := transientBinary(exe)
	notifyBefore := o.notifyBefore
	var codeHint, loginHint func(string) string
	var keychain session.Keychain // nil: the OS keychain
	var sso session.SSOConfig     // zero: the SDKs' token cache under HOME
	if o.demo {
		d, err := startDemo(logger)
		if err != nil {
			logger.Error("demo failed to start", "err", err)
			fmt.Fprintln(stderr, "awsmfa-tray:", err)
			return 1
		}
		defer d.stop()
		codeHint, loginHint = d.codeHint, d.loginHint
		keychain = d.keychain
		sso = d.ssoConfig()
		auto = &memAutostart{}
		autoRefused = ""
		if !o.notifySet {
			notifyBefore = demoNotifyBefore
		}
		fmt.Fprintln(stdout, "awsmfa-tray demo: profiles demo-alice and demo-bob; the login dialog shows the code to type. Quit from the tray menu.")
		fmt.Fprintln(stdout, "The SSO session demo-sso signs in on a local page in your browser: click Allow there.")
		fmt.Fprintln(stdout, d.shellHint())
	}

	core := session.New(session.Config{WarnBefore: notifyBefore, Keychain: keychain, SSO: sso})
	cfgFile, credFile := core.Paths()
	logger.Info("files", "config", cfgFile, "credentials", credFile)

	roleCache, err := core.RoleCacheDir()
	if err != nil {
		logger.Warn("no folder for role credentials; their time left shows at the next tick", "err", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	notices := tray.NewNotices(logger)
	defer closeNotices(notices)
	done := make(chan struct{})
	onReady := func() {
		// onReady must return: systray serves the menu only afterwards.
		app := tray.New(tray.Config{
			Core:                 core,
			Dialogs:              dialogs.Zenity{Locale: loc},
			Tray:                 tray.NewSystrayAdapter(logger),
			Notices:              notices,
			RoleCache:            roleCache,
			Autostart:            auto,
			Exe:                  exe,
			Locale:               loc,
			NotifyBefore:         notifyBefore,
			WarnBefore:           notifyBefore, // the core's window, so ticks agree with reads
			CodeHint:             codeHint,
			LoginHint:            loginHint,
			AutostartUnavailable: autoRefused,
			WatchFiles:           true,
			Settle:               func() { settle(logger) },
			Logger:               logger,
			OpenBrowser:          browser.Open,
			SSORenewBefore:       core.SSORefreshBefore(),
		})
		if !o.demo {
			// The demo's files are throwaway: it leaves the channel to a
			// real tray, which may start after it.
			serveLocal(ctx, app, logger)
		}
		go func() {
			defer close(done)
			if err := app.Run(ctx); err != nil {
				logger.Error("stopped", "err", err)
			}
			tray.QuitSystray()
		}()
	}
	tray.RunSystray(onReady, func() { logger.Info("tray closed") })
	stop()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
	logger.Info("bye")
	return 0
}
