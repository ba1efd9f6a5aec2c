//go:build linux

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
)

// Issue 10's tray: role profiles in the menu, "awsmfa credential-process"
// asking the tray over the local channel, notices that stay with a Renew
// that works, and mfa_process sessions renewed unasked.

const (
	roleARN  = "arn:aws:iam::222233334444:role/admin"
	roleName = "prod-admin"
	roleWait = 60 * time.Second // credential-process: dialog, login, AssumeRole
)

func roleLabel(lcAll, role, state string) string { return "Role " + role + dash(lcAll) + state }

func neededBy(role string) string {
	return "Needed by " + role + ": its role is assumed with this session."
}

// newRoleWorld is newWorld with a role at the fake (MFA required) and role
// profiles written as AWS documents them, leaning on myaccount.
func newRoleWorld(t *testing.T, roles []string, opts ...stsfake.Option) *world {
	t.Helper()
	opts = append([]stsfake.Option{stsfake.WithRoles(stsfake.Role{ARN: roleARN, RequireMFA: true})}, opts...)
	w := newWorld(t, opts...)
	cfg, err := os.ReadFile(w.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range roles {
		cfg = fmt.Appendf(cfg, "\n[profile %s]\nrole_arn = %s\nsource_profile = %sPerm\nmfa_serial = %s\nregion = us-east-1\n",
			r, roleARN, profile, serial)
	}
	if err := os.WriteFile(w.cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	return w
}

// credProcess is one running "awsmfa credential-process --profile role".
type credProcess struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer
	stderr syncBuffer
	done   chan struct{}
	err    error
	role   string
}

// startCredProcess runs the real awsmfa binary as an SDK would, with no
// terminal, in w's environment (the tray's HOME and runtime folder).
func startCredProcess(t *testing.T, w *world, role string) *credProcess {
	t.Helper()
	if harness.cliErr != nil {
		t.Fatal(harness.cliErr)
	}
	p := &credProcess{done: make(chan struct{}), role: role}
	p.cmd = exec.Command(harness.cli, "credential-process", "--profile", role)
	p.cmd.Env = w.env()
	p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGKILL} // no terminal
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// credentials waits for the process to end and returns what it printed.
func (p *credProcess) credentials(t *testing.T) map[string]any {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(roleWait):
		t.Fatalf("credential-process --profile %s did not end within %v; stderr: %s", p.role, roleWait, p.stderr.String())
	}
	if p.err != nil {
		t.Fatalf("credential-process --profile %s: %v; stderr: %s", p.role, p.err, p.stderr.String())
	}
	var out map[string]any
	if err := json.Unmarshal(p.stdout.Bytes(), &out); err != nil {
		t.Fatalf("credential-process printed %d bytes that are not JSON: %v", p.stdout.Len(), err)
	}
	if out["Version"] != float64(1) || out["AccessKeyId"] == "" || out["SessionToken"] == "" || out["Expiration"] == "" {
		t.Fatalf("credential-process JSON lacks a field: keys %v", keys(out))
	}
	return out
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// assumedBy checks that the credentials are a role session the fake issued.
func assumedBy(t *testing.T, w *world, out map[string]any) {
	t.Helper()
	for _, s := range w.sts.AssumedRoles() {
		if s.AccessKeyID == out["AccessKeyId"] && s.SessionToken == out["SessionToken"] {
			return
		}
	}
	t.Fatalf("credential-process printed credentials the fake never issued (it assumed %d roles)", len(w.sts.AssumedRoles()))
}

// dialogPIDs records every zenity process the app runs until stop is
// called.
func dialogPIDs(a *app) (stop func() []int) {
	var mu sync.Mutex
	seen := map[int]bool{}
	quit := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			for _, d := range a.dialogs() {
				mu.Lock()
				seen[d.PID] = true
				mu.Unlock()
			}
			select {
			case <-quit:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() []int {
		close(quit)
		<-done
		mu.Lock()
		defer mu.Unlock()
		var out []int
		for p := range seen {
			out = append(out, p)
		}
		return out
	}
}

// The role rows over D-Bus, and credential-process with no live session:
// it asks the running tray, whose dialog names the role; once the code is
// typed it prints the role's credentials, and the row shows their time.
func TestCredentialProcessAsksTheTray(t *testing.T) {
	w := newRoleWorld(t, []string{roleName, "dev-ro"})
	a := startTray(t, w)
	a.WaitItem("the role row", exactly(roleLabel(w.lcAll, roleName, "needs "+profile)))
	a.WaitItem("the other role row", exactly(roleLabel(w.lcAll, "dev-ro", "needs "+profile)))
	want := []string{statusLabel(w.lcAll, labelLoggedOut), loginLabel(profile), logoutLabel(profile), keychainLabel(w.lcAll, profile),
		roleLabel(w.lcAll, "dev-ro", "needs "+profile), roleLabel(w.lcAll, roleName, "needs "+profile), "----", labelLogoutAll}
	if got := visibleLabels(a.Layout()); len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
		t.Errorf("menu:\n%s\nwant it to start:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	p := startCredProcess(t, w, roleName)
	d, win := a.waitDialog(dialogTitle(w.lcAll))
	if !strings.Contains(d.Args, neededBy(roleName)) {
		t.Errorf("the dialog %q does not say %s needs it", d.Args, roleName)
	}
	screenshot(t, win, "role-dialog")
	typeInto(t, win, w.code())
	out := p.credentials(t)
	assumedBy(t, w, out)
	a.waitNoDialog()
	a.WaitItem("the role row, ready with its time left", func(s string) bool {
		return strings.HasPrefix(s, roleLabel(w.lcAll, roleName, "ready, ")) && strings.HasSuffix(s, "m left")
	})
	a.WaitItem("the other role row, ready", exactly(roleLabel(w.lcAll, "dev-ro", "ready")))

	// The next call is served from the cache: no dialog, no STS call.
	calls := len(w.sts.Calls())
	again := startCredProcess(t, w, roleName).credentials(t)
	if again["AccessKeyId"] != out["AccessKeyId"] || len(w.sts.Calls()) != calls {
		t.Errorf("a second call went to STS (%d calls, then %d)", calls, len(w.sts.Calls()))
	}
}

// Two processes that need myaccount at once (Terraform runs several)
// share one dialog and one login.
func TestCredentialProcessesShareOneDialog(t *testing.T) {
	w := newRoleWorld(t, []string{roleName, "dev-ro"})
	a := startTray(t, w)
	a.WaitItem("the role row", exactly(roleLabel(w.lcAll, roleName, "needs "+profile)))
	seen := dialogPIDs(a)
	p1 := startCredProcess(t, w, roleName)
	p2 := startCredProcess(t, w, "dev-ro")
	_, win := a.waitDialog(dialogTitle(w.lcAll))
	typeInto(t, win, w.code())
	assumedBy(t, w, p1.credentials(t))
	assumedBy(t, w, p2.credentials(t))
	if pids := seen(); len(pids) != 1 {
		t.Errorf("the tray ran %d code dialogs (%v), want one", len(pids), pids)
	}
	if n := len(w.sts.IssuedSessions()); n != 1 {
		t.Errorf("%d MFA sessions issued, want one", n)
	}
}

// A process that gives up (killed, or its SDK's timeout) closes the
// dialog it opened; the tray goes on.
func TestCredentialProcessGivingUpClosesTheDialog(t *testing.T) {
	w := newRoleWorld(t, []string{roleName})
	a := startTray(t, w, "--verbose")
	a.WaitItem("the role row", exactly(roleLabel(w.lcAll, roleName, "needs "+profile)))
	p := startCredProcess(t, w, roleName)
	a.waitDialog(dialogTitle(w.lcAll))
	p.cmd.Process.Kill()
	<-p.done
	a.waitNoDialog()
	// Still serving: a login from the menu works.
	login(t, a, w, w.code, "")
	w.waitSession(loginWait)
	a.WaitItem("the role row, ready", exactly(roleLabel(w.lcAll, roleName, "ready")))
}

// A second tray (another cache folder, so its single-instance lock does
// not stop it) leaves the channel to the first.
func TestSecondTrayLeavesTheChannel(t *testing.T) {
	w := newRoleWorld(t, []string{roleName})
	first := startTray(t, w)
	first.WaitItem("the role row", exactly(roleLabel(w.lcAll, roleName, "needs "+profile)))
	env := append(w.env(), "XDG_CACHE_HOME="+filepath.Join(w.home, ".cache2"))
	second := startApp(t, harness.tray, env, "--verbose")
	second.WaitItem("the second tray's menu", prefixed(profile+dash(w.lcAll)))
	eventually(t, menuWait, "the second tray to leave the channel", func() error {
		if !strings.Contains(second.out.String(), "another awsmfa-tray serves the local channel") {
			return fmt.Errorf("it said: %s", second.out.String())
		}
		return nil
	})
	p := startCredProcess(t, w, roleName)
	_, win := first.waitDialog(dialogTitle(w.lcAll))
	if ds := second.dialogs(); len(ds) != 0 {
		t.Errorf("the second tray opened %v", ds)
	}
	pressEscape(t, win)
	first.waitNoDialog()
	select {
	case <-p.done:
	case <-time.After(roleWait):
		t.Fatal("credential-process did not end after the dialog was canceled")
	}
	if p.err == nil || p.stdout.Len() != 0 {
		t.Errorf("a canceled login: exit %v, %d bytes on stdout", p.err, p.stdout.Len())
	}
}

// writeSession puts a hand-made session for myaccount ending at exp into
// the credentials file (the tray renews it with the long-term keys).
func (w *world) writeSession(exp time.Time) {
	w.t.Helper()
	cred := fmt.Appendf(w.credentials(), "\n[%s]\naws_access_key_id = ASIAEXAMPLEHAND\naws_secret_access_key = not-a-secret\n"+
		"aws_session_token = not-a-token\nexpiration = %s\n", profile, exp.UTC().Format(time.RFC3339))
	if err := os.WriteFile(w.credPath, cred, 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// The warning stays (critical, no timeout, resident) with Renew and a
// click on its body; both open the code dialog at once, and the notices
// of myaccount replace one another (one id) instead of stacking.
func TestTrayRenewFromTheNotice(t *testing.T) {
	w := newWorld(t, stsfake.WithSessionCap(5*time.Minute)) // each new session is soon in the warning window too
	// Ten seconds short of the cap: a session the fake issues is never
	// this one's expiry, even to the second (the file holds seconds), as a
	// login within the second gave, and the same expiry is warned once.
	w.writeSession(time.Now().Add(5*time.Minute - 10*time.Second))
	a := startTray(t, w, "--notify-before", "10m")
	warn := waitNotification(t, a, "the warning", mentions(notifyExpiring))
	if warn.urgency() != 2 || warn.Timeout != 0 || !warn.resident() || !warn.hasAction("default") || !warn.hasAction("renew") {
		t.Errorf("warning: urgency %d, timeout %d, resident %v, actions %v; want 2, 0, true, default and renew",
			warn.urgency(), warn.Timeout, warn.resident(), warn.Actions)
	}
	// A click on the body: the dialog opens; Escape changes nothing.
	if err := harness.bus.InvokeAction(warn.ID, "default"); err != nil {
		t.Fatal(err)
	}
	_, win := a.waitDialog(dialogTitle(w.lcAll))
	pressEscape(t, win)
	a.waitNoDialog()
	waitLogged(t, w, `msg="login canceled"`, 1)
	// Renew: the dialog opens; the code renews the session.
	if err := harness.bus.InvokeAction(warn.ID, "renew"); err != nil {
		t.Fatal(err)
	}
	_, win = a.waitDialog(dialogTitle(w.lcAll))
	typeInto(t, win, w.code())
	w.waitSession(loginWait)
	in := waitNotification(t, a, "the logged-in notice", mentions(notifyLoggedIn))
	if in.ReplacesID != warn.ID || in.ID != warn.ID {
		t.Errorf("the logged-in notice replaces %d and got id %d; want both %d (the warning's)", in.ReplacesID, in.ID, warn.ID)
	}
	// The new session is in its warning window at once: its warning
	// replaces the notice again, in the same place.
	eventually(t, menuWait, "a second warning", func() error {
		ns := harness.bus.Notifications(a.pid)
		if countMatching(ns, notifyExpiring) < 2 {
			return fmt.Errorf("notifications so far: %s", describe(ns))
		}
		return nil
	})
	var second notification
	for _, n := range harness.bus.Notifications(a.pid) {
		if mentions(notifyExpiring)(n) {
			second = n
		}
	}
	if second.ReplacesID != warn.ID || second.ID != warn.ID {
		t.Errorf("the second warning replaces %d and got id %d; want %d", second.ReplacesID, second.ID, warn.ID)
	}
}

// mfa_process: a script (it waits a second and a half, as a key waiting
// for a touch would, then prints the code) logs in with no dialog, with
// "Touch your security key" shown meanwhile and closed after; the session
// is then renewed before it expires without anybody asked.
func TestTrayMFAProcessRenews(t *testing.T) {
	const lifetime = 20 * time.Second
	w := newWorld(t, stsfake.WithSessionCap(lifetime))
	w.useMFAProcess(w.mfaProcessScript(0))
	a := startTray(t, w, "--notify-before", "12s")
	seen := dialogPIDs(a)
	a.Click(loginLabel(profile), exactly(loginLabel(profile)))
	touch := waitNotification(t, a, "the touch notice", mentions("Touch your security key for "+profile))
	if touch.urgency() != 2 || touch.Timeout != 0 {
		t.Errorf("touch notice: urgency %d, timeout %d", touch.urgency(), touch.Timeout)
	}
	first := w.waitSession(loginWait)
	eventually(t, menuWait, "the touch notice closed", func() error {
		if !slices.Contains(harness.bus.Closes(), touch.ID) {
			return fmt.Errorf("closed so far: %v", harness.bus.Closes())
		}
		return nil
	})
	eventually(t, lifetime+loginWait, "a renewal nobody asked for", func() error {
		if n := len(w.sts.IssuedSessions()); n < 2 {
			return fmt.Errorf("%d sessions issued", n)
		}
		return nil
	})
	waitNotification(t, a, "the renewed notice", mentions(profile+": renewed until "))
	if s := w.sts.IssuedSessions()[1]; !s.Expiration.After(first.Expiration) {
		t.Errorf("the renewal expires %v, not after the first session's %v", s.Expiration, first.Expiration)
	}
	if pids := seen(); len(pids) != 0 {
		t.Errorf("zenity ran %v times for an mfa_process profile", pids)
	}
	for _, n := range harness.bus.Notifications(a.pid) {
		if mentions(notifyExpiring)(n) {
			t.Errorf("a warning for a session renewed without asking: %q", n.Summary)
		}
	}
	// The codes it gave are used once and never logged or shown.
	printed, err := os.ReadFile(filepath.Join(w.home, "mfa", "printed"))
	if err != nil {
		t.Fatal(err)
	}
	codes := strings.Fields(string(printed))
	if len(codes) < 2 {
		t.Fatalf("mfa_process printed %d codes, want one per login", len(codes))
	}
	logs := readLogs(t, w) + a.out.String()
	for _, c := range codes {
		// As a number of its own: a longer one (a time, an id) may hold the digits.
		if regexp.MustCompile(`(^|[^0-9])` + c + `([^0-9]|$)`).MatchString(logs) {
			t.Error("an mfa_process code is in the app's log")
		}
		for _, n := range harness.bus.Notifications(a.pid) {
			if strings.Contains(n.Summary+n.Body, c) {
				t.Errorf("an mfa_process code is in the notice %q", n.Summary)
			}
		}
	}
}

// A renewal that fails (the key not touched) becomes a notice that stays,
// with Renew; Renew runs the command again: a new session, no dialog.
func TestTrayMFAProcessRenewalFailsThenRenew(t *testing.T) {
	const lifetime = 20 * time.Second
	w := newWorld(t, stsfake.WithSessionCap(lifetime))
	w.useMFAProcess(w.mfaProcessScript(2)) // the login works, the renewal fails
	a := startTray(t, w, "--notify-before", "12s")
	seen := dialogPIDs(a)
	a.Click(loginLabel(profile), exactly(loginLabel(profile)))
	first := w.waitSession(loginWait)
	var failed notification
	eventually(t, lifetime+menuWait, "the failed renewal's notice", func() error {
		ns := harness.bus.Notifications(a.pid)
		for _, n := range ns {
			if mentions(profile + ": the session could not be renewed")(n) {
				failed = n
				return nil
			}
		}
		return fmt.Errorf("notifications so far: %s", describe(ns))
	})
	if failed.urgency() != 2 || failed.Timeout != 0 || !failed.resident() || !failed.hasAction("renew") {
		t.Errorf("failure notice: urgency %d, timeout %d, resident %v, actions %v; want it to stay with Renew",
			failed.urgency(), failed.Timeout, failed.resident(), failed.Actions)
	}
	if !strings.Contains(failed.Body, "Renew it: ") {
		t.Errorf("failure notice body %q says not how to renew", failed.Body)
	}
	if err := harness.bus.InvokeAction(failed.ID, "renew"); err != nil {
		t.Fatal(err)
	}
	eventually(t, loginWait, "the session Renew made", func() error {
		if n := len(w.sts.IssuedSessions()); n < 2 {
			return fmt.Errorf("%d sessions issued", n)
		}
		return nil
	})
	if s := w.waitSession(loginWait); s.SessionToken == first.SessionToken {
		t.Error("the file still holds the first session")
	}
	if pids := seen(); len(pids) != 0 {
		t.Errorf("zenity ran %v for an mfa_process profile", pids)
	}
}

// useMFAProcess gives myaccount's MFA profile "mfa_process = script".
func (w *world) useMFAProcess(script string) {
	w.t.Helper()
	cfg, err := os.ReadFile(w.cfgPath)
	if err != nil {
		w.t.Fatal(err)
	}
	cfg = bytes.Replace(cfg, []byte("mfa_serial = "+serial+"\n"), []byte("mfa_serial = "+serial+"\nmfa_process = "+script+"\n"), 1)
	if err := os.WriteFile(w.cfgPath, cfg, 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// mfaProcessScript writes the mfa_process script: a pause, then this test
// binary printing the user's next TOTP code (see totpHelper). Its run
// number failRun (from 1; 0 for none) fails instead, as a key nobody
// touched does.
func (w *world) mfaProcessScript(failRun int) string {
	w.t.Helper()
	self, err := os.Executable()
	if err != nil {
		w.t.Fatal(err)
	}
	dir := filepath.Join(w.home, "mfa")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		w.t.Fatal(err)
	}
	secret := filepath.Join(dir, "secret")
	if err := os.WriteFile(secret, []byte(w.user.TOTPSecret), 0o600); err != nil {
		w.t.Fatal(err)
	}
	script := filepath.Join(dir, "mfa-code.sh")
	// Each code it prints is kept in "printed", for the test to look for
	// in what the app wrote.
	runs := filepath.Join(dir, "runs")
	body := fmt.Sprintf("#!/bin/sh\nn=$(($(cat %s 2>/dev/null || echo 0) + 1))\necho $n > %s\n"+
		"if [ $n = %d ]; then echo 'no touch' >&2; exit 1; fi\n", runs, runs, failRun) +
		fmt.Sprintf("sleep 1.5\ncode=$(%s=%s %s=%s %s) || exit 1\nprintf '%%s\\n' \"$code\" >> %s\nprintf '%%s\\n' \"$code\"\n",
			totpSecretEnv, secret, totpStateEnv, filepath.Join(dir, "step"), self, filepath.Join(dir, "printed"))
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		w.t.Fatal(err)
	}
	return script
}

// The roles and a notice that stays as a person sees them: xfce4-panel's
// menu with the role rows, and dunst showing the warning (critical, so
// drawn as such and kept until dismissed). A middle click on dunst's
// notice (its "do_action") opens the code dialog: Renew through a real
// notification daemon. Pictures: artifacts/panel-roles-*.png.
func TestTrayRolesOnARealPanel(t *testing.T) {
	needPanel(t)
	w := newRoleWorld(t, []string{roleName, "dev-ro", "s10-ro", "s2-ro"}, stsfake.WithSessionCap(5*time.Minute))
	conn, env := startDesktop(t, w.home, w.env())
	a := startApp(t, harness.tray, env, "--notify-before", "10m", "--verbose")
	menu := &menuClient{obj: conn.Object(itemBusName(a.pid), menuPath)}
	var root menuItem
	eventually(t, menuWait, "the role rows", func() error {
		var err error
		if root, err = menu.Layout(); err != nil {
			return err
		}
		if _, ok := root.Find(exactly(roleLabel(w.lcAll, roleName, "needs "+profile))); !ok {
			return fmt.Errorf("not yet:\n%s", root)
		}
		return nil
	})
	x, y := panelIcon(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	closeNotices(t, conn) // none beside the menu in its picture
	closed, _ := x11Screenshot(harness.display, image.Rectangle{})
	if _, err := xdotool(ctx, "mousemove", strconv.Itoa(x), strconv.Itoa(y), "click", "1"); err != nil {
		t.Fatal(err)
	}
	shotScreen(t, "panel-roles-menu-needs", closed)
	xdotool(ctx, "key", "Escape")

	// Log in from the menu; the session the fake issues lasts 5 minutes, so
	// its warning follows at once, and stays.
	li, _ := root.Find(exactly(loginLabel(profile)))
	if err := menu.Click(li.ID); err != nil {
		t.Fatal(err)
	}
	win := waitWindow(t, dialogTitle(w.lcAll))
	typeInto(t, win, w.code())
	w.waitSession(loginWait)
	eventually(t, menuWait, "the warning sent", func() error {
		if !strings.Contains(a.out.String(), `msg="expiry notice" profile=`+profile) {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	waitGone(t, dialogTitle(w.lcAll))
	xdotool(ctx, "mousemove", "20", "600") // no tooltip over the notice
	shotStill(t, "panel-roles-notice-resident", closed)

	// credential-process with the live session: no dialog; the row shows
	// the role credentials' time left.
	assumedBy(t, w, startCredProcess(t, w, roleName).credentials(t))
	eventually(t, menuWait, "prod-admin ready with its time left", func() error {
		r, err := menu.Layout()
		if err != nil {
			return err
		}
		if _, ok := r.Find(prefixed(roleLabel(w.lcAll, roleName, "ready, "))); !ok {
			return fmt.Errorf("not yet:\n%s", r)
		}
		return nil
	})

	// Dunst's own action: a middle click on the notice.
	out, err := xdotool(ctx, "search", "--onlyvisible", "--class", "Dunst")
	if err != nil {
		t.Fatalf("no dunst window: %v", err)
	}
	ids := strings.Fields(out)
	r, err := windowRect(ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if _, err := xdotool(ctx, "mousemove", strconv.Itoa(r.Min.X+r.Dx()/2), strconv.Itoa(r.Min.Y+r.Dy()/2), "click", "2"); err != nil {
		t.Fatal(err)
	}
	win = waitWindow(t, dialogTitle(w.lcAll))
	screenshot(t, win, "panel-roles-renew-dialog")
	pressEscape(t, win)
	waitGone(t, dialogTitle(w.lcAll))

	// The menu with the roles ready, once dunst shows no notice beside it.
	closeNotices(t, conn)
	before, _ := x11Screenshot(harness.display, image.Rectangle{})
	if _, err := xdotool(ctx, "mousemove", strconv.Itoa(x), strconv.Itoa(y), "click", "1"); err != nil {
		t.Fatal(err)
	}
	shotScreen(t, "panel-roles-menu-ready", before)
	xdotool(ctx, "key", "Escape")
}

// waitGone waits until no visible window is titled title.
func waitGone(t *testing.T, title string) {
	t.Helper()
	eventually(t, dialogWait, "the window "+title+" to close", func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if out, err := xdotool(ctx, "search", "--onlyvisible", "--name", "^"+regexp.QuoteMeta(title)+"$"); err == nil && strings.TrimSpace(out) != "" {
			return fmt.Errorf("still open: %s", out)
		}
		return nil
	})
}

// shotStill saves the screen once it has stopped changing (a notice that
// replaced another is drawn), with the part that differs from base.
func shotStill(t *testing.T, name string, base *image.RGBA) {
	t.Helper()
	var last *image.RGBA
	err := poll(10*time.Second, func() error {
		img, err := x11Screenshot(harness.display, image.Rectangle{})
		if err != nil {
			return err
		}
		prev := last
		last = img
		if prev == nil || !bytes.Equal(prev.Pix, img.Pix) || bytes.Equal(img.Pix, base.Pix) {
			time.Sleep(300 * time.Millisecond) // only for the picture; nothing is asserted on it
			return fmt.Errorf("still changing")
		}
		return nil
	})
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
	shotScreen(t, name, nil, base)
}
