//go:build !windows

package inifile

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// openRead opens without blocking, so a FIFO at the path cannot hang us
// before the stat shows what it is.
func openRead(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
}

func isWouldBlock(err error) bool {
	return errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EAGAIN)
}

func isQuota(err error) bool { return errors.Is(err, syscall.EDQUOT) }

// ownerOf returns fi's owner and group, or -1, -1.
func ownerOf(fi fs.FileInfo) (uid, gid int) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid), int(st.Gid)
	}
	return -1, -1
}
