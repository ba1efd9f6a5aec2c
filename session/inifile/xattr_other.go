//go:build !linux

package inifile

import "os"

// Extended attributes and chattr flags are kept on Linux only.
func copyXattrs(string, *os.File) error { return nil }

func immutable(string) (string, bool) { return "", false }
