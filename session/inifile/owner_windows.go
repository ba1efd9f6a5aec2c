package inifile

import (
	"io/fs"
	"os"
)

// Windows files carry their owner in their ACL, which a new file in the
// same folder inherits; nothing to copy by hand.
func keepOwner(*os.File, string, *snapshot, fs.FileMode) error { return nil }

func checkOwner(string, fs.FileInfo) error { return nil }

func chownLike(string, string) {}

func mkdirAll(dir string) error { return os.MkdirAll(dir, 0o700) }

// checkReplaceable: Windows refuses to rename over a read-only file.
func checkReplaceable(target string, fi fs.FileInfo) error {
	if fi.Mode().Perm()&0o200 == 0 {
		return newError(target, ErrNotWritable, nil,
			"%s is read-only (its Read-only attribute is set), so awsmfa cannot replace it: clear it with \"attrib -r %s\"", target, target)
	}
	return nil
}
