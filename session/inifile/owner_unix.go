//go:build !windows

package inifile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
)

// wantOwner is who the new file at target must belong to: the owner and
// group of the file it replaces (cur), as an in-place writer such as "aws
// configure set" keeps them; for a new file, when running as root, the
// owner of its folder, so "sudo -E awsmfa" never locks a user out of
// their own keys. ok is false when the OS default is right.
func wantOwner(target string, cur *snapshot) (uid, gid int, ok bool) {
	if cur != nil && cur.exists && cur.fi != nil {
		uid, gid = ownerOf(cur.fi)
		return uid, gid, uid >= 0
	}
	if os.Geteuid() != 0 {
		return 0, 0, false
	}
	dfi, err := os.Stat(filepath.Dir(target))
	if err != nil {
		return 0, 0, false
	}
	uid, gid = ownerOf(dfi)
	return uid, gid, uid >= 0
}

// keepOwner gives tmp, the replacement of target, the owner wantOwner says.
func keepOwner(tmp *os.File, target string, cur *snapshot, mode fs.FileMode) error {
	uid, gid, ok := wantOwner(target, cur)
	if !ok {
		return nil
	}
	tfi, err := tmp.Stat()
	if err != nil {
		return fsError("write", target, err)
	}
	tu, tg := ownerOf(tfi)
	if tu == uid && tg == gid {
		return nil
	}
	if err := tmp.Chown(uid, gid); err == nil {
		return nil
	} else if tu == uid && mode&0o077 == 0 {
		// A group we are not in, on a file only its owner may open: the
		// group grants nothing either way, so the owner's own group will do.
		return nil
	} else {
		return ownerError(target, uid, gid, tu != uid, err)
	}
}

// checkOwner is keepOwner's refusal, foretold from the file's stat alone.
func checkOwner(target string, fi fs.FileInfo) error {
	if os.Geteuid() == 0 {
		return nil
	}
	uid, gid := ownerOf(fi)
	if uid < 0 {
		return nil
	}
	if uid != os.Geteuid() {
		return ownerError(target, uid, gid, true, nil)
	}
	if gid == os.Getegid() || fi.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if groups, err := os.Getgroups(); err == nil && slices.Contains(groups, gid) {
		return nil
	}
	return ownerError(target, uid, gid, false, nil)
}

func ownerError(target string, uid, gid int, byUser bool, err error) error {
	if byUser {
		name := fmt.Sprint(uid)
		if u, e := user.LookupId(name); e == nil {
			name = u.Username
		}
		return newError(target, ErrMetadata, err,
			"%s belongs to user %s, and awsmfa running as another user cannot give its replacement that owner, so it wrote nothing: run awsmfa as %s",
			target, name, name)
	}
	name := fmt.Sprint(gid)
	if g, e := user.LookupGroupId(name); e == nil {
		name = g.Name
	}
	return newError(target, ErrMetadata, err,
		"%s belongs to the group %s, which you are not in, and the group may read it, so awsmfa wrote nothing rather than change who can: run awsmfa as root or as a member of %s",
		target, name, name)
}

// chownLike gives f (a lock file or folder just created) the owner of ref
// when running as root; a user's files stay theirs under sudo.
func chownLike(path, ref string) {
	if os.Geteuid() != 0 {
		return
	}
	fi, err := os.Stat(ref)
	if err != nil {
		return
	}
	if uid, gid := ownerOf(fi); uid > 0 || gid > 0 {
		os.Lchown(path, uid, gid)
	}
}

// mkdirAll creates dir and any missing parents 0700, each (when running as
// root) owned like the folder it was created in.
func mkdirAll(dir string) error {
	fi, err := os.Stat(dir)
	if err == nil {
		if !fi.IsDir() {
			return &fs.PathError{Op: "mkdir", Path: dir, Err: errors.New("not a folder")}
		}
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := mkdirAll(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	chownLike(dir, parent)
	return nil
}

// checkReplaceable: on Unix, a file in a folder we may write can be
// replaced by rename whatever its own mode; checkOwner covers the rest.
func checkReplaceable(string, fs.FileInfo) error { return nil }
