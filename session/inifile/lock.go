package inifile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// lockTimeout bounds the wait for another awsmfa process's lock; a
// variable so tests can shorten it.
var lockTimeout = 30 * time.Second

func lockPath(target string) string { return target + ".lock" }

// openLockFile opens the lock file of target for writing, creating it if
// missing, so a folder we cannot write says so rather than "another awsmfa
// is writing". A lock file we create as root gets the owner of the file it
// guards (or of its folder).
func openLockFile(target string) (*os.File, error) {
	path := lockPath(target)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		f, err = os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			ref := target
			if _, e := os.Stat(target); e != nil {
				ref = filepath.Dir(target)
			}
			chownLike(path, ref)
		} else if errors.Is(err, fs.ErrExist) { // another process made it just now
			f, err = os.OpenFile(path, os.O_RDWR, 0)
		}
	}
	if err != nil {
		return nil, lockError(target, err)
	}
	return f, nil
}

func lockError(target string, err error) error {
	path, dir := lockPath(target), filepath.Dir(target)
	if errors.Is(err, fs.ErrPermission) {
		if _, ok := immutable(path); !ok {
			if _, e := os.Lstat(path); e == nil {
				return newError(target, ErrNotWritable, err,
					"cannot open the lock file %s: it or its folder %s is not writable by you (was awsmfa run with sudo before?); remove it or fix its owner, and try again",
					path, dir)
			}
			return newError(target, ErrNotWritable, err,
				"cannot create the lock file %s: the folder %s is not writable by you; fix its permissions (for example chmod u+w %s) or run as its owner",
				path, dir, dir)
		}
	}
	return fsError("create the lock file for", target, err)
}

// lock takes the sidecar lock of target (a sidecar, because the rename
// replaces target's inode). It waits at most lockTimeout for another
// awsmfa process, and returns at once when ctx ends (Ctrl-C).
func lock(ctx context.Context, target string) (unlock func(), err error) {
	f, err := openLockFile(target)
	if err != nil {
		return nil, err
	}
	wctx, cancel := context.WithTimeout(ctx, lockTimeout)
	defer cancel()
	unlock, err = acquire(wctx, f)
	switch {
	case err == nil:
		return unlock, nil
	case ctx.Err() != nil:
		return nil, fmt.Errorf("wait for the lock on %s: %w", target, ctx.Err())
	case errors.Is(err, context.DeadlineExceeded):
		return nil, newError(target, ErrLocked, err,
			"another awsmfa process has been writing %s for %s and still holds %s: wait for it to finish (or end it) and try again",
			target, lockTimeout, lockPath(target))
	}
	return nil, lockError(target, err)
}

// tryLock takes the lock only if it is free, without creating anything;
// it is how a reader proves that no writer is alive.
func tryLock(target string) (unlock func(), ok bool) {
	f, err := os.OpenFile(lockPath(target), os.O_RDWR, 0)
	if err != nil {
		return nil, false
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	unlock, err = acquire(ctx, f)
	return unlock, err == nil
}
