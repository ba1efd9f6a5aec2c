//go:build linux

package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
)

// The app's stable contract, from tray/README-e2e-contract.md.
const (
	labelLoggedOut     = "logged out"
	labelLogoutAll     = "Logout all"
	labelAutostart     = "Start at login"
	labelRefresh       = "Refresh"
	labelQuit          = "Quit"
	notifyLoggedIn     = profile + ": logged in until "
	notifyLoggedInBody = "Use it with AWS_PROFILE=" + profile + " or --profile " + profile + "."
	alreadyRunning     = "awsmfa-tray is already running"
	hintNotSixDigits   = "The code is 6 digits: type the 6 digits your MFA device shows."
	hintRejected       = "That code was not accepted, wait for the next code."
	notifyExpiring     = profile + ": session expires in "
	notifyExpired      = profile + ": session expired"
	loginWait          = 20 * time.Second // OK in the dialog to session in the file
)

func loginLabel(p string) string  { return "Login " + p }
func logoutLabel(p string) string { return "Logout " + p }

// keychainLabel is the item that moves a profile's long-term keys from the
// file into the OS keychain; an ellipsis, or "..." where the locale is not
// UTF-8.
func keychainLabel(lcAll, p string) string {
	if strings.Contains(strings.ToLower(lcAll), "utf") {
		return "Move " + p + " keys to keychain\u2026"
	}
	return "Move " + p + " keys to keychain..."
}

// dash is the separator between a profile and its state: an em dash, or a
// hyphen where the locale is not UTF-8 (zenity and menus refuse it there).
func dash(lcAll string) string {
	if strings.Contains(strings.ToLower(lcAll), "utf") {
		return " \u2014 "
	}
	return " - "
}

func statusLabel(lcAll, state string) string { return profile + dash(lcAll) + state }

func dialogTitle(lcAll string) string { return "awsmfa" + dash(lcAll) + profile }

// activeLabel matches "myaccount — active, 11h59m left".
func activeLabel(lcAll string) func(string) bool {
	re := regexp.MustCompile("^" + regexp.QuoteMeta(profile+dash(lcAll)) + `active, \d+h\d+m left$`)
	return re.MatchString
}

// startTray starts the real awsmfa-tray in w and waits for its menu.
func startTray(t *testing.T, w *world, args ...string) *app {
	t.Helper()
	needHarness(t)
	if harness.trayErr != nil {
		t.Fatal(harness.trayErr)
	}
	a := startApp(t, harness.tray, w.env(), args...)
	a.WaitItem("the profile's status", prefixed(profile+dash(w.lcAll)))
	return a
}

// login clicks "Login myaccount", checks the dialog and types code.
func login(t *testing.T, a *app, w *world, code func() string, shot string) dialog {
	t.Helper()
	a.Click(loginLabel(profile), exactly(loginLabel(profile)))
	d, win := a.waitDialog(dialogTitle(w.lcAll))
	if !strings.Contains(d.Args, "MFA device: "+serial) {
		t.Fatalf("zenity dialog %q does not show the MFA device %s", d.Args, serial)
	}
	if shot != "" {
		screenshot(t, win, shot)
	}
	// The code is made now, not before the click: it may be good for one
	// more 30 s step only, and under load the dialog can take that long.
	typeInto(t, win, code())
	return d
}

// waitNotification waits until the app has shown a notification that
// matches, and returns it.
func waitNotification(t *testing.T, a *app, what string, match func(notification) bool) notification {
	t.Helper()
	var found notification
	eventually(t, menuWait, what, func() error {
		got := harness.bus.Notifications(a.pid)
		for _, n := range got {
			if match(n) {
				found = n
				return nil
			}
		}
		return fmt.Errorf("notifications so far: %s", describe(got))
	})
	return found
}

// visibleLabels lists the visible items in menu order, "----" for a
// separator.
func visibleLabels(root menuItem) []string {
	var out []string
	root.Walk(func(it menuItem) {
		switch {
		case !it.Visible:
		case it.Type == "separator":
			out = append(out, "----")
		default:
			out = append(out, it.Label)
		}
	})
	return out
}

func describe(ns []notification) string {
	var parts []string
	for _, n := range ns {
		parts = append(parts, fmt.Sprintf("%q / %q", n.Summary, n.Body))
	}
	if parts == nil {
		return "none"
	}
	return strings.Join(parts, "; ")
}

func mentions(s string) func(notification) bool {
	return func(n notification) bool {
		return strings.Contains(n.Summary, s) || strings.Contains(n.Body, s)
	}
}

// Scenario 1: the app registers its item and shows the whole menu.
func TestTrayMenu(t *testing.T) {
	w := newWorld(t)
	a := startTray(t, w)

	eventually(t, menuWait, "the app registers with the StatusNotifierWatcher", func() error {
		regs := harness.bus.Registrations(a.pid)
		if len(regs) == 0 {
			return fmt.Errorf("no registration from pid %d", a.pid)
		}
		if owner := harness.bus.ownerOf(itemBusName(a.pid)); owner != regs[0].Sender {
			return fmt.Errorf("registered by %s, but %s is owned by %q", regs[0].Sender, itemBusName(a.pid), owner)
		}
		if regs[0].Service != "/StatusNotifierItem" {
			return fmt.Errorf("registered %q, want /StatusNotifierItem", regs[0].Service)
		}
		return nil
	})

	a.WaitItem("status", exactly(statusLabel(w.lcAll, labelLoggedOut)))
	want := []string{statusLabel(w.lcAll, labelLoggedOut), loginLabel(profile), logoutLabel(profile), keychainLabel(w.lcAll, profile), "----",
		labelLogoutAll, labelAutostart, labelRefresh, "----", labelQuit}
	if got := visibleLabels(a.Layout()); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("menu, in order:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, l := range []string{loginLabel(profile), labelLogoutAll, labelAutostart, labelRefresh, labelQuit} {
		a.WaitItem(l, exactly(l))
	}
	root := a.Layout()
	// Stable positions: Logout is there, disabled, with no session.
	if it, ok := root.Find(exactly(logoutLabel(profile))); !ok || it.Enabled {
		t.Errorf("%q: present %v, enabled %v with no session in the file; want present and disabled\n%s",
			logoutLabel(profile), ok, it.Enabled, root)
	}
	// Readable: the state is drawn like an action, not as grey text.
	if st, _ := root.Find(prefixed(profile + dash(w.lcAll))); !st.Enabled {
		t.Errorf("the status line %q is disabled (grey, the faintest text on a menu); want it enabled", st.Label)
	}
	if la, _ := root.Find(exactly(labelLogoutAll)); la.Enabled {
		t.Errorf("%q is enabled with no session in the file", labelLogoutAll)
	}
	as, _ := root.Find(exactly(labelAutostart))
	if as.ToggleType != "checkmark" {
		t.Errorf("%q has toggle-type %q, want checkmark", labelAutostart, as.ToggleType)
	}
}

// Scenarios 2 and 5: login with a valid code, then Logout all, under a UTF-8
// and the C locale (where zenity refuses a non-ASCII title).
func TestTrayLoginLogout(t *testing.T) {
	for _, lc := range []string{"C.UTF-8", "C"} {
		t.Run("LC_ALL="+lc, func(t *testing.T) {
			w := newWorld(t)
			w.lcAll = lc
			a := startTray(t, w)
			a.WaitItem("status", exactly(statusLabel(lc, labelLoggedOut)))

			login(t, a, w, w.code, "login-dialog-"+strings.ReplaceAll(lc, ".", "-"))
			s := w.waitSession(loginWait)
			if !s.MFA || s.SerialNumber != serial {
				t.Fatalf("the fake issued a session with MFA=%v serial=%q, want MFA with %s", s.MFA, s.SerialNumber, serial)
			}
			a.WaitItem("active status", activeLabel(lc))
			a.WaitItem(logoutLabel(profile), exactly(logoutLabel(profile)))
			if la := a.WaitItem(labelLogoutAll, exactly(labelLogoutAll)); !la.Enabled {
				t.Errorf("%q is disabled while a session is in the file", labelLogoutAll)
			}
			n := waitNotification(t, a, "a logged-in notification", mentions(notifyLoggedIn))
			if n.AppName != "awsmfa-tray" || n.Body != notifyLoggedInBody {
				t.Errorf("logged-in notification from %q with body %q, want from awsmfa-tray with %q",
					n.AppName, n.Body, notifyLoggedInBody)
			}
			w.checkAWSCLI(s)

			a.Click(labelLogoutAll, exactly(labelLogoutAll))
			w.waitOriginalBytes(menuWait)
			a.WaitItem("logged-out status", exactly(statusLabel(lc, labelLoggedOut)))
			waitNotification(t, a, "a logged-out notification", mentions(profile+": logged out"))
			if it, ok := a.Layout().Find(exactly(logoutLabel(profile))); !ok || it.Enabled {
				t.Errorf("%q after Logout all: present %v, enabled %v; want present and disabled", logoutLabel(profile), ok, it.Enabled)
			}
		})
	}
}

// Scenario 3: a malformed entry and a rejected code both re-ask with a hint;
// a correct code then logs in.
func TestTrayWrongCode(t *testing.T) {
	w := newWorld(t)
	a := startTray(t, w)

	first := login(t, a, w, func() string { return "12ab" }, "")
	second, win := a.waitDialog(dialogTitle(w.lcAll), first)
	if !strings.Contains(second.Args, hintNotSixDigits) {
		t.Fatalf("re-asked dialog %q lacks the hint %q", second.Args, hintNotSixDigits)
	}
	if n := len(w.sts.Calls()); n != 0 {
		t.Fatalf("a malformed code reached STS (%d calls)", n)
	}

	typeInto(t, win, w.wrongCode())
	third, win := a.waitDialog(dialogTitle(w.lcAll), second)
	if !strings.Contains(third.Args, hintRejected) {
		t.Fatalf("re-asked dialog %q lacks the hint %q", third.Args, hintRejected)
	}
	screenshot(t, win, "wrong-code-dialog")
	calls := w.sts.Calls()
	if len(calls) != 1 || calls[0].ErrorCode != "AccessDenied" {
		t.Fatalf("STS calls = %+v, want one refused with AccessDenied", calls)
	}

	typeInto(t, win, w.code())
	w.waitSession(loginWait)
	a.WaitItem("active status", activeLabel(w.lcAll))
}

// Scenario 4: Escape cancels; nothing changes and the app still answers.
func TestTrayCancel(t *testing.T) {
	w := newWorld(t)
	a := startTray(t, w)

	a.Click(loginLabel(profile), exactly(loginLabel(profile)))
	d, win := a.waitDialog(dialogTitle(w.lcAll))
	pressEscape(t, win)
	a.waitNoDialog()
	waitLogged(t, w, `msg="login canceled"`, 1)

	a.Click(labelRefresh, exactly(labelRefresh))
	a.WaitItem("status after cancel", exactly(statusLabel(w.lcAll, labelLoggedOut)))
	if got := w.credentials(); string(got) != string(w.original) {
		t.Fatalf("cancel changed the credentials file")
	}
	if n := len(w.sts.Calls()); n != 0 {
		t.Fatalf("cancel still called STS (%d calls)", n)
	}
	if ns := harness.bus.Notifications(a.pid); len(ns) != 0 {
		t.Fatalf("cancel showed notifications: %s", describe(ns))
	}
	// Still responsive: a second Login opens a fresh dialog.
	a.Click(loginLabel(profile), exactly(loginLabel(profile)))
	_, win = a.waitDialog(dialogTitle(w.lcAll), d)
	pressEscape(t, win)
	a.waitNoDialog()
}

// Scenario 6: expiry notifications in real time. The fake caps sessions at
// a few seconds, under the default 10-minute warning window, so the warning
// is due at once and the expiry moments later.
func TestTrayExpiryNotifications(t *testing.T) {
	const lifetime = 15 * time.Second
	w := newWorld(t, stsfake.WithSessionCap(lifetime))
	a := startTray(t, w, "--notify-before", "10m")

	login(t, a, w, w.code, "")
	s := w.waitSession(loginWait)
	if left := time.Until(s.Expiration); left > lifetime {
		t.Fatalf("the fake issued a session for %v, want at most %v", left, lifetime)
	}
	waitNotification(t, a, "an expiring notification", mentions(notifyExpiring))
	eventually(t, lifetime+menuWait, "an expired notification", func() error {
		if ns := harness.bus.Notifications(a.pid); countMatching(ns, notifyExpired) == 0 {
			return fmt.Errorf("notifications so far: %s", describe(ns))
		}
		return nil
	})
	a.WaitItem("expired status", exactly(statusLabel(w.lcAll, "expired")))
	// A refresh re-evaluates the alerts: each must still have fired once.
	a.Click(labelRefresh, exactly(labelRefresh))
	a.WaitItem("expired status after refresh", exactly(statusLabel(w.lcAll, "expired")))
	ns := harness.bus.Notifications(a.pid)
	if countMatching(ns, notifyExpiring) != 1 || countMatching(ns, notifyExpired) != 1 {
		t.Fatalf("want exactly one expiring and one expired notification, got: %s", describe(ns))
	}
}

func countMatching(ns []notification, s string) int {
	n := 0
	for _, x := range ns {
		if mentions(s)(x) {
			n++
		}
	}
	return n
}

// Scenario 7: a second launch with the same HOME says so and exits 0.
func TestTraySecondInstance(t *testing.T) {
	w := newWorld(t)
	first := startTray(t, w)

	cmd := exec.Command(harness.tray)
	cmd.Env = w.env()
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("second launch: %v, want exit 0; stdout %q, stderr %q", err, stdout, stderr)
		}
	case <-time.After(menuWait):
		cmd.Process.Kill()
		<-done
		t.Fatalf("second launch still running after %v; stdout %q, stderr %q", menuWait, stdout, stderr)
	}
	if got := strings.TrimSpace(stdout.String()); got != alreadyRunning {
		t.Fatalf("second launch printed %q on stdout, want %q", got, alreadyRunning)
	}
	if first.exited() {
		t.Fatalf("the first instance exited: %v", first.err)
	}
	first.WaitItem("first instance's status", exactly(statusLabel(w.lcAll, labelLoggedOut)))
}

// Scenario 8: an edit by someone else shows in the menu without a click.
func TestTrayExternalEdit(t *testing.T) {
	w := newWorld(t)
	a := startTray(t, w)
	a.WaitItem("status", exactly(statusLabel(w.lcAll, labelLoggedOut)))

	exp := time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
	edited := string(w.original) + "[" + profile + "]\n" +
		"aws_access_key_id = ASIAEXAMPLEEXAMPLE01\n" +
		"aws_secret_access_key = not-a-real-secret\n" +
		"aws_session_token = not-a-real-token\n" +
		"expiration = " + exp + "\n"
	// Truncate and write in place, as the AWS CLI and editors do.
	if err := os.WriteFile(w.credPath, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	a.WaitItem("the hand-written session", activeLabel(w.lcAll))

	if err := os.WriteFile(w.credPath, w.original, 0o600); err != nil {
		t.Fatal(err)
	}
	a.WaitItem("logged out again", exactly(statusLabel(w.lcAll, labelLoggedOut)))

	// The CLI writes atomically (temp file, rename): a new inode that a
	// watch on the old file would miss.
	if harness.cliErr != nil {
		t.Fatal(harness.cliErr)
	}
	runCLI(t, w, "--profile", profile, "login", "--token-code", w.code())
	w.waitSession(menuWait)
	a.WaitItem("the CLI's session", activeLabel(w.lcAll))
	runCLI(t, w, "--profile", profile, "logout")
	w.waitOriginalBytes(menuWait)
	a.WaitItem("logged out by the CLI", exactly(statusLabel(w.lcAll, labelLoggedOut)))
}

// runCLI runs the awsmfa CLI in w, failing the test on a non-zero exit.
func runCLI(t *testing.T, w *world, args ...string) {
	t.Helper()
	cmd := exec.Command(harness.cli, args...)
	cmd.Env = w.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("awsmfa %s: %v\n%s", args[2], err, out) // args[2]: the command, never the code
	}
}

// Quit with a dialog open closes the dialog and exits 0.
func TestTrayQuitClosesDialog(t *testing.T) {
	w := newWorld(t)
	a := startTray(t, w)
	a.Click(loginLabel(profile), exactly(loginLabel(profile)))
	d, _ := a.waitDialog(dialogTitle(w.lcAll))

	a.Click(labelQuit, exactly(labelQuit))
	select {
	case <-a.done:
		if a.err != nil {
			t.Fatalf("awsmfa-tray exited with %v after Quit, want 0", a.err)
		}
	case <-time.After(menuWait):
		t.Fatalf("awsmfa-tray still running %v after Quit", menuWait)
	}
	eventually(t, menuWait, "the dialog to close with the app", func() error {
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", d.PID)); err == nil {
			return fmt.Errorf("zenity (pid %d) is still running", d.PID)
		}
		return nil
	})
	if got := w.credentials(); string(got) != string(w.original) {
		t.Fatal("Quit changed the credentials file")
	}
}
