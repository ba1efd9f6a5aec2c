//go:build linux

package dialogs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/internal/xvfb"
	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/tray"
)

// startXvfb starts a private X server and points DISPLAY at it. It skips
// the test when Xvfb, zenity or xdotool is missing.
func startXvfb(t *testing.T) {
	t.Helper()
	for _, bin := range []string{"Xvfb", "zenity", "xdotool"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skipf("%s not installed (apt-get install xvfb zenity xdotool)", bin)
		}
	}
	x, err := xvfb.Start(800, 600)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(x.Stop)
	t.Setenv("DISPLAY", x.Display)
	t.Setenv("NO_AT_BRIDGE", "1")
}

// xdo runs xdotool and returns its output.
func xdo(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("xdotool", args...).Output()
	if err != nil {
		t.Fatalf("xdotool %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

// dialogWindow waits for the one visible window titled exactly title and
// gives it the input focus, so that keys typed next reach it. Windows come
// and go meanwhile (a closing one makes a search fail with BadWindow), so
// a failed xdotool is a reason to look again, within a generous bound,
// never to type at a window that may be leaving.
func dialogWindow(t *testing.T, title string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^"+regexp.QuoteMeta(title)+"$").Output()
		if ids := strings.Fields(string(out)); err == nil && len(ids) == 1 {
			win := ids[0]
			if exec.Command("xdotool", "windowfocus", "--sync", win).Run() == nil {
				if f, err := exec.Command("xdotool", "getwindowfocus").Output(); err == nil && strings.TrimSpace(string(f)) == win {
					return win
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no focused dialog %q within 30s (search: %q, %v)", title, out, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitClosed waits until the X server has destroyed win: zenity has
// exited when its answer arrives, but the server drops the windows of a
// closed connection on its own time, and the next dialog's search must
// not meet this one.
func waitClosed(t *testing.T, win string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for exec.Command("xdotool", "getwindowname", win).Run() == nil {
		if time.Now().After(deadline) {
			t.Fatalf("window %s still there 30s after its dialog ended", win)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestZenityEntryLocales drives the real zenity binary under Xvfb: the
// title must be accepted (LC_ALL=C refuses non-ASCII titles), typing a
// code returns it, and Escape is a cancel.
func TestZenityEntryLocales(t *testing.T) {
	startXvfb(t)
	for _, lc := range []string{"C.UTF-8", "C"} {
		t.Run(lc, func(t *testing.T) {
			t.Setenv("LC_ALL", lc)
			loc := locale.DetectLocale(os.Getenv)
			z := Zenity{Locale: loc}
			for i, tc := range []struct {
				keys []string
				want string
				err  error
			}{
				{[]string{"type", "123456"}, "123456", nil},
				{nil, "", session.ErrCanceled}, // Escape
			} {
				// A title of its own, so the search cannot meet the last
				// dialog while it closes.
				profile := fmt.Sprintf("myaccount-%d", i)
				title := Title(loc, profile)
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				type res struct {
					code string
					err  error
				}
				ch := make(chan res, 1)
				go func() {
					c, err := z.AskCode(ctx, profile, "arn:aws:iam::123456789012:mfa/alice", "")
					ch <- res{c, err}
				}()
				win := dialogWindow(t, title)
				if tc.keys != nil {
					xdo(t, tc.keys...)
					xdo(t, "key", "Return")
				} else {
					xdo(t, "key", "Escape")
				}
				r := <-ch
				cancel()
				waitClosed(t, win)
				if r.code != tc.want || !errors.Is(r.err, tc.err) {
					t.Errorf("got %q, %v; want %q, %v", r.code, r.err, tc.want, tc.err)
				}
			}
		})
	}
}

// TestZenityConfirm drives the real question dialog under both locales:
// Return presses "Move keys" (yes), Escape is a no, and neither is an
// error; the long text with brackets and "=" is shown as is (no markup).
func TestZenityConfirm(t *testing.T) {
	startXvfb(t)
	text := tray.KeychainConfirmText("myaccount", "myaccountPerm")
	for _, lc := range []string{"C.UTF-8", "C"} {
		t.Run(lc, func(t *testing.T) {
			t.Setenv("LC_ALL", lc)
			loc := locale.DetectLocale(os.Getenv)
			z := Zenity{Locale: loc}
			for i, tc := range []struct {
				key  string
				want bool
			}{
				{"Return", true},
				{"Escape", false},
			} {
				title := Title(loc, fmt.Sprintf("myaccount-%d", i)) // see TestZenityEntryLocales
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				type res struct {
					yes bool
					err error
				}
				ch := make(chan res, 1)
				go func() {
					yes, err := z.Confirm(ctx, title, text, ConfirmOK)
					ch <- res{yes, err}
				}()
				win := dialogWindow(t, title)
				xdo(t, "key", tc.key)
				r := <-ch
				cancel()
				waitClosed(t, win)
				if r.yes != tc.want || r.err != nil {
					t.Errorf("%s: got %v, %v; want %v, nil", tc.key, r.yes, r.err, tc.want)
				}
			}
		})
	}
}

// TestZenityClosedByContext: canceling the context (Quit) closes an open
// code dialog or confirmation and reports a cancel.
func TestZenityClosedByContext(t *testing.T) {
	z := Zenity{Locale: locale.Locale{UTF8: true}}
	for _, tc := range []struct {
		name string
		open func(ctx context.Context) error
	}{
		{"code", func(ctx context.Context) error {
			_, err := z.AskCode(ctx, "myaccount", "", "")
			return err
		}},
		{"confirm", func(ctx context.Context) error {
			_, err := z.Confirm(ctx, "awsmfa \u2014 myaccount", "Move?", ConfirmOK)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			startXvfb(t)
			ctx, cancel := context.WithCancel(context.Background())
			ch := make(chan error, 1)
			go func() { ch <- tc.open(ctx) }()
			dialogWindow(t, "awsmfa \u2014 myaccount")
			cancel()
			select {
			case err := <-ch:
				if !errors.Is(err, session.ErrCanceled) {
					t.Errorf("err %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("dialog still open after cancel")
			}
		})
	}
}

// TestZenitySSOPrompt drives the real sign-in dialog: with no browser its
// one button (Return) and Escape both cancel; where the browser opened,
// Return opens the page again and Escape cancels; a second dialog can be
// raised by the session's name; the context closes it.
func TestZenitySSOPrompt(t *testing.T) {
	startXvfb(t)
	loc := locale.Locale{UTF8: true}
	z := Zenity{Locale: loc}
	title := SSOTitle(loc, "acme")
	device := session.SSOPrompt{Session: "acme", URL: "https://device.example/?user_code=ABCD-EFGH", UserCode: "ABCD-EFGH", Fallback: "no browser could be opened"}
	browser := session.SSOPrompt{Session: "acme", URL: "https://oidc.example/authorize?client_id=x", Opened: true}
	for _, tc := range []struct {
		name  string
		p     session.SSOPrompt
		key   string
		again bool
		err   error
	}{
		{"device code, Return", device, "Return", false, session.ErrCanceled},
		{"device code, Escape", device, "Escape", false, session.ErrCanceled},
		{"browser, Return", browser, "Return", true, nil},
		{"browser, Escape", browser, "Escape", false, session.ErrCanceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			type res struct {
				again bool
				err   error
			}
			ch := make(chan res, 1)
			go func() {
				again, err := z.ShowSSOPrompt(ctx, tc.p)
				ch <- res{again, err}
			}()
			win := strings.Fields(xdo(t, "search", "--sync", "--onlyvisible", "--name", "^"+regexp.QuoteMeta(title)+"$"))[0]
			if err := z.Raise("acme (SSO)"); err != nil {
				t.Errorf("raise the sign-in dialog: %v", err)
			}
			xdo(t, "windowfocus", "--sync", win, "key", tc.key)
			r := <-ch
			if r.again != tc.again || !errors.Is(r.err, tc.err) || (tc.err == nil && r.err != nil) {
				t.Errorf("got %v, %v; want %v, %v", r.again, r.err, tc.again, tc.err)
			}
		})
	}
	t.Run("closed by the context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		ch := make(chan error, 1)
		go func() { _, err := z.ShowSSOPrompt(ctx, device); ch <- err }()
		xdo(t, "search", "--sync", "--onlyvisible", "--name", "^"+regexp.QuoteMeta(title)+"$")
		cancel()
		select {
		case err := <-ch:
			if !errors.Is(err, session.ErrCanceled) {
				t.Errorf("err %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("dialog still open after cancel")
		}
	})
}
