//go:build linux

package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
)

// The keychain part of the contract (tray/README-e2e-contract.md).
const (
	longTerm          = profile + "Perm"
	keychainMarker    = "awsmfa_keychain = true"
	confirmOK         = "Move keys"
	confirmCancel     = "Cancel"
	notifyMovedTitle  = profile + ": long-term keys moved to the keychain"
	notifyMovedBody   = "[" + longTerm + "] in the credentials file now only says awsmfa_keychain = true. To undo: awsmfa keychain export --profile " + profile
	keychainConfirmQs = "The long-term keys of [" + longTerm + "] move into the OS keychain; the credentials file keeps only " +
		"awsmfa_keychain = true in [" + longTerm + "]. awsmfa checks them with AWS first and leaves them in the file if any step fails.\n\n" +
		"Logins from the tray and the awsmfa CLI then read them from the keychain. Other AWS tools keep working with " +
		"the sessions awsmfa writes to [" + profile + "]; a tool that used [" + longTerm + "] directly no longer finds its keys.\n\n" +
		"To undo: awsmfa keychain export --profile " + profile
)

// lock follows the profile name when its keys are in the keychain: plain
// ASCII in every locale, which every font draws (a 🔒 showed as a box).
func lock(lcAll string) string { return " [keychain]" }

// inKeychainLabel replaces the move item, under the same ID, once the keys
// are in the keychain.
const inKeychainLabel = profile + " keys are in the keychain"

func lockedStatusLabel(lcAll, state string) string {
	return profile + lock(lcAll) + dash(lcAll) + state
}

// lockedActiveLabel matches "myaccount 🔒 — active, 11h59m left".
func lockedActiveLabel(lcAll string) func(string) bool {
	re := regexp.MustCompile("^" + regexp.QuoteMeta(profile+lock(lcAll)+dash(lcAll)) + `active, \d+h\d+m left$`)
	return re.MatchString
}

// importedBytes is the credentials file once the keys moved: the two key
// lines become the marker and nothing else changes.
func (w *world) importedBytes() []byte {
	keys := "aws_access_key_id = " + w.user.AccessKeyID + "\naws_secret_access_key = " + w.user.SecretAccessKey + "\n"
	if !bytes.Contains(w.original, []byte(keys)) {
		w.t.Fatal("the test's credentials file does not hold the two key lines it replaces")
	}
	return bytes.Replace(w.original, []byte(keys), []byte(keychainMarker+"\n"), 1)
}

// The keys move from the file into a real Secret Service (gnome-keyring)
// through the menu and the question dialog; a cancel first changes
// nothing. Then a login reads the keys from the keychain, Logout all
// restores the moved file, and the CLI's export gives back the original
// bytes. No secret reaches the log, a notification or any output.
func TestTrayKeychainMove(t *testing.T) {
	for _, lc := range []string{"C.UTF-8", "C"} {
		t.Run("LC_ALL="+lc, func(t *testing.T) {
			needSecretService(t)
			w := newWorld(t)
			w.lcAll = lc
			ss := startSecretService(t, w.env())
			if _, err := ss.get(longTerm); !errors.Is(err, keyring.ErrNotFound) {
				t.Fatalf("a fresh keyring: Get(%s, %s) = %v, want keyring.ErrNotFound", keyringService, longTerm, err)
			}
			a := startTray(t, w)

			// Before: keys in the file, no lock, the move item offered.
			a.WaitItem("status without a lock", exactly(statusLabel(lc, labelLoggedOut)))
			move := a.WaitItem("the move item", exactly(keychainLabel(lc, profile)))
			if !move.Enabled {
				t.Fatalf("%q is disabled", move.Label)
			}

			// Escape: nothing changes.
			a.Click("the move item", exactly(keychainLabel(lc, profile)))
			d, win := a.waitDialog(dialogTitle(lc))
			for _, want := range []string{"--question", keychainConfirmQs, confirmOK, confirmCancel} {
				if !strings.Contains(d.Args, want) {
					t.Fatalf("question dialog %q lacks %q", d.Args, want)
				}
			}
			shot := "keychain-confirm"
			if lc != "C.UTF-8" {
				shot += "-" + strings.ReplaceAll(lc, ".", "-")
			}
			screenshot(t, win, shot)
			pressEscape(t, win)
			a.waitNoDialog()
			waitLogged(t, w, `msg="keychain move canceled"`, 1)
			a.Click(labelRefresh, exactly(labelRefresh))
			a.WaitItem("status after cancel", exactly(statusLabel(lc, labelLoggedOut)))
			a.WaitItem("the move item after cancel", exactly(keychainLabel(lc, profile)))
			if !bytes.Equal(w.credentials(), w.original) {
				t.Fatal("cancel changed the credentials file")
			}
			if _, err := ss.get(longTerm); !errors.Is(err, keyring.ErrNotFound) {
				t.Fatalf("after cancel Get(%s, %s) = %v, want keyring.ErrNotFound", keyringService, longTerm, err)
			}
			if n := len(w.sts.Calls()); n != 0 {
				t.Fatalf("cancel still called STS (%d calls)", n)
			}
			if ns := harness.bus.Notifications(a.pid); len(ns) != 0 {
				t.Fatalf("cancel showed notifications: %s", describe(ns))
			}

			// Return: "Move keys" is the default button.
			a.Click("the move item", exactly(keychainLabel(lc, profile)))
			_, win = a.waitDialog(dialogTitle(lc), d)
			pressKey(t, win, "Return")
			a.WaitItem("status with the lock", exactly(lockedStatusLabel(lc, labelLoggedOut)))
			eventually(t, menuWait, "the move item to be disabled under its old ID", func() error {
				root, err := a.menu.Layout()
				if err != nil {
					return err
				}
				var found *menuItem
				root.Walk(func(it menuItem) {
					if it.ID == move.ID {
						found = &it
					}
				})
				switch {
				case found == nil:
					return fmt.Errorf("no item %d in the menu:\n%s", move.ID, root)
				case found.Enabled || !found.Visible || found.Label != inKeychainLabel:
					return fmt.Errorf("item %d %q: enabled %v, visible %v; want %q, disabled", found.ID, found.Label,
						found.Enabled, found.Visible, inKeychainLabel)
				}
				return nil
			})
			want := []string{lockedStatusLabel(lc, labelLoggedOut), loginLabel(profile), logoutLabel(profile), inKeychainLabel, "----",
				labelLogoutAll, labelAutostart, labelRefresh, "----", labelQuit}
			if got := visibleLabels(a.Layout()); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("menu after the move, in order:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			imported := w.importedBytes()
			eventually(t, menuWait, "the credentials file to keep only the marker", func() error {
				got := w.credentials()
				if bytes.Contains(got, []byte(w.user.AccessKeyID)) || bytes.Contains(got, []byte(w.user.SecretAccessKey)) {
					return errors.New("it still holds the long-term key")
				}
				if !bytes.Equal(got, imported) {
					return fmt.Errorf("it is\n%s\nwant\n%s", redact(got, w), redact(imported, w))
				}
				return nil
			})
			raw, err := ss.get(longTerm)
			if err != nil {
				t.Fatalf("after the move Get(%s, %s): %v", keyringService, longTerm, err)
			}
			var item struct {
				ID     string `json:"aws_access_key_id"`
				Secret string `json:"aws_secret_access_key"`
			}
			if err := json.Unmarshal([]byte(raw), &item); err != nil {
				t.Fatalf("the keychain item is not JSON (%d bytes)", len(raw))
			}
			if item.ID != w.user.AccessKeyID || item.Secret != w.user.SecretAccessKey {
				t.Fatal("the keychain item does not hold the user's long-term keys")
			}
			calls := w.sts.Calls()
			if len(calls) != 1 || calls[0].Action != "GetCallerIdentity" || calls[0].AccessKeyID != w.user.AccessKeyID {
				t.Fatalf("STS calls = %d (%v), want one GetCallerIdentity signed with the long-term key", len(calls), actions(calls))
			}
			n := waitNotification(t, a, "the keys-moved notification", func(n notification) bool { return n.Summary == notifyMovedTitle })
			if n.AppName != "awsmfa-tray" || n.Body != notifyMovedBody {
				t.Errorf("keys-moved notification from %q with body %q, want from awsmfa-tray with %q", n.AppName, n.Body, notifyMovedBody)
			}

			// Login reads the keys from the keychain.
			login(t, a, w, w.code, "")
			w.waitSession(loginWait)
			issued := w.sts.IssuedSessions()
			if len(issued) != 1 || !issued[0].MFA || issued[0].UserAccessKeyID != w.user.AccessKeyID {
				t.Fatalf("the fake issued %d sessions, want one with MFA asked by the keychain's long-term key", len(issued))
			}
			a.WaitItem("active status with the lock", lockedActiveLabel(lc))
			if got := w.credentials(); bytes.Contains(got, []byte(w.user.AccessKeyID)) || bytes.Contains(got, []byte(w.user.SecretAccessKey)) {
				t.Fatal("after login the long-term key is back in the file")
			}

			a.Click(labelLogoutAll, exactly(labelLogoutAll))
			eventually(t, menuWait, "Logout all to give back the moved file", func() error {
				if got := w.credentials(); !bytes.Equal(got, imported) {
					return fmt.Errorf("it differs (%d bytes, want %d)", len(got), len(imported))
				}
				return nil
			})
			a.WaitItem("logged-out status with the lock", exactly(lockedStatusLabel(lc, labelLoggedOut)))
			waitNotification(t, a, "a logged-out notification", mentions(profile+": logged out"))

			// The CLI's export, as the notification says, undoes the move.
			out := cliOutput(t, w, "keychain", "export", "--profile", profile)
			if got := w.credentials(); !bytes.Equal(got, w.original) {
				t.Fatalf("after awsmfa keychain export the file is\n%s\nwant the original bytes", redact(got, w))
			}
			if _, err := ss.get(longTerm); !errors.Is(err, keyring.ErrNotFound) {
				t.Fatalf("after export Get(%s, %s) = %v, want keyring.ErrNotFound", keyringService, longTerm, err)
			}
			a.WaitItem("status without a lock after export", exactly(statusLabel(lc, labelLoggedOut)))
			a.WaitItem("the move item after export", exactly(keychainLabel(lc, profile)))

			// No secret anywhere the user or a log collector can see.
			logText := readLogs(t, w)
			var notes strings.Builder
			for _, n := range harness.bus.Notifications(a.pid) {
				fmt.Fprintf(&notes, "%s\n%s\n%s\n", n.AppName, n.Summary, n.Body)
			}
			for what, text := range map[string]string{
				"the app's log":                   logText,
				"the notifications":               notes.String(),
				"the app's stdout/stderr":         a.out.String(),
				"awsmfa keychain export's output": out,
			} {
				noSecrets(t, w, what, text)
			}
		})
	}
}

// cliOutput runs the awsmfa CLI in w and returns its combined output,
// failing the test on a non-zero exit.
func cliOutput(t *testing.T, w *world, args ...string) string {
	t.Helper()
	if harness.cliErr != nil {
		t.Fatal(harness.cliErr)
	}
	cmd := exec.Command(harness.cli, args...)
	cmd.Env = w.env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("awsmfa %s: %v\n%s", strings.Join(args, " "), err, redact(out, w))
	}
	return string(out)
}

// readLogs returns the app's log file (and its rotated copy, if any). An
// empty log would make the secret scan vacuous, so it must hold lines.
// waitLogged waits until the app's log holds line n times: the app has
// handled what the line reports (a canceled flow ends just after its
// dialog has gone, and a click before that is taken as one for the open
// dialog).
func waitLogged(t *testing.T, w *world, line string, n int) {
	t.Helper()
	path := filepath.Join(w.home, ".cache", "awsmfa-tray", "awsmfa-tray.log")
	eventually(t, menuWait, fmt.Sprintf("%q %d times in the app's log", line, n), func() error {
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if got := strings.Count(string(b), line); got < n {
			return fmt.Errorf("%d times", got)
		}
		return nil
	})
}

func readLogs(t *testing.T, w *world) string {
	t.Helper()
	dir := filepath.Join(w.home, ".cache", "awsmfa-tray")
	var sb strings.Builder
	for _, name := range []string{"awsmfa-tray.log.1", "awsmfa-tray.log"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if errors.Is(err, os.ErrNotExist) && name != "awsmfa-tray.log" {
			continue
		}
		if err != nil {
			t.Fatalf("read the app's log: %v", err)
		}
		sb.Write(b)
	}
	if !strings.Contains(sb.String(), profile) {
		t.Fatalf("the app's log (%d bytes) never names %s: is it the right file?", sb.Len(), profile)
	}
	return sb.String()
}

// secretsOf names every secret of w, without its value: the long-term keys,
// the TOTP secret and each issued session's keys and token.
func secretsOf(w *world) map[string]string {
	s := map[string]string{
		"the long-term access key id":     w.user.AccessKeyID,
		"the long-term secret access key": w.user.SecretAccessKey,
		"the TOTP secret":                 w.user.TOTPSecret,
	}
	for i, is := range w.sts.IssuedSessions() {
		s[fmt.Sprintf("session %d's access key id", i)] = is.AccessKeyID
		s[fmt.Sprintf("session %d's secret access key", i)] = is.SecretAccessKey
		s[fmt.Sprintf("session %d's token", i)] = is.SessionToken
	}
	return s
}

// noSecrets fails the test for each secret that text holds, naming it but
// never printing it.
func noSecrets(t *testing.T, w *world, what, text string) {
	t.Helper()
	for name, secret := range secretsOf(w) {
		if secret != "" && strings.Contains(text, secret) {
			t.Errorf("%s holds %s", what, name)
		}
	}
}

// redact replaces every secret of w in b, for failure messages.
func redact(b []byte, w *world) string {
	s := string(b)
	for name, secret := range secretsOf(w) {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "<"+name+">")
		}
	}
	return s
}

func actions(calls []stsfake.Call) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c.Action)
	}
	return out
}
