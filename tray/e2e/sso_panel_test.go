//go:build linux

package e2e

import (
	"context"
	"fmt"
	"image"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/ssofake"
)

// The SSO rows as a person sees them on xfce4-panel: acme signed in (a
// token that needs a sign-in when it ends) and ops logged out, beside an
// active MFA session; then the sign-in dialog over the panel.
func TestTraySSOOnARealPanel(t *testing.T) {
	needPanel(t)
	w := newSSOWorld(t, ssofake.WithStartURLs(ssofake.DefaultStartURL, "https://ops.awsapps.com/start"))
	w.addProfile("prod", time.Now().Add(5*time.Hour+42*time.Minute))
	cfg, _ := os.ReadFile(w.cfgPath)
	cfg = append(cfg, "\n[sso-session ops]\nsso_start_url = https://ops.awsapps.com/start\nsso_region = us-east-1\n"+
		"[profile ops-admin]\nsso_session = ops\nsso_account_id = 555566667777\nsso_role_name = Admin\n"+
		"[profile ops-read]\nsso_session = ops\nsso_account_id = 555566667777\nsso_role_name = ReadOnly\n"...)
	if err := os.WriteFile(w.cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(w.cache(), 0o700); err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(6*time.Hour + 40*time.Minute + 30*time.Second).UTC().Format(time.RFC3339)
	tok := fmt.Sprintf(`{"startUrl": "https://acme.awsapps.com/start", "region": "eu-west-1", "accessToken": "aoa-not-a-token", "expiresAt": %q}`, exp)
	if err := os.WriteFile(w.tokenFile(), []byte(tok), 0o600); err != nil {
		t.Fatal(err)
	}

	conn, env := startDesktop(t, w.home, w.env())
	empty := shotScreen(t, "panel-sso-empty", nil)
	a := startApp(t, harness.tray, env)
	eventually(t, menuWait, "the item drawn", func() error {
		look, err := readItem(conn, a.pid)
		if err != nil {
			return err
		}
		return look.drawn()
	})
	menu := &menuClient{obj: conn.Object(itemBusName(a.pid), menuPath)}
	eventually(t, menuWait, "the SSO rows", func() error {
		root, err := menu.Layout()
		if err != nil {
			return err
		}
		for _, l := range []string{"acme (SSO) — active, 6h40m left", "ops (SSO) — logged out", "Profiles: ops-admin, ops-read"} {
			if _, ok := root.Find(exactly(l)); !ok {
				return fmt.Errorf("no %q in:\n%s", l, root)
			}
		}
		return nil
	})
	x, y := panelIcon(t)
	closeNotices(t, conn) // none beside the menu in its picture
	before, _ := x11Screenshot(harness.display, image.Rectangle{})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := xdotool(ctx, "mousemove", strconv.Itoa(x), strconv.Itoa(y), "click", "1"); err != nil {
		t.Fatal(err)
	}
	shotScreen(t, "panel-sso-menu", before, empty)
	if _, err := xdotool(ctx, "key", "Escape"); err != nil {
		t.Fatal(err)
	}

	// Login ops: the browser opens (and waits for the gate), the dialog
	// says where to sign in.
	root, _ := menu.Layout()
	li, ok := root.Find(exactly("Login ops"))
	if !ok {
		t.Fatalf("no Login ops in:\n%s", root)
	}
	if err := menu.Click(li.ID); err != nil {
		t.Fatal(err)
	}
	d, win := a.waitDialog("awsmfa — ops (SSO)")
	if !strings.Contains(flat(d.Args), "in the browser window that opened") {
		t.Fatalf("not the sign-in dialog: %q", d.Args)
	}
	screenshot(t, win, "panel-sso-signin-dialog")
	if err := os.WriteFile(w.gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	a.waitNoDialog()
	eventually(t, menuWait, "ops signed in", func() error {
		root, err := menu.Layout()
		if err != nil {
			return err
		}
		if _, ok := root.Find(prefixed("ops (SSO) — active, ")); !ok {
			return fmt.Errorf("not yet:\n%s", root)
		}
		return nil
	})
}
