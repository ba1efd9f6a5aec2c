package inifile

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Tunables; variables so tests can shorten them.
var (
	// maxAttempts bounds how often Commit redoes its edit because another
	// writer (the AWS CLI takes no lock) changed the file meanwhile.
	maxAttempts = 5
	// beforeRename is a test hook run just before the re-check and rename.
	beforeRename func(target string)
)

// Update edits the file at path atomically under a lock: Begin, then
// Commit (see both), then Close. edit may run more than once, each time on
// a fresh File; its error is returned unchanged and nothing is written.
func Update(path string, edit func(*File) error, opts ...Option) error {
	return UpdateContext(context.Background(), path, edit, opts...)
}

// writeTemp writes f to a new temp file beside target, with the mode,
// owner and attributes the replacement of cur must have, fsynced and
// closed, and returns its name. On error nothing is left behind.
func writeTemp(target string, f *File, cur *snapshot) (name string, err error) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, tempPrefix(base)+"*"+tempSuffix)
	if err != nil {
		return "", fsError("write a new file beside", target, err)
	}
	tmpName := tmp.Name()
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmpName)
		}
	}()
	if err := f.writeTo(tmp); err != nil {
		return "", fsError("write", target, err)
	}
	mode := fs.FileMode(0o600)
	if cur.exists && cur.fi != nil {
		mode = cur.fi.Mode().Perm()
	}
	if err := keepOwner(tmp, target, cur, mode); err != nil {
		return "", err
	}
	if err := tmp.Chmod(mode); err != nil {
		return "", fsError("set the mode of the file replacing", target, err)
	}
	if cur.exists {
		if err := copyXattrs(target, tmp); err != nil {
			return "", err
		}
	}
	if err := tmp.Sync(); err != nil {
		return "", fsError("write", target, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fsError("write", target, err)
	}
	return tmpName, nil
}

const tempSuffix = ".tmp"

func tempPrefix(base string) string { return "." + base + ".awsmfa-" }

// probeInfix marks Check's empty probe files, which live for a moment
// without the lock.
const probeInfix = "probe-"

// probeAge: a probe this old was left by a killed Check.
var probeAge = time.Minute

// isTemp reports whether name is one of our temp files for base (a
// probe is not).
func isTemp(name, base string) bool {
	return strings.HasPrefix(name, tempPrefix(base)) && strings.HasSuffix(name, tempSuffix) &&
		!strings.HasPrefix(name, tempPrefix(base)+probeInfix)
}

func isProbe(name, base string) bool {
	return strings.HasPrefix(name, tempPrefix(base)+probeInfix) && strings.HasSuffix(name, tempSuffix)
}

// removeTemps deletes the temp files of target that killed writers left
// behind; they hold full copies of the file, long-term keys included. It
// runs under target's lock, which every writer holds for as long as its
// temp file exists, so every one found is dead: no age rule needed.
func removeTemps(target string) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if isTemp(e.Name(), base) {
			os.Remove(filepath.Join(dir, e.Name()))
		} else if isProbe(e.Name(), base) {
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > probeAge {
				os.Remove(filepath.Join(dir, e.Name()))
			}
		}
	}
}

// sweepTemps is removeTemps for a reader: when it finds a temp file of
// target, it removes them only if it can take the lock at once, which
// proves no writer is alive; it creates nothing.
func sweepTemps(target string) {
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if isTemp(e.Name(), base) && e.Type().IsRegular() {
			if unlock, ok := tryLock(target); ok {
				removeTemps(target)
				unlock()
			}
			return
		}
	}
}
