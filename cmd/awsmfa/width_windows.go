package main

import (
	"os"

	"golang.org/x/sys/windows"
)

// terminalWidth is the console window's width (not its buffer's, which is
// often wider than what shows), or 0.
func terminalWidth(f *os.File) int {
	var info windows.ConsoleScreenBufferInfo
	if err := windows.GetConsoleScreenBufferInfo(windows.Handle(f.Fd()), &info); err != nil {
		return 0
	}
	return int(info.Window.Right-info.Window.Left) + 1
}
