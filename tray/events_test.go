package tray

import (
	"fmt"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
	"reflect"
	"testing"
)

func TestEventForClick(t *testing.T) {
	tests := []struct {
		id   string
		want Event
	}{
		{"login:myaccount", LoginClicked{Profile: "myaccount"}},
		{"logout:my:odd", LogoutClicked{Profile: "my:odd"}},
		{"keychain:myaccount", KeychainClicked{Profile: "myaccount"}},
		{"keychain:", nil},
		{IDLogoutAll, LogoutAll{}},
		{IDAutostart, ToggleAutostart{}},
		{IDRefresh, Refresh{}},
		{IDQuit, Quit{}},
		{"status:myaccount", LoginClicked{Profile: "myaccount"}},
		{"profile:myaccount", nil},
		{"group:a", nil},
		{"login:", nil},
		{IDNone, nil},
	}
	for _, tt := range tests {
		got, ok := EventForClick(tt.id)
		if ok != (tt.want != nil) || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("EventForClick(%q) = %#v, %v; want %#v", tt.id, got, ok, tt.want)
		}
	}
}

// TestMenuIDsRoundTrip checks every clickable item of a built menu maps to
// an event, and no submenu does, flat and with submenus.
func TestMenuIDsRoundTrip(t *testing.T) {
	for _, n := range []int{1, FlatLimit + 1, GroupAbove + 1} {
		var sts []session.Status
		for i := range n {
			sts = append(sts, status(fmt.Sprintf("p%d", i), session.Active, time.Hour))
		}
		m := BuildMenu(snapOf(sts...), MenuOptions{Locale: utf8, Autostart: AutostartState{Known: true},
			KeyStores: map[string]session.KeyStore{"p0": session.KeysInFile}})
		m.Walk(func(it Item, _ int) {
			_, ok := EventForClick(it.ID)
			clickable := it.Enabled && it.Kind != KindSeparator && len(it.Children) == 0
			if clickable && !ok || len(it.Children) > 0 && ok {
				t.Errorf("%d profiles, %s: event %v, clickable %v", n, it.ID, ok, clickable)
			}
		})
	}
}
