// Package assets embeds the tray and application icons. The image files are
// drawn by ./gen (go run ./assets/gen) and committed; packaging reads the
// app-*.png, app.ico and app.icns files straight from this folder.
package assets

import (
	"embed"
	"fmt"
)

//go:embed tray-*.png tray-*.ico app-*.png app.ico app.icns
var files embed.FS

// IconState is the overall state the tray icon shows at a glance.
type IconState int

const (
	IconIdle     IconState = iota // grey: no session active
	IconActive                    // green: every session active
	IconExpiring                  // amber: a session expires soon
	IconExpired                   // red: a session has expired
)

func (s IconState) String() string {
	switch s {
	case IconActive:
		return "active"
	case IconExpiring:
		return "expiring"
	case IconExpired:
		return "expired"
	default:
		return "idle"
	}
}

// TraySize is the PNG size handed to the tray on Linux and macOS; panels
// scale it down.
const TraySize = 64

// TrayPNG returns the tray icon for state at size 22, 32 or 64.
func TrayPNG(state IconState, size int) []byte {
	return mustRead(fmt.Sprintf("tray-%s-%d.png", state, size))
}

// TrayICO returns the Windows tray icon for state (16 to 64 px inside).
func TrayICO(state IconState) []byte {
	return mustRead("tray-" + state.String() + ".ico")
}

// AppPNG returns the application icon at size 48, 128 or 256.
func AppPNG(size int) []byte {
	return mustRead(fmt.Sprintf("app-%d.png", size))
}

// AppICO returns the Windows application icon.
func AppICO() []byte { return mustRead("app.ico") }

// AppICNS returns the macOS application icon.
func AppICNS() []byte { return mustRead("app.icns") }

// mustRead panics on a missing file: the set is fixed at build time and a
// test reads every name, so a miss is a programming error.
func mustRead(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil {
		panic("assets: " + err.Error())
	}
	return b
}
