//go:build !darwin || cgo

package tray

import (
	"log/slog"
	"sync"

	"fyne.io/systray"

	"github.com/awsmfa-tray/awsmfa-tray/assets"
)

// SystrayAdapter applies Menus to fyne.io/systray and relays clicks.
//
// systray drops a click when nobody is receiving on the item's ClickedCh at
// that instant, so each item gets its own goroutine that only relays into
// one buffered channel. Items are updated in place while the menu's shape
// (its ordered item IDs) stays the same, so the D-Bus IDs a client read stay
// valid; when the shape changes (a profile appears or goes) the menu is
// rebuilt, because systray can only append.
type SystrayAdapter struct {
	log    *slog.Logger
	clicks chan string

	mu      sync.Mutex
	shape   string
	items   map[string]*systray.MenuItem
	prev    map[string]Item
	icon    assets.IconState
	iconSet bool
	tooltip string
}

// NewSystrayAdapter must be called from systray's onReady.
func NewSystrayAdapter(log *slog.Logger) *SystrayAdapter {
	systray.SetTitle("awsmfa")
	return &SystrayAdapter{log: log, clicks: make(chan string, 64)}
}

// Clicks delivers the IDs of clicked items.
func (s *SystrayAdapter) Clicks() <-chan string { return s.clicks }

// Apply shows m.
func (s *SystrayAdapter) Apply(m Menu) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.iconSet || m.Icon != s.icon {
		systray.SetIcon(assets.TrayIcon(m.Icon))
		s.icon, s.iconSet = m.Icon, true
	}
	if m.Tooltip != s.tooltip {
		systray.SetTooltip(m.Tooltip)
		s.tooltip = m.Tooltip
	}
	if shape := m.Shape(); shape != s.shape {
		s.rebuild(m)
		s.shape = shape
		return
	}
	// Most items are as they were (on a tick only the times left move):
	// one map lookup and a comparison each.
	for _, it := range m.Items {
		old, ok := s.prev[it.ID] // separators are not kept, so never updated
		if !ok || old == it {
			continue
		}
		update(s.items[it.ID], old, it)
		s.prev[it.ID] = it
	}
}

func (s *SystrayAdapter) rebuild(m Menu) {
	if s.items != nil {
		systray.ResetMenu() // closes every ClickedCh, ending the relays
	}
	s.items = map[string]*systray.MenuItem{}
	s.prev = map[string]Item{}
	for _, it := range m.Items {
		var mi *systray.MenuItem
		switch it.Kind {
		case KindSeparator:
			systray.AddSeparator()
			continue
		case KindCheckbox:
			mi = systray.AddMenuItemCheckbox(it.Label, it.Tooltip, it.Checked)
		default:
			mi = systray.AddMenuItem(it.Label, it.Tooltip)
		}
		// Start from the zero Item so update sets every flag.
		update(mi, Item{Label: it.Label, Tooltip: it.Tooltip, Checked: it.Checked, Enabled: true}, it)
		s.items[it.ID], s.prev[it.ID] = mi, it
		go s.relay(it.ID, mi.ClickedCh)
	}
}

// relay forwards clicks until systray closes the channel (item removed).
func (s *SystrayAdapter) relay(id string, ch <-chan struct{}) {
	for range ch {
		s.clicks <- id
	}
}

// update changes only what differs, since each setter emits D-Bus signals.
func update(mi *systray.MenuItem, old, it Item) {
	if it.Label != old.Label {
		mi.SetTitle(it.Label)
	}
	if it.Tooltip != old.Tooltip {
		mi.SetTooltip(it.Tooltip)
	}
	if it.Enabled != old.Enabled {
		if it.Enabled {
			mi.Enable()
		} else {
			mi.Disable()
		}
	}
	if it.Checked != old.Checked {
		if it.Checked {
			mi.Check()
		} else {
			mi.Uncheck()
		}
	}
	if it.Hidden != old.Hidden {
		if it.Hidden {
			mi.Hide()
		} else {
			mi.Show()
		}
	}
}

// RunSystray runs the tray on the calling (main) goroutine until Quit.
// onReady must return promptly: systray serves the menu only after it has.
func RunSystray(onReady, onExit func()) { systray.Run(onReady, onExit) }

// QuitSystray ends RunSystray.
func QuitSystray() { systray.Quit() }
