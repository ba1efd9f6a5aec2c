//go:build !windows

package inifile

import (
	"context"
	"errors"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// acquire takes an exclusive flock on f, the open lock file, trying every
// few milliseconds until ctx ends (it tries once even then). f stays open
// while we wait and while we hold the lock; unlock closes it, and so does
// a failure.
func acquire(ctx context.Context, f *os.File) (unlock func(), err error) {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		err := control(f, func(fd int) error { return unix.Flock(fd, unix.LOCK_EX|unix.LOCK_NB) })
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, unix.EWOULDBLOCK) && !errors.Is(err, unix.EINTR) {
			f.Close()
			return nil, err
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

func control(f *os.File, fn func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}
	return ferr
}
