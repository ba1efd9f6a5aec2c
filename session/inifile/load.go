package inifile

import (
	"context"
	"io/fs"
	"os"
	"syscall"
)

// Load reads and parses the file at path, following symlinks the way the
// kernel does. A missing file gives an empty *File together with an error
// wrapping fs.ErrNotExist; os.DevNull reads as empty. Anything but a
// regular file (a folder, a FIFO, a device) is refused without blocking,
// and so is a file larger than MaxSize. A read that looks torn, because
// another program (the AWS CLI) is rewriting the file in place, is retried
// until it can be trusted (see readSettled). Temp files that a killed
// writer left are removed when no writer is alive.
func Load(path string) (*File, error) {
	return LoadContext(context.Background(), path)
}

// LoadContext is Load whose wait for a settling file ends with ctx, and
// counts against ctx's Operation bound.
func LoadContext(ctx context.Context, path string) (*File, error) {
	if path == os.DevNull {
		return &File{}, nil
	}
	target, err := resolveSymlinks(path)
	if err != nil {
		return &File{}, err
	}
	sweepTemps(target)
	s, f, _, err := readSettled(ctx, target, readRules{budget: budgetOf(ctx)})
	if err != nil {
		return &File{}, err
	}
	if !s.exists {
		return &File{src: s}, &fs.PathError{Op: "read", Path: path, Err: syscall.ENOENT}
	}
	f.src = s
	return f, nil
}
