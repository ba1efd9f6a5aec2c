//go:build !windows

package assets

// TrayIcon returns the icon bytes the tray expects here: PNG.
func TrayIcon(state IconState) []byte { return TrayPNG(state, TraySize) }
