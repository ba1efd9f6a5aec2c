//go:build !linux && !darwin && !windows

package inifile

import "io/fs"

func ctimeOf(fs.FileInfo) int64 { return 0 }
