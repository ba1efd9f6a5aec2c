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
// systray can only append.
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

	idsMu sync.Mutex
	ids   map[*systray.MenuItem]string // for clicks, which come on D-Bus's goroutine
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

// clicked relays one click. The buffer is deep; when it is full the click
// waits, so none is lost.
func (s *SystrayAdapter) clicked(mi *systray.MenuItem) {
	s.idsMu.Lock()
	id, ok := s.ids[mi]
	s.idsMu.Unlock()
	if ok {
		s.clicks <- id
	}
}

// Apply shows m. Every change it makes reaches D-Bus as one update.
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
		if shape := m.Shape(); shape != s.shape {
			s.rebuild(m)
			s.shape = shape
			return
		}
		// Most items are as they were (on a tick only the times left
		// move): one map lookup and a comparison each.
		m.Walk(func(it Item, _ int) {
			old, ok := s.prev[it.ID] // separators are not kept, so never updated
			if !ok || old.same(it) {
				return
			}
			it.Children = nil
			update(s.items[it.ID], old, it)
			s.prev[it.ID] = it
		})
	})
}

func (s *SystrayAdapter) rebuild(m Menu) {
	if s.items != nil {
		systray.ResetMenu() // closes every ClickedCh, ending the relays
	}
	s.items = map[string]*systray.MenuItem{}
	s.prev = map[string]Item{}
	s.add(nil, m.Items)
	ids := make(map[*systray.MenuItem]string, len(s.items))
	for id, mi := range s.items {
		ids[mi] = id
	}
	s.idsMu.Lock()
	s.ids = ids
	s.idsMu.Unlock()
}

// add appends items under parent (nil: the menu itself).
func (s *SystrayAdapter) add(parent *systray.MenuItem, items []Item) {
	for _, it := range items {
		var mi *systray.MenuItem
		switch {
		case it.Kind == KindSeparator && parent == nil:
			systray.AddSeparator()
			continue
		case it.Kind == KindSeparator:
			parent.AddSeparator()
			continue
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
		// Start from the zero Item so update sets every flag.
		update(mi, Item{Label: it.Label, Tooltip: it.Tooltip, Checked: it.Checked, Enabled: true}, it)
		s.items[it.ID], s.prev[it.ID] = mi, it
		if len(kids) > 0 {
			s.add(mi, kids)
		}
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
