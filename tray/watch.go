package tray

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

const (
	// debounce merges the burst of events one save makes (temp file,
	// rename, chmod) into one refresh.
	debounce = 200 * time.Millisecond
	// pollEvery is the fallback for a folder fsnotify cannot watch (the
	// system refused, or no fsnotify): check it this often. While every
	// folder, or for a missing one the folder above it, is watched there
	// is no poll at all.
	pollEvery = 30 * time.Second
)

// WatchFiles calls changed, debounced, whenever one of files may have
// changed, until ctx ends. It watches the files' folders, not the files:
// editors and our own writer replace a file by renaming a new one over it,
// which a watch on the old file would miss. Symlinked files are watched at
// their target too. An entry ending in a path separator is a folder any
// of whose files counts (the role credentials' cache).
func WatchFiles(ctx context.Context, files []string, changed func(), log *slog.Logger) error {
	w := &watcher{files: map[string]bool{}, trees: map[string]bool{}, dirs: map[string]bool{}, anc: map[string]bool{}, log: log}
	for _, f := range files {
		if f == "" {
			continue
		}
		tree := strings.HasSuffix(f, string(filepath.Separator))
		if abs, err := filepath.Abs(f); err == nil {
			f = abs
		}
		if f = filepath.Clean(f); tree {
			w.trees[f] = true
			w.dirs[f] = false
			continue
		}
		w.files[f] = true
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		log.Warn("fsnotify unavailable; polling the AWS files", "err", err)
	} else {
		defer fw.Close()
		w.fs = fw
	}
	w.resolve()
	w.arm()
	sig := w.signature()

	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var poll *time.Ticker
	defer func() {
		if poll != nil {
			poll.Stop()
		}
	}()
	var events <-chan fsnotify.Event
	var errs <-chan error
	if w.fs != nil {
		events, errs = w.fs.Events, w.fs.Errors
	}
	for {
		// Poll only while some folder is not watched.
		switch need := w.unwatched(); {
		case need && poll == nil:
			poll = time.NewTicker(pollEvery)
		case !need && poll != nil:
			poll.Stop()
			poll = nil
		}
		var pollC <-chan time.Time
		if poll != nil {
			pollC = poll.C
		}
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				return fmt.Errorf("fsnotify closed")
			}
			name := filepath.Clean(ev.Name)
			if w.dirs[name] && ev.Has(fsnotify.Remove|fsnotify.Rename) {
				// The folder went away: watch the nearest folder above it
				// instead, so its return is seen at once.
				w.dirs[name] = false
				w.arm()
				timer.Reset(debounce)
			}
			if w.files[name] || w.trees[filepath.Dir(name)] {
				timer.Reset(debounce)
			}
			if ev.Has(fsnotify.Create|fsnotify.Rename) && w.onPath(name) {
				// A folder on the way to one we want came (back): watch
				// it, and read, since files may be in it already.
				w.resolve()
				w.arm()
				timer.Reset(debounce)
			}
		case err, ok := <-errs:
			if ok {
				log.Warn("file watch error", "err", err)
			}
		case <-pollC:
			w.resolve()
			w.arm()
			if s := w.signature(); s != sig {
				timer.Reset(0)
			}
		case <-timer.C:
			w.resolve()
			w.arm()
			sig = w.signature()
			changed()
		}
	}
}

type watcher struct {
	fs    *fsnotify.Watcher
	files map[string]bool // the files and their symlink targets
	trees map[string]bool // folders any file of which counts
	dirs  map[string]bool // folder -> watched
	anc   map[string]bool // folders above a missing one, watched until it exists
	// refused: fsnotify would not watch some folder (or one above a
	// missing one), so the poll checks the files.
	refused bool
	log     *slog.Logger
}

// resolve adds the symlink targets of the files, and their folders.
func (w *watcher) resolve() {
	for f := range w.files {
		if t, err := filepath.EvalSymlinks(f); err == nil && t != f {
			w.files[t] = true
		}
	}
	for f := range w.files {
		if d := filepath.Dir(f); !w.dirs[d] {
			w.dirs[d] = false
		}
	}
}

// arm watches every folder not yet watched; for one that does not exist
// (~/.aws deleted, or not made yet), the nearest folder above it that
// does, until it is back. A folder fsnotify refuses is left to the poll.
func (w *watcher) arm() {
	if w.fs == nil {
		return
	}
	w.refused = false
	for try := 0; ; try++ {
		want := map[string]bool{}
		for d, ok := range w.dirs {
			if ok {
				continue
			}
			if err := w.fs.Add(d); err != nil {
				if !os.IsNotExist(err) {
					w.log.Warn("cannot watch folder; polling it", "dir", d, "err", err)
					w.refused = true
					continue
				}
				for up := filepath.Dir(d); up != d; d, up = up, filepath.Dir(up) {
					if fi, err := os.Stat(up); err == nil && fi.IsDir() {
						want[up] = true
						break
					}
				}
				continue
			}
			w.dirs[d] = true
		}
		for a := range w.anc {
			if !want[a] && !w.dirs[a] {
				w.fs.Remove(a)
			}
			delete(w.anc, a)
		}
		for a := range want {
			if w.dirs[a] || w.fs.Add(a) == nil {
				w.anc[a] = true
			} else {
				w.refused = true
			}
		}
		// A folder made after its Add failed and before the watch above
		// it began sent that watch no event: look again, a few times,
		// then leave it to the poll.
		if !w.missingMade() {
			return
		}
		if try == 2 {
			w.refused = true
			return
		}
	}
}

// missingMade reports a folder we want that is not watched but exists.
func (w *watcher) missingMade() bool {
	for d, ok := range w.dirs {
		if fi, err := os.Stat(d); !ok && err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

// onPath reports whether p is a missing folder we want, or above one.
func (w *watcher) onPath(p string) bool {
	for d, ok := range w.dirs {
		if !ok && (d == p || strings.HasPrefix(d, p+string(filepath.Separator))) {
			return true
		}
	}
	return false
}

// unwatched reports whether some folder needs the poll: fsnotify is not
// there or refused one. A missing folder needs none: the watch on the
// folder above it sees it made.
func (w *watcher) unwatched() bool {
	return w.fs == nil || w.refused
}

// signature changes when any file appears, goes, or changes size or time.
func (w *watcher) signature() string {
	return statSignature(slices.Sorted(maps.Keys(w.files))) + statSignature(slices.Sorted(maps.Keys(w.trees)))
}

// statSignature changes when one of files appears, goes, or changes size
// or modification time (of a symlink's target). It costs a stat per file,
// no read.
func statSignature(files []string) string {
	s := ""
	for _, f := range files {
		if f == "" {
			continue
		}
		fi, err := os.Stat(f)
		if err != nil {
			s += f + ":none;"
			continue
		}
		s += fmt.Sprintf("%s:%d:%d;", f, fi.Size(), fi.ModTime().UnixNano())
	}
	return s
}
