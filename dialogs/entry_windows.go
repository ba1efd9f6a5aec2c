package dialogs

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"unsafe"

	"github.com/ncruces/zenity"
	"golang.org/x/sys/windows"
)

// The code dialog on Windows is a small window of our own: zenity's
// Windows entry dialog has a fixed one-line label (241x16 units, word
// ellipsis), which cuts off the MFA device, the demo code and the hints,
// and no option of zenity's changes that. This one sizes its label to the
// whole text. Enter is OK, Escape and the close box are Cancel.

// Layout in pixels at 96 DPI, scaled to the window's DPI.
const (
	dlgMargin    = 12
	dlgWidth     = 360 // the label's and the edit's width
	dlgGap       = 10
	dlgEditH     = 24
	dlgButtonW   = 84
	dlgButtonH   = 26
	dlgFontPx    = 12 // the message font at 9 pt
	dlgCascade   = 28 // each dialog already open moves the next this far
	dlgEditID    = 100
	dlgClassName = "awsmfa-code-dialog"
)

// codeDialog is one open code dialog; its window lives on the OS thread
// that runs its message loop.
type codeDialog struct {
	wnd, label, edit, ok, cancel windows.HWND
	text                         string
	font                         uintptr
	out                          string
	err                          error
}

var (
	dialogClass = sync.OnceValues(registerDialogClass)

	dialogsMu   sync.Mutex
	openDialogs = map[windows.HWND]*codeDialog{}
)

// entry shows text and an edit field in a window titled title, and
// returns what was typed. Cancel gives zenity.ErrCanceled, ctx ending
// closes the window and gives ctx's error, as zenity.Entry does.
func entry(ctx context.Context, text, title string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	// A window belongs to the thread that made it, and only that thread
	// receives its messages.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	class, err := dialogClass()
	if err != nil {
		return "", err
	}
	var instance windows.Handle
	if err := windows.GetModuleHandleEx(0, nil, &instance); err != nil {
		return "", err
	}

	d := &codeDialog{text: strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n")}
	dialogsMu.Lock()
	cascade := int32(len(openDialogs))
	dialogsMu.Unlock()
	d.wnd = createWindow(wsExDlgModalFrame|wsExControlParent, class, title,
		wsPopup|wsCaption|wsSysMenu, 0, 0, 0, 0, 0, 0, instance)
	if d.wnd == 0 {
		return "", errors.New("cannot create the code dialog window")
	}
	dialogsMu.Lock()
	openDialogs[d.wnd] = d
	dialogsMu.Unlock()

	d.label = createWindow(0, "STATIC", d.text, wsChild|wsVisible|ssLeft|ssNoPrefix|ssEditControl, 0, 0, 0, 0, d.wnd, 0, instance)
	d.edit = createWindow(wsExClientEdge, "EDIT", "", wsChild|wsVisible|wsTabStop|wsGroup|esAutoHScroll, 0, 0, 0, 0, d.wnd, dlgEditID, instance)
	d.ok = createWindow(0, "BUTTON", "OK", wsChild|wsVisible|wsTabStop|wsGroup|bsDefPushButton, 0, 0, 0, 0, d.wnd, idOK, instance)
	d.cancel = createWindow(0, "BUTTON", "Cancel", wsChild|wsVisible|wsTabStop|bsPushButton, 0, 0, 0, 0, d.wnd, idCancel, instance)
	sendMessage(d.edit, emLimitText, 64, 0)
	d.layout(windowDPI(d.wnd), cascade, true)
	defer d.deleteFont()

	procShowWindow.Call(uintptr(d.wnd), swShowNormal)
	procSetForegroundWindow.Call(uintptr(d.wnd))
	procSetFocus.Call(uintptr(d.edit))

	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			postMessage(d.wnd, wmClose, 0, 0)
		case <-done:
		}
	}()

	var m msg
	for {
		r, _, _ := procGetMessageW.Call(uintptr(unsafe.Pointer(&m)), 0, 0, 0)
		if int32(r) <= 0 { // WM_QUIT after the window is gone, or an error
			break
		}
		// Tab, Enter (IDOK) and Escape (IDCANCEL) as in any dialog.
		if r, _, _ := procIsDialogMessageW.Call(uintptr(d.wnd), uintptr(unsafe.Pointer(&m))); r != 0 {
			continue
		}
		procTranslateMessage.Call(uintptr(unsafe.Pointer(&m)))
		procDispatchMessageW.Call(uintptr(unsafe.Pointer(&m)))
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return d.out, d.err
}

// layout sizes the label to the whole text at dpi and places the rest
// under it; the first time it also centres the window on the work area,
// cascade steps down and right from the centre.
func (d *codeDialog) layout(dpi, cascade int32, place bool) {
	px := func(v int32) int32 { return v * dpi / 96 }
	d.deleteFont()
	d.font = messageFont(px(dlgFontPx))
	for _, w := range []windows.HWND{d.label, d.edit, d.ok, d.cancel} {
		sendMessage(w, wmSetFont, d.font, 1)
	}
	width := px(dlgWidth)
	labelH := textHeight(d.label, d.font, d.text, width)
	y := px(dlgMargin)
	setWindowPos(d.label, px(dlgMargin), y, width, labelH, swpNoZOrder|swpNoActivate)
	y += labelH + px(dlgGap)
	setWindowPos(d.edit, px(dlgMargin), y, width, px(dlgEditH), swpNoZOrder|swpNoActivate)
	y += px(dlgEditH) + px(dlgGap) + px(4)
	right := px(dlgMargin) + width
	setWindowPos(d.cancel, right-px(dlgButtonW), y, px(dlgButtonW), px(dlgButtonH), swpNoZOrder|swpNoActivate)
	setWindowPos(d.ok, right-2*px(dlgButtonW)-px(8), y, px(dlgButtonW), px(dlgButtonH), swpNoZOrder|swpNoActivate)
	y += px(dlgButtonH) + px(dlgMargin)

	frame := rect{Right: right + px(dlgMargin), Bottom: y}
	procAdjustWindowRectEx.Call(uintptr(unsafe.Pointer(&frame)), wsPopup|wsCaption|wsSysMenu, 0, wsExDlgModalFrame|wsExControlParent)
	w, h := frame.Right-frame.Left, frame.Bottom-frame.Top
	if !place {
		setWindowPos(d.wnd, 0, 0, w, h, swpNoZOrder|swpNoActivate|0x0002) // SWP_NOMOVE
		return
	}
	var work rect
	procSystemParametersInfo.Call(spiGetWorkArea, 0, uintptr(unsafe.Pointer(&work)), 0)
	x := work.Left + (work.Right-work.Left-w)/2 + cascade*px(dlgCascade)
	top := work.Top + (work.Bottom-work.Top-h)/2 + cascade*px(dlgCascade)
	setWindowPos(d.wnd, x, top, w, h, swpNoZOrder|swpNoActivate)
}

func (d *codeDialog) deleteFont() {
	if d.font != 0 {
		procDeleteObject.Call(d.font)
		d.font = 0
	}
}

// messageFont is the system's message-box font at height px.
func messageFont(px int32) uintptr {
	var m nonClientMetrics
	m.Size = uint32(unsafe.Sizeof(m))
	procSystemParametersInfo.Call(spiGetNonClientMet, uintptr(m.Size), uintptr(unsafe.Pointer(&m)), 0)
	lf := m.MessageFont
	lf.Height = -px
	lf.Width = 0
	f, _, _ := procCreateFontIndirectW.Call(uintptr(unsafe.Pointer(&lf)))
	return f
}

func registerDialogClass() (string, error) {
	var instance windows.Handle
	if err := windows.GetModuleHandleEx(0, nil, &instance); err != nil {
		return "", err
	}
	// The app's own icon (the resource packaging names APP), else Windows'.
	icon, _, _ := procLoadIconW.Call(uintptr(instance), uintptr(unsafe.Pointer(windows.StringToUTF16Ptr("APP"))))
	if icon == 0 {
		icon, _, _ = procLoadIconW.Call(0, idiApplication)
	}
	cursor, _, _ := procLoadCursorW.Call(0, idcArrow)
	wc := wndClassEx{
		WndProc:    windows.NewCallback(dialogProc),
		Instance:   instance,
		Icon:       windows.Handle(icon),
		IconSm:     windows.Handle(icon),
		Cursor:     windows.Handle(cursor),
		Background: colorBtnFace + 1,
		ClassName:  windows.StringToUTF16Ptr(dlgClassName),
	}
	wc.Size = uint32(unsafe.Sizeof(wc))
	if r, _, err := procRegisterClassExW.Call(uintptr(unsafe.Pointer(&wc))); r == 0 {
		return "", err
	}
	return dlgClassName, nil
}

func dialogProc(wnd windows.HWND, message uint32, wparam, lparam uintptr) uintptr {
	dialogsMu.Lock()
	d := openDialogs[wnd]
	dialogsMu.Unlock()
	if d != nil {
		switch message {
		case wmCommand:
			switch wparam & 0xffff {
			case idOK:
				d.out = windowText(d.edit)
				procDestroyWindow.Call(uintptr(wnd))
				return 0
			case idCancel:
				d.err = zenity.ErrCanceled
				procDestroyWindow.Call(uintptr(wnd))
				return 0
			}
		case wmClose:
			d.err = zenity.ErrCanceled
			procDestroyWindow.Call(uintptr(wnd))
			return 0
		case wmSetFocus:
			procSetFocus.Call(uintptr(d.edit))
			return 0
		case wmDpiChanged:
			d.layout(int32(wparam&0xffff), 0, false)
			return 0
		case wmDestroy:
			dialogsMu.Lock()
			delete(openDialogs, wnd)
			dialogsMu.Unlock()
			procPostQuitMessage.Call(0)
			return 0
		}
	}
	r, _, _ := procDefWindowProcW.Call(uintptr(wnd), uintptr(message), wparam, lparam)
	return r
}
