package inifile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// Tunables; variables so tests can shorten them.
var (
	// maxAttempts bounds how often Update redoes its edit because another
	// writer (the AWS CLI takes no lock) changed the file meanwhile.
	maxAttempts = 5
	// lockTimeout bounds the wait for another awsmfa process's lock.
	lockTimeout = 30 * time.Second
	// staleTempAge: temp files this old are leftovers of a killed writer.
	staleTempAge = time.Minute
	// beforeRename is a test hook run just before the re-read and rename.
	beforeRename func(target string)
)

// ErrConflict: the file kept changing under us on every attempt.
var ErrConflict = errors.New("file kept changing while we wrote it")

// Load reads and parses the file at path, following symlinks. A missing
// file gives an empty *File together with an error wrapping fs.ErrNotExist.
func Load(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return &File{}, fmt.Errorf("read %s: %w", path, err)
	}
	return parseOwned(data), nil
}

// Update edits the file at path atomically under a lock: it resolves
// symlinks (writing through to the target, creating it if the link
// dangles), creates a missing parent folder 0700, locks "<target>.lock",
// reads the file (missing = empty), runs edit, and if the bytes changed
// writes a 0600 temp file in the same folder, gives it the old file's mode
// (0600 for a new file), fsyncs it, re-reads the target and starts over if
// someone else changed it meanwhile, renames it over the target and fsyncs
// the folder. edit may therefore run more than once, each time on a fresh
// File; its error is returned unchanged and nothing is written. No temp
// file is left behind on any error; a SIGKILLed writer's temp file
// (".<name>.awsmfa-*.tmp") is removed by the next Update after a minute.
func Update(path string, edit func(*File) error) error {
	target, err := resolveSymlinks(path)
	if err != nil {
		return err
	}
	// AWS_SHARED_CREDENTIALS_FILE=/dev/null is a common trick: never
	// rename a file over a device, pipe or folder.
	if fi, err := os.Stat(target); err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file; refusing to write it", target)
	}
	dir := filepath.Dir(target)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create folder for %s: %w", target, err)
	}
	unlock, err := lockFile(target + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	removeStaleTemps(target)

	for attempt := 0; attempt < maxAttempts; attempt++ {
		orig, mode, err := readTarget(target)
		if err != nil {
			return err
		}
		f := parseOwned(orig)
		if err := edit(f); err != nil {
			return err
		}
		if f.equal(orig) {
			return nil
		}
		done, err := writeAndReplace(target, f, mode, orig)
		if err != nil || done {
			return err
		}
	}
	return fmt.Errorf("update %s: %w; try again", target, ErrConflict)
}

// writeAndReplace writes f to a temp file next to target and renames it
// over target, unless target no longer holds orig (then done is false).
func writeAndReplace(target string, f *File, mode fs.FileMode, orig []byte) (done bool, err error) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, tempPrefix(base)+"*"+tempSuffix)
	if err != nil {
		return false, fmt.Errorf("create temp file for %s: %w", target, err)
	}
	tmpName := tmp.Name()
	renamed := false
	defer func() {
		if !renamed {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if err := f.writeTo(tmp); err != nil {
		return false, fmt.Errorf("write temp file for %s: %w", target, err)
	}
	if err := tmp.Sync(); err != nil {
		return false, fmt.Errorf("sync temp file for %s: %w", target, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return false, fmt.Errorf("set mode of temp file for %s: %w", target, err)
	}
	if err := tmp.Close(); err != nil {
		return false, fmt.Errorf("close temp file for %s: %w", target, err)
	}
	if beforeRename != nil {
		beforeRename(target)
	}
	// The AWS CLI writes without a lock: if it wrote since we read, redo.
	if same, err := holds(target, orig); err != nil || !same {
		return false, err
	}
	if err := replaceFile(tmpName, target); err != nil {
		return false, fmt.Errorf("replace %s: %w", target, err)
	}
	renamed = true
	if err := syncDir(dir); err != nil {
		return true, fmt.Errorf("sync folder of %s: %w", target, err)
	}
	return true, nil
}

// readTarget returns the file's bytes and mode; a missing file is empty
// with mode 0600.
func readTarget(target string) ([]byte, fs.FileMode, error) {
	fh, err := os.Open(target)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0o600, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", target, err)
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return nil, 0, fmt.Errorf("stat %s: %w", target, err)
	}
	// One more byte than the size, so EOF shows without growing the buffer.
	data := make([]byte, 0, fi.Size()+1)
	for {
		n, err := fh.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, fi.Mode().Perm(), nil
		}
		if err != nil {
			return nil, 0, fmt.Errorf("read %s: %w", target, err)
		}
		if len(data) == cap(data) { // it grew since the stat
			data = append(data, 0)[:len(data)]
		}
	}
}

// holds reports whether target still holds exactly orig (a missing file
// holds nothing). It is the re-read before the rename, so it compares as it
// reads, in chunks, and stops at the first difference or a size change.
func holds(target string, orig []byte) (bool, error) {
	fh, err := os.Open(target)
	if errors.Is(err, fs.ErrNotExist) {
		return len(orig) == 0, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", target, err)
	}
	defer fh.Close()
	fi, err := fh.Stat()
	if err != nil {
		return false, fmt.Errorf("stat %s: %w", target, err)
	}
	if fi.Size() != int64(len(orig)) {
		return false, nil
	}
	// One byte more than orig, so a file that grew after the stat differs.
	buf := make([]byte, min(len(orig)+1, 64<<10))
	off := 0
	for {
		n, err := fh.Read(buf)
		if n > len(orig)-off || !bytes.Equal(buf[:n], orig[off:off+n]) {
			return false, nil
		}
		off += n
		if err == io.EOF {
			return off == len(orig), nil
		}
		if err != nil {
			return false, fmt.Errorf("read %s: %w", target, err)
		}
	}
}

// resolveSymlinks follows symlinks by hand, because filepath.EvalSymlinks
// fails when the final target does not exist yet (saml2aws #75).
func resolveSymlinks(path string) (string, error) {
	p := path
	for range 64 {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, nil
		}
		if err != nil {
			return "", fmt.Errorf("stat %s: %w", p, err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		dest, err := os.Readlink(p)
		if err != nil {
			return "", fmt.Errorf("read symlink %s: %w", p, err)
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(p), dest)
		}
		p = dest
	}
	return "", fmt.Errorf("resolve %s: too many levels of symbolic links", path)
}

func lockFile(path string) (unlock func(), err error) {
	l := flock.New(path, flock.SetPermissions(0o600))
	ctx, cancel := context.WithTimeout(context.Background(), lockTimeout)
	defer cancel()
	ok, err := l.TryLockContext(ctx, 20*time.Millisecond)
	if err != nil || !ok {
		if err == nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("lock %s (is another awsmfa writing?): %w", path, err)
	}
	return func() { l.Unlock() }, nil
}

const tempSuffix = ".tmp"

func tempPrefix(base string) string { return "." + base + ".awsmfa-" }

// removeStaleTemps deletes temp files left by a writer that was killed
// mid-write. Called under the lock; the age check spares a writer that
// might not hold it (an older version, another path to the same file).
func removeStaleTemps(target string) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	prefix := tempPrefix(base)
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, tempSuffix) || !e.Type().IsRegular() {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > staleTempAge {
			os.Remove(filepath.Join(dir, name))
		}
	}
}
