package tray

import (
	"context"
	"slices"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// The files the tray watches are the config and credentials files (and
// the role cache folder) plus
// the token file of every SSO session the config names (whose folder may
// not exist yet: the watcher waits on the nearest folder above it). The
// set changes with the config, so the watcher is restarted when it does.

// setFiles makes the watched files the fixed ones (config, credentials,
// role cache) and the token files of snap's SSO sessions, and rewatches
// when they changed.
func (a *App) setFiles(snap session.Snapshot) {
	if len(a.fixedFiles) == 0 {
		return
	}
	n := len(a.fixedFiles)
	files := append(a.fixedFiles[:n:n], tokenFiles(snap.SSO)...)
	slices.Sort(files[n:])
	files = slices.Compact(files)
	if slices.Equal(files, a.files) {
		return
	}
	a.files = files
	a.rewatch()
}

// rewatch (re)starts the watcher on a.files, unless it watches them.
func (a *App) rewatch() {
	if !a.cfg.WatchFiles || a.runCtx == nil || slices.Equal(a.watching, a.files) {
		return
	}
	if a.watchStop != nil {
		a.watchStop()
	}
	ctx, stop := context.WithCancel(a.runCtx)
	a.watchStop = stop
	a.watching = slices.Clone(a.files)
	files := a.watching
	go func() {
		if err := WatchFiles(ctx, files, func() { a.Post(FilesChanged{}) }, a.log); err != nil {
			a.log.Warn("file watcher stopped", "err", err)
		}
	}()
}
