//go:build linux

package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/awsmfa-tray/awsmfa-tray/assets"
)

// addProfile adds MFA profile name to w's files, with the same long-term
// keys and device as myaccount (so the fake knows it), and, when exp is
// not zero, a hand-written session ending at exp.
func (w *world) addProfile(name string, exp time.Time) {
	w.t.Helper()
	cfg, err := os.ReadFile(w.cfgPath)
	if err != nil {
		w.t.Fatal(err)
	}
	cfg = fmt.Appendf(cfg, "\n[profile %sPerm]\nmfa_serial = %s\n", name, serial)
	cred := fmt.Appendf(w.credentials(), "\n[%sPerm]\naws_access_key_id = %s\naws_secret_access_key = %s\n",
		name, w.user.AccessKeyID, w.user.SecretAccessKey)
	if !exp.IsZero() {
		cred = fmt.Appendf(cred, "\n[%s]\naws_access_key_id = ASIAEXAMPLE%s\naws_secret_access_key = not-a-secret\n"+
			"aws_session_token = not-a-token\nexpiration = %s\n", name, strings.ToUpper(name), exp.UTC().Format(time.RFC3339))
	}
	if err := os.WriteFile(w.cfgPath, cfg, 0o600); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(w.credPath, cred, 0o600); err != nil {
		w.t.Fatal(err)
	}
	w.original = w.credentials()
}

// Item 3: while STS takes its time (8 s here), the profile's row and the
// tooltip say "logging in…" and Login is disabled; then the session shows.
func TestTrayLoggingInWhileSTSIsSlow(t *testing.T) {
	w := newWorld(t)
	w.sts.SetDelay(8 * time.Second)
	a := startTray(t, w)
	login(t, a, w, w.code, "")
	st := a.WaitItem("the logging-in row", exactly(statusLabel(w.lcAll, "logging in…")))
	if st.Enabled {
		t.Errorf("the row %q is enabled while logging in", st.Label)
	}
	if li, _ := a.Layout().Find(exactly(loginLabel(profile))); li.Enabled {
		t.Errorf("%q is enabled while logging in", li.Label)
	}
	look, err := readItem(harness.bus.conn, a.pid)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(look.Tooltip, "logging in to "+profile+"…") {
		t.Errorf("tooltip %q does not say it is logging in", look.Tooltip)
	}
	w.waitSession(loginWait)
	a.WaitItem("active status", activeLabel(w.lcAll))
	if li, _ := a.Layout().Find(exactly(loginLabel(profile))); !li.Enabled {
		t.Errorf("%q still disabled after the login", li.Label)
	}
}

// Item 4: "Logout all" asks when two sessions are active; Escape keeps
// both, Return logs out of both.
func TestTrayLogoutAllAsks(t *testing.T) {
	w := newWorld(t)
	w.addProfile("other", time.Now().Add(3*time.Hour))
	exp := time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
	edited := append(w.credentials(), []byte("\n["+profile+"]\naws_access_key_id = ASIAEXAMPLEMINE\n"+
		"aws_secret_access_key = not-a-secret\naws_session_token = not-a-token\nexpiration = "+exp+"\n")...)
	if err := os.WriteFile(w.credPath, edited, 0o600); err != nil {
		t.Fatal(err)
	}
	a := startTray(t, w)
	a.WaitItem("myaccount active", activeLabel(w.lcAll))
	a.Click(labelLogoutAll, exactly(labelLogoutAll))
	title := "awsmfa" + dash(w.lcAll) + labelLogoutAll
	d, win := a.waitDialog(title)
	for _, want := range []string{"--question", "Log out of 2 active sessions (myaccount and other)?", "Log out all"} {
		if !strings.Contains(d.Args, want) {
			t.Fatalf("question %q lacks %q", d.Args, want)
		}
	}
	screenshot(t, win, "logout-all-question")
	pressEscape(t, win)
	a.waitNoDialog()
	waitLogged(t, w, `msg="logout all: answered" yes=false`, 1)
	a.Click(labelRefresh, exactly(labelRefresh))
	a.WaitItem("still active after Escape", activeLabel(w.lcAll))
	if !bytes.Equal(w.credentials(), edited) {
		t.Fatal("Escape changed the credentials file")
	}
	a.Click(labelLogoutAll, exactly(labelLogoutAll))
	_, win = a.waitDialog(title, d)
	pressKey(t, win, "Return")
	a.WaitItem("logged out", exactly(statusLabel(w.lcAll, labelLoggedOut)))
	a.WaitItem("other logged out", exactly("other"+dash(w.lcAll)+labelLoggedOut))
	waitNotification(t, a, "the logged-out notice", mentions("Logged out of 2 profiles"))
}

// Item 5: 25 profiles become submenus in groups, in natural order, with
// every global item on the menu's own level; a Login deep inside works.
func TestTrayManyProfiles(t *testing.T) {
	w := newWorld(t)
	for i := range 25 {
		var exp time.Time
		if i%4 == 0 {
			exp = time.Now().Add(time.Duration(i+1) * time.Hour)
		}
		w.addProfile("s"+strconv.Itoa(i), exp)
	}
	a := startTray(t, w, []string{}...)
	var root menuItem
	eventually(t, menuWait, "the grouped menu, whole", func() error {
		root = a.Layout()
		n := 0
		root.Walk(func(it menuItem) {
			if strings.HasPrefix(it.Label, "Login s") {
				n++
			}
		})
		if n != 25 {
			return fmt.Errorf("%d Login items of 25 in\n%s", n, root)
		}
		return nil
	})
	var top []string
	for _, it := range root.Children {
		if it.Type != "separator" {
			top = append(top, it.Label)
		}
	}
	if len(top) > 15+5 {
		t.Errorf("%d rows on the menu's own level: %q", len(top), top)
	}
	for _, g := range []string{labelLogoutAll, labelAutostart, labelRefresh, labelQuit} {
		found := false
		for _, it := range root.Children {
			found = found || it.Label == g
		}
		if !found {
			t.Errorf("%q is not on the menu's own level: %q", g, top)
		}
	}
	// Natural order, through the groups: myaccount, s0, s1, s2, …, s24.
	var order []string
	root.Walk(func(it menuItem) {
		if name, ok := strings.CutPrefix(it.Label, "Login "); ok {
			order = append(order, name)
		}
	})
	want := []string{profile}
	for i := range 25 {
		want = append(want, "s"+strconv.Itoa(i))
	}
	if strings.Join(order, " ") != strings.Join(want, " ") {
		t.Errorf("order %q\nwant  %q", order, want)
	}
	// The state is each submenu's label, readable (enabled).
	sub, ok := root.Find(prefixed("s4" + dash(w.lcAll) + "active, "))
	if !ok || !sub.Enabled || len(sub.Children) != 3 {
		t.Fatalf("s4's submenu %+v (found %v)\n%s", sub, ok, root)
	}
	a.Click("Login s3", exactly("Login s3"))
	_, win := a.waitDialog("awsmfa" + dash(w.lcAll) + "s3")
	pressEscape(t, win)
	a.waitNoDialog()
}

// Item 6: a second profile's dialog does not lie on the first, and a
// second "Login X" brings X's dialog to the front and gives it the focus.
func TestTrayDialogsStackAndRaise(t *testing.T) {
	w := newWorld(t)
	w.addProfile("other", time.Time{})
	a := startTray(t, w)
	a.Click(loginLabel(profile), exactly(loginLabel(profile)))
	first := waitWindow(t, dialogTitle(w.lcAll))
	a.Click(loginLabel("other"), exactly(loginLabel("other")))
	secondTitle := "awsmfa" + dash(w.lcAll) + "other"
	second := waitWindow(t, secondTitle)
	var r1, r2 image.Rectangle
	eventually(t, dialogWait, "the second dialog placed off the first", func() error {
		var err error
		if r1, err = windowRect(first); err != nil {
			return err
		}
		if r2, err = windowRect(second); err != nil {
			return err
		}
		if r1.Min == r2.Min {
			return fmt.Errorf("both at %v", r1.Min)
		}
		return nil
	})
	t.Logf("first dialog at %v, second at %v", r1, r2)
	// Moved 40 px down and right from where GTK centred it: the same place
	// as the first when they are the same size.
	want := r1.Min.Add(r1.Size().Sub(r2.Size()).Div(2)).Add(image.Pt(40, 40))
	if d := r2.Min.Sub(want); r1.Size() == r2.Size() && d != (image.Point{}) || abs(d.X) > 1 || abs(d.Y) > 1 {
		t.Errorf("the second dialog at %v, want %v: 40 px down and right of the first at %v", r2.Min, want, r1.Min)
	}
	// The newer one is drawn on top.
	if !above(t, second, first) {
		t.Errorf("the first dialog is stacked above the second, which opened later")
	}
	screenshot(t, "", "two-dialogs")

	// The second has the focus; a second "Login myaccount" moves it back.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := xdotool(ctx, "windowfocus", "--sync", second); err != nil {
		t.Fatal(err)
	}
	a.Click(loginLabel(profile), exactly(loginLabel(profile)))
	eventually(t, dialogWait, "myaccount's dialog focused", func() error {
		out, err := xdotool(ctx, "getwindowfocus")
		if err != nil {
			return err
		}
		if f := strings.TrimSpace(out); f != first {
			return fmt.Errorf("focus on %s, want %s", f, first)
		}
		return nil
	})
	// The raise restacks before it moves the focus, on one connection:
	// with the focus there, the X server has restacked too.
	if !above(t, first, second) {
		t.Errorf("myaccount's dialog has the focus but is not stacked above the other")
	}
	if n := len(a.dialogs()); n != 2 {
		t.Errorf("%d dialogs open, want the same 2", n)
	}
	typeInto(t, first, w.code())
	w.waitSession(loginWait)
	pressEscape(t, second)
	a.waitNoDialog()
}

// Item 7: every character of every label is one the default font draws
// (DejaVu Sans, the only font of a plain Xfce or Debian desktop).
func TestTrayLabelsDrawnByDejaVu(t *testing.T) {
	needHarness(t)
	font := "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
	covered, err := fontCharset(font)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	w := newWorld(t)
	// Keys in the keychain: the mark that used to be 🔒.
	cred := bytes.Replace(w.credentials(), []byte("aws_access_key_id = "+w.user.AccessKeyID+"\naws_secret_access_key = "+w.user.SecretAccessKey+"\n"),
		[]byte("awsmfa_keychain = true\n"), 1)
	if err := os.WriteFile(w.credPath, cred, 0o600); err != nil {
		t.Fatal(err)
	}
	if harness.trayErr != nil {
		t.Fatal(harness.trayErr)
	}
	a := startApp(t, harness.tray, w.env())
	a.WaitItem("the keychain mark", prefixed(profile+" [keychain]"+dash(w.lcAll)))
	a.Layout().Walk(func(it menuItem) {
		for _, r := range it.Label {
			if !covered(r) {
				t.Errorf("%q: %U %q is not in %s", it.Label, r, r, filepath.Base(font))
			}
		}
	})
	look, err := readItem(harness.bus.conn, a.pid)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range look.Tooltip {
		if !covered(r) {
			t.Errorf("tooltip %q: %U is not in %s", look.Tooltip, r, filepath.Base(font))
		}
	}
}

// fontCharset reads a font's coverage with fc-query.
func fontCharset(font string) (func(rune) bool, error) {
	out, err := exec.Command("fc-query", "--format=%{charset}", font).Output()
	if err != nil {
		return nil, fmt.Errorf("fc-query %s: %v (apt-get install fontconfig fonts-dejavu-core)", font, err)
	}
	type span struct{ lo, hi rune }
	var spans []span
	for _, f := range strings.Fields(string(out)) {
		lo, hi, _ := strings.Cut(f, "-")
		if hi == "" {
			hi = lo
		}
		l, err1 := strconv.ParseInt(lo, 16, 32)
		h, err2 := strconv.ParseInt(hi, 16, 32)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("fc-query charset %q", f)
		}
		spans = append(spans, span{rune(l), rune(h)})
	}
	if len(spans) == 0 {
		return nil, fmt.Errorf("fc-query gave no charset for %s", font)
	}
	return func(r rune) bool {
		for _, s := range spans {
			if r >= s.lo && r <= s.hi {
				return true
			}
		}
		return false
	}, nil
}

// iconARGB is assets' tray icon for state as the IconPixmap a panel reads.
func iconARGB(t *testing.T, state assets.IconState) pixmap {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(assets.TrayPNG(state, assets.TraySize)))
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	px := pixmap{W: int32(b.Dx()), H: int32(b.Dy())}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, al := img.At(x, y).RGBA()
			px.Pix = append(px.Pix, byte(al), byte(r), byte(g), byte(bl))
		}
	}
	return px
}

// Item 2: a session that expired in 2020 does not keep the icon red after
// a login; the tooltip names the profile the colour is about.
func TestTrayIconIgnoresOldExpiry(t *testing.T) {
	w := newWorld(t)
	w.addProfile("old", time.Date(2020, 3, 1, 12, 0, 0, 0, time.UTC))
	a := startTray(t, w)
	a.WaitItem("old expired", exactly("old"+dash(w.lcAll)+"expired"))
	idle := iconARGB(t, assets.IconIdle)
	green := iconARGB(t, assets.IconActive)
	eventually(t, menuWait, "the grey icon, old's 2020 expiry ignored", func() error {
		look, err := readItem(harness.bus.conn, a.pid)
		if err != nil {
			return err
		}
		if len(look.Icons) == 0 || !bytes.Equal(look.Icons[0].Pix, idle.Pix) {
			return fmt.Errorf("not the idle icon; tooltip %q", look.Tooltip)
		}
		return nil
	})
	login(t, a, w, w.code, "")
	w.waitSession(loginWait)
	eventually(t, menuWait, "the green icon, and the tooltip naming myaccount", func() error {
		look, err := readItem(harness.bus.conn, a.pid)
		if err != nil {
			return err
		}
		if len(look.Icons) == 0 || !bytes.Equal(look.Icons[0].Pix, green.Pix) {
			return fmt.Errorf("not the green icon; tooltip %q", look.Tooltip)
		}
		if !strings.HasPrefix(look.Tooltip, "awsmfa: 1 of 2 active; next to expire: "+profile+" in ") {
			return fmt.Errorf("tooltip %q", look.Tooltip)
		}
		return nil
	})
}

// Issue 9: a FIFO at the credentials path must not freeze the menu: the
// reader refuses it (it is no file) rather than hang on it, the menu says
// so, clicks are handled, Quit quits.
func TestTrayFIFODoesNotFreezeMenu(t *testing.T) {
	w := newWorld(t)
	a := startTray(t, w)
	a.WaitItem("status", exactly(statusLabel(w.lcAll, labelLoggedOut)))
	if err := os.Remove(w.credPath); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(w.credPath, 0o600); err != nil {
		t.Fatal(err)
	}
	a.Click(labelRefresh, exactly(labelRefresh))
	// The error line replaces the profile's rows, so the menu is rebuilt
	// with new ids: look Start at login up only after that.
	a.WaitItem("the error line", prefixed("Cannot read the AWS files: the credentials file "))
	as := a.WaitItem(labelAutostart, exactly(labelAutostart))
	if as.ToggleState != 0 {
		t.Fatalf("Start at login starts checked (%d)", as.ToggleState)
	}
	a.Click(labelAutostart, exactly(labelAutostart))
	eventually(t, menuWait, "Start at login checked while a read hangs on the FIFO", func() error {
		it, ok := a.Layout().Find(exactly(labelAutostart))
		if !ok || it.ToggleState != 1 {
			return fmt.Errorf("toggle-state %d", it.ToggleState)
		}
		return nil
	})
	a.Click(labelQuit, exactly(labelQuit))
	select {
	case <-a.done:
		if a.err != nil {
			t.Fatalf("exit: %v", a.err)
		}
	case <-time.After(menuWait):
		t.Fatalf("still running %v after Quit", menuWait)
	}
}

// Issue 9: ~/.aws deleted and made again shows at once (not after the
// 30 s poll), with a session written meanwhile.
func TestTrayAWSFolderRecreated(t *testing.T) {
	w := newWorld(t)
	a := startTray(t, w)
	a.WaitItem("status", exactly(statusLabel(w.lcAll, labelLoggedOut)))
	aws := filepath.Dir(w.credPath)
	cfg, err := os.ReadFile(w.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(aws); err != nil {
		t.Fatal(err)
	}
	a.WaitItem("no profiles", exactly("No MFA profiles found"))
	if err := os.Mkdir(aws, 0o700); err != nil {
		t.Fatal(err)
	}
	exp := time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339)
	cred := string(w.original) + "[" + profile + "]\naws_access_key_id = ASIAEXAMPLEEXAMPLE01\n" +
		"aws_secret_access_key = not-a-secret\naws_session_token = not-a-token\nexpiration = " + exp + "\n"
	if err := os.WriteFile(w.cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(w.credPath, []byte(cred), 0o600); err != nil {
		t.Fatal(err)
	}
	a.WaitItem("the session in the new folder", activeLabel(w.lcAll))
}

// Performance at scale: a change inside a closed submenu sends no signal
// (nobody sees it), AboutToShow asks a client to read the submenu again
// before it shows it, and while a client has the submenu open its changes
// are sent as they happen.
func TestTraySendsOnlyWhatIsSeen(t *testing.T) {
	w := newWorld(t)
	for i := range 25 {
		w.addProfile("s"+strconv.Itoa(i), time.Time{})
	}
	a := startTray(t, w)
	var root menuItem
	eventually(t, menuWait, "the grouped menu, whole", func() error {
		root = a.Layout()
		if _, ok := root.Find(exactly("Login s24")); !ok {
			return fmt.Errorf("no Login s24 yet")
		}
		return nil
	})
	var group, row menuItem
	for _, g := range root.Children {
		for _, c := range g.Children {
			if c.Label == "s24"+dash(w.lcAll)+labelLoggedOut {
				group, row = g, c
			}
		}
	}
	if row.ID == 0 {
		t.Fatalf("no s24 row inside a group:\n%s", root)
	}
	sigs := make(chan *dbus.Signal, 64)
	conn := harness.bus.conn
	match := []dbus.MatchOption{dbus.WithMatchInterface(menuIface), dbus.WithMatchMember("ItemsPropertiesUpdated"),
		dbus.WithMatchObjectPath(menuPath)}
	if err := conn.AddMatchSignal(match...); err != nil {
		t.Fatal(err)
	}
	conn.Signal(sigs)
	defer func() { conn.RemoveSignal(sigs); conn.RemoveMatchSignal(match...) }()
	updated := func(id int32) bool {
		for {
			select {
			case s := <-sigs:
				if len(s.Body) == 0 {
					continue
				}
				if items, ok := s.Body[0].([][]interface{}); ok {
					for _, it := range items {
						if len(it) > 0 && it[0] == id {
							return true
						}
					}
				}
			default:
				return false
			}
		}
	}
	setSession := func(exp time.Time) {
		t.Helper()
		cred := string(w.original) + "\n[s24]\naws_access_key_id = ASIAEXAMPLES24\naws_secret_access_key = not-a-secret\n" +
			"aws_session_token = not-a-token\nexpiration = " + exp.UTC().Format(time.RFC3339) + "\n"
		if err := os.WriteFile(w.credPath, []byte(cred), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	waitRow := func(what string, match func(string) bool) {
		t.Helper()
		eventually(t, menuWait, what, func() error {
			r, err := a.menu.Layout()
			if err != nil {
				return err
			}
			if _, ok := r.Find(func(l string) bool { return strings.HasPrefix(l, "s24"+dash(w.lcAll)) && match(l) }); !ok {
				return fmt.Errorf("not yet")
			}
			return nil
		})
	}
	// Closed: the change shows in the layout, but no signal carries it.
	// A marker says when to stop looking: "Start at login" toggled after
	// the change, a visible item whose signal the app sends after any it
	// sent for the change; one sender's signals arrive in order.
	setSession(time.Now().Add(2 * time.Hour))
	waitRow("s24 active in the layout", func(l string) bool { return strings.Contains(l, "active") })
	marker, ok := root.Find(exactly(labelAutostart))
	if !ok {
		t.Fatalf("no %q item:\n%s", labelAutostart, root)
	}
	if err := a.menu.Click(marker.ID); err != nil {
		t.Fatal(err)
	}
	if rowSent, ok := updatedBefore(sigs, row.ID, marker.ID, menuWait); !ok {
		t.Fatalf("no signal for %q (item %d) within %v after it was clicked", labelAutostart, marker.ID, menuWait)
	} else if rowSent {
		t.Errorf("a signal carried s24's row (item %d) while its group was closed", row.ID)
	}
	var need bool
	if err := a.menu.obj.Call(menuIface+".AboutToShow", 0, group.ID).Store(&need); err != nil {
		t.Fatal(err)
	}
	if !need {
		t.Errorf("AboutToShow(%d) says no update is needed", group.ID)
	}
	// Open: changes are sent.
	if err := a.menu.obj.Call(menuIface+".Event", 0, group.ID, "opened", dbus.MakeVariant(int32(0)), uint32(0)).Err; err != nil {
		t.Fatal(err)
	}
	setSession(time.Now().Add(4 * time.Hour))
	waitRow("s24 with 3h left", func(l string) bool { return strings.Contains(l, "3h") })
	eventually(t, menuWait, "a signal for s24's row while its group is open", func() error {
		if !updated(row.ID) {
			return fmt.Errorf("none yet")
		}
		return nil
	})
}

// updatedBefore reads ItemsPropertiesUpdated signals until one carries
// item marker (ok false if none does within the wait), and tells whether
// item id was carried by it or by one before it.
func updatedBefore(sigs <-chan *dbus.Signal, id, marker int32, within time.Duration) (sent, ok bool) {
	deadline := time.After(within)
	for {
		select {
		case s := <-sigs:
			if len(s.Body) == 0 {
				continue
			}
			items, _ := s.Body[0].([][]interface{})
			for _, it := range items {
				if len(it) > 0 && it[0] == id {
					sent = true
				}
			}
			for _, it := range items {
				if len(it) > 0 && it[0] == marker {
					return sent, true
				}
			}
		case <-deadline:
			return sent, false
		}
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// above tells whether window a (an xdotool id) is stacked above window b
// among the root's children, as the X server draws them.
func above(t *testing.T, a, b string) bool {
	t.Helper()
	stack, err := x11Stacking(harness.display)
	if err != nil {
		t.Fatal(err)
	}
	pos := func(id string) int {
		n, err := strconv.ParseUint(id, 10, 32)
		if err != nil {
			t.Fatalf("window id %q: %v", id, err)
		}
		for i, w := range stack {
			if w == uint32(n) {
				return i
			}
		}
		t.Fatalf("window %s is not a child of the root: %v", id, stack)
		return -1
	}
	return pos(a) > pos(b)
}
