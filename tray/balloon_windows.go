package tray

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// The tray's own balloon: Shell_NotifyIcon(NIM_MODIFY, NIF_INFO) on the
// icon fyne.io/systray added. systray exposes neither its window nor its
// icon id, so these are its constants (v1.12.2, systray_windows.go); a
// test under wine runs the real systray, so a change there fails it.
const (
	systrayClass  = "SystrayClass"
	systrayIconID = 100
)

var (
	shell32              = windows.NewLazySystemDLL("shell32.dll")
	procShellNotifyIconW = shell32.NewProc("Shell_NotifyIconW")
)

// notifyIconData is NOTIFYICONDATAW as Windows Vista and later read it.
type notifyIconData struct {
	Size                       uint32
	Wnd                        windows.HWND
	ID, Flags, CallbackMessage uint32
	Icon                       windows.Handle
	Tip                        [128]uint16
	State, StateMask           uint32
	Info                       [256]uint16
	Timeout                    uint32 // a union with uVersion
	InfoTitle                  [64]uint16
	InfoFlags                  uint32
	GUIDItem                   windows.GUID
	BalloonIcon                windows.Handle
}

// showBalloon shows title and body in a balloon on the tray's icon.
func showBalloon(title, body string) error {
	wnd, err := systrayWindow()
	if err != nil {
		return err
	}
	const nimModify, nifInfo, niifInfo = 0x1, 0x10, 0x1
	nid := notifyIconData{Wnd: wnd, ID: systrayIconID, Flags: nifInfo, InfoFlags: niifInfo, Timeout: 10000}
	nid.Size = uint32(unsafe.Sizeof(nid))
	copyUTF16(nid.InfoTitle[:], title)
	copyUTF16(nid.Info[:], body)
	if r, _, err := procShellNotifyIconW.Call(nimModify, uintptr(unsafe.Pointer(&nid))); r == 0 {
		return fmt.Errorf("tray balloon: %w", err)
	}
	return nil
}

// copyUTF16 copies s into dst, cut to fit with its NUL.
func copyUTF16(dst []uint16, s string) {
	u := windows.StringToUTF16(s)
	if len(u) > len(dst) {
		u = append(u[:len(dst)-1], 0)
	}
	copy(dst, u)
}

// enumFound and enumCallback find systray's window among this process's
// top-level windows (it is hidden, so FindWindow by class alone could
// return another program's). One callback for the process: Go can make
// only so many.
var (
	balloonMu    sync.Mutex
	enumFound    windows.HWND
	enumCallback = syscall.NewCallback(func(h windows.HWND, _ uintptr) uintptr {
		var pid uint32
		windows.GetWindowThreadProcessId(h, &pid)
		buf := make([]uint16, len(systrayClass)+2)
		n, _ := windows.GetClassName(h, &buf[0], int32(len(buf)))
		if int(pid) == os.Getpid() && windows.UTF16ToString(buf[:n]) == systrayClass {
			enumFound = h
			return 0
		}
		return 1
	})
	errNoTrayIcon = errors.New("tray balloon: the tray icon is not there")
)

func systrayWindow() (windows.HWND, error) {
	balloonMu.Lock()
	defer balloonMu.Unlock()
	enumFound = 0
	windows.EnumWindows(enumCallback, nil)
	if enumFound == 0 {
		return 0, errNoTrayIcon
	}
	return enumFound, nil
}
