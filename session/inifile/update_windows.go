package inifile

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// renameTimeout bounds the retries of a rename that a reader blocks.
var renameTimeout = 2 * time.Second

// errSharingViolation is ERROR_SHARING_VIOLATION, absent from syscall.
const errSharingViolation syscall.Errno = 32

// replaceFile retries: a rename over a file that another process (an AWS
// SDK, an antivirus scanner) holds open fails with "Access is denied" or a
// sharing violation for a moment (golang/go#32188).
func replaceFile(tmp, target string) error {
	deadline := time.Now().Add(renameTimeout)
	delay := 5 * time.Millisecond
	for {
		err := os.Rename(tmp, target)
		if err == nil || !retryable(err) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(delay)
		delay = min(delay*2, 200*time.Millisecond)
	}
}

func retryable(err error) bool {
	var errno syscall.Errno
	return errors.As(err, &errno) && (errno == syscall.ERROR_ACCESS_DENIED || errno == errSharingViolation)
}

// syncDir is a no-op: Windows cannot flush a folder handle opened by
// os.Open, and NTFS journals the rename itself.
func syncDir(string) error { return nil }
