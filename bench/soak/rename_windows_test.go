package soak

import (
	"errors"
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/windows"
)

// renameOver renames tmp over target as a Windows editor must: the rename
// is refused while another process (here the tray, reading the file after
// the last change) holds target open, so it is tried again until that
// reader has closed it, within a generous bound.
func renameOver(tmp, target string) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := os.Rename(tmp, target)
		var errno syscall.Errno
		if err == nil || !errors.As(err, &errno) || time.Now().After(deadline) ||
			(errno != windows.ERROR_ACCESS_DENIED && errno != windows.ERROR_SHARING_VIOLATION) {
			return err
		}
		time.Sleep(5 * time.Millisecond)
	}
}
