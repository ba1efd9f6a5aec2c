//go:build windows

// Package wintest reads windows the way a person sees them, for the
// Windows tests and the wine end-to-end tool: the top-level windows of a
// process, their controls with text, style, font and rectangle, how tall
// a control's text needs to be, and screenshots. Only tests import it.
package wintest

import (
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

var (
	user32 = windows.NewLazySystemDLL("user32.dll")
	gdi32  = windows.NewLazySystemDLL("gdi32.dll")

	procDrawTextW            = user32.NewProc("DrawTextW")
	procGetClientRect        = user32.NewProc("GetClientRect")
	procGetDC                = user32.NewProc("GetDC")
	procGetWindowLongPtrW    = user32.NewProc("GetWindowLongPtrW")
	procGetWindowRect        = user32.NewProc("GetWindowRect")
	procGetWindowTextLengthW = user32.NewProc("GetWindowTextLengthW")
	procGetWindowTextW       = user32.NewProc("GetWindowTextW")
	procPostMessageW         = user32.NewProc("PostMessageW")
	procReleaseDC            = user32.NewProc("ReleaseDC")
	procSendMessageW         = user32.NewProc("SendMessageW")

	procBitBlt                 = gdi32.NewProc("BitBlt")
	procCreateCompatibleBitmap = gdi32.NewProc("CreateCompatibleBitmap")
	procCreateCompatibleDC     = gdi32.NewProc("CreateCompatibleDC")
	procDeleteDC               = gdi32.NewProc("DeleteDC")
	procDeleteObject           = gdi32.NewProc("DeleteObject")
	procGetDIBits              = gdi32.NewProc("GetDIBits")
	procGetTextMetricsW        = gdi32.NewProc("GetTextMetricsW")
	procSelectObject           = gdi32.NewProc("SelectObject")
)

// Window messages the tests send.
const (
	WMClose   = 0x0010
	WMGetFont = 0x0031
	WMKeyDown = 0x0100
	WMKeyUp   = 0x0101
	WMChar    = 0x0102
	VKReturn  = 0x0D
	VKEscape  = 0x1B
)

// Window is one window as the tests see it.
type Window struct {
	HWND    windows.HWND
	PID     uint32
	Class   string
	Text    string
	Style   uint32
	Visible bool
	Rect    image.Rectangle // on the screen
}

func (w Window) String() string {
	return fmt.Sprintf("%#x %q %q pid %d visible %v %v", w.HWND, w.Class, w.Text, w.PID, w.Visible, w.Rect)
}

// Describe reads window h as it is now.
func Describe(h windows.HWND) Window {
	w := Window{HWND: h, Text: Text(h), Visible: windows.IsWindowVisible(h), Rect: Rect(h)}
	windows.GetWindowThreadProcessId(h, &w.PID)
	buf := make([]uint16, 256)
	if n, err := windows.GetClassName(h, &buf[0], int32(len(buf))); err == nil {
		w.Class = windows.UTF16ToString(buf[:n])
	}
	const gwlStyle = ^uintptr(15) // -16
	s, _, _ := procGetWindowLongPtrW.Call(uintptr(h), gwlStyle)
	w.Style = uint32(s)
	return w
}

// enumCallback collects window handles; Go can make only so many
// callbacks in a process, so there is one, guarded by enumMu.
var (
	enumMu       sync.Mutex
	enumHandles  []windows.HWND
	enumCallback = syscall.NewCallback(func(h windows.HWND, _ uintptr) uintptr {
		enumHandles = append(enumHandles, h)
		return 1
	})
)

func enum(list func(cb uintptr)) []Window {
	enumMu.Lock()
	enumHandles = nil
	list(enumCallback)
	hs := enumHandles
	enumMu.Unlock()
	ws := make([]Window, 0, len(hs))
	for _, h := range hs {
		ws = append(ws, Describe(h))
	}
	return ws
}

// TopLevel lists the top-level windows, hidden ones too.
func TopLevel() []Window {
	return enum(func(cb uintptr) { windows.EnumWindows(cb, nil) })
}

// Children lists the child windows (controls) of parent, in Z order.
func Children(parent windows.HWND) []Window {
	return enum(func(cb uintptr) { windows.EnumChildWindows(parent, cb, nil) })
}

// WaitFor polls the top-level windows until one matches, within limit:
// a window appearing is a state to wait for, never a time to guess.
func WaitFor(limit time.Duration, match func(Window) bool) (Window, error) {
	deadline := time.Now().Add(limit)
	for {
		for _, w := range TopLevel() {
			if match(w) {
				return w, nil
			}
		}
		if time.Now().After(deadline) {
			return Window{}, fmt.Errorf("no matching window within %v", limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// WaitGone waits until h is no longer a window, within limit.
func WaitGone(h windows.HWND, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for windows.IsWindow(h) {
		if time.Now().After(deadline) {
			return fmt.Errorf("window %#x still there after %v", h, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

// Text is a window's text (a control's caption or contents).
func Text(h windows.HWND) string {
	n, _, _ := procGetWindowTextLengthW.Call(uintptr(h))
	buf := make([]uint16, n+1)
	procGetWindowTextW.Call(uintptr(h), uintptr(unsafe.Pointer(&buf[0])), n+1)
	return windows.UTF16ToString(buf)
}

type rect struct{ Left, Top, Right, Bottom int32 }

// Rect is h's rectangle on the screen, frame included.
func Rect(h windows.HWND) image.Rectangle {
	var r rect
	procGetWindowRect.Call(uintptr(h), uintptr(unsafe.Pointer(&r)))
	return image.Rect(int(r.Left), int(r.Top), int(r.Right), int(r.Bottom))
}

// ClientSize is the size of h's client area, where its text is drawn.
func ClientSize(h windows.HWND) image.Point {
	var r rect
	procGetClientRect.Call(uintptr(h), uintptr(unsafe.Pointer(&r)))
	return image.Pt(int(r.Right-r.Left), int(r.Bottom-r.Top))
}

// TextNeeds measures, in h's own font, the height that text needs when
// wrapped at width as a static control wraps it, and the height of one
// line of that font.
func TextNeeds(h windows.HWND, text string, width int) (height, line int, err error) {
	font, _, _ := procSendMessageW.Call(uintptr(h), WMGetFont, 0, 0)
	dc, _, _ := procGetDC.Call(uintptr(h))
	if dc == 0 {
		return 0, 0, errors.New("GetDC failed")
	}
	defer procReleaseDC.Call(uintptr(h), dc)
	if font != 0 {
		old, _, _ := procSelectObject.Call(dc, font)
		defer procSelectObject.Call(dc, old)
	}
	var tm [60]byte // TEXTMETRICW; tmHeight is its first field
	procGetTextMetricsW.Call(dc, uintptr(unsafe.Pointer(&tm[0])))
	line = int(*(*int32)(unsafe.Pointer(&tm[0])))
	const dtWordBreak, dtCalcRect, dtNoPrefix, dtEditControl = 0x10, 0x400, 0x800, 0x2000
	r := rect{Right: int32(width)}
	s := windows.StringToUTF16(text)
	procDrawTextW.Call(dc, uintptr(unsafe.Pointer(&s[0])), uintptr(len(s)-1), uintptr(unsafe.Pointer(&r)),
		dtCalcRect|dtWordBreak|dtNoPrefix|dtEditControl)
	return int(r.Bottom - r.Top), line, nil
}

// Post posts a message to h's queue, as input from the keyboard arrives.
func Post(h windows.HWND, msg uint32, wparam, lparam uintptr) error {
	if r, _, err := procPostMessageW.Call(uintptr(h), uintptr(msg), wparam, lparam); r == 0 {
		return fmt.Errorf("PostMessage: %w", err)
	}
	return nil
}

// Chars posts s to h as typed characters.
func Chars(h windows.HWND, s string) error {
	for _, c := range s {
		if err := Post(h, WMChar, uintptr(c), 1); err != nil {
			return err
		}
	}
	return nil
}

// Type posts s to h as typed characters, then Enter.
func Type(h windows.HWND, s string) error {
	if err := Chars(h, s); err != nil {
		return err
	}
	return Key(h, VKReturn)
}

// Key posts a key press and release to h.
func Key(h windows.HWND, vk uintptr) error {
	return key(func(msg uint32, lparam uintptr) error { return Post(h, msg, vk, lparam) })
}

// key posts the press, then the release. A window that closes on the key
// going down (Enter or Escape in a dialog, Escape in a menu) is gone
// before the release is posted whenever its thread runs first, as on a
// loaded machine: the key has then done its work.
func key(post func(msg uint32, lparam uintptr) error) error {
	if err := post(WMKeyDown, 1); err != nil {
		return err
	}
	if err := post(WMKeyUp, 1|3<<30); err != nil && !errors.Is(err, windows.ERROR_INVALID_WINDOW_HANDLE) {
		return err
	}
	return nil
}

// Screenshot grabs r of the screen as Windows draws it.
func Screenshot(r image.Rectangle) (*image.RGBA, error) {
	if r.Empty() {
		return nil, errors.New("screenshot: empty rectangle")
	}
	screen, _, _ := procGetDC.Call(0)
	if screen == 0 {
		return nil, errors.New("screenshot: GetDC failed")
	}
	defer procReleaseDC.Call(0, screen)
	mem, _, _ := procCreateCompatibleDC.Call(screen)
	defer procDeleteDC.Call(mem)
	w, h := r.Dx(), r.Dy()
	bmp, _, _ := procCreateCompatibleBitmap.Call(screen, uintptr(w), uintptr(h))
	if bmp == 0 {
		return nil, errors.New("screenshot: CreateCompatibleBitmap failed")
	}
	defer procDeleteObject.Call(bmp)
	old, _, _ := procSelectObject.Call(mem, bmp)
	const srcCopy = 0x00CC0020
	ok, _, _ := procBitBlt.Call(mem, 0, 0, uintptr(w), uintptr(h), screen, uintptr(r.Min.X), uintptr(r.Min.Y), srcCopy)
	procSelectObject.Call(mem, old)
	if ok == 0 {
		return nil, errors.New("screenshot: BitBlt failed")
	}
	type bitmapInfoHeader struct {
		Size                         uint32
		Width, Height                int32
		Planes, BitCount             uint16
		Compression, SizeImage       uint32
		XPelsPerMeter, YPelsPerMeter int32
		ClrUsed, ClrImportant        uint32
	}
	bi := struct {
		Header bitmapInfoHeader
		Colors [4]byte
	}{Header: bitmapInfoHeader{Width: int32(w), Height: -int32(h), Planes: 1, BitCount: 32}}
	bi.Header.Size = uint32(unsafe.Sizeof(bi.Header))
	pix := make([]byte, w*h*4)
	if n, _, _ := procGetDIBits.Call(mem, bmp, 0, uintptr(h), uintptr(unsafe.Pointer(&pix[0])), uintptr(unsafe.Pointer(&bi)), 0); n == 0 {
		return nil, errors.New("screenshot: GetDIBits failed")
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(pix); i += 4 { // BGRA to RGBA, opaque
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = pix[i+2], pix[i+1], pix[i], 0xff
	}
	return img, nil
}

// SavePNG writes img to path, making its folder.
func SavePNG(path string, img image.Image) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Artifacts is <module root>/artifacts/wine, where screenshots go for a
// person to look at; it walks up from the working folder to go.mod.
func Artifacts() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "artifacts", "wine"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working folder")
		}
		dir = parent
	}
}
