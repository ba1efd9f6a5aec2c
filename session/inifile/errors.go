package inifile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Sentinels for the writer's refusals. Each error the writer returns for
// the file system is an *Error: one sentence, naming the path and what to
// do, that wraps one of these and the OS error, if any.
var (
	// ErrConflict: the file kept changing under us on every attempt.
	ErrConflict = errors.New("file kept changing while we wrote it")
	// ErrNotRegular: the path is a folder, pipe, device or socket.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge: the file is larger than MaxSize.
	ErrTooLarge = errors.New("file too large")
	// ErrUnsettled: the file looked torn (another program was writing it
	// without a lock) and did not settle in time.
	ErrUnsettled = errors.New("file did not settle")
	// ErrSectionLost: a section seen earlier in the operation vanished.
	ErrSectionLost = errors.New("a section vanished while we wrote the file")
	// ErrNotWritable: the folder or file cannot be written or replaced.
	ErrNotWritable = errors.New("not writable")
	// ErrReplaced: the file was replaced by something else while we wrote.
	ErrReplaced = errors.New("file was replaced while we wrote it")
	// ErrLocked: another awsmfa process held the lock too long.
	ErrLocked = errors.New("locked by another writer")
	// ErrMetadata: an owner, ACL or extended attribute could not be kept.
	ErrMetadata = errors.New("cannot keep the file's owner, ACL or attributes")
)

// MaxSize bounds what the reader accepts: no AWS config or credentials file
// comes near it, and a device or a runaway file must not exhaust memory.
const MaxSize = 64 << 20

// Error is a failure of the writer or reader, said as one sentence.
type Error struct {
	Path string
	msg  string
	kind error // one of the sentinels, or nil
	err  error // the underlying OS error, or nil
}

func (e *Error) Error() string { return e.msg }

// Naming returns e said of "the <what> <path>" (what: "credentials file")
// where its sentence starts with the bare path.
func (e *Error) Naming(what string) *Error {
	c := *e
	if strings.HasPrefix(c.msg, c.Path+" ") {
		c.msg = "the " + what + " " + c.msg
	}
	return &c
}

// Unwrap gives both the sentinel and the OS error to errors.Is and As.
func (e *Error) Unwrap() []error {
	var out []error
	for _, x := range []error{e.kind, e.err} {
		if x != nil {
			out = append(out, x)
		}
	}
	return out
}

func newError(path string, kind, err error, format string, a ...any) *Error {
	return &Error{Path: path, msg: fmt.Sprintf(format, a...), kind: kind, err: err}
}

// kindOf names what a non-regular file is, for the sentence.
func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	}
	return "not a regular file"
}

func notRegular(path string, m fs.FileMode) *Error {
	return newError(path, ErrNotRegular, nil,
		"%s is %s, not a file: point the AWS setting for it (or the link) at a file", path, kindOf(m))
}

func tooLarge(path string) *Error {
	return newError(path, ErrTooLarge, nil,
		"%s is larger than %d MiB, which no AWS config or credentials file is: check that the path names the right file", path, MaxSize>>20)
}

// fsError turns an OS error met while doing what (a short verb phrase such
// as "replace") to path into one sentence that says what to fix. dir is the
// folder that must be writable.
func fsError(what, path string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	dir := filepath.Dir(path)
	switch {
	case errors.Is(err, syscall.EROFS):
		return newError(path, ErrNotWritable, err, "cannot %s %s: it is on a read-only file system; nothing was written", what, path)
	case errors.Is(err, syscall.ENOSPC):
		return newError(path, ErrNotWritable, err, "cannot %s %s: no space left on the device; free some space and try again (nothing was written)", what, path)
	case isQuota(err):
		return newError(path, ErrNotWritable, err, "cannot %s %s: your disk quota is used up; free some space and try again (nothing was written)", what, path)
	case errors.Is(err, fs.ErrPermission):
		if name, ok := immutable(path); ok {
			return newError(path, ErrNotWritable, err, "cannot %s %s: %s is marked immutable or append-only (chattr +i/+a); remove the mark with \"sudo chattr -i -a %s\"", what, path, name, name)
		}
		return newError(path, ErrNotWritable, err, "cannot %s %s: the folder %s is not writable by you; fix its permissions (for example chmod u+w %s) or run as its owner", what, path, dir, dir)
	}
	return newError(path, nil, err, "cannot %s %s: %s", what, path, plainOSError(err))
}

// plainOSError is the OS's own words without Go's "op path:" prefixes.
func plainOSError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err.Error()
	}
	var se *os.SyscallError
	if errors.As(err, &se) {
		return se.Err.Error()
	}
	return err.Error()
}

// kindError is a sentence that errors.Is also finds kind in, without
// kind's own words at its end ("...: unsafe edit").
type kindError struct {
	err  error // the sentence; it may wrap a cause with %w
	kind error
}

func (e *kindError) Error() string   { return e.err.Error() }
func (e *kindError) Unwrap() []error { return []error{e.err, e.kind} }

// refused is fmt.Errorf(format, a...) that is also kind.
func refused(kind error, format string, a ...any) error {
	return &kindError{err: fmt.Errorf(format, a...), kind: kind}
}
