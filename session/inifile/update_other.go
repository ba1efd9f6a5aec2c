//go:build !windows

package inifile

import (
	"errors"
	"os"
	"syscall"
)

func replaceFile(tmp, target string) error { return os.Rename(tmp, target) }

// syncDir makes the rename durable. Some file systems cannot fsync a
// folder; that is not worth failing a write that already happened.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
		return err
	}
	return nil
}
