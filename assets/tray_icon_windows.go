package assets

// TrayIcon returns the icon bytes the Windows tray expects: ICO.
func TrayIcon(state IconState) []byte { return TrayICO(state) }
