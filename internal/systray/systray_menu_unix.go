//go:build (linux || freebsd || openbsd || netbsd) && !android

package systray

import (
	"fmt"
	"log"
	"os"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"

	"github.com/awsmfa-tray/awsmfa-tray/internal/systray/internal/generated/menu"
)

// awsmfa: the menu is kept as a tree of small nodes, not as the D-Bus
// layout (a map of variants per item, ~1 KB each with its values); the
// layout is made from the nodes when a client asks for it. With 4,000
// items that is 4 MB less to keep, and for the garbage collector to scan.

// node is one menu item as the dbusmenu spec sees it.
type node struct {
	id        int32
	label     string
	disabled  bool
	hidden    bool
	checkable bool
	checked   bool
	separator bool
	submenu   bool // "children-display": "submenu"
	icon      []byte
	children  []*node
	parent    *node // nil for the root
}

// props is the node's dbusmenu properties; defaults (enabled, visible, no
// toggle) are left out, as the spec allows.
func (n *node) props() map[string]dbus.Variant {
	p := make(map[string]dbus.Variant, 4)
	if n.separator {
		p["type"] = propVariant("separator")
		return p
	}
	p["label"] = propVariant(n.label)
	if n.disabled {
		p["enabled"] = propVariant(false)
	}
	if n.hidden {
		p["visible"] = propVariant(false)
	}
	if n.checkable {
		p["toggle-type"] = propVariant("checkmark")
		state := 0
		if n.checked {
			state = 1
		}
		p["toggle-state"] = propVariant(state)
	}
	if n.submenu {
		p["children-display"] = propVariant("submenu")
	}
	if n.icon != nil {
		p["icon-data"] = dbus.MakeVariant(n.icon)
	}
	return p
}

// prop is one property by its dbusmenu name, defaults included.
func (n *node) prop(name string) (dbus.Variant, bool) {
	switch name {
	case "enabled":
		return propVariant(!n.disabled), true
	case "visible":
		return propVariant(!n.hidden), true
	}
	v, ok := n.props()[name]
	return v, ok
}

// SetIcon sets the icon of a menu item.
// iconBytes should be the content of .ico/.jpg/.png
func (item *MenuItem) SetIcon(iconBytes []byte) {
	instance.menuLock.Lock()
	defer instance.menuLock.Unlock()
	if n, exists := findNode(int32(item.id)); exists {
		n.icon = iconBytes
		propsChanged(n, "icon-data")
	}
}

// SetIconFromFilePath sets the icon of a menu item from a file path.
// iconFilePath should be the path to a .ico for windows and .ico/.jpg/.png for other platforms.
func (item *MenuItem) SetIconFromFilePath(iconFilePath string) error {
	iconBytes, err := os.ReadFile(iconFilePath)
	if err != nil {
		return fmt.Errorf("failed to read icon file: %v", err)
	}
	item.SetIcon(iconBytes)
	return nil
}

// layoutOf makes the D-Bus layout of n, depth levels down (-1: all).
func layoutOf(n *node, depth int32) *menuLayout {
	out := &menuLayout{V0: n.id, V1: n.props(), V2: []dbus.Variant{}}
	if depth != 0 && len(n.children) > 0 {
		out.V2 = make([]dbus.Variant, len(n.children))
		for i, c := range n.children {
			out.V2[i] = layoutVariant(layoutOf(c, depth-1))
		}
	}
	return out
}

// firstGetLayoutDone tracks whether the initial GetLayout response has been served
// since the last menu reset. libdbusmenu-gtk3 (used by Cinnamon/Xfce/GNOME) requests
// GetGroupProperties for grandchildren before parents in the first call, causing children
// to be silently dropped (blank submenus) because parent GtkMenu containers don't exist
// yet. Returning depth=1 on the first call ensures parents get their GtkMenu containers
// before grandchildren are introduced in subsequent calls, where the order is correct.
// After serving depth=1, a goroutine automatically triggers a second GetLayout cycle so
// submenus populate without requiring user interaction. Multiple goroutines from rapid
// resets are harmless — they just emit extra LayoutUpdated signals.
var firstGetLayoutDone bool

// GetLayout is com.canonical.dbusmenu.GetLayout method.
func (t *tray) GetLayout(parentID int32, recursionDepth int32, propertyNames []string) (revision uint32, layout menuLayout, err *dbus.Error) {
	initialMenuBuilt.Wait()
	instance.menuLock.Lock()
	defer instance.menuLock.Unlock()
	if n, ok := findNode(parentID); ok {
		depth := recursionDepth
		if !firstGetLayoutDone {
			firstGetLayoutDone = true
			depth = 1
			go func() {
				time.Sleep(150 * time.Millisecond)
				refresh()
			}()
		}
		return instance.menuVersion, *layoutOf(n, depth), nil
	}
	return
}

// GetGroupProperties is com.canonical.dbusmenu.GetGroupProperties method.
func (t *tray) GetGroupProperties(ids []int32, propertyNames []string) (properties []struct {
	V0 int32
	V1 map[string]dbus.Variant
}, err *dbus.Error) {
	instance.menuLock.Lock()
	defer instance.menuLock.Unlock()
	for _, id := range ids {
		if n, ok := findNode(id); ok {
			properties = append(properties, struct {
				V0 int32
				V1 map[string]dbus.Variant
			}{V0: n.id, V1: n.props()})
		}
	}
	return
}

// GetProperty is com.canonical.dbusmenu.GetProperty method.
func (t *tray) GetProperty(id int32, name string) (value dbus.Variant, err *dbus.Error) {
	instance.menuLock.Lock()
	defer instance.menuLock.Unlock()
	if n, ok := findNode(id); ok {
		if p, ok := n.prop(name); ok {
			return p, nil
		}
	}
	return
}

// Event is com.canonical.dbusmenu.Event method.
func (t *tray) Event(id int32, eventID string, data dbus.Variant, timestamp uint32) (err *dbus.Error) {
	switch eventID {
	case "clicked":
		systrayMenuItemSelected(uint32(id))
	case "opened", "closed":
		menuShown(id, eventID == "opened")
	}
	switch eventID {
	case "opened":
		t.menuLock.RLock()
		rootMenuID := t.menu.id
		t.menuLock.RUnlock()

		if id == rootMenuID {
			select {
			case TrayOpenedCh <- struct{}{}:
			default:
			}
		}
	}
	return
}

// EventGroup is com.canonical.dbusmenu.EventGroup method.
func (t *tray) EventGroup(events []struct {
	V0 int32
	V1 string
	V2 dbus.Variant
	V3 uint32
}) (idErrors []int32, err *dbus.Error) {
	for _, event := range events {
		switch event.V1 {
		case "clicked":
			systrayMenuItemSelected(uint32(event.V0))
		case "opened", "closed":
			menuShown(event.V0, event.V1 == "opened")
		}
	}
	return
}

// awsmfa: the submenus a client has open now ("opened" to "closed"
// events). Property changes of items inside a closed submenu are not
// sent: nobody sees them, and AboutToShow makes a client read the layout
// again before it shows that submenu (it answers "update needed" for every
// submenu, as upstream did). With 1,000 profiles in groups that is the
// difference between a signal of 334 labels a minute and none.
func menuShown(id int32, open bool) {
	instance.menuLock.Lock()
	defer instance.menuLock.Unlock()
	if instance.open == nil {
		instance.open = map[int32]bool{}
	}
	if open {
		instance.open[id] = true
	} else {
		delete(instance.open, id)
	}
}

// unseen reports whether n sits in a submenu that no client shows; the
// caller holds menuLock.
func unseen(n *node) bool {
	p := n.parent
	return p != nil && p != instance.menu && !instance.open[p.id]
}

// AboutToShow is com.canonical.dbusmenu.AboutToShow method.
func (t *tray) AboutToShow(id int32) (needUpdate bool, err *dbus.Error) {
	// awsmfa: a submenu's items may have changed unsent (see menuShown):
	// ask for a fresh read, as AboutToShowGroup always did.
	instance.menuLock.RLock()
	defer instance.menuLock.RUnlock()
	n, ok := findNode(id)
	return ok && id != 0 && len(n.children) > 0, nil
}

// AboutToShowGroup is com.canonical.dbusmenu.AboutToShowGroup method.
func (t *tray) AboutToShowGroup(ids []int32) (updatesNeeded []int32, idErrors []int32, err *dbus.Error) {
	instance.menuLock.RLock()
	defer instance.menuLock.RUnlock()
	for _, id := range ids {
		if n, ok := findNode(id); ok && len(n.children) > 0 {
			updatesNeeded = append(updatesNeeded, id)
		}
	}
	return
}

func createMenuPropSpec() map[string]map[string]*prop.Prop {
	instance.menuLock.Lock()
	defer instance.menuLock.Unlock()
	return map[string]map[string]*prop.Prop{
		"com.canonical.dbusmenu": {
			"Version": {
				Value:    instance.menuVersion,
				Writable: true,
				Emit:     prop.EmitTrue,
				Callback: nil,
			},
			"TextDirection": {
				Value:    "ltr",
				Writable: false,
				Emit:     prop.EmitTrue,
				Callback: nil,
			},
			"Status": {
				Value:    "normal",
				Writable: false,
				Emit:     prop.EmitTrue,
				Callback: nil,
			},
			"IconThemePath": {
				Value:    []string{},
				Writable: false,
				Emit:     prop.EmitTrue,
				Callback: nil,
			},
		},
	}
}

// menuLayout is a named struct to map into generated bindings. It represents the layout of a menu item
type menuLayout = struct {
	V0 int32                   // the unique ID of this item
	V1 map[string]dbus.Variant // properties for this menu item layout
	V2 []dbus.Variant          // child menu item layouts
}

func addOrUpdateMenuItem(item *MenuItem) {
	instance.menuLock.Lock()
	defer instance.menuLock.Unlock()
	n, exists := findNode(int32(item.id))
	if !exists {
		n = &node{id: int32(item.id)}
		parent := instance.menu
		if item.parent != nil {
			if p, ok := findNode(int32(item.parent.id)); ok {
				parent = p
				if !parent.submenu {
					parent.submenu = true
					if parent.id != 0 {
						// We've added "children-display", that's a property change
						propsChanged(parent, "children-display")
					}
				}
			}
		}
		n.parent = parent
		parent.children = append(parent.children, n)
		index()[n.id] = n
	}

	changed := applyItem(item, n)
	if exists {
		// awsmfa: only the properties that changed, and no LayoutUpdated:
		// the spec needs it only when items come or go.
		propsChanged(n, changed...)
	} else {
		// New item appended to a parent's children,
		// that's a structural change, so LayoutUpdated signal is required
		layoutChanged()
	}
}

func addSeparator(id uint32, parent uint32) {
	instance.menuLock.Lock()
	defer instance.menuLock.Unlock()
	p, ok := findNode(int32(parent))
	if !ok {
		return
	}
	n := &node{id: int32(id), separator: true, parent: p}
	p.children = append(p.children, n)
	index()[n.id] = n
	layoutChanged()
}

// applyItem sets in's state on n and returns the names of the properties
// that changed.
func applyItem(in *MenuItem, n *node) []string {
	var changed []string
	if n.disabled != in.disabled {
		n.disabled = in.disabled
		changed = append(changed, "enabled")
	}
	if n.label != in.title {
		n.label = in.title
		changed = append(changed, "label")
	}
	if n.checkable != in.isCheckable {
		n.checkable = in.isCheckable
		changed = append(changed, "toggle-type", "toggle-state")
	}
	if n.checked != in.checked {
		n.checked = in.checked
		changed = append(changed, "toggle-state")
	}
	return changed
}

func findNode(id int32) (*node, bool) {
	if id == 0 {
		return instance.menu, true
	}
	// awsmfa: an index instead of a walk of the whole tree per call.
	n, ok := index()[id]
	return n, ok
}

// awsmfa: variants made with a known signature: dbus.MakeVariant finds it
// by reflection, and allocates it, on every call.
var (
	layoutSig = dbus.SignatureOf(&menuLayout{})
	strSig    = dbus.SignatureOf("")
	boolSig   = dbus.SignatureOf(true)
	intSig    = dbus.SignatureOf(0)
)

func layoutVariant(m *menuLayout) dbus.Variant { return dbus.MakeVariantWithSignature(m, layoutSig) }

func propVariant(v any) dbus.Variant {
	switch v.(type) {
	case string:
		return dbus.MakeVariantWithSignature(v, strSig)
	case bool:
		return dbus.MakeVariantWithSignature(v, boolSig)
	case int:
		return dbus.MakeVariantWithSignature(v, intSig)
	}
	return dbus.MakeVariant(v)
}

// index maps item IDs to their nodes; the caller holds menuLock (it is
// never nil, so a reader under RLock never writes).
func index() map[int32]*node { return instance.index }

func removeMenuItem(item *MenuItem) {
	instance.menuLock.Lock()
	defer instance.menuLock.Unlock()

	parent := instance.menu
	if item.parent != nil {
		p, ok := findNode(int32(item.parent.id))
		if !ok {
			return
		}
		parent = p
	}
	for i, c := range parent.children {
		if c.id == int32(item.id) {
			parent.children = append(parent.children[:i:i], parent.children[i+1:]...)
			delete(index(), c.id)
			layoutChanged()
			return
		}
	}
}

func hideMenuItem(item *MenuItem) {
	instance.menuLock.Lock()
	defer instance.menuLock.Unlock()
	if n, exists := findNode(int32(item.id)); exists && !n.hidden {
		n.hidden = true
		propsChanged(n, "visible")
	}
}

func showMenuItem(item *MenuItem) {
	instance.menuLock.Lock()
	defer instance.menuLock.Unlock()
	if n, exists := findNode(int32(item.id)); exists && n.hidden {
		n.hidden = false
		propsChanged(n, "visible")
	}
}

// awsmfa: changes made inside Batch are sent together when it returns:
// one ItemsPropertiesUpdated with just the properties that changed, and
// one LayoutUpdated if items came or went. Outside a batch each change is
// sent at once, as upstream did (but with only the changed properties).
type pendingChanges struct {
	depth  int
	props  map[*node][]string // item -> names of changed properties
	order  []*node
	layout bool
}

// propsChanged records (or, outside a batch, sends) that names of n
// changed. The caller holds menuLock.
func propsChanged(n *node, names ...string) {
	if len(names) == 0 || unseen(n) {
		return
	}
	p := &instance.pending
	if p.props == nil {
		p.props = map[*node][]string{}
	}
	old, ok := p.props[n]
	if !ok {
		p.order = append(p.order, n)
	}
	p.props[n] = append(old, names...)
	if p.depth == 0 {
		flushLocked()
	}
}

// layoutChanged records (or sends) a structural change; the caller holds
// menuLock.
func layoutChanged() {
	instance.pending.layout = true
	if instance.pending.depth == 0 {
		flushLocked()
	}
}

type updatedProps = struct {
	V0 int32
	V1 map[string]dbus.Variant
}

// flushLocked sends what is pending; the caller holds menuLock.
func flushLocked() {
	p := &instance.pending
	layout := p.layout
	var updated []updatedProps
	if !layout {
		// A LayoutUpdated makes clients read the layout again, which
		// carries every property: no need to send them as well.
		updated = make([]updatedProps, 0, len(p.order))
		for _, n := range p.order {
			if _, ok := findNode(n.id); !ok {
				continue
			}
			props := make(map[string]dbus.Variant, len(p.props[n]))
			for _, name := range p.props[n] {
				if v, ok := n.prop(name); ok {
					props[name] = v
				}
			}
			updated = append(updated, updatedProps{n.id, props})
		}
	}
	p.props, p.order, p.layout = nil, nil, false
	if len(updated) > 0 {
		emitItemsPropertiesUpdated(updated)
	}
	if layout {
		refresh()
	}
}

// Batch runs f and sends the menu changes it made as one update.
func Batch(f func()) {
	instance.menuLock.Lock()
	instance.pending.depth++
	instance.menuLock.Unlock()
	defer func() {
		instance.menuLock.Lock()
		defer instance.menuLock.Unlock()
		instance.pending.depth--
		if instance.pending.depth == 0 {
			flushLocked()
		}
	}()
	f()
}

// emitItemsPropertiesUpdated emits the com.canonical.dbusmenu.ItemsPropertiesUpdated
// signal so desktop clients refresh per-item state (label, enabled, toggle-state,
// visible, icon-data) without re-querying the whole layout.
func emitItemsPropertiesUpdated(updated []updatedProps) {
	instance.lock.Lock()
	conn := instance.conn
	instance.lock.Unlock()
	if conn == nil {
		return
	}
	err := menu.Emit(conn, &menu.Dbusmenu_ItemsPropertiesUpdatedSignal{
		Path: menuPath,
		Body: &menu.Dbusmenu_ItemsPropertiesUpdatedSignalBody{
			UpdatedProps: updated,
			RemovedProps: []struct {
				V0 int32
				V1 []string
			}{},
		},
	})
	if err != nil {
		log.Printf("systray error: failed to emit items properties updated signal: %v\n", err)
	}
}

func refresh() {
	instance.lock.Lock()
	defer instance.lock.Unlock()
	if instance.conn == nil || instance.menuProps == nil {
		return
	}
	instance.menuVersion++
	dbusErr := instance.menuProps.Set("com.canonical.dbusmenu", "Version",
		dbus.MakeVariant(instance.menuVersion))
	if dbusErr != nil {
		log.Printf("systray error: failed to update menu version: %v\n", dbusErr)
		return
	}
	err := menu.Emit(instance.conn, &menu.Dbusmenu_LayoutUpdatedSignal{
		Path: menuPath,
		Body: &menu.Dbusmenu_LayoutUpdatedSignalBody{
			Revision: instance.menuVersion,
		},
	})
	if err != nil {
		log.Printf("systray error: failed to emit layout updated signal: %v\n", err)
	}
}

func resetMenu() {
	instance.menuLock.Lock()
	defer instance.menuLock.Unlock()
	instance.menu = &node{}
	instance.index = map[int32]*node{}
	instance.open = nil
	instance.menuVersion++
	firstGetLayoutDone = false
	layoutChanged()
}
