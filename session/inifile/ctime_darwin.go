package inifile

import (
	"io/fs"
	"syscall"
)

// ctimeOf is the status change time in ns; 0 where unknown.
func ctimeOf(fi fs.FileInfo) int64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ctimespec.Nano()
	}
	return 0
}
