package tray

import (
	"context"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// The files are read off the loop: a FIFO at the credentials path, a hung
// network mount or a slow disk must never freeze the menu. One read runs
// at a time; a change meanwhile asks for one more when it ends. A read
// that has not ended after readStuckAfter is left behind (it may never
// end: a FIFO nobody writes) and a new one starts, at most maxStuckReads
// times.
const (
	readStuckAfter    = 5 * time.Second
	maxStuckReads     = 3
	firstReadPatience = 300 * time.Millisecond
)

// reads is the loop's book of file reads.
type reads struct {
	seq      uint64 // the last read started
	applied  uint64 // the newest read whose result shows
	running  bool   // read seq is running
	started  time.Time
	pending  bool // a change came while it ran: read again after
	dirty    bool // the files changed since the read that shows: hold the notices
	stuck    int  // reads left behind, still running
	loaded   bool // some read has finished
	lastErr  string
	lastKErr string
}

// ReadDone is posted by a read when it ends.
type ReadDone struct {
	Seq  uint64
	Sig  string // statSignature of the files just before the read
	Snap session.Snapshot
	Keys []session.KeyLocation
	Err  error
}

func (ReadDone) event() {}

// reload asks for a read of the files. It runs at start, when the watcher
// says the files changed, on Refresh, and after our own login, logout or
// keychain move; a tick asks only when stale says so.
func (a *App) reload() {
	r := &a.reads
	r.dirty = true
	if r.running {
		if time.Since(r.started) < readStuckAfter || r.stuck >= maxStuckReads {
			r.pending = true
			return
		}
		r.stuck++
		a.log.Warn("reading the AWS files has not ended; reading again", "after", time.Since(r.started).Round(time.Second))
	}
	a.startRead()
}

func (a *App) startRead() {
	r := &a.reads
	r.seq++
	r.running, r.pending, r.started = true, false, time.Now()
	seq, files, core, ctx := r.seq, a.files, a.cfg.Core, a.runCtx
	// Not in a.work: Quit must not wait long for a read that may never
	// end (a.readers has its own, shorter bound). It runs under the app's
	// context, so Quit ends one the core can end (a wait for a file another
	// program holds torn).
	a.readers.Add(1)
	go func() {
		defer a.readers.Done()
		// Taken before the read: a change during it differs on the next tick.
		ev := ReadDone{Seq: seq, Sig: statSignature(files)}
		ev.Snap, ev.Keys, ev.Err = readFiles(ctx, core)
		a.Post(ev)
	}()
}

// contextReader is a Core whose file reads can run under a context.
type contextReader interface {
	SnapshotAndKeysContext(ctx context.Context) (session.Snapshot, []session.KeyLocation, error)
}

// readFiles is core's SnapshotAndKeys under ctx where the core can take
// one: the session.Manager through WithContext.
func readFiles(ctx context.Context, core Core) (session.Snapshot, []session.KeyLocation, error) {
	if ctx == nil {
		return core.SnapshotAndKeys()
	}
	switch c := core.(type) {
	case contextReader:
		return c.SnapshotAndKeysContext(ctx)
	case *session.Manager:
		return c.WithContext(ctx).SnapshotAndKeys()
	}
	return core.SnapshotAndKeys()
}

// finishRead applies a read's result, unless a newer one already shows,
// and starts the read a change asked for meanwhile.
func (a *App) finishRead(ev ReadDone) {
	r := &a.reads
	if ev.Seq == r.seq {
		r.running = false
		r.dirty = r.pending
	} else if ev.Seq < r.seq && r.stuck > 0 {
		r.stuck-- // one left behind has ended after all
	}
	if ev.Seq > r.applied {
		r.applied, r.loaded = ev.Seq, true
		a.fileSig = ev.Sig
		a.applyRead(ev)
		a.render()
	}
	if r.pending && !r.running {
		a.startRead()
	}
}

// noticesHeld reports whether the expiry notices must wait: the files
// changed since the read that shows (a session deleted by hand, renewed,
// logged out), and the read that will tell is under way. A read that has
// not ended after readStuckAfter holds them no longer.
func (a *App) noticesHeld() bool {
	r := &a.reads
	return r.dirty && (r.running || r.pending) && time.Since(r.started) < readStuckAfter
}

func (a *App) applyRead(ev ReadDone) {
	r := &a.reads
	if ev.Err != nil {
		if r.lastErr != ev.Err.Error() {
			a.log.Warn("cannot read the AWS files", "err", ev.Err)
		}
		r.lastErr = ev.Err.Error()
		a.snap, a.snapErr, a.keys, a.stores = session.Snapshot{Taken: a.cfg.Clock.Now()}, ev.Err, nil, nil
		return
	}
	r.lastErr = ""
	snap := ev.Snap
	// Sorted once per read, so each render's BuildMenu finds them sorted.
	snap.Profiles = naturalOrder(snap.Profiles)
	snap.SSO = ssoOrder(snap.SSO)
	a.setFiles(snap)
	a.checkWindow(snap)
	a.snap, a.snapErr = snap, nil
	a.keys = make(map[string]session.KeyLocation, len(ev.Keys))
	a.stores = nil
	if len(ev.Keys) > 0 {
		a.stores = make(map[string]session.KeyStore, len(ev.Keys))
	}
	for _, l := range ev.Keys {
		a.keys[l.Profile] = l
		a.stores[l.Profile] = l.Store
	}
	a.labels.Trim(len(snap.Profiles), len(snap.Roles))
	a.pruneRenewed()
}

// stale reports whether a tick must read the files: the last read failed,
// or the files changed since it. The watcher normally reports a change
// first; this catches one it has not reported yet (an edit just before
// the tick) or cannot see, for two stat calls a minute.
func (a *App) stale() bool {
	return a.snapErr != nil || statSignature(a.files) != a.fileSig
}

// after is cfg.After, or a real timer.
func (a *App) after(d time.Duration) <-chan time.Time {
	if a.cfg.After != nil {
		return a.cfg.After(d)
	}
	return time.After(d)
}
