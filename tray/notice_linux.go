package tray

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/godbus/dbus/v5"
)

// On Linux notices go straight to org.freedesktop.Notifications (godbus,
// the library the tray item already speaks through): beeep sends a
// 5-second notice with no actions and forgets its id, so it could neither
// keep a warning up nor replace it, nor hear its Renew.

const (
	fdoName  = "org.freedesktop.Notifications"
	fdoPath  = dbus.ObjectPath("/org/freedesktop/Notifications")
	fdoIface = "org.freedesktop.Notifications"
)

// DBusNotices is Notices over the session bus, on a connection of its own.
type DBusNotices struct {
	conn   *dbus.Conn
	log    *slog.Logger
	events chan Event
	sigs   chan *dbus.Signal
	done   chan struct{}

	mu    sync.Mutex
	byKey map[string]uint32 // the id shown under each key
	shown map[uint32]Notice // what each id of ours shows
	stop  sync.Once
}

// NewNotices returns the platform's Notices: on Linux the session bus's
// notification service, falling back to beeep (notify-send) when there is
// no session bus.
func NewNotices(log *slog.Logger) Notices {
	n, err := NewDBusNotices(log)
	if err != nil {
		log.Warn("no session bus for notices; falling back to plain ones", "err", err)
		return PlainNotices{N: BeeepNotifier{}}
	}
	return n
}

// NewDBusNotices connects to the session bus and listens for what the
// notification service says about our notices.
func NewDBusNotices(log *slog.Logger) (*DBusNotices, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("notices: connect to the session bus: %w", err)
	}
	// Signals from the service alone: the bus checks the sender, so
	// another program on the bus cannot invoke our Renew.
	if err := conn.AddMatchSignal(dbus.WithMatchSender(fdoName), dbus.WithMatchObjectPath(fdoPath),
		dbus.WithMatchInterface(fdoIface)); err != nil {
		conn.Close()
		return nil, fmt.Errorf("notices: listen for the notification service: %w", err)
	}
	n := &DBusNotices{conn: conn, log: log, events: make(chan Event, 16), sigs: make(chan *dbus.Signal, 16),
		done: make(chan struct{}), byKey: map[string]uint32{}, shown: map[uint32]Notice{}}
	conn.Signal(n.sigs)
	go n.listen()
	return n, nil
}

// Events delivers NoticeActed and NoticeClosed for our notices.
func (n *DBusNotices) Events() <-chan Event { return n.events }

// Show sends n, with replaces_id set to the id still shown under its key.
func (n *DBusNotices) Show(ctx context.Context, nt Notice) error {
	caps := n.capabilities(ctx)
	n.mu.Lock()
	replaces := n.byKey[nt.Key]
	n.mu.Unlock()
	if nt.Key == "" {
		replaces = 0
	}
	actions, hints, timeout := notifyArgs(nt, caps)
	var id uint32
	err := n.conn.Object(fdoName, fdoPath).CallWithContext(ctx, fdoIface+".Notify", 0,
		AppName, replaces, "", nt.Title, nt.Body, actions, hints, timeout).Store(&id)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if replaces != 0 && replaces != id {
		delete(n.shown, replaces) // the service made a new one instead
	}
	n.shown[id] = nt
	if nt.Key != "" {
		n.byKey[nt.Key] = id
	}
	return nil
}

// Dismiss closes the notice shown under key.
func (n *DBusNotices) Dismiss(ctx context.Context, key string) error {
	n.mu.Lock()
	id, ok := n.byKey[key]
	n.mu.Unlock()
	if !ok {
		return nil
	}
	err := n.conn.Object(fdoName, fdoPath).CallWithContext(ctx, fdoIface+".CloseNotification", 0, id).Err
	n.forget(id)
	if err != nil {
		return fmt.Errorf("close notice: %w", err)
	}
	return nil
}

// Close takes down the notices that stay (their Renew would reach nobody
// once the app is gone) and stops listening.
func (n *DBusNotices) Close(ctx context.Context) {
	n.mu.Lock()
	var ids []uint32
	for id, nt := range n.shown {
		if nt.Stay {
			ids = append(ids, id)
		}
	}
	n.mu.Unlock()
	for _, id := range ids {
		n.conn.Object(fdoName, fdoPath).CallWithContext(ctx, fdoIface+".CloseNotification", 0, id)
	}
	n.stop.Do(func() {
		close(n.done)
		n.conn.Close()
	})
}

func (n *DBusNotices) forget(id uint32) (Notice, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	nt, ok := n.shown[id]
	if !ok {
		return Notice{}, false
	}
	delete(n.shown, id)
	if n.byKey[nt.Key] == id {
		delete(n.byKey, nt.Key)
	}
	return nt, true
}

// capabilities asks the service what it can do; nil when it cannot say.
func (n *DBusNotices) capabilities(ctx context.Context) []string {
	var caps []string
	if err := n.conn.Object(fdoName, fdoPath).CallWithContext(ctx, fdoIface+".GetCapabilities", 0).Store(&caps); err != nil {
		return nil
	}
	return caps
}

// listen turns the service's signals about our notices into events.
func (n *DBusNotices) listen() {
	for {
		select {
		case <-n.done:
			return
		case s, ok := <-n.sigs:
			if !ok {
				return
			}
			if ev, ok := n.eventFor(s); ok {
				select {
				case n.events <- ev:
				case <-n.done:
					return
				}
			}
		}
	}
}

// eventFor reads one signal; bodies of the wrong shape are ignored.
func (n *DBusNotices) eventFor(s *dbus.Signal) (Event, bool) {
	if s == nil || s.Path != fdoPath || len(s.Body) < 2 {
		return nil, false
	}
	id, ok := s.Body[0].(uint32)
	if !ok {
		return nil, false
	}
	switch s.Name {
	case fdoIface + ".ActionInvoked":
		key, ok := s.Body[1].(string)
		if !ok {
			return nil, false
		}
		n.mu.Lock()
		nt, mine := n.shown[id]
		n.mu.Unlock()
		if !mine {
			return nil, false
		}
		for _, a := range nt.Actions {
			if a.ID == key {
				return NoticeActed{Key: nt.Key, Action: key, Then: a.Then}, true
			}
		}
		n.log.Warn("notice action we did not offer", "key", nt.Key, "action", key)
	case fdoIface + ".NotificationClosed":
		reason, ok := s.Body[1].(uint32)
		if !ok {
			return nil, false
		}
		if nt, mine := n.forget(id); mine {
			return NoticeClosed{Key: nt.Key, Reason: reason}, true
		}
	}
	return nil, false
}

// notifyArgs are the Notify call's actions, hints and expire_timeout for
// n on a service with caps. A notice that stays is "critical" (the spec:
// such notices do not expire; GNOME keeps the banner up until it is
// dismissed), never expires (0: what Xfce and KDE go by, since Xfce reads
// no urgency), and is "resident" (stays after its Renew was used, until
// we replace or close it: a canceled dialog leaves it there).
func notifyArgs(n Notice, caps []string) (actions []string, hints map[string]dbus.Variant, timeout int32) {
	actions = []string{}
	if slices.Contains(caps, "actions") {
		for _, a := range n.Actions {
			actions = append(actions, a.ID, a.Label)
		}
	}
	hints = map[string]dbus.Variant{
		"desktop-entry": dbus.MakeVariant(AppName),
		"urgency":       dbus.MakeVariant(byte(1)),
	}
	timeout = -1
	if n.Stay {
		hints["urgency"] = dbus.MakeVariant(byte(2))
		timeout = 0
		if len(actions) > 0 {
			hints["resident"] = dbus.MakeVariant(true)
		}
	}
	return actions, hints, timeout
}
