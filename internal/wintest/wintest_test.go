//go:build windows

package wintest

import (
	"errors"
	"runtime"
	"testing"
	"unsafe"

	"golang.org/x/sys/windows"
)

// A window that closed on the key going down turns the release's post into
// ERROR_INVALID_WINDOW_HANDLE, which Key takes as the key having done its
// work; a press that cannot be posted, or any other error, is a failure.
func TestKey(t *testing.T) {
	gone := windows.ERROR_INVALID_WINDOW_HANDLE
	other := windows.ERROR_NOT_ENOUGH_QUOTA
	tests := []struct {
		name       string
		down, up   error
		wantPosts  int
		wantFailed bool
	}{
		{"both posted", nil, nil, 2, false},
		{"closed on the press", nil, gone, 2, false},
		{"the release fails otherwise", nil, other, 2, true},
		{"the press fails", gone, nil, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var posts []uint32
			err := key(func(msg uint32, _ uintptr) error {
				posts = append(posts, msg)
				if msg == WMKeyDown {
					return tt.down
				}
				return tt.up
			})
			if len(posts) != tt.wantPosts || posts[0] != WMKeyDown || (err != nil) != tt.wantFailed {
				t.Errorf("posted %#x, err %v; want %d posts, error %v", posts, err, tt.wantPosts, tt.wantFailed)
			}
		})
	}
}

// Windows says ERROR_INVALID_WINDOW_HANDLE for a post to a window that is
// gone, the error key relies on.
func TestPostToAClosedWindow(t *testing.T) {
	// Only the thread that made a window may destroy it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	class, _ := windows.UTF16PtrFromString("STATIC")
	h, _, err := user32.NewProc("CreateWindowExW").Call(0, uintptr(unsafe.Pointer(class)), 0, 0, 0, 0, 10, 10, 0, 0, 0, 0)
	if h == 0 {
		t.Fatalf("CreateWindowEx: %v", err)
	}
	if r, _, err := user32.NewProc("DestroyWindow").Call(h); r == 0 {
		t.Fatalf("DestroyWindow: %v", err)
	}
	if err := Post(windows.HWND(h), WMKeyUp, VKEscape, 1|3<<30); !errors.Is(err, windows.ERROR_INVALID_WINDOW_HANDLE) {
		t.Errorf("post to a closed window: %v, want ERROR_INVALID_WINDOW_HANDLE", err)
	}
}
