//go:build darwin && !cgo

package tray

import (
	"fmt"
	"log/slog"
	"os"
)

// fyne.io/systray needs cgo on macOS (it talks to AppKit). This stub keeps
// `CGO_ENABLED=0 GOOS=darwin go vet` working; a real macOS build must be
// made on a Mac with CGO_ENABLED=1.

// SystrayAdapter is unavailable without cgo on macOS.
type SystrayAdapter struct{ clicks chan string }

// NewSystrayAdapter returns an adapter that shows nothing.
func NewSystrayAdapter(*slog.Logger) *SystrayAdapter {
	return &SystrayAdapter{clicks: make(chan string)}
}

func (s *SystrayAdapter) Clicks() <-chan string { return s.clicks }
func (s *SystrayAdapter) Apply(Menu)            {}

// RunSystray reports that this build cannot show a tray.
func RunSystray(onReady, onExit func()) {
	fmt.Fprintln(os.Stderr, "awsmfa-tray: this macOS build was made without cgo and cannot show a tray icon; rebuild with CGO_ENABLED=1")
	os.Exit(1)
}

// QuitSystray does nothing here.
func QuitSystray() {}
