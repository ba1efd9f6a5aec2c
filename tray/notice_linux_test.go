package tray

import (
	"slices"
	"testing"

	"github.com/godbus/dbus/v5"
)

// What the D-Bus notice asks of the service: a notice that stays is
// critical, never expires and (with actions) is resident; actions only
// where the service has them.
func TestNotifyArgs(t *testing.T) {
	n := Notice{Title: "t", Stay: true, Actions: RenewActions(LoginClicked{Profile: "x"})}
	actions, hints, timeout := notifyArgs(n, []string{"body", "actions"})
	if !slices.Equal(actions, []string{"default", "Renew", "renew", "Renew"}) || timeout != 0 {
		t.Errorf("actions %v, timeout %d", actions, timeout)
	}
	if hints["urgency"] != dbus.MakeVariant(byte(2)) || hints["resident"] != dbus.MakeVariant(true) ||
		hints["desktop-entry"] != dbus.MakeVariant(AppName) {
		t.Errorf("hints %v", hints)
	}
	actions, hints, _ = notifyArgs(n, []string{"body"})
	if len(actions) != 0 {
		t.Errorf("actions %v for a service without them", actions)
	}
	if _, ok := hints["resident"]; ok {
		t.Error("resident without actions")
	}
	_, hints, timeout = notifyArgs(Notice{Title: "t"}, []string{"actions"})
	if hints["urgency"] != dbus.MakeVariant(byte(1)) || timeout != -1 {
		t.Errorf("a passing notice: hints %v, timeout %d", hints, timeout)
	}
}
