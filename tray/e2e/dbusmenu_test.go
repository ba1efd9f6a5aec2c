//go:build linux

package e2e

import (
	"fmt"
	"strings"

	"github.com/godbus/dbus/v5"
)

const (
	menuPath  = dbus.ObjectPath("/StatusNotifierItem/menu")
	menuIface = "com.canonical.dbusmenu"
)

// menuItem is one com.canonical.dbusmenu node, with the spec's defaults
// filled in for properties the app left out.
type menuItem struct {
	ID          int32
	Type        string // "" for a normal item, "separator"
	Label       string
	Enabled     bool
	Visible     bool
	ToggleType  string // "", "checkmark", "radio"
	ToggleState int32  // 1 on, 0 off, -1 unknown
	Children    []menuItem
}

// menuClient reads and clicks the menu of one fyne.io/systray process.
type menuClient struct {
	obj dbus.BusObject
}

// itemBusName is the name fyne.io/systray v1.12.2 takes for its one item.
func itemBusName(pid int) string {
	return fmt.Sprintf("org.kde.StatusNotifierItem-%d-1", pid)
}

func newMenuClient(b *testBus, pid int) *menuClient {
	return &menuClient{obj: b.conn.Object(itemBusName(pid), menuPath)}
}

// Layout returns the whole menu tree. fyne.io/systray serves only one level
// on its very first GetLayout, so callers poll rather than trust one read.
func (c *menuClient) Layout() (menuItem, error) {
	var rev uint32
	var root []interface{}
	call := c.obj.Call(menuIface+".GetLayout", 0, int32(0), int32(-1), []string{})
	if call.Err != nil {
		return menuItem{}, fmt.Errorf("GetLayout: %w", call.Err)
	}
	if err := call.Store(&rev, &root); err != nil {
		return menuItem{}, fmt.Errorf("GetLayout reply: %w", err)
	}
	return parseItem(root)
}

// parseItem decodes one (ia{sv}av) node.
func parseItem(v []interface{}) (menuItem, error) {
	if len(v) != 3 {
		return menuItem{}, fmt.Errorf("menu node has %d fields, want 3", len(v))
	}
	id, ok1 := v[0].(int32)
	props, ok2 := v[1].(map[string]dbus.Variant)
	kids, ok3 := v[2].([]dbus.Variant)
	if !ok1 || !ok2 || !ok3 {
		return menuItem{}, fmt.Errorf("menu node has types %T %T %T, want int32 a{sv} av", v[0], v[1], v[2])
	}
	it := menuItem{ID: id, Enabled: true, Visible: true, ToggleState: -1}
	for k, p := range props {
		switch k {
		case "type":
			it.Type, _ = p.Value().(string)
		case "label":
			it.Label, _ = p.Value().(string)
		case "enabled":
			it.Enabled, _ = p.Value().(bool)
		case "visible":
			it.Visible, _ = p.Value().(bool)
		case "toggle-type":
			it.ToggleType, _ = p.Value().(string)
		case "toggle-state":
			it.ToggleState, _ = p.Value().(int32)
		}
	}
	for _, k := range kids {
		fields, ok := k.Value().([]interface{})
		if !ok {
			return menuItem{}, fmt.Errorf("menu child of %d is %T, want a struct", id, k.Value())
		}
		child, err := parseItem(fields)
		if err != nil {
			return menuItem{}, err
		}
		it.Children = append(it.Children, child)
	}
	return it, nil
}

// Click sends the "clicked" event, as a panel does on a user's click.
func (c *menuClient) Click(id int32) error {
	call := c.obj.Call(menuIface+".Event", 0, id, "clicked", dbus.MakeVariant(int32(0)), uint32(0))
	if call.Err != nil {
		return fmt.Errorf("Event(%d, clicked): %w", id, call.Err)
	}
	return nil
}

// Walk visits every item below it, depth first, in menu order.
func (it menuItem) Walk(f func(menuItem)) {
	for _, c := range it.Children {
		f(c)
		c.Walk(f)
	}
}

// Find returns the first visible, non-separator item whose label matches.
func (it menuItem) Find(match func(label string) bool) (menuItem, bool) {
	var found menuItem
	ok := false
	it.Walk(func(c menuItem) {
		if !ok && c.Visible && c.Type != "separator" && match(c.Label) {
			found, ok = c, true
		}
	})
	return found, ok
}

// String lists the labels, indented by depth, for failure messages.
func (it menuItem) String() string {
	var sb strings.Builder
	var rec func(menuItem, int)
	rec = func(m menuItem, depth int) {
		for _, c := range m.Children {
			if c.Type == "separator" {
				fmt.Fprintf(&sb, "%s----\n", strings.Repeat("  ", depth))
			} else {
				flags := ""
				if !c.Visible {
					flags += " [hidden]"
				}
				if !c.Enabled {
					flags += " [disabled]"
				}
				if c.ToggleType != "" {
					flags += fmt.Sprintf(" [%s=%d]", c.ToggleType, c.ToggleState)
				}
				fmt.Fprintf(&sb, "%s%d %q%s\n", strings.Repeat("  ", depth), c.ID, c.Label, flags)
			}
			rec(c, depth+1)
		}
	}
	rec(it, 0)
	return sb.String()
}

// exactly matches one label.
func exactly(label string) func(string) bool {
	return func(s string) bool { return s == label }
}

// prefixed matches labels starting with p.
func prefixed(p string) func(string) bool {
	return func(s string) bool { return strings.HasPrefix(s, p) }
}
