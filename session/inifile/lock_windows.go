package inifile

import (
	"context"
	"os"
	"time"

	"github.com/gofrs/flock"
)

// acquire takes an exclusive lock (LockFileEx) on the lock file f names,
// trying until ctx ends (it tries once even then). f itself is closed:
// the lock is taken on a handle of flock's own.
func acquire(ctx context.Context, f *os.File) (unlock func(), err error) {
	path := f.Name()
	f.Close()
	l := flock.New(path, flock.SetPermissions(0o600))
	for {
		ok, err := l.TryLock()
		if err != nil {
			return nil, err
		}
		if ok {
			return func() { l.Unlock() }, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}
