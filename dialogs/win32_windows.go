package dialogs

import (
	"unsafe"

	"golang.org/x/sys/windows"
)

// The few Win32 calls the code dialog makes; golang.org/x/sys/windows has
// no window functions beyond enumeration.
var (
	user32 = windows.NewLazySystemDLL("user32.dll")
	gdi32  = windows.NewLazySystemDLL("gdi32.dll")

	procAdjustWindowRectEx   = user32.NewProc("AdjustWindowRectEx")
	procCreateWindowExW      = user32.NewProc("CreateWindowExW")
	procDefWindowProcW       = user32.NewProc("DefWindowProcW")
	procDestroyWindow        = user32.NewProc("DestroyWindow")
	procDispatchMessageW     = user32.NewProc("DispatchMessageW")
	procDrawTextW            = user32.NewProc("DrawTextW")
	procGetDC                = user32.NewProc("GetDC")
	procGetDpiForWindow      = user32.NewProc("GetDpiForWindow")
	procGetMessageW          = user32.NewProc("GetMessageW")
	procGetWindowTextLengthW = user32.NewProc("GetWindowTextLengthW")
	procGetWindowTextW       = user32.NewProc("GetWindowTextW")
	procIsDialogMessageW     = user32.NewProc("IsDialogMessageW")
	procLoadCursorW          = user32.NewProc("LoadCursorW")
	procLoadIconW            = user32.NewProc("LoadIconW")
	procPostMessageW         = user32.NewProc("PostMessageW")
	procPostQuitMessage      = user32.NewProc("PostQuitMessage")
	procRegisterClassExW     = user32.NewProc("RegisterClassExW")
	procReleaseDC            = user32.NewProc("ReleaseDC")
	procSendMessageW         = user32.NewProc("SendMessageW")
	procSetFocus             = user32.NewProc("SetFocus")
	procSetForegroundWindow  = user32.NewProc("SetForegroundWindow")
	procSetWindowPos         = user32.NewProc("SetWindowPos")
	procShowWindow           = user32.NewProc("ShowWindow")
	procSystemParametersInfo = user32.NewProc("SystemParametersInfoW")
	procTranslateMessage     = user32.NewProc("TranslateMessage")

	procCreateFontIndirectW = gdi32.NewProc("CreateFontIndirectW")
	procDeleteObject        = gdi32.NewProc("DeleteObject")
	procGetDeviceCaps       = gdi32.NewProc("GetDeviceCaps")
	procSelectObject        = gdi32.NewProc("SelectObject")
)

const (
	wmDestroy    = 0x0002
	wmSetFocus   = 0x0007
	wmClose      = 0x0010
	wmSetFont    = 0x0030
	wmGetFont    = 0x0031
	wmSetIcon    = 0x0080
	wmKeyDown    = 0x0100
	wmChar       = 0x0102
	wmCommand    = 0x0111
	wmSysCommand = 0x0112
	wmDpiChanged = 0x02E0
	emSetSel     = 0x00B1
	emLimitText  = 0x00C5

	scClose = 0xF060

	idOK     = 1
	idCancel = 2

	wsOverlapped       = 0x00000000
	wsPopup            = 0x80000000
	wsChild            = 0x40000000
	wsVisible          = 0x10000000
	wsCaption          = 0x00C00000
	wsSysMenu          = 0x00080000
	wsTabStop          = 0x00010000
	wsGroup            = 0x00020000
	wsExDlgModalFrame  = 0x00000001
	wsExTopmost        = 0x00000008
	wsExClientEdge     = 0x00000200
	wsExControlParent  = 0x00010000
	ssLeft             = 0x00000000
	ssNoPrefix         = 0x00000080
	ssEditControl      = 0x00002000
	esAutoHScroll      = 0x0080
	bsPushButton       = 0x00000000
	bsDefPushButton    = 0x00000001
	swShowNormal       = 1
	swpNoZOrder        = 0x0004
	swpNoActivate      = 0x0010
	dtWordBreak        = 0x00000010
	dtCalcRect         = 0x00000400
	dtNoPrefix         = 0x00000800
	dtEditControl      = 0x00002000
	spiGetWorkArea     = 0x0030
	spiGetNonClientMet = 0x0029
	logPixelsY         = 90
	colorBtnFace       = 15
	idcArrow           = 32512
	idiApplication     = 32512
)

type rect struct{ Left, Top, Right, Bottom int32 }

type point struct{ X, Y int32 }

type msg struct {
	Hwnd    windows.HWND
	Message uint32
	WParam  uintptr
	LParam  uintptr
	Time    uint32
	Pt      point
	private uint32
}

type wndClassEx struct {
	Size       uint32
	Style      uint32
	WndProc    uintptr
	ClsExtra   int32
	WndExtra   int32
	Instance   windows.Handle
	Icon       windows.Handle
	Cursor     windows.Handle
	Background windows.Handle
	MenuName   *uint16
	ClassName  *uint16
	IconSm     windows.Handle
}

type logFont struct {
	Height         int32
	Width          int32
	Escapement     int32
	Orientation    int32
	Weight         int32
	Italic         byte
	Underline      byte
	StrikeOut      byte
	CharSet        byte
	OutPrecision   byte
	ClipPrecision  byte
	Quality        byte
	PitchAndFamily byte
	FaceName       [32]uint16
}

type nonClientMetrics struct {
	Size            uint32
	BorderWidth     int32
	ScrollWidth     int32
	ScrollHeight    int32
	CaptionWidth    int32
	CaptionHeight   int32
	CaptionFont     logFont
	SmCaptionWidth  int32
	SmCaptionHeight int32
	SmCaptionFont   logFont
	MenuWidth       int32
	MenuHeight      int32
	MenuFont        logFont
	StatusFont      logFont
	MessageFont     logFont
	PaddedBorder    int32
}

func createWindow(exStyle uint32, class, text string, style uint32, x, y, w, h int32, parent windows.HWND, id uintptr, instance windows.Handle) windows.HWND {
	r, _, _ := procCreateWindowExW.Call(uintptr(exStyle),
		uintptr(unsafe.Pointer(windows.StringToUTF16Ptr(class))),
		uintptr(unsafe.Pointer(windows.StringToUTF16Ptr(text))),
		uintptr(style), uintptr(x), uintptr(y), uintptr(w), uintptr(h),
		uintptr(parent), id, uintptr(instance), 0)
	return windows.HWND(r)
}

func sendMessage(w windows.HWND, m uint32, wp, lp uintptr) uintptr {
	r, _, _ := procSendMessageW.Call(uintptr(w), uintptr(m), wp, lp)
	return r
}

func postMessage(w windows.HWND, m uint32, wp, lp uintptr) bool {
	r, _, _ := procPostMessageW.Call(uintptr(w), uintptr(m), wp, lp)
	return r != 0
}

func windowText(w windows.HWND) string {
	n, _, _ := procGetWindowTextLengthW.Call(uintptr(w))
	buf := make([]uint16, n+1)
	procGetWindowTextW.Call(uintptr(w), uintptr(unsafe.Pointer(&buf[0])), n+1)
	return windows.UTF16ToString(buf)
}

func setWindowPos(w windows.HWND, x, y, cx, cy int32, flags uint32) {
	procSetWindowPos.Call(uintptr(w), 0, uintptr(x), uintptr(y), uintptr(cx), uintptr(cy), uintptr(flags))
}

// windowDPI is the window's DPI (Windows 10 and later), else the screen's.
func windowDPI(w windows.HWND) int32 {
	if procGetDpiForWindow.Find() == nil {
		if r, _, _ := procGetDpiForWindow.Call(uintptr(w)); r != 0 {
			return int32(r)
		}
	}
	dc, _, _ := procGetDC.Call(uintptr(w))
	if dc == 0 {
		return 96
	}
	defer procReleaseDC.Call(uintptr(w), dc)
	r, _, _ := procGetDeviceCaps.Call(dc, logPixelsY)
	if r == 0 {
		return 96
	}
	return int32(r)
}

// textHeight is the height that text needs in font when wrapped at width,
// as a static control with SS_EDITCONTROL draws it.
func textHeight(w windows.HWND, font uintptr, text string, width int32) int32 {
	dc, _, _ := procGetDC.Call(uintptr(w))
	if dc == 0 {
		return 0
	}
	defer procReleaseDC.Call(uintptr(w), dc)
	old, _, _ := procSelectObject.Call(dc, font)
	defer procSelectObject.Call(dc, old)
	r := rect{Right: width}
	s := windows.StringToUTF16(text)
	procDrawTextW.Call(dc, uintptr(unsafe.Pointer(&s[0])), uintptr(len(s)-1), uintptr(unsafe.Pointer(&r)),
		dtCalcRect|dtWordBreak|dtNoPrefix|dtEditControl)
	return r.Bottom - r.Top
}
