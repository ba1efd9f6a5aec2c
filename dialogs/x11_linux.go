package dialogs

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// The zenity binary has no option to raise or place its window, so the
// dialogs do it over X11 (also XWayland), finding the window by its title,
// which names the profile. Each call makes its own short connection
// (x11proto_linux.go).

// xWindow is one viewable top-level window of ours.
type xWindow struct {
	id   uint32
	x, y int16
}

type xConn struct {
	*xClient
	atoms map[string]uint32
}

func dialX() (*xConn, error) {
	c, err := xDial()
	if err != nil {
		return nil, err
	}
	return &xConn{xClient: c, atoms: map[string]uint32{}}, nil
}

func (x *xConn) atom(name string) uint32 {
	if a, ok := x.atoms[name]; ok {
		return a
	}
	a, err := x.internAtom(name)
	if err != nil {
		return 0
	}
	x.atoms[name] = a
	return a
}

// prop reads a window property's raw value.
func (x *xConn) prop(w uint32, name string) []byte {
	v, err := x.getProperty(w, x.atom(name))
	if err != nil {
		return nil
	}
	return v
}

// hasWM reports whether an EWMH window manager runs.
func (x *xConn) hasWM() bool { return len(x.prop(x.root, "_NET_SUPPORTING_WM_CHECK")) >= 4 }

// candidates are the top-level client windows: the WM's list when there
// is one, else the root's children and theirs (a frame holds the client).
func (x *xConn) candidates() []uint32 {
	if v := x.prop(x.root, "_NET_CLIENT_LIST"); len(v) >= 4 {
		out := make([]uint32, 0, len(v)/4)
		for i := 0; i+4 <= len(v); i += 4 {
			out = append(out, le.Uint32(v[i:]))
		}
		return out
	}
	kids, err := x.queryTree(x.root)
	if err != nil {
		return nil
	}
	out := append([]uint32(nil), kids...)
	for _, w := range kids {
		if sub, err := x.queryTree(w); err == nil {
			out = append(out, sub...)
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
		if string(name) != title || !x.viewable(w) {
			continue
		}
		px, py, err := x.position(w)
		if err != nil {
			continue
		}
		out = append(out, xWindow{id: w, x: px, y: py})
	}
	return out
}

// raise brings w to the top and gives it the focus: through the window
// manager when there is one (source 2, as a pager asks, which focus
// stealing prevention lets through), else directly.
func (x *xConn) raise(w uint32) error {
	if x.hasWM() {
		if err := x.clientMessage(w, x.atom("_NET_ACTIVE_WINDOW"), 2, 0, 0, 0, 0); err != nil {
			return err
		}
		return x.sync()
	}
	if err := x.configure(w, 64, 0); err != nil { // stack mode: Above
		return err
	}
	if err := x.setInputFocus(w); err != nil {
		return err
	}
	return x.sync()
}

// move places w's top-left corner at (px, py).
func (x *xConn) move(w uint32, px, py int16) error {
	if err := x.configure(w, 1|2, uint32(int32(px)), uint32(int32(py))); err != nil {
		return err
	}
	return x.sync()
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
