//go:build !darwin || cgo

package tray

import (
	"log/slog"
	"sync"

	"github.com/awsmfa-tray/awsmfa-tray/internal/systray"

	"github.com/awsmfa-tray/awsmfa-tray/assets"
)

// SystrayAdapter applies Menus to systray (our patched copy of
// fyne.io/systray, internal/systray) and relays clicks.
//
// Items are updated in place while the menu's shape (its tree of item IDs)
// stays the same, so the D-Bus IDs a client read stay valid; when the
// shape changes (a profile appears or goes) the menu is rebuilt, because
// systray can only append. With the same shape the new menu is compared
// with the last one position by position: no map per item.
type SystrayAdapter struct {
	log    *slog.Logger
	clicks chan string

	mu      sync.Mutex
	shape   uint64
	built   bool
	last    []Item              // the items last applied, in Walk order
	mis     []*systray.MenuItem // their systray items (nil for separators)
	icon    assets.IconState
	iconSet bool
	tooltip string
}

// NewSystrayAdapter is called from systray's onReady (or before Run).
func NewSystrayAdapter(log *slog.Logger) *SystrayAdapter {
	systray.SetTitle("awsmfa")
	s := &SystrayAdapter{log: log, clicks: make(chan string, 64)}
	systray.SetClickFunc(s.clicked)
	return s
}

// Clicks delivers the IDs of clicked items.
func (s *SystrayAdapter) Clicks() <-chan string { return s.clicks }

// clicked relays one click (on D-Bus's goroutine). The buffer is deep;
// when it is full the click waits, so none is lost.
func (s *SystrayAdapter) clicked(mi *systray.MenuItem) {
	if mi.Tag != "" {
		s.clicks <- mi.Tag
	}
}

// Apply shows m. Every change it makes reaches D-Bus as one update.
// CopiesMenu: Apply keeps copies of the items (Children left out), never
// the menu's storage, so the app builds the next menu in it.
func (*SystrayAdapter) CopiesMenu() {}

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
	systray.Batch(func() {
		if shape := m.ShapeKey(); !s.built || shape != s.shape {
			s.rebuild(m)
			s.shape, s.built = shape, true
			return
		}
		// Most items are as they were (on a tick only the times left
		// move): one comparison each.
		i := 0
		m.Walk(func(it Item, _ int) {
			if mi := s.mis[i]; mi != nil && !s.last[i].same(it) {
				it.Children = nil
				update(mi, s.last[i], it)
				s.last[i] = it
			}
			i++
		})
	})
}

func (s *SystrayAdapter) rebuild(m Menu) {
	if s.last != nil {
		systray.ResetMenu()
	}
	s.last, s.mis = s.last[:0], s.mis[:0]
	s.add(nil, m.Items)
}

// add appends items under parent (nil: the menu itself), in Walk order.
func (s *SystrayAdapter) add(parent *systray.MenuItem, items []Item) {
	for _, it := range items {
		var mi *systray.MenuItem
		switch {
		case it.Kind == KindSeparator && parent == nil:
			systray.AddSeparator()
		case it.Kind == KindSeparator:
			parent.AddSeparator()
		case it.Kind == KindCheckbox && parent == nil:
			mi = systray.AddMenuItemCheckbox(it.Label, it.Tooltip, it.Checked)
		case it.Kind == KindCheckbox:
			mi = parent.AddSubMenuItemCheckbox(it.Label, it.Tooltip, it.Checked)
		case parent == nil:
			mi = systray.AddMenuItem(it.Label, it.Tooltip)
		default:
			mi = parent.AddSubMenuItem(it.Label, it.Tooltip)
		}
		kids := it.Children
		it.Children = nil
		if mi != nil {
			mi.Tag = it.ID
			// Start from the zero Item so update sets every flag.
			update(mi, Item{Label: it.Label, Tooltip: it.Tooltip, Checked: it.Checked, Enabled: true}, it)
		}
		s.last, s.mis = append(s.last, it), append(s.mis, mi)
		if len(kids) > 0 {
			s.add(mi, kids)
		}
	}
}

// item returns the systray item with id (tests).
func (s *SystrayAdapter) item(id string) *systray.MenuItem {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, it := range s.last {
		if it.ID == id {
			return s.mis[i]
		}
	}
	return nil
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
