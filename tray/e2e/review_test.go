//go:build linux

package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func setupLabel(lcAll, p string) string {
	if strings.Contains(strings.ToLower(lcAll), "utf") {
		return "Set up " + p + "\u2026"
	}
	return "Set up " + p + "..."
}

// A profile with keys in [XPerm] and no MFA device offers no "Login X",
// which could never work: its item says "Set up X…", and a click shows the
// core's sentence (which names the command) in an error dialog, asks no
// code and calls no STS.
func TestTrayNeedsSetupSaysWhatToRun(t *testing.T) {
	w := newWorld(t)
	if err := os.WriteFile(w.cfgPath, []byte("[profile "+profile+"]\nregion = us-east-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := startTray(t, w, "--verbose")
	a.WaitItem("needs setup", exactly(statusLabel(w.lcAll, "needs setup")))
	a.WaitItem("the setup item", exactly(setupLabel(w.lcAll, profile)))
	if _, ok := a.Layout().Find(exactly(loginLabel(profile))); ok {
		t.Errorf("%q offered for a profile that needs setup:\n%s", loginLabel(profile), a.Layout())
	}

	seen := dialogPIDs(a)
	a.Click("the setup item", exactly(setupLabel(w.lcAll, profile)))
	d, win := a.waitDialog(dialogTitle(w.lcAll))
	if !strings.Contains(d.Args, "--error") || !strings.Contains(d.Args, "No MFA device for "+profile) ||
		!strings.Contains(d.Args, "setup --serial") {
		t.Errorf("the dialog for %s: %q, want the core's sentence naming setup --serial", profile, d.Args)
	}
	pressKey(t, win, "Return")
	a.waitNoDialog()
	if pids := seen(); len(pids) != 1 {
		t.Errorf("%d dialogs for a profile that needs setup, want the one error dialog", len(pids))
	}
	if n := len(w.sts.Calls()); n != 0 {
		t.Errorf("%d STS calls for a profile that needs setup", n)
	}
	if got := w.credentials(); !bytes.Equal(got, w.original) {
		t.Errorf("the credentials file changed:\n%s", got)
	}
}

// A login against a credentials file that cannot be replaced is refused
// before the code dialog: the core's dry run finds it, the tray shows its
// sentence in an error dialog, asks no code, calls no STS and leaves the
// file byte for byte. As root the file is marked immutable (chattr +i);
// otherwise its folder is made read-only (root would write there anyway).
func TestTrayUnwritableFileAsksNoCode(t *testing.T) {
	w := newWorld(t)
	var want string
	if os.Geteuid() == 0 {
		if out, err := exec.Command("chattr", "+i", w.credPath).CombinedOutput(); err != nil {
			t.Skipf("chattr +i is not possible here (%v: %s): the immutable file cannot be made", err, out)
		}
		t.Cleanup(func() { exec.Command("chattr", "-i", w.credPath).Run() })
		want = "chattr -i"
	} else {
		dir := filepath.Dir(w.credPath)
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		want = dir
	}
	a := startTray(t, w, "--verbose")
	a.WaitItem("logged out", exactly(statusLabel(w.lcAll, labelLoggedOut)))

	seen := dialogPIDs(a)
	a.Click(loginLabel(profile), exactly(loginLabel(profile)))
	// A code dialog would stay open for its code: the one dialog is the
	// error.
	d, win := a.waitDialog(dialogTitle(w.lcAll))
	if !strings.Contains(d.Args, "--error") || !strings.Contains(d.Args, want) {
		t.Errorf("the dialog: %q, want an error dialog with the core's sentence (naming %q)", d.Args, want)
	}
	if strings.Contains(d.Args, "--entry") || strings.Contains(d.Args, "MFA device") {
		t.Errorf("a code was asked for a write that cannot happen: %q", d.Args)
	}
	pressKey(t, win, "Return")
	a.waitNoDialog()
	if pids := seen(); len(pids) != 1 {
		t.Errorf("%d dialogs, want the one error dialog", len(pids))
	}
	if n := len(w.sts.Calls()); n != 0 {
		t.Errorf("%d STS calls for a write that cannot happen", n)
	}
	if got := w.credentials(); !bytes.Equal(got, w.original) {
		t.Errorf("the credentials file changed:\n%s", got)
	}
	a.WaitItem("still logged out", exactly(statusLabel(w.lcAll, labelLoggedOut)))
}
