package dialogs

import "os"

// PrepareEnv quiets the GTK accessibility bus warnings zenity prints when no
// AT-SPI bus runs. Call it once at startup, before any dialog.
func PrepareEnv() {
	if os.Getenv("NO_AT_BRIDGE") == "" {
		os.Setenv("NO_AT_BRIDGE", "1")
	}
}
