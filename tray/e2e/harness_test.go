//go:build linux

package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// TestHarness drives the throwaway testdata/minitray through every part of
// the harness (watcher, menu, dialog typing, notifications, screenshot), so
// a failure here is the harness's, not the app's.
func TestHarness(t *testing.T) {
	needHarness(t)
	if harness.miniErr != nil {
		t.Fatal(harness.miniErr)
	}
	home := t.TempDir()
	a := startApp(t, harness.minitray, baseEnv(home))

	eventually(t, menuWait, "minitray registers with the StatusNotifierWatcher", func() error {
		regs := harness.bus.Registrations(a.pid)
		if len(regs) == 0 {
			return fmt.Errorf("no registration from pid %d", a.pid)
		}
		if owner := harness.bus.ownerOf(itemBusName(a.pid)); owner != regs[0].Sender {
			return fmt.Errorf("registered by %s but %s is owned by %q", regs[0].Sender, itemBusName(a.pid), owner)
		}
		return nil
	})

	a.WaitItem("logged out label", exactly("myaccount — logged out"))
	a.Click("Login myaccount", exactly("Login myaccount"))
	d, win := a.waitDialog("awsmfa — myaccount")
	if !strings.Contains(d.Args, "mfa/alice") {
		t.Fatalf("zenity dialog %q does not name the MFA device", d.Args)
	}
	screenshot(t, win, "harness-dialog")
	typeInto(t, win, "123456")
	a.WaitItem("active label", exactly("myaccount — active, 6 digits"))
	eventually(t, menuWait, "a logged-in notification", func() error {
		for _, n := range harness.bus.Notifications(a.pid) {
			if strings.HasPrefix(n.Summary, "myaccount: logged in until ") {
				return nil
			}
		}
		return fmt.Errorf("got %+v", harness.bus.Notifications(a.pid))
	})

	// Cancel leaves the label alone.
	a.Click("Login myaccount", exactly("Login myaccount"))
	_, win2 := a.waitDialog("awsmfa — myaccount", d)
	pressEscape(t, win2)
	a.waitNoDialog()
	a.WaitItem("active label after cancel", exactly("myaccount — active, 6 digits"))
}
