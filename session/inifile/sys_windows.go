package inifile

import (
	"errors"
	"io/fs"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// openRead opens path for reading with FILE_SHARE_DELETE, which os.Open
// does not pass: a rename over the file (another awsmfa's write, the tray's)
// holds the new file open for deletion for a moment, and a read without
// that share mode fails then with a sharing violation, which a second
// awsmfa under way met as "read credentials file: Sharing violation". One
// that still happens (a writer that shares less) is waited out as
// replaceFile waits out a blocked rename. Windows has no FIFOs at file
// paths, and opening a device such as NUL does not block; the stat that
// follows refuses it.
func openRead(path string) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	deadline := time.Now().Add(renameTimeout)
	delay := time.Millisecond
	for {
		// Backup semantics open a folder too, as os.Open does, so the
		// caller's stat can refuse it by name.
		h, err := windows.CreateFile(p, windows.GENERIC_READ,
			windows.FILE_SHARE_READ|windows.FILE_SHARE_WRITE|windows.FILE_SHARE_DELETE,
			nil, windows.OPEN_EXISTING, windows.FILE_ATTRIBUTE_NORMAL|windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
		if err == nil {
			return os.NewFile(uintptr(h), path), nil
		}
		if !errors.Is(err, windows.ERROR_SHARING_VIOLATION) || time.Now().After(deadline) {
			return nil, &os.PathError{Op: "open", Path: path, Err: err}
		}
		time.Sleep(delay)
		delay = min(delay*2, 50*time.Millisecond)
	}
}

func isWouldBlock(error) bool { return false }

func isQuota(error) bool { return false }

func ownerOf(fs.FileInfo) (uid, gid int) { return -1, -1 }

func ctimeOf(fs.FileInfo) int64 { return 0 }
