package wine

import (
	"errors"
	"strings"
	"sync"
	"unsafe"

	"golang.org/x/sys/windows"
)

// wine_get_version is exported by wine's ntdll only.
var version = sync.OnceValue(func() string {
	proc := windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version")
	if proc.Find() != nil {
		return ""
	}
	// A static C string inside ntdll, never Go memory.
	r, _, _ := proc.Call()
	return windows.BytePtrToString(*(**byte)(unsafe.Pointer(&r)))
})

// Running reports whether this process runs under wine.
func Running() bool { return version() != "" }

// Version is wine's version ("8.0"), or "" on real Windows.
func Version() string { return version() }

// startFailed says whether err is wine failing to start a process (see
// ProcessStart).
func startFailed(err error) bool {
	return Running() && errors.Is(err, windows.ERROR_INTERNAL_ERROR)
}

// startFailedText says whether text, an error another program (an SDK
// running credential_process) passed on as words, names wine failing to
// start a process (see ProcessStart): "Internal error." is
// ERROR_INTERNAL_ERROR's text.
func startFailedText(text string) bool {
	return Running() && strings.Contains(text, windows.ERROR_INTERNAL_ERROR.Error())
}
