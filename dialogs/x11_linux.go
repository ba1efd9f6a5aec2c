package dialogs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// The zenity binary has no option to raise or place its window, so the
// dialogs do it over X11 (also XWayland), finding the window by its title,
// which names the profile. Each call makes its own short connection.

// xWindow is one viewable top-level window of ours.
type xWindow struct {
	id   xproto.Window
	x, y int16
}

type xConn struct {
	c     *xgb.Conn
	root  xproto.Window
	atoms map[string]xproto.Atom
}

func dialX() (*xConn, error) {
	c, err := xgb.NewConn()
	if err != nil {
		return nil, fmt.Errorf("connect to the X display: %w", err)
	}
	return &xConn{c: c, root: xproto.Setup(c).DefaultScreen(c).Root, atoms: map[string]xproto.Atom{}}, nil
}

func (x *xConn) close() { x.c.Close() }

func (x *xConn) atom(name string) xproto.Atom {
	if a, ok := x.atoms[name]; ok {
		return a
	}
	r, err := xproto.InternAtom(x.c, false, uint16(len(name)), name).Reply()
	if err != nil {
		return 0
	}
	x.atoms[name] = r.Atom
	return r.Atom
}

// prop reads a window property's raw value.
func (x *xConn) prop(w xproto.Window, name string) []byte {
	r, err := xproto.GetProperty(x.c, false, w, x.atom(name), xproto.GetPropertyTypeAny, 0, 1<<16).Reply()
	if err != nil || r == nil {
		return nil
	}
	return r.Value
}

// hasWM reports whether an EWMH window manager runs.
func (x *xConn) hasWM() bool { return len(x.prop(x.root, "_NET_SUPPORTING_WM_CHECK")) >= 4 }

// candidates are the top-level client windows: the WM's list when there
// is one, else the root's children and theirs (a frame holds the client).
func (x *xConn) candidates() []xproto.Window {
	if v := x.prop(x.root, "_NET_CLIENT_LIST"); len(v) >= 4 {
		out := make([]xproto.Window, 0, len(v)/4)
		for i := 0; i+4 <= len(v); i += 4 {
			out = append(out, xproto.Window(xgb.Get32(v[i:])))
		}
		return out
	}
	tree, err := xproto.QueryTree(x.c, x.root).Reply()
	if err != nil {
		return nil
	}
	out := append([]xproto.Window(nil), tree.Children...)
	for _, w := range tree.Children {
		if sub, err := xproto.QueryTree(x.c, w).Reply(); err == nil {
			out = append(out, sub.Children...)
		}
	}
	return out
}

// find returns the viewable windows titled title.
func (x *xConn) find(title string) []xWindow {
	var out []xWindow
	for _, w := range x.candidates() {
		name := x.prop(w, "_NET_WM_NAME")
		if len(name) == 0 {
			name = x.prop(w, "WM_NAME")
		}
		if string(name) != title {
			continue
		}
		attr, err := xproto.GetWindowAttributes(x.c, w).Reply()
		if err != nil || attr.MapState != xproto.MapStateViewable {
			continue
		}
		pos, err := xproto.TranslateCoordinates(x.c, w, x.root, 0, 0).Reply()
		if err != nil {
			continue
		}
		out = append(out, xWindow{id: w, x: pos.DstX, y: pos.DstY})
	}
	return out
}

// raise brings w to the top and gives it the focus: through the window
// manager when there is one (source 2, as a pager asks, which focus
// stealing prevention lets through), else directly.
func (x *xConn) raise(w xproto.Window) error {
	if x.hasWM() {
		ev := xproto.ClientMessageEvent{
			Format: 32, Window: w, Type: x.atom("_NET_ACTIVE_WINDOW"),
			Data: xproto.ClientMessageDataUnionData32New([]uint32{2, 0, 0, 0, 0}),
		}
		return xproto.SendEventChecked(x.c, false, x.root,
			xproto.EventMaskSubstructureRedirect|xproto.EventMaskSubstructureNotify, string(ev.Bytes())).Check()
	}
	if err := xproto.ConfigureWindowChecked(x.c, w, xproto.ConfigWindowStackMode, []uint32{xproto.StackModeAbove}).Check(); err != nil {
		return err
	}
	return xproto.SetInputFocusChecked(x.c, xproto.InputFocusParent, w, xproto.TimeCurrentTime).Check()
}

// move places w's top-left corner at (x, y).
func (x *xConn) move(w xproto.Window, px, py int16) error {
	return xproto.ConfigureWindowChecked(x.c, w, xproto.ConfigWindowX|xproto.ConfigWindowY,
		[]uint32{uint32(int32(px)), uint32(int32(py))}).Check()
}

var errNoWindow = errors.New("no such dialog window on the display")

// raiseWindow raises every viewable window titled title.
func raiseWindow(title string) error {
	x, err := dialX()
	if err != nil {
		return err
	}
	defer x.close()
	ws := x.find(title)
	if len(ws) == 0 {
		return fmt.Errorf("%q: %w", title, errNoWindow)
	}
	for _, w := range ws {
		if err := x.raise(w.id); err != nil {
			return fmt.Errorf("raise %q: %w", title, err)
		}
	}
	return nil
}

// placeWindow waits (until ctx ends, at most 15 s) for the window titled
// title to show, then moves it by step times n, down and right, from where
// it appeared: GTK centres every dialog, so the n-th one open would lie
// exactly on the others.
func placeWindow(ctx context.Context, title string, n int) error {
	const step = 40
	x, err := dialX()
	if err != nil {
		return err
	}
	defer x.close()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if ws := x.find(title); len(ws) > 0 {
			w := ws[0]
			return x.move(w.id, w.x+int16(step*n), w.y+int16(step*n))
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%q: %w", title, errNoWindow)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
