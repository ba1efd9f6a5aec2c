// Command ssobrowser is the tray e2e tests' web browser: the tray runs it
// through $BROWSER, as it would run Firefox, and it follows the IAM
// Identity Center sign-in page of the fake (internal/ssofake) the way a
// person does, clicking Allow. It appends each URL it is given to
// $AWSMFA_E2E_BROWSER_LOG, waits for the file $AWSMFA_E2E_BROWSER_GATE
// (when set) to exist before it approves, so a test can click again while
// the sign-in runs, and with $AWSMFA_E2E_BROWSER_FAIL set it fails at
// once, as an opener with no browser does.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/ssofake"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: ssobrowser URL")
		os.Exit(2)
	}
	url := os.Args[1]
	if log := os.Getenv("AWSMFA_E2E_BROWSER_LOG"); log != "" {
		f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600)
		if err == nil {
			fmt.Fprintln(f, url)
			f.Close()
		}
	}
	if os.Getenv("AWSMFA_E2E_BROWSER_FAIL") != "" {
		fmt.Fprintln(os.Stderr, "ssobrowser: no display to open a window on")
		os.Exit(1)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if gate := os.Getenv("AWSMFA_E2E_BROWSER_GATE"); gate != "" {
		parent := os.Getppid()
		for {
			if _, err := os.Stat(gate); err == nil {
				break
			}
			if os.Getppid() != parent {
				os.Exit(1) // the tray is gone: so is the test
			}
			select {
			case <-ctx.Done():
				os.Exit(1)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	b := &ssofake.Browser{}
	if err := b.Open(ctx, url); err != nil {
		fmt.Fprintln(os.Stderr, "ssobrowser:", err)
		os.Exit(1)
	}
}
