//go:build linux

package e2e

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/bits"
	"net"
	"os"
	"strings"
	"time"
)

// x11Screenshot grabs a rectangle of the root window of display (":N") with
// the core X11 GetImage request, so screenshots need no extra package
// (no xwd, no ImageMagick). An empty rect means the whole screen.
func x11Screenshot(display string, rect image.Rectangle) (*image.RGBA, error) {
	conn, r, scr, err := x11Dial(display)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	le := binary.LittleEndian
	if rect.Empty() {
		rect = image.Rect(0, 0, int(scr.width), int(scr.height))
	}
	rect = rect.Intersect(image.Rect(0, 0, int(scr.width), int(scr.height)))
	if rect.Empty() {
		return nil, fmt.Errorf("x11 screenshot: rectangle outside the screen")
	}

	// GetImage (opcode 73), ZPixmap format, all planes.
	req := make([]byte, 20)
	req[0], req[1] = 73, 2
	le.PutUint16(req[2:], 5)
	le.PutUint32(req[4:], scr.root)
	le.PutUint16(req[8:], uint16(rect.Min.X))
	le.PutUint16(req[10:], uint16(rect.Min.Y))
	le.PutUint16(req[12:], uint16(rect.Dx()))
	le.PutUint16(req[14:], uint16(rect.Dy()))
	le.PutUint32(req[16:], 0xffffffff)
	if _, err := conn.Write(req); err != nil {
		return nil, fmt.Errorf("x11 GetImage: %w", err)
	}
	rh := make([]byte, 32)
	if _, err := io.ReadFull(r, rh); err != nil {
		return nil, fmt.Errorf("x11 GetImage reply: %w", err)
	}
	if rh[0] != 1 {
		return nil, fmt.Errorf("x11 GetImage failed with error code %d", rh[1])
	}
	data := make([]byte, int(le.Uint32(rh[4:]))*4)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, fmt.Errorf("x11 GetImage data: %w", err)
	}
	if scr.bpp != 32 {
		return nil, fmt.Errorf("x11 screenshot: %d bits per pixel not supported (start Xvfb with depth 24)", scr.bpp)
	}
	order := binary.ByteOrder(binary.LittleEndian)
	if scr.msbFirst {
		order = binary.BigEndian
	}
	img := image.NewRGBA(image.Rect(0, 0, rect.Dx(), rect.Dy()))
	stride := rect.Dx() * 4 // 32 bpp rows are always 32-bit aligned
	if len(data) < stride*rect.Dy() {
		return nil, fmt.Errorf("x11 GetImage returned %d bytes, want %d", len(data), stride*rect.Dy())
	}
	for y := 0; y < rect.Dy(); y++ {
		for x := 0; x < rect.Dx(); x++ {
			p := order.Uint32(data[y*stride+x*4:])
			img.SetRGBA(x, y, color.RGBA{
				R: channel(p, scr.red), G: channel(p, scr.green), B: channel(p, scr.blue), A: 0xff,
			})
		}
	}
	return img, nil
}

// x11Dial connects to display (":N") without authorization (our Xvfb runs
// without -auth) and returns the connection, its reader and the first
// screen.
func x11Dial(display string) (net.Conn, *bufio.Reader, x11Screen, error) {
	num := strings.TrimPrefix(strings.SplitN(display, ".", 2)[0], ":")
	conn, err := net.DialTimeout("unix", "/tmp/.X11-unix/X"+num, 5*time.Second)
	if err != nil {
		return nil, nil, x11Screen{}, fmt.Errorf("connect to X display %s: %w", display, err)
	}
	fail := func(err error) (net.Conn, *bufio.Reader, x11Screen, error) {
		conn.Close()
		return nil, nil, x11Screen{}, err
	}
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	r := bufio.NewReader(conn)
	le := binary.LittleEndian
	setup := []byte{'l', 0, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if _, err := conn.Write(setup); err != nil {
		return fail(fmt.Errorf("x11 setup: %w", err))
	}
	head := make([]byte, 8)
	if _, err := io.ReadFull(r, head); err != nil {
		return fail(fmt.Errorf("x11 setup reply: %w", err))
	}
	body := make([]byte, int(le.Uint16(head[6:]))*4)
	if _, err := io.ReadFull(r, body); err != nil {
		return fail(fmt.Errorf("x11 setup reply: %w", err))
	}
	if head[0] != 1 {
		return fail(fmt.Errorf("x11 server refused the connection: %q", body[:min(len(body), int(head[1]))]))
	}
	scr, err := parseSetup(body)
	if err != nil {
		return fail(err)
	}
	return conn, r, scr, nil
}

// x11Stacking lists the root window's children bottom to top: QueryTree
// (opcode 15) returns them in stacking order, which needs no window
// manager (there is none on our Xvfb) to be the order they are drawn in.
func x11Stacking(display string) ([]uint32, error) {
	conn, r, scr, err := x11Dial(display)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	le := binary.LittleEndian
	req := make([]byte, 8)
	req[0] = 15
	le.PutUint16(req[2:], 2)
	le.PutUint32(req[4:], scr.root)
	if _, err := conn.Write(req); err != nil {
		return nil, fmt.Errorf("x11 QueryTree: %w", err)
	}
	rh := make([]byte, 32)
	if _, err := io.ReadFull(r, rh); err != nil {
		return nil, fmt.Errorf("x11 QueryTree reply: %w", err)
	}
	if rh[0] != 1 {
		return nil, fmt.Errorf("x11 QueryTree failed with error code %d", rh[1])
	}
	data := make([]byte, int(le.Uint32(rh[4:]))*4)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil, fmt.Errorf("x11 QueryTree data: %w", err)
	}
	n := int(le.Uint16(rh[16:]))
	if len(data) < 4*n {
		return nil, fmt.Errorf("x11 QueryTree: %d children in %d bytes", n, len(data))
	}
	out := make([]uint32, n)
	for i := range out {
		out[i] = le.Uint32(data[4*i:])
	}
	return out, nil
}

type x11Screen struct {
	root             uint32
	width, height    uint16
	bpp              uint8
	msbFirst         bool
	red, green, blue uint32
}

// parseSetup reads the first screen, its pixel format and its root visual's
// colour masks out of the connection setup reply (after its 8-byte head).
func parseSetup(b []byte) (x11Screen, error) {
	le := binary.LittleEndian
	short := fmt.Errorf("x11 setup reply too short")
	if len(b) < 32 {
		return x11Screen{}, short
	}
	var s x11Screen
	vendorLen := int(le.Uint16(b[16:]))
	nFormats := int(b[21])
	s.msbFirst = b[22] == 1
	off := 32 + (vendorLen+3)/4*4
	formats := map[uint8]uint8{} // depth -> bits per pixel
	for i := 0; i < nFormats; i++ {
		if len(b) < off+8 {
			return x11Screen{}, short
		}
		formats[b[off]] = b[off+1]
		off += 8
	}
	if len(b) < off+40 {
		return x11Screen{}, short
	}
	s.root = le.Uint32(b[off:])
	s.width, s.height = le.Uint16(b[off+20:]), le.Uint16(b[off+22:])
	rootVisual := le.Uint32(b[off+32:])
	rootDepth := b[off+38]
	nDepths := int(b[off+39])
	s.bpp = formats[rootDepth]
	off += 40
	for d := 0; d < nDepths; d++ {
		if len(b) < off+8 {
			return x11Screen{}, short
		}
		nVisuals := int(le.Uint16(b[off+2:]))
		off += 8
		for v := 0; v < nVisuals; v++ {
			if len(b) < off+24 {
				return x11Screen{}, short
			}
			if le.Uint32(b[off:]) == rootVisual {
				s.red, s.green, s.blue = le.Uint32(b[off+8:]), le.Uint32(b[off+12:]), le.Uint32(b[off+16:])
			}
			off += 24
		}
	}
	if s.red == 0 || s.green == 0 || s.blue == 0 {
		return x11Screen{}, fmt.Errorf("x11 root visual is not TrueColor")
	}
	return s, nil
}

// channel scales the bits of p under mask to 8 bits.
func channel(p, mask uint32) uint8 {
	shift := bits.TrailingZeros32(mask)
	width := bits.OnesCount32(mask)
	v := (p & mask) >> shift
	if width >= 8 {
		return uint8(v >> (width - 8))
	}
	return uint8(v << (8 - width))
}

// savePNG writes img to path.
func savePNG(path string, img image.Image) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create screenshot: %w", err)
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return fmt.Errorf("encode screenshot: %w", err)
	}
	return f.Close()
}
