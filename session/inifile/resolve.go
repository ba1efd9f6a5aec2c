package inifile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxLinks is the kernel's own bound on symlinks followed in one lookup.
const maxLinks = 40

// resolveSymlinks returns the path the kernel would open for path, with
// every symlink on the way followed the way the kernel follows it: a link
// in a folder of the path too, and a relative link from the real folder it
// lives in, not from the folder named in the path ("~/.aws -> data/aws"
// with "credentials -> ../shared/creds" means ~/data/shared/creds). Unlike
// filepath.EvalSymlinks it also resolves a link whose target does not
// exist yet, or whose target's folders do not (saml2aws #75): nothing past
// a missing name can be a link, so the rest is taken as written.
func resolveSymlinks(path string) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", newError(path, nil, err, "cannot find %s: %s", path, plainOSError(err))
	}
	vol := filepath.VolumeName(abs)
	resolved := vol + string(filepath.Separator)
	todo := splitPath(abs[len(vol):])
	links := 0
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			// resolved holds no links, so its parent is its lexical parent.
			resolved = filepath.Dir(resolved)
			continue
		}
		next := filepath.Join(resolved, c)
		fi, err := os.Lstat(next)
		if errors.Is(err, fs.ErrNotExist) {
			return filepath.Join(append([]string{next}, todo...)...), nil
		}
		if err != nil {
			return "", newError(path, nil, err, "cannot follow %s to its file: %s", path, plainOSError(err))
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			if len(todo) > 0 && !fi.IsDir() {
				return "", newError(path, ErrNotRegular, nil, "cannot use %s: %s is not a folder (it is a file), so nothing can be under it: correct the path", path, next)
			}
			resolved = next
			continue
		}
		if links++; links > maxLinks {
			return "", newError(path, nil, nil, "cannot follow %s to its file: too many levels of symbolic links (is there a loop?)", path)
		}
		dest, err := os.Readlink(next)
		if err != nil {
			return "", newError(path, nil, err, "cannot read the symbolic link %s: %s", next, plainOSError(err))
		}
		if filepath.IsAbs(dest) {
			v := filepath.VolumeName(dest)
			resolved = v + string(filepath.Separator)
			dest = dest[len(v):]
		}
		todo = append(splitPath(dest), todo...)
	}
	return resolved, nil
}

func splitPath(p string) []string {
	return strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == filepath.Separator })
}
