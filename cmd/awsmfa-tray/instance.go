package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/gofrs/flock"
)

// lockInstance takes the single-instance lock in dir. ok is false when
// another awsmfa-tray holds it. The OS drops the lock when the process
// ends, however it ends, so a crash never leaves a stale lock.
func lockInstance(dir, name string) (unlock func(), ok bool, err error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("lock folder: %w", err)
	}
	l := flock.New(filepath.Join(dir, name))
	ok, err = l.TryLock()
	if err != nil {
		return nil, false, fmt.Errorf("single-instance lock: %w", err)
	}
	if !ok {
		return nil, false, nil
	}
	return func() { l.Unlock() }, true, nil
}
