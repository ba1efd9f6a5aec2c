package inifile

import (
	"context"
	"time"

	"github.com/gofrs/flock"
)

// acquire takes an exclusive lock (LockFileEx) on the lock file at path,
// trying until ctx ends (it tries once even then).
func acquire(ctx context.Context, path string) (unlock func(), err error) {
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
