//go:build linux

package e2e

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// testBus is the test's own connection to the private session bus. It
// plays the desktop: a StatusNotifierWatcher (so the test sees the app
// register its tray item) and a notification daemon (so the test sees each
// notification the app shows).
type testBus struct {
	conn  *dbus.Conn
	props *prop.Properties

	mu     sync.Mutex
	items  []registration // RegisterStatusNotifierItem calls, in order
	notes  []notification // Notify calls, in order
	nextID uint32
	open   map[uint32]bool // notices shown and not closed
	closes []uint32        // CloseNotification calls, in order
}

// registration is one RegisterStatusNotifierItem call.
type registration struct {
	Sender  string // unique bus name of the caller
	PID     uint32 // process of the caller, from the bus daemon
	Service string // the argument: a bus name or an object path
}

// notification is one Notify call.
type notification struct {
	Sender     string
	PID        uint32
	AppName    string
	Summary    string // the title
	Body       string
	At         time.Time
	ID         uint32 // what the daemon answered
	ReplacesID uint32
	Actions    []string // key, label, key, label...
	Hints      map[string]dbus.Variant
	Timeout    int32 // expire_timeout in ms; -1 the server's choice, 0 never
}

// urgency is the notice's urgency hint: 0 low, 1 normal, 2 critical; -1
// when not sent.
func (n notification) urgency() int {
	if v, ok := n.Hints["urgency"]; ok {
		if b, ok := v.Value().(byte); ok {
			return int(b)
		}
	}
	return -1
}

// resident reports the "resident" hint.
func (n notification) resident() bool {
	b, _ := n.Hints["resident"].Value().(bool)
	return b
}

// stays checks that n is a notice that stays, with Renew: critical, no
// timeout, resident, a click on its body and a Renew button.
func stays(t *testing.T, what string, n notification) {
	t.Helper()
	if n.urgency() != 2 || n.Timeout != 0 || !n.resident() || !n.hasAction("default") || !n.hasAction("renew") {
		t.Errorf("%s: urgency %d, timeout %d, resident %v, actions %v; want 2, 0, true, default and renew",
			what, n.urgency(), n.Timeout, n.resident(), n.Actions)
	}
}

// hasAction reports whether the notice offers action key.
func (n notification) hasAction(key string) bool {
	for i := 0; i+1 < len(n.Actions); i += 2 {
		if n.Actions[i] == key {
			return true
		}
	}
	return false
}

const (
	watcherName  = "org.kde.StatusNotifierWatcher"
	watcherPath  = dbus.ObjectPath("/StatusNotifierWatcher")
	notifierName = "org.freedesktop.Notifications"
	notifierPath = dbus.ObjectPath("/org/freedesktop/Notifications")
)

func newTestBus() (*testBus, error) {
	// A private connection, not dbus.SessionBus(), so closing it is ours.
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("connect to the test session bus: %w", err)
	}
	b := &testBus{conn: conn}
	if err := b.exportWatcher(); err != nil {
		conn.Close()
		return nil, err
	}
	if err := b.exportNotifier(); err != nil {
		conn.Close()
		return nil, err
	}
	return b, nil
}

func (b *testBus) Close() { b.conn.Close() }

func (b *testBus) exportWatcher() error {
	w := &sniWatcher{b: b}
	if err := b.conn.Export(w, watcherPath, watcherName); err != nil {
		return fmt.Errorf("export watcher: %w", err)
	}
	props, err := prop.Export(b.conn, watcherPath, prop.Map{
		watcherName: {
			"IsStatusNotifierHostRegistered": {Value: true, Emit: prop.EmitTrue},
			"ProtocolVersion":                {Value: int32(0), Emit: prop.EmitTrue},
			"RegisteredStatusNotifierItems":  {Value: []string{}, Emit: prop.EmitTrue},
		},
	})
	if err != nil {
		return fmt.Errorf("export watcher properties: %w", err)
	}
	b.props = props
	return requestName(b.conn, watcherName)
}

func (b *testBus) exportNotifier() error {
	if err := b.conn.Export(&notifyServer{b: b}, notifierPath, notifierName); err != nil {
		return fmt.Errorf("export notification server: %w", err)
	}
	return requestName(b.conn, notifierName)
}

func requestName(conn *dbus.Conn, name string) error {
	reply, err := conn.RequestName(name, dbus.NameFlagDoNotQueue)
	if err != nil {
		return fmt.Errorf("request bus name %s: %w", name, err)
	}
	if reply != dbus.RequestNameReplyPrimaryOwner {
		return fmt.Errorf("bus name %s is already taken", name)
	}
	return nil
}

// pidOf asks the bus daemon which process owns a connection.
func (b *testBus) pidOf(sender string) uint32 {
	var pid uint32
	_ = b.conn.BusObject().Call("org.freedesktop.DBus.GetConnectionUnixProcessID", 0, sender).Store(&pid)
	return pid
}

// ownerOf returns the unique name owning a well-known name, or "".
func (b *testBus) ownerOf(name string) string {
	var owner string
	if err := b.conn.BusObject().Call("org.freedesktop.DBus.GetNameOwner", 0, name).Store(&owner); err != nil {
		return ""
	}
	return owner
}

// record runs f under the lock.
func (b *testBus) record(f func()) {
	b.mu.Lock()
	defer b.mu.Unlock()
	f()
}

// Registrations returns the item registrations made by process pid.
func (b *testBus) Registrations(pid int) []registration {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []registration
	for _, r := range b.items {
		if r.PID == uint32(pid) {
			out = append(out, r)
		}
	}
	return out
}

// Notifications returns the notifications shown by process pid.
func (b *testBus) Notifications(pid int) []notification {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []notification
	for _, n := range b.notes {
		if n.PID == uint32(pid) {
			out = append(out, n)
		}
	}
	return out
}

// sniWatcher is org.kde.StatusNotifierWatcher, enough for an item to
// register and to believe a host is there.
type sniWatcher struct{ b *testBus }

func (w *sniWatcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	r := registration{Sender: string(sender), PID: w.b.pidOf(string(sender)), Service: service}
	var names []string
	w.b.record(func() {
		w.b.items = append(w.b.items, r)
		for _, it := range w.b.items {
			names = append(names, it.Sender+it.Service)
		}
	})
	w.b.props.SetMust(watcherName, "RegisteredStatusNotifierItems", names)
	_ = w.b.conn.Emit(watcherPath, watcherName+".StatusNotifierItemRegistered", string(sender)+service)
	return nil
}

func (w *sniWatcher) RegisterStatusNotifierHost(sender dbus.Sender, service string) *dbus.Error {
	return nil
}

// notifyServer is org.freedesktop.Notifications, recording instead of
// showing.
type notifyServer struct{ b *testBus }

func (s *notifyServer) Notify(sender dbus.Sender, appName string, replacesID uint32, appIcon, summary, body string,
	actions []string, hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	n := notification{
		Sender: string(sender), PID: s.b.pidOf(string(sender)),
		AppName: appName, Summary: summary, Body: body, At: time.Now(),
		ReplacesID: replacesID, Actions: actions, Hints: hints, Timeout: timeout,
	}
	var id uint32
	s.b.record(func() {
		if s.b.open == nil {
			s.b.open = map[uint32]bool{}
		}
		// As the spec says: replacing a notice still shown keeps its id;
		// one that is gone gets a new one.
		if replacesID != 0 && s.b.open[replacesID] {
			id = replacesID
		} else {
			s.b.nextID++
			id = s.b.nextID
		}
		s.b.open[id] = true
		n.ID = id
		s.b.notes = append(s.b.notes, n)
	})
	return id, nil
}

func (s *notifyServer) GetCapabilities() ([]string, *dbus.Error) {
	return []string{"body", "actions", "persistence"}, nil
}

// InvokeAction does what a click on a notice's button (or body, key
// "default") does in a real daemon: it emits ActionInvoked.
func (b *testBus) InvokeAction(id uint32, key string) error {
	return b.conn.Emit(notifierPath, notifierName+".ActionInvoked", id, key)
}

// Closes returns the ids passed to CloseNotification, in order.
func (b *testBus) Closes() []uint32 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]uint32(nil), b.closes...)
}

func (s *notifyServer) GetServerInformation() (name, vendor, version, specVersion string, err *dbus.Error) {
	return "awsmfa-e2e", "awsmfa-tray", "1", "1.2", nil
}

func (s *notifyServer) CloseNotification(id uint32) *dbus.Error {
	s.b.record(func() {
		s.b.closes = append(s.b.closes, id)
		delete(s.b.open, id)
	})
	// Reason 3: closed by a call to CloseNotification.
	_ = s.b.conn.Emit(notifierPath, notifierName+".NotificationClosed", id, uint32(3))
	return nil
}

// Dismiss does what a person closing a notice does in a real daemon: the
// notice goes, and NotificationClosed says so with reason 2.
func (b *testBus) Dismiss(id uint32) error {
	b.record(func() { delete(b.open, id) })
	return b.conn.Emit(notifierPath, notifierName+".NotificationClosed", id, uint32(2))
}
