package tray

import (
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
		{"status:myaccount", nil},
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
// an event, and no status line does.
func TestMenuIDsRoundTrip(t *testing.T) {
	m := BuildMenu(snapOf(status("alpha", 1, 3600e9)), MenuOptions{Locale: utf8, Autostart: AutostartState{Known: true}})
	for _, it := range m.Items {
		_, ok := EventForClick(it.ID)
		clickable := it.Enabled && it.Kind != KindSeparator
		if ok != clickable {
			t.Errorf("%s: event %v, clickable %v", it.ID, ok, clickable)
		}
	}
}
