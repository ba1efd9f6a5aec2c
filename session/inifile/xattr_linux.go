package inifile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// aclAccess is the POSIX ACL of a file, stored as an extended attribute.
const aclAccess = "system.posix_acl_access"

// fsetxattr is unix.Fsetxattr; a variable so tests can make it fail.
var fsetxattr = unix.Fsetxattr

// copyXattrs gives tmp, the replacement of target, every extended
// attribute of target: its POSIX ACL, user.* attributes and the rest. The
// ACL must come over: without it the group bits of the mode, which hold
// the ACL's mask, would grant the owning group what the ACL granted named
// users. An attribute that cannot be set makes us refuse, unless tmp
// already holds the same value (a folder's default ACL, an LSM label) or
// it is a security.* label, which the system's policy sets, not us.
func copyXattrs(target string, tmp *os.File) error {
	names, err := listXattrs(func(b []byte) (int, error) { return unix.Listxattr(target, b) })
	if err != nil {
		return nil // no xattr support here, so nothing to keep
	}
	hasACL := false
	for _, name := range names {
		val, err := getXattr(func(b []byte) (int, error) { return unix.Getxattr(target, name, b) })
		if errors.Is(err, unix.ENODATA) {
			continue
		}
		if err != nil {
			return xattrError(target, name, err)
		}
		if name == aclAccess {
			hasACL = true
		}
		err = control(tmp, func(fd int) error { return fsetxattr(fd, name, val, 0) })
		if err == nil || strings.HasPrefix(name, "security.") {
			continue
		}
		have, gerr := getXattr(func(b []byte) (int, error) {
			var n int
			e := control(tmp, func(fd int) error { var e error; n, e = unix.Fgetxattr(fd, name, b); return e })
			return n, e
		})
		if gerr == nil && bytes.Equal(have, val) {
			continue
		}
		return xattrError(target, name, err)
	}
	if !hasACL {
		// Inherited from the folder's default ACL, which the file it
		// replaces never had: give it back the plain mode.
		control(tmp, func(fd int) error { return unix.Fremovexattr(fd, aclAccess) })
	}
	return nil
}

func xattrError(target, name string, err error) error {
	what := "extended attribute " + name
	if name == aclAccess {
		what = "access control list (ACL)"
	}
	return newError(target, ErrMetadata, err,
		"%s has an %s that awsmfa cannot copy to the file that replaces it, so it wrote nothing rather than change who may read it: remove it (setfacl -b or setfattr -x) or run awsmfa as the file's owner",
		target, what)
}

// listXattrs calls list with a growing buffer and splits the names.
func listXattrs(list func([]byte) (int, error)) ([]string, error) {
	b, err := getXattr(list)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range bytes.Split(b, []byte{0}) {
		if len(n) > 0 {
			names = append(names, string(n))
		}
	}
	return names, nil
}

// getXattr calls get with a buffer large enough for the answer.
func getXattr(get func([]byte) (int, error)) ([]byte, error) {
	for size := 256; ; size *= 4 {
		b := make([]byte, size)
		n, err := get(b)
		if errors.Is(err, unix.ERANGE) && size < 1<<20 {
			continue
		}
		if err != nil {
			return nil, err
		}
		return b[:n], nil
	}
}

// immutable reports which of path and its folder carries chattr's
// immutable or append-only flag, under which nobody, root included, may
// replace the file. statx reports the flags without opening anything.
func immutable(path string) (string, bool) {
	const flags = unix.STATX_ATTR_IMMUTABLE | unix.STATX_ATTR_APPEND
	for _, p := range []string{path, filepath.Dir(path)} {
		var st unix.Statx_t
		if err := unix.Statx(unix.AT_FDCWD, p, unix.AT_SYMLINK_NOFOLLOW, unix.STATX_BASIC_STATS, &st); err != nil {
			continue
		}
		if st.Attributes&st.Attributes_mask&flags != 0 {
			return p, true
		}
	}
	return "", false
}
