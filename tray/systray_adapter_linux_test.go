package tray

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/systray"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// On Linux, fyne.io/systray keeps its menu in memory and only talks D-Bus
// once Run has connected, so the adapter can be driven without a bus.
func TestSystrayAdapterUpdatesInPlaceAndRebuilds(t *testing.T) {
	a := NewSystrayAdapter(nil)
	one := snapOf(status("alpha", session.LoggedOut, 0))
	a.Apply(BuildMenu(one, MenuOptions{Locale: utf8}))
	login := a.item("login:alpha")
	if login == nil {
		t.Fatal("no Login alpha item")
	}
	if st := a.item("status:alpha"); st == nil || st.Disabled() {
		t.Error("status line should be an enabled item: disabled text is the faintest on a menu")
	}

	// A click on the systray item comes out of Clicks with the stable ID.
	a.clicked(login)
	select {
	case id := <-a.Clicks():
		if id != "login:alpha" {
			t.Errorf("clicked %q", id)
		}
	case <-time.After(waitFor):
		t.Fatal("click not relayed")
	}

	// Same shape: the same systray item is updated, so its D-Bus ID stays.
	active := snapOf(status("alpha", session.Active, time.Hour))
	a.Apply(BuildMenu(active, MenuOptions{Locale: utf8}))
	if a.item("login:alpha") != login {
		t.Error("item replaced on a same-shape update")
	}
	if s := a.item("status:alpha").String(); !strings.Contains(s, "alpha — active, 1h0m left") {
		t.Errorf("status item %s", s)
	}

	// A new profile changes the shape: the menu is rebuilt with new items,
	// and clicks on them are relayed.
	two := snapOf(status("alpha", session.Active, time.Hour), status("beta", session.LoggedOut, 0))
	a.Apply(BuildMenu(two, MenuOptions{Locale: utf8}))
	if login.Tag != "login:alpha" || a.item("login:alpha") == login {
		t.Error("the old item survived the rebuild")
	}
	beta := a.item("login:beta")
	if beta == nil {
		t.Fatal("no Login beta after rebuild")
	}
	a.clicked(beta)
	if id := <-a.Clicks(); id != "login:beta" {
		t.Errorf("clicked %q", id)
	}
	if cb := a.item(IDAutostart); cb == nil || cb.Checked() {
		t.Error("autostart checkbox missing or checked")
	}
}

// BenchmarkSystrayApply is one minute tick's menu handed to systray with
// 1,000 profiles, a third of them active, so 334 labels change. With no
// bus connected systray updates its in-memory layout and emits nothing:
// this is our side of the cost, without the D-Bus signals.
func BenchmarkSystrayApply(b *testing.B) {
	var menus [2]Menu
	for m := range menus {
		var s session.Snapshot
		for i := range 1000 {
			name := fmt.Sprintf("p%05d", i)
			if i%3 == 0 {
				s.Profiles = append(s.Profiles, status(name, session.Active, 6*time.Hour-time.Duration(m)*time.Minute))
			} else {
				s.Profiles = append(s.Profiles, status(name, session.LoggedOut, 0))
			}
		}
		menus[m] = BuildMenu(s, MenuOptions{Locale: utf8})
	}
	systray.ResetMenu() // from an empty menu, whatever ran before
	a := NewSystrayAdapter(nil)
	a.Apply(menus[0])
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		a.Apply(menus[i%2])
	}
}
