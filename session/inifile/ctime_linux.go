package inifile

import (
	"io/fs"
	"syscall"
)

// ctimeOf is the status change time in ns, which every write, truncation,
// chmod and rename of the file moves; 0 where unknown.
func ctimeOf(fi fs.FileInfo) int64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ctim.Nano()
	}
	return 0
}
