// Package browser opens a URL in the user's web browser with the
// platform's opener: xdg-open on Linux, open on macOS, the URL protocol
// handler on Windows, or the command in $BROWSER where it is set, as
// Python's webbrowser (and so the AWS CLI) honours it.
package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ErrNoBrowser is wrapped when nothing here can open a browser: no
// display, no opener. Callers then show the URL, or use a flow that works
// from another device.
var ErrNoBrowser = errors.New("no web browser can be opened here")

// settle is how long Open waits for the opener to fail; an opener still
// running then is taken to have started the browser (some, such as
// xdg-open with a browser not yet running, only return when it closes).
var settle = 3 * time.Second

// Open opens rawURL, which must be an http or https URL, in the user's
// browser. It returns once the opener has handed the URL over.
func Open(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("refusing to open %q: not an http(s) URL", rawURL)
	}
	args, err := command(rawURL)
	if err != nil {
		return err
	}
	return run(ctx, args)
}

// command picks $BROWSER's first usable entry, else the platform's opener.
func command(rawURL string) ([]string, error) {
	if env := os.Getenv("BROWSER"); env != "" {
		for _, entry := range filepath.SplitList(env) {
			fields := strings.Fields(entry)
			if len(fields) == 0 {
				continue
			}
			if _, err := exec.LookPath(fields[0]); err != nil {
				continue
			}
			subst := false
			for i, f := range fields {
				if strings.Contains(f, "%s") {
					fields[i] = strings.ReplaceAll(f, "%s", rawURL)
					subst = true
				}
			}
			if !subst {
				fields = append(fields, rawURL)
			}
			return fields, nil
		}
	}
	return platformCommand(rawURL)
}

func run(ctx context.Context, args []string) error {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%w: start %s: %v", ErrNoBrowser, filepath.Base(args[0]), err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t := time.NewTimer(settle)
	defer t.Stop()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("%w: %s failed: %v", ErrNoBrowser, filepath.Base(args[0]), err)
		}
		return nil
	case <-t.C:
		return nil // still running: it has the URL; Wait reaps it later
	case <-ctx.Done():
		return ctx.Err()
	}
}
