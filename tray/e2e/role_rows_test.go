//go:build linux

package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The role rows follow the session: a click on "needs myaccount" asks for
// myaccount's code and names the role; one code makes every role ready;
// after a logout, cached role credentials still serve and the row says for
// how long; a role that leans on no MFA profile says why in an error
// dialog and asks for no code.
func TestTrayRoleRowsFollowTheSession(t *testing.T) {
	w := newRoleWorld(t, []string{roleName, "dev-ro"})
	cfg, err := os.ReadFile(w.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg = fmt.Appendf(cfg, "\n[profile loop-a]\nrole_arn = %s\nsource_profile = loop-b\n\n[profile loop-b]\nrole_arn = %s\nsource_profile = loop-a\n", roleARN, roleARN)
	if err := os.WriteFile(w.cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	a := startTray(t, w, "--verbose")
	a.WaitItem("the role row", exactly(roleLabel(w.lcAll, roleName, "needs "+profile)))
	a.WaitItem("the looping role", exactly(roleLabel(w.lcAll, "loop-a", "needs setup")))

	// The role that needs setup: the core's sentence, no code asked.
	seen := dialogPIDs(a)
	a.Click("the looping role", exactly(roleLabel(w.lcAll, "loop-a", "needs setup")))
	d, win := a.waitDialog("awsmfa" + dash(w.lcAll) + "loop-a")
	if !strings.Contains(d.Args, "--error") || !strings.Contains(d.Args, "The source profiles of loop-a form a loop") {
		t.Errorf("the dialog for loop-a: %q", d.Args)
	}
	pressKey(t, win, "Return")
	a.waitNoDialog()
	if pids := seen(); len(pids) != 1 {
		t.Errorf("%d dialogs for the role that needs setup, want the one error dialog", len(pids))
	}
	if n := len(w.sts.Calls()); n != 0 {
		t.Errorf("%d STS calls for a role that needs setup", n)
	}

	// The row's click: myaccount's code, for the role.
	a.Click("the role row", exactly(roleLabel(w.lcAll, roleName, "needs "+profile)))
	d, win = a.waitDialog(dialogTitle(w.lcAll))
	if !strings.Contains(d.Args, neededBy(roleName)) || !strings.Contains(d.Args, "MFA device: "+serial) {
		t.Errorf("the dialog %q does not name %s and the device", d.Args, roleName)
	}
	typeInto(t, win, w.code())
	w.waitSession(loginWait)
	a.WaitItem("the role row, ready", exactly(roleLabel(w.lcAll, roleName, "ready")))
	a.WaitItem("the other role row, ready", exactly(roleLabel(w.lcAll, "dev-ro", "ready")))

	// One code, every role: both processes get credentials, no dialog.
	a.waitNoDialog()
	seen = dialogPIDs(a)
	prod := startCredProcess(t, w, roleName).credentials(t)
	assumedBy(t, w, prod)
	assumedBy(t, w, startCredProcess(t, w, "dev-ro").credentials(t))
	if pids := seen(); len(pids) != 0 {
		t.Errorf("credential-process with a live session opened %d dialogs", len(pids))
	}
	if n := len(w.sts.IssuedSessions()); n != 1 {
		t.Errorf("%d MFA sessions issued, want the one code's", n)
	}

	// The session ends (its expiration passed: here written so by hand)
	// while the role credentials cached with it live on: the row says for
	// how long, and credential-process still answers from the cache.
	seen = dialogPIDs(a)
	expireSession(t, w)
	a.WaitItem("expired", exactly(statusLabel(w.lcAll, "expired")))
	left := regexp.MustCompile("^" + regexp.QuoteMeta(roleLabel(w.lcAll, roleName, "")) + `(\d+h)?\d+m left, then needs ` + profile + "$")
	a.WaitItem("the role row, cached then needs", left.MatchString)
	calls := len(w.sts.Calls())
	if again := startCredProcess(t, w, roleName).credentials(t); again["AccessKeyId"] != prod["AccessKeyId"] {
		t.Error("with the session expired credential-process did not answer from its cache")
	}
	if len(w.sts.Calls()) != calls {
		t.Errorf("a cached answer called STS (%d calls, then %d)", calls, len(w.sts.Calls()))
	}
	if pids := seen(); len(pids) != 0 {
		t.Errorf("a cached answer opened %d dialogs", len(pids))
	}
}

// expireSession moves [myaccount]'s expiration an hour into the past.
func expireSession(t *testing.T, w *world) {
	t.Helper()
	old := sectionKeys(w.credentials(), profile)["expiration"]
	if old == "" {
		t.Fatal("no session to expire")
	}
	past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
	b := bytes.Replace(w.credentials(), []byte("expiration = "+old), []byte("expiration = "+past), 1)
	if err := os.WriteFile(w.credPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// The tray's socket opened to others (mode 0666): credential-process
// refuses to ask it, says so in one sentence, and the tray opens nothing.
// Put back to 0600, the same socket serves again.
func TestCredentialProcessRefusesAnOpenSocket(t *testing.T) {
	w := newRoleWorld(t, []string{roleName})
	a := startTray(t, w)
	a.WaitItem("the role row", exactly(roleLabel(w.lcAll, roleName, "needs "+profile)))
	waitLogged(t, w, `msg="serving the local channel"`, 1)
	sock := filepath.Join(w.home, ".run", "awsmfa", "tray.sock")
	if err := os.Chmod(sock, 0o666); err != nil {
		t.Fatal(err)
	}
	seen := dialogPIDs(a)
	p := startCredProcess(t, w, roleName)
	select {
	case <-p.done:
	case <-time.After(roleWait):
		t.Fatalf("credential-process did not end; stderr: %s", p.stderr.String())
	}
	msg := strings.TrimSpace(p.stderr.String())
	if p.err == nil || p.stdout.Len() != 0 || !strings.Contains(msg, "refusing to ask awsmfa-tray") ||
		!strings.Contains(msg, "others may open the socket") || strings.Count(msg, "\n") != 0 {
		t.Errorf("with an open socket: exit %v, %d bytes on stdout, stderr %q; want one sentence refusing it", p.err, p.stdout.Len(), msg)
	}
	if pids := seen(); len(pids) != 0 {
		t.Errorf("the tray opened %d dialogs for a refused request", len(pids))
	}

	if err := os.Chmod(sock, 0o600); err != nil {
		t.Fatal(err)
	}
	p = startCredProcess(t, w, roleName)
	_, win := a.waitDialog(dialogTitle(w.lcAll))
	typeInto(t, win, w.code())
	assumedBy(t, w, p.credentials(t))
}
