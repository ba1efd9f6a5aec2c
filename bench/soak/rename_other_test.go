//go:build !windows

package soak

import "os"

// renameOver renames tmp over target, as an editor saving a file does.
func renameOver(tmp, target string) error { return os.Rename(tmp, target) }
