// Command gen draws the tray and application icons and writes them into the
// assets folder. Run it from the module root after changing the drawing:
//
//	go run ./assets/gen
//
// The output is deterministic, and a test checks the committed files match.
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
	"path/filepath"

	"github.com/jackmordaunt/icns/v3"
)

// Tray states, in the order of assets.IconState; the names form file names.
var trayStates = []struct {
	name string
	fill color.NRGBA
}{
	{"idle", color.NRGBA{0x9e, 0x9e, 0x9e, 0xff}},     // grey: nothing active
	{"active", color.NRGBA{0x43, 0xa0, 0x47, 0xff}},   // green: all active
	{"expiring", color.NRGBA{0xff, 0xb3, 0x00, 0xff}}, // amber: one expiring soon
	{"expired", color.NRGBA{0xe5, 0x39, 0x35, 0xff}},  // red: one expired
}

var (
	traySizes    = []int{22, 32, 64}
	trayICOSizes = []int{16, 24, 32, 48, 64}
	appSizes     = []int{48, 128, 256}
	appICOSizes  = []int{16, 32, 48, 256}
)

func main() {
	out := flag.String("out", "assets", "folder to write the icons into")
	flag.Parse()
	if err := generate(*out); err != nil {
		log.Fatal(err)
	}
}

// generate writes every icon file into dir.
func generate(dir string) error {
	files, err := render()
	if err != nil {
		return err
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return fmt.Errorf("write icon: %w", err)
		}
	}
	return nil
}

// render returns every icon file by name.
func render() (map[string][]byte, error) {
	files := map[string][]byte{}
	for _, st := range trayStates {
		draw := func(n int) image.Image { return trayIcon(n, st.fill) }
		for _, n := range traySizes {
			b, err := encodePNG(draw(n))
			if err != nil {
				return nil, err
			}
			files[fmt.Sprintf("tray-%s-%d.png", st.name, n)] = b
		}
		ico, err := encodeICO(draw, trayICOSizes)
		if err != nil {
			return nil, err
		}
		files["tray-"+st.name+".ico"] = ico
	}
	for _, n := range appSizes {
		b, err := encodePNG(appIcon(n))
		if err != nil {
			return nil, err
		}
		files[fmt.Sprintf("app-%d.png", n)] = b
	}
	ico, err := encodeICO(appIcon, appICOSizes)
	if err != nil {
		return nil, err
	}
	files["app.ico"] = ico
	var buf bytes.Buffer
	if err := icns.Encode(&buf, appIcon(512)); err != nil {
		return nil, fmt.Errorf("encode icns: %w", err)
	}
	files["app.icns"] = buf.Bytes()
	return files, nil
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// encodeICO writes an ICO container (ICONDIR, then one ICONDIRENTRY per
// size, then PNG-compressed images), which Windows Vista and later read.
func encodeICO(draw func(int) image.Image, sizes []int) ([]byte, error) {
	var images [][]byte
	for _, n := range sizes {
		b, err := encodePNG(draw(n))
		if err != nil {
			return nil, err
		}
		images = append(images, b)
	}
	var buf bytes.Buffer
	le := binary.LittleEndian
	hdr := make([]byte, 6)
	le.PutUint16(hdr[2:], 1) // type 1: icon
	le.PutUint16(hdr[4:], uint16(len(sizes)))
	buf.Write(hdr)
	offset := 6 + 16*len(sizes)
	for i, n := range sizes {
		e := make([]byte, 16)
		dim := byte(n)
		if n >= 256 {
			dim = 0 // 0 means 256
		}
		e[0], e[1] = dim, dim
		le.PutUint16(e[4:], 1)  // planes
		le.PutUint16(e[6:], 32) // bits per pixel
		le.PutUint32(e[8:], uint32(len(images[i])))
		le.PutUint32(e[12:], uint32(offset))
		offset += len(images[i])
		buf.Write(e)
	}
	for _, b := range images {
		buf.Write(b)
	}
	return buf.Bytes(), nil
}

// keyDist is the signed distance, in units of the icon's side, from point
// (x, y) to a key glyph: a ring bow on the left, a shaft, two teeth.
func keyDist(x, y float64) float64 {
	const (
		bowX, bowY = 0.30, 0.50
		ro, ri     = 0.21, 0.085
	)
	ring := math.Abs(math.Hypot(x-bowX, y-bowY)-(ro+ri)/2) - (ro-ri)/2
	shaft := rectDist(x, y, 0.46, 0.445, 0.92, 0.555)
	tooth1 := rectDist(x, y, 0.70, 0.50, 0.785, 0.72)
	tooth2 := rectDist(x, y, 0.835, 0.50, 0.92, 0.67)
	return math.Min(math.Min(ring, shaft), math.Min(tooth1, tooth2))
}

// rectDist is the signed distance to the axis-aligned box (x0,y0)-(x1,y1).
func rectDist(x, y, x0, y0, x1, y1 float64) float64 {
	cx, cy := (x0+x1)/2, (y0+y1)/2
	hx, hy := (x1-x0)/2, (y1-y0)/2
	dx, dy := math.Abs(x-cx)-hx, math.Abs(y-cy)-hy
	out := math.Hypot(math.Max(dx, 0), math.Max(dy, 0))
	in := math.Min(math.Max(dx, dy), 0)
	return out + in
}

// roundRectDist is the signed distance to a square with rounded corners
// filling the icon, inset by margin.
func roundRectDist(x, y, margin, radius float64) float64 {
	h := 0.5 - margin - radius
	dx, dy := math.Abs(x-0.5)-h, math.Abs(y-0.5)-h
	return math.Hypot(math.Max(dx, 0), math.Max(dy, 0)) + math.Min(math.Max(dx, dy), 0) - radius
}

// coverage turns a signed distance into anti-aliased pixel coverage.
func coverage(d, pixel float64) float64 {
	return math.Max(0, math.Min(1, 0.5-d/pixel))
}

// trayIcon is the key in the state colour with a thin dark outline, so it
// reads on both light and dark panels.
func trayIcon(n int, fill color.NRGBA) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	px := 1 / float64(n)
	outline := math.Max(px, 0.035)
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			x, y := (float64(i)+0.5)*px, (float64(j)+0.5)*px
			d := keyDist(x, y)
			inner := coverage(d, px)
			outer := coverage(d-outline, px)
			edge := color.NRGBA{0x21, 0x21, 0x21, 0xff}
			img.SetNRGBA(i, j, over(fill, inner, edge, outer))
		}
	}
	return img
}

// appIcon is a gold key on a dark rounded square.
func appIcon(n int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, n, n))
	px := 1 / float64(n)
	bg := color.NRGBA{0x23, 0x2f, 0x3e, 0xff}
	gold := color.NRGBA{0xff, 0x99, 0x00, 0xff}
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			x, y := (float64(i)+0.5)*px, (float64(j)+0.5)*px
			back := coverage(roundRectDist(x, y, 0.04, 0.18), px)
			// The key is drawn a little smaller, centred on the square.
			k := coverage(keyDist(0.5+(x-0.5)/0.8, 0.5+(y-0.5)/0.8)*0.8, px)
			img.SetNRGBA(i, j, over(gold, k, bg, back))
		}
	}
	return img
}

// over composites colour top with alpha a over colour bottom with alpha b.
func over(top color.NRGBA, a float64, bottom color.NRGBA, b float64) color.NRGBA {
	outA := a + b*(1-a)
	if outA == 0 {
		return color.NRGBA{}
	}
	mix := func(t, u uint8) uint8 {
		v := (float64(t)*a + float64(u)*b*(1-a)) / outA
		return uint8(math.Round(v))
	}
	return color.NRGBA{
		R: mix(top.R, bottom.R),
		G: mix(top.G, bottom.G),
		B: mix(top.B, bottom.B),
		A: uint8(math.Round(outA * 255)),
	}
}
