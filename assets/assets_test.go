package assets

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"testing"

	"github.com/jackmordaunt/icns/v3"
)

func TestTrayPNGSizes(t *testing.T) {
	for _, st := range []IconState{IconIdle, IconActive, IconExpiring, IconExpired} {
		for _, n := range []int{22, 32, 64} {
			img, err := png.Decode(bytes.NewReader(TrayPNG(st, n)))
			if err != nil {
				t.Fatalf("%v %d: %v", st, n, err)
			}
			if b := img.Bounds(); b.Dx() != n || b.Dy() != n {
				t.Errorf("%v %d: got %v", st, n, b)
			}
		}
	}
}

func TestTrayStatesDiffer(t *testing.T) {
	seen := map[string]IconState{}
	for _, st := range []IconState{IconIdle, IconActive, IconExpiring, IconExpired} {
		k := string(TrayIcon(st))
		if prev, ok := seen[k]; ok {
			t.Errorf("%v and %v share one icon", st, prev)
		}
		seen[k] = st
	}
}

func TestAppPNGSizes(t *testing.T) {
	for _, n := range []int{48, 128, 256} {
		img, err := png.Decode(bytes.NewReader(AppPNG(n)))
		if err != nil {
			t.Fatalf("%d: %v", n, err)
		}
		if b := img.Bounds(); b.Dx() != n || b.Dy() != n {
			t.Errorf("%d: got %v", n, b)
		}
	}
}

// TestICO parses the container by hand: each entry must point at a PNG of
// the size it declares.
func TestICO(t *testing.T) {
	cases := map[string]struct {
		data  []byte
		sizes []int
	}{
		"app":  {AppICO(), []int{16, 32, 48, 256}},
		"tray": {TrayICO(IconExpiring), []int{16, 24, 32, 48, 64}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			le := binary.LittleEndian
			d := c.data
			if le.Uint16(d[0:]) != 0 || le.Uint16(d[2:]) != 1 {
				t.Fatalf("bad ICONDIR % x", d[:6])
			}
			if n := int(le.Uint16(d[4:])); n != len(c.sizes) {
				t.Fatalf("count %d, want %d", n, len(c.sizes))
			}
			for i, want := range c.sizes {
				e := d[6+16*i:]
				dim := int(e[0])
				if dim == 0 {
					dim = 256
				}
				size, off := le.Uint32(e[8:]), le.Uint32(e[12:])
				img, err := png.Decode(bytes.NewReader(d[off : off+size]))
				if err != nil {
					t.Fatalf("entry %d: %v", i, err)
				}
				if dim != want || img.Bounds().Dx() != want {
					t.Errorf("entry %d: declared %d, image %d, want %d", i, dim, img.Bounds().Dx(), want)
				}
			}
		})
	}
}

func TestICNS(t *testing.T) {
	desc, err := icns.Probe(bytes.NewReader(AppICNS()))
	if err != nil {
		t.Fatal(err)
	}
	if len(desc) < 5 {
		t.Errorf("only %d icons in app.icns: %v", len(desc), desc)
	}
}
