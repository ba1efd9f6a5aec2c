package dialogs

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// A minimal X11 client: the handful of core requests that raising and
// placing a dialog needs. (jezek/xgb does it all, but adds 330 KB to the
// binary, and on Linux a binary's pages are the larger part of the
// tray's memory.)

var le = binary.LittleEndian

type xClient struct {
	c    net.Conn
	r    *bufio.Reader
	seq  uint16
	root uint32
}

// xDial connects to $DISPLAY (":N", "unix:N", "host:N"), with the
// MIT-MAGIC-COOKIE-1 from $XAUTHORITY (or ~/.Xauthority) when there is one.
func xDial() (*xClient, error) {
	disp := os.Getenv("DISPLAY")
	host, rest, ok := strings.Cut(disp, ":")
	if !ok {
		return nil, fmt.Errorf("DISPLAY %q is not host:N", disp)
	}
	num, _, _ := strings.Cut(rest, ".")
	if _, err := strconv.Atoi(num); err != nil {
		return nil, fmt.Errorf("DISPLAY %q is not host:N", disp)
	}
	var c net.Conn
	var err error
	if host == "" || host == "unix" {
		c, err = net.DialTimeout("unix", "/tmp/.X11-unix/X"+num, 5*time.Second)
	} else {
		port, _ := strconv.Atoi(num)
		c, err = net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(6000+port)), 5*time.Second)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to the X display %s: %w", disp, err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	x := &xClient{c: c, r: bufio.NewReader(c)}
	var remote net.Addr
	if host != "" && host != "unix" {
		remote = c.RemoteAddr()
	}
	name, data := xAuth(num, remote)
	setup := make([]byte, 12, 12+pad4(len(name))+pad4(len(data)))
	setup[0] = 'l'
	le.PutUint16(setup[2:], 11)
	le.PutUint16(setup[6:], uint16(len(name)))
	le.PutUint16(setup[8:], uint16(len(data)))
	setup = append(setup, padded(name)...)
	setup = append(setup, padded(data)...)
	if _, err := c.Write(setup); err != nil {
		c.Close()
		return nil, fmt.Errorf("x11 setup: %w", err)
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(x.r, head); err != nil {
		c.Close()
		return nil, fmt.Errorf("x11 setup reply: %w", err)
	}
	body := make([]byte, int(le.Uint16(head[6:]))*4)
	if _, err := io.ReadFull(x.r, body); err != nil {
		c.Close()
		return nil, fmt.Errorf("x11 setup reply: %w", err)
	}
	if head[0] != 1 {
		c.Close()
		return nil, fmt.Errorf("the X server refused the connection: %q", body[:min(len(body), int(head[1]))])
	}
	// The first screen's root: after the fixed part, the vendor string
	// and the pixmap formats.
	if len(body) < 32 {
		c.Close()
		return nil, errors.New("x11 setup reply too short")
	}
	vendor, formats := int(le.Uint16(body[16:])), int(body[21])
	off := 32 + pad4(vendor) + 8*formats
	if len(body) < off+4 {
		c.Close()
		return nil, errors.New("x11 setup reply too short")
	}
	x.root = le.Uint32(body[off:])
	return x, nil
}

// xAuth finds the cookie for display num in the Xauthority file, for a
// connection whose peer address is remote (nil for the local socket).
func xAuth(num string, remote net.Addr) (name, data []byte) {
	path := os.Getenv("XAUTHORITY")
	if path == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return nil, nil
		}
		path = filepath.Join(home, ".Xauthority")
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil
	}
	local, _ := os.Hostname()
	family, addr := xAuthAddr(local, remote)
	return xAuthFind(b, family, addr, num)
}

// The Xauthority families (X11/Xauth.h).
const (
	familyInternet  = 0
	familyInternet6 = 6
	familyLocal     = 256
	familyWild      = 65535
)

// xAuthAddr is the family and address libxcb looks the cookie up by: the
// host name for the local socket and for loopback TCP, else the peer's IP
// (an IPv4-mapped IPv6 address as IPv4).
func xAuthAddr(hostname string, remote net.Addr) (uint16, []byte) {
	tcp, ok := remote.(*net.TCPAddr)
	if !ok || tcp.IP.IsLoopback() {
		return familyLocal, []byte(hostname)
	}
	if v4 := tcp.IP.To4(); v4 != nil {
		return familyInternet, v4
	}
	return familyInternet6, tcp.IP.To16()
}

// xAuthFind is libXau's XauGetBestAuthByAddr for MIT-MAGIC-COOKIE-1: the
// first entry for the address (or any address, FamilyWild) and display
// (or any display, an empty number).
func xAuthFind(b []byte, family uint16, addr []byte, num string) (name, data []byte) {
	field := func() ([]byte, bool) {
		if len(b) < 2 {
			return nil, false
		}
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			return nil, false
		}
		f := b[2 : 2+n]
		b = b[2+n:]
		return f, true
	}
	for len(b) >= 2 {
		fam := binary.BigEndian.Uint16(b)
		b = b[2:]
		a, ok1 := field()
		number, ok2 := field()
		n, ok3 := field()
		d, ok4 := field()
		if !ok1 || !ok2 || !ok3 || !ok4 {
			return nil, nil
		}
		if (fam == familyWild || fam == family && bytes.Equal(a, addr)) &&
			(len(number) == 0 || string(number) == num) && string(n) == "MIT-MAGIC-COOKIE-1" {
			return n, d
		}
	}
	return nil, nil
}

func pad4(n int) int { return (n + 3) &^ 3 }

func padded(b []byte) []byte {
	return append(append([]byte(nil), b...), make([]byte, pad4(len(b))-len(b))...)
}

func (x *xClient) close() { x.c.Close() }

// send writes one request: opcode, the byte after it, and the body
// (length filled in).
func (x *xClient) send(op, data byte, body []byte) error {
	req := make([]byte, 4, 4+len(body))
	req[0], req[1] = op, data
	req = append(req, padded(body)...)
	le.PutUint16(req[2:], uint16(len(req)/4))
	x.seq++
	_, err := x.c.Write(req)
	return err
}

// reply reads until the reply (or error) to the last request; events are
// skipped. It returns the 32-byte head and the extra data.
func (x *xClient) reply() ([]byte, []byte, error) {
	for {
		head := make([]byte, 32)
		if _, err := io.ReadFull(x.r, head); err != nil {
			return nil, nil, fmt.Errorf("x11 reply: %w", err)
		}
		switch head[0] {
		case 0:
			if le.Uint16(head[2:]) == x.seq {
				return nil, nil, fmt.Errorf("x11 error %d (request %d)", head[1], head[10])
			}
		case 1:
			extra := make([]byte, int(le.Uint32(head[4:]))*4)
			if _, err := io.ReadFull(x.r, extra); err != nil {
				return nil, nil, fmt.Errorf("x11 reply: %w", err)
			}
			if le.Uint16(head[2:]) == x.seq {
				return head, extra, nil
			}
		}
	}
}

// call sends a request that has a reply and reads it.
func (x *xClient) call(op, data byte, body []byte) ([]byte, []byte, error) {
	if err := x.send(op, data, body); err != nil {
		return nil, nil, err
	}
	return x.reply()
}

// sync makes a round trip (GetInputFocus), which reports an error that a
// request without a reply caused before it.
func (x *xClient) sync() error {
	_, _, err := x.call(43, 0, nil)
	return err
}

func u32(vs ...uint32) []byte {
	b := make([]byte, 4*len(vs))
	for i, v := range vs {
		le.PutUint32(b[4*i:], v)
	}
	return b
}

func (x *xClient) internAtom(name string) (uint32, error) {
	body := make([]byte, 4, 4+len(name))
	le.PutUint16(body, uint16(len(name)))
	head, _, err := x.call(16, 0, append(body, name...))
	if err != nil {
		return 0, err
	}
	return le.Uint32(head[8:]), nil
}

// getProperty reads up to 256 KiB of a property, any type.
func (x *xClient) getProperty(w, prop uint32) ([]byte, error) {
	head, extra, err := x.call(20, 0, u32(w, prop, 0, 0, 1<<16))
	if err != nil {
		return nil, err
	}
	format, n := int(head[1]), int(le.Uint32(head[16:]))
	size := n * format / 8
	if size > len(extra) {
		size = len(extra)
	}
	return extra[:size], nil
}

func (x *xClient) queryTree(w uint32) ([]uint32, error) {
	head, extra, err := x.call(15, 0, u32(w))
	if err != nil {
		return nil, err
	}
	n := int(le.Uint16(head[16:]))
	out := make([]uint32, 0, n)
	for i := 0; i < n && 4*i+4 <= len(extra); i++ {
		out = append(out, le.Uint32(extra[4*i:]))
	}
	return out, nil
}

// viewable reports whether w is mapped and all its ancestors are.
func (x *xClient) viewable(w uint32) bool {
	head, _, err := x.call(3, 0, u32(w))
	return err == nil && head[26] == 2 // map-state Viewable
}

// position is w's top-left corner on the root window.
func (x *xClient) position(w uint32) (int16, int16, error) {
	body := u32(w, x.root, 0)
	head, _, err := x.call(40, 0, body)
	if err != nil {
		return 0, 0, err
	}
	return int16(le.Uint16(head[12:])), int16(le.Uint16(head[14:])), nil
}

// configure sends ConfigureWindow with mask and its values in bit order.
func (x *xClient) configure(w uint32, mask uint16, values ...uint32) error {
	body := make([]byte, 8)
	le.PutUint32(body, w)
	le.PutUint16(body[4:], mask)
	return x.send(12, 0, append(body, u32(values...)...))
}

// clientMessage sends a 32-bit format ClientMessage about w to the root,
// the way EWMH asks pagers to.
func (x *xClient) clientMessage(w, typ uint32, data ...uint32) error {
	ev := make([]byte, 32)
	ev[0], ev[1] = 33, 32
	le.PutUint32(ev[4:], w)
	le.PutUint32(ev[8:], typ)
	copy(ev[12:], u32(data...))
	body := append(u32(x.root, 1<<19|1<<20), ev...) // SubstructureNotify|SubstructureRedirect
	return x.send(25, 0, body)
}

func (x *xClient) setInputFocus(w uint32) error {
	return x.send(42, 2, u32(w, 0)) // revert to parent, CurrentTime
}
