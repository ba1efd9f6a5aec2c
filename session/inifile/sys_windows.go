package inifile

import (
	"io/fs"
	"os"
)

// openRead: Windows has no FIFOs at file paths, and opening a device such
// as NUL does not block; the stat that follows refuses it.
func openRead(path string) (*os.File, error) { return os.Open(path) }

func isWouldBlock(error) bool { return false }

func isQuota(error) bool { return false }

func ownerOf(fs.FileInfo) (uid, gid int) { return -1, -1 }

func ctimeOf(fs.FileInfo) int64 { return 0 }
