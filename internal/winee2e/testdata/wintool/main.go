//go:build windows

// Command wintool is the Windows end of the wine end-to-end tests: it
// reads the screen as a Windows program sees it, and acts as a person on
// the tray would. Each command prints JSON on stdout and fails with a
// sentence on stderr.
//
//	wintool tray PID                the tray icon's window of process PID, and wine's tray
//	wintool menu PID [SHOT.png]     opens PID's tray menu, screenshots it, closes it; lists
//	                                its items where the menu can be read from another process
//	wintool click PID ID            chooses the menu item with command ID
//	wintool post HWND MSG           posts the message MSG to window HWND
//	wintool dialog CLASS [SHOT.png] the visible window of class CLASS with its controls
//	wintool type HWND TEXT          types TEXT and Enter into the edit field of dialog HWND
//	wintool balloon [SHOT.png]      waits for a balloon (a tooltip of the shell's tray)
//	wintool shot SHOT.png X Y W H   a screenshot of a rectangle
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"os"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/awsmfa-tray/awsmfa-tray/internal/wintest"
)

const wait = 30 * time.Second

func main() {
	out, err := run(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "wintool:", err)
		os.Exit(1)
	}
	json.NewEncoder(os.Stdout).Encode(out)
}

func run(args []string) (any, error) {
	if len(args) == 0 {
		return nil, errors.New("usage: wintool tray|menu|click|dialog|type|balloon|shot ...")
	}
	arg := func(i int) string {
		if i < len(args) {
			return args[i]
		}
		return ""
	}
	num := func(i int) uint64 {
		n, _ := strconv.ParseUint(arg(i), 0, 64)
		return n
	}
	switch args[0] {
	case "tray":
		return trayWindows(uint32(num(1)))
	case "menu":
		return menu(uint32(num(1)), arg(2))
	case "click":
		icon, err := iconWindow(uint32(num(1)))
		if err != nil {
			return nil, err
		}
		const wmCommand = 0x0111
		return nil, wintest.Post(icon.HWND, wmCommand, uintptr(num(2)), 0)
	case "post":
		return nil, wintest.Post(windows.HWND(num(1)), uint32(num(2)), 0, 0)
	case "dialog":
		return dialog(arg(1), arg(2))
	case "type":
		return nil, typeInto(windows.HWND(num(1)), arg(2))
	case "balloon":
		return balloon(arg(1))
	case "shot":
		r := image.Rect(int(num(2)), int(num(3)), int(num(2)+num(4)), int(num(3)+num(5)))
		return nil, shot(arg(1), r)
	}
	return nil, fmt.Errorf("unknown command %q", args[0])
}

// Window is what the tests read of a window.
type Window struct {
	HWND    uint64 `json:"hwnd"`
	PID     uint32 `json:"pid"`
	Class   string `json:"class"`
	Text    string `json:"text"`
	Visible bool   `json:"visible"`
	X       int    `json:"x"`
	Y       int    `json:"y"`
	W       int    `json:"w"`
	H       int    `json:"h"`
	// Style is the window style: for a static control, whether it cuts
	// its text with an ellipsis.
	Style uint32 `json:"style"`
	// Need is, for a static control, the height its text needs in its
	// own font at its width, and Client its client height.
	Need   int `json:"need,omitempty"`
	Client int `json:"client,omitempty"`
}

func toJSON(w wintest.Window) Window {
	return Window{HWND: uint64(w.HWND), PID: w.PID, Class: w.Class, Text: w.Text, Visible: w.Visible,
		X: w.Rect.Min.X, Y: w.Rect.Min.Y, W: w.Rect.Dx(), H: w.Rect.Dy(), Style: w.Style}
}

// iconWindow is fyne.io/systray's hidden window in process pid: the
// owner of the tray icon and of its menu.
func iconWindow(pid uint32) (wintest.Window, error) {
	return wintest.WaitFor(wait, func(w wintest.Window) bool { return w.PID == pid && w.Class == "SystrayClass" })
}

// shellTray is the window the shell shows tray icons in: wine's own
// "Wine System Tray" when no X tray is there, Shell_TrayWnd on Windows.
func shellTray() (wintest.Window, error) {
	return wintest.WaitFor(wait, func(w wintest.Window) bool {
		return w.Visible && w.Rect.Dx() > 0 && (w.Text == "Wine System Tray" || w.Class == "Shell_TrayWnd")
	})
}

func trayWindows(pid uint32) (any, error) {
	icon, err := iconWindow(pid)
	if err != nil {
		return nil, fmt.Errorf("no tray icon window of process %d: %w", pid, err)
	}
	tray, err := shellTray()
	if err != nil {
		return nil, fmt.Errorf("no shell tray on the screen: %w", err)
	}
	return map[string]Window{"icon": toJSON(icon), "tray": toJSON(tray)}, nil
}

// Item is one menu item; Sub holds a submenu's items.
type Item struct {
	ID        uint32 `json:"id"`
	Text      string `json:"text"`
	Disabled  bool   `json:"disabled,omitempty"`
	Checked   bool   `json:"checked,omitempty"`
	Separator bool   `json:"separator,omitempty"`
	Sub       []Item `json:"sub,omitempty"`
}

var (
	user32               = windows.NewLazySystemDLL("user32.dll")
	procGetMenuItemCount = user32.NewProc("GetMenuItemCount")
	procGetMenuItemInfoW = user32.NewProc("GetMenuItemInfoW")
	procSendMessageW     = user32.NewProc("SendMessageW")
	procSetCursorPos     = user32.NewProc("SetCursorPos")
)

type menuItemInfo struct {
	Size, Mask, Type, State   uint32
	ID                        uint32
	SubMenu, Checked, Uncheck windows.Handle
	ItemData                  uintptr
	TypeData                  *uint16
	Cch                       uint32
	BMPItem                   windows.Handle
}

func readMenu(h windows.Handle, depth int) []Item {
	n, _, _ := procGetMenuItemCount.Call(uintptr(h))
	var items []Item
	for i := 0; i < int(int32(n)); i++ {
		const miimState, miimID, miimSubmenu, miimString, miimFType = 0x1, 0x2, 0x4, 0x40, 0x100
		buf := make([]uint16, 512)
		mi := menuItemInfo{Mask: miimState | miimID | miimSubmenu | miimString | miimFType, TypeData: &buf[0], Cch: uint32(len(buf))}
		mi.Size = uint32(unsafe.Sizeof(mi))
		if r, _, _ := procGetMenuItemInfoW.Call(uintptr(h), uintptr(i), 1, uintptr(unsafe.Pointer(&mi))); r == 0 {
			continue
		}
		const mftSeparator, mfsDisabled, mfsChecked = 0x800, 0x3, 0x8
		it := Item{ID: mi.ID, Text: windows.UTF16ToString(buf), Disabled: mi.State&mfsDisabled != 0,
			Checked: mi.State&mfsChecked != 0, Separator: mi.Type&mftSeparator != 0}
		if mi.SubMenu != 0 && depth < 3 {
			it.Sub = readMenu(mi.SubMenu, depth+1)
		}
		items = append(items, it)
	}
	return items
}

// menu opens the tray menu as a right click on the icon does (systray's
// callback message), reads it from its popup window, screenshots icon and
// menu, and closes it again.
func menu(pid uint32, shotPath string) (any, error) {
	icon, err := iconWindow(pid)
	if err != nil {
		return nil, fmt.Errorf("no tray icon window of process %d: %w", pid, err)
	}
	tray, err := shellTray()
	if err != nil {
		return nil, err
	}
	// The menu opens at the cursor: put it on the tray, as a person's.
	procSetCursorPos.Call(uintptr(tray.Rect.Min.X+8), uintptr(tray.Rect.Min.Y+8))
	const wmUser, wmRButtonUp = 0x0400, 0x0205
	if err := wintest.Post(icon.HWND, wmUser+1, 0, wmRButtonUp); err != nil {
		return nil, err
	}
	popup, err := wintest.WaitFor(wait, func(w wintest.Window) bool { return w.PID == pid && w.Visible && w.Class == "#32768" })
	if err != nil {
		return nil, fmt.Errorf("the tray menu did not open: %w", err)
	}
	const mnGetHMenu = 0x01E1
	h, _, _ := procSendMessageW.Call(uintptr(popup.HWND), mnGetHMenu, 0, 0)
	if h == 0 {
		return nil, errors.New("the menu window gave no menu")
	}
	popup = wintest.Describe(popup.HWND) // its size, once laid out
	// Wine keeps a menu's items inside the process that made it: there
	// the list is empty and only the screenshot shows them.
	items := readMenu(windows.Handle(h), 0)
	if shotPath != "" {
		if err := shot(shotPath, tray.Rect.Union(popup.Rect)); err != nil {
			return nil, err
		}
	}
	if err := wintest.Key(popup.HWND, wintest.VKEscape); err != nil {
		return nil, err
	}
	if err := wintest.WaitGone(popup.HWND, wait); err != nil {
		// A menu that ignores Escape still closes when its owner loses
		// the menu loop.
		wintest.Post(icon.HWND, 0x001F, 0, 0) // WM_CANCELMODE
		if err := wintest.WaitGone(popup.HWND, wait); err != nil {
			return nil, fmt.Errorf("the tray menu did not close: %w", err)
		}
	}
	return map[string]any{"popup": toJSON(popup), "items": items}, nil
}

// dialog waits for the visible window of class and describes it and its
// controls; a static control also gets the height its text needs.
func dialog(class, shotPath string) (any, error) {
	dlg, err := wintest.WaitFor(wait, func(w wintest.Window) bool { return w.Visible && w.Class == class })
	if err != nil {
		return nil, fmt.Errorf("no %s window: %w", class, err)
	}
	var controls []Window
	for _, c := range wintest.Children(dlg.HWND) {
		j := toJSON(c)
		if strings.EqualFold(c.Class, "static") {
			size := wintest.ClientSize(c.HWND)
			need, _, err := wintest.TextNeeds(c.HWND, c.Text, size.X)
			if err != nil {
				return nil, err
			}
			j.Need, j.Client = need, size.Y
		}
		controls = append(controls, j)
	}
	if shotPath != "" {
		if err := shot(shotPath, dlg.Rect); err != nil {
			return nil, err
		}
	}
	return map[string]any{"window": toJSON(dlg), "controls": controls}, nil
}

func typeInto(dlg windows.HWND, text string) error {
	for _, c := range wintest.Children(dlg) {
		if strings.EqualFold(c.Class, "edit") {
			return wintest.Type(c.HWND, text)
		}
	}
	return fmt.Errorf("window %#x has no edit field", dlg)
}

// balloon waits for a visible balloon of the shell's tray.
func balloon(shotPath string) (any, error) {
	b, err := wintest.WaitFor(wait, func(w wintest.Window) bool {
		return w.Visible && strings.EqualFold(w.Class, "tooltips_class32") && w.Rect.Dy() > 20
	})
	if err != nil {
		return nil, fmt.Errorf("no balloon on the screen: %w", err)
	}
	if shotPath != "" {
		r := b.Rect
		if tray, err := shellTray(); err == nil {
			r = r.Union(tray.Rect)
		}
		if err := shot(shotPath, r); err != nil {
			return nil, err
		}
	}
	return toJSON(b), nil
}

func shot(path string, r image.Rectangle) error {
	img, err := wintest.Screenshot(r)
	if err != nil {
		return err
	}
	return wintest.SavePNG(path, img)
}
