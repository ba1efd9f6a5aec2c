package inifile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"time"
)

// Tunables of the torn-read guard; variables so tests can shorten them.
var (
	// settleTimeout bounds how long a read waits for a file that looks
	// torn (the AWS CLI truncates it, then writes) to settle.
	settleTimeout = 10 * time.Second
	// racyWindow: a file whose timestamps lie this close to (or after) an
	// earlier read may have changed within the same timestamp tick, so
	// equal timestamps do not prove it unchanged since that read.
	racyWindow = 50 * time.Millisecond
	// recentWrite: an empty file written this recently may be a rewrite
	// caught between its truncation and its write.
	recentWrite = time.Second
	// heldQuiet: a read of a file another program holds open for writing
	// is trusted once the file has looked whole and unchanged this long;
	// and a wait that long for such a file is said (WithWaitNotice).
	heldQuiet = time.Second
	// beforeRead is a test hook run before each read of a settle loop;
	// n counts the reads of that loop from 0.
	beforeRead func(target string, n int)
	// midRead is a test hook run between a read and the stat after it.
	midRead func(target string)
)

// snapshot is one read of a file.
type snapshot struct {
	path     string // the resolved target
	exists   bool
	data     []byte
	fi       fs.FileInfo // of the open file after the read; nil when !exists or busy without data
	ctime    int64       // status change time in ns; 0 where unknown
	readAt   time.Time   // when the read began (after the lease was taken)
	leased   bool        // read under a lease: no other program had the file open for writing
	busy     bool        // another program had the file open for writing
	unstable bool        // size or mtime changed while we read, or the size lied
	reused   bool        // data is an earlier read's, proven unchanged
	since    time.Time   // when a read first saw the file as it is in this one
}

// sameBytes reports whether s and o read the same content.
func (s *snapshot) sameBytes(o *snapshot) bool {
	return s.exists == o.exists && bytes.Equal(s.data, o.data)
}

// agrees reports whether two reads saw the same file in the same state.
func (s *snapshot) agrees(o *snapshot) bool {
	if !s.sameBytes(o) {
		return false
	}
	if !s.exists {
		return true
	}
	return s.fi != nil && o.fi != nil && os.SameFile(s.fi, o.fi) &&
		s.fi.Size() == o.fi.Size() && s.fi.ModTime().Equal(o.fi.ModTime()) && s.ctime == o.ctime
}

// unchangedSince reports whether fi (the file as it is now) is provably the
// file that base read: same file, size and timestamps, and those timestamps
// older than the read by more than a timestamp tick.
func unchangedSince(base *snapshot, fi fs.FileInfo) bool {
	if base == nil || !base.exists || base.fi == nil || base.busy || base.unstable {
		return false
	}
	if !os.SameFile(base.fi, fi) || base.fi.Size() != fi.Size() || !base.fi.ModTime().Equal(fi.ModTime()) || base.ctime != ctimeOf(fi) {
		return false
	}
	window := racyWindow
	if fi.ModTime().Nanosecond() == 0 {
		// Whole-second timestamps (FAT keeps two): a change just after
		// the read may carry a time well before it.
		window = 2 * time.Second
	}
	limit := base.readAt.Add(-window)
	if !fi.ModTime().Before(limit) {
		return false
	}
	if c := ctimeOf(fi); c != 0 && !time.Unix(0, c).Before(limit) {
		return false
	}
	return true
}

// readOnce reads target once: it refuses anything but a regular file
// (opening without blocking, so a FIFO cannot hang us), bounds the size,
// takes a read lease where the system has them (it fails while another
// program has the file open for writing, which is how we see the AWS
// CLI's truncate-then-write), and notes whether the file changed while we
// read. With hold, the lease of the returned read is kept (nil where there
// is none). With base, whose file is proven unchanged, base's data is
// taken instead of reading.
func readOnce(target string, hold bool, base *snapshot) (*snapshot, *lease, error) {
	s := &snapshot{path: target}
	f, err := openRead(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		s.readAt = time.Now()
		return s, nil, nil
	case isWouldBlock(err): // someone holds a write lease (Samba, an NFS server)
		s.exists, s.busy = true, true
		return s, nil, nil
	case err != nil:
		return nil, nil, fsError("read", target, err)
	}
	keep := false
	defer func() {
		if !keep {
			f.Close()
		}
	}()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, fsError("read", target, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, notRegular(target, fi.Mode())
	}
	if fi.Size() > MaxSize {
		return nil, nil, tooLarge(target)
	}
	l, busy := takeLease(f)
	s.exists, s.busy, s.leased = true, busy, l != nil
	s.readAt = time.Now()
	if !busy && unchangedSince(base, fi) {
		s.data, s.fi, s.ctime, s.reused = base.data, fi, ctimeOf(fi), true
	} else {
		data, err := readAll(f, fi.Size())
		if err != nil {
			l.release()
			if errors.Is(err, ErrTooLarge) {
				return nil, nil, tooLarge(target)
			}
			return nil, nil, fsError("read", target, err)
		}
		if midRead != nil {
			midRead(target)
		}
		after, err := f.Stat()
		if err != nil {
			l.release()
			return nil, nil, fsError("read", target, err)
		}
		s.data, s.fi, s.ctime = data, after, ctimeOf(after)
		s.unstable = after.Size() != fi.Size() || !after.ModTime().Equal(fi.ModTime()) || int64(len(data)) != after.Size()
	}
	if l == nil {
		return s, nil, nil
	}
	if !hold {
		l.release() // closes f
		keep = true
		return s, nil, nil
	}
	keep = true // the lease owns f now
	l.watch()
	return s, l, nil
}

// readAll reads f whole, sized by its stat, and fails past MaxSize.
func readAll(f *os.File, size int64) ([]byte, error) {
	// One more byte than the size, so EOF shows without growing the buffer.
	data := make([]byte, 0, size+1)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if len(data) > MaxSize {
			return nil, ErrTooLarge
		}
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) { // it grew since the stat
			data = append(data, 0)[:len(data)]
		}
	}
}

// readRules say what a settled read must satisfy.
type readRules struct {
	prev     *snapshot       // the operation's previous trusted read of this file, if any
	need     map[string]bool // sections that must be there: seen earlier, not removed by us
	hold     bool            // keep the lease of the read returned
	base     *snapshot       // an earlier read to reuse when the file is unchanged since
	baseFile *File           // base parsed
	budget   *budget         // the operation's settle bound; nil: a bound of its own
}

// trusted reports whether s, made at now, can be used as it is; last is
// the previous read of this wait (nil for the first), prev the
// operation's previous trusted read.
//
// A read made while another program holds the file open for writing
// (busy) is trusted only when it looks whole and has stayed so for
// heldQuiet: an editor or a shell holding the file open changes nothing,
// while the AWS CLI between its truncation and its write leaves it empty,
// which is never trusted however long it lasts. Without a lease to show
// such a writer, an empty file is trusted once it is older than a rewrite
// takes, and a read shorter than the operation's last once a second read
// agrees.
func trusted(s, last, prev *snapshot, now time.Time) bool {
	switch {
	case s.unstable:
		return false
	case s.busy:
		return len(s.data) > 0 && !shorter(s, prev) && !justWritten(s, now) && now.Sub(s.since) >= heldQuiet
	case s.leased || s.reused:
		return true
	case s.exists && len(s.data) == 0 && justWritten(s, now):
		return false
	case shorter(s, prev):
		return last != nil && last.agrees(s)
	}
	return true
}

// shorter reports whether s holds less than prev, or nothing where prev
// held something.
func shorter(s, prev *snapshot) bool {
	return prev != nil && prev.exists && len(prev.data) > 0 && (!s.exists || len(s.data) < len(prev.data))
}

// justWritten reports whether s's content was changed (a truncation
// counts) within recentWrite of now, or has a time ahead of the clock.
func justWritten(s *snapshot, now time.Time) bool {
	return s.fi != nil && now.Sub(s.fi.ModTime()) < recentWrite
}

// readSettled reads target until the read can be trusted (see trusted)
// and holds every section in r.need. A section of r.need that stays
// missing, or a file that never settles, fails with a sentence once the
// operation's reads have waited settleTimeout in all; ctx ends the wait
// at once. After heldQuiet of waiting for a file another program holds
// open for writing, the wait notice of ctx (WithWaitNotice) is told, once.
func readSettled(ctx context.Context, target string, r readRules) (*snapshot, *File, *lease, error) {
	b := r.budget
	if b == nil {
		b = &budget{}
	}
	start := time.Now()
	deadline := start.Add(b.left())
	defer func() { b.spend(time.Since(start)) }()
	delay := time.Millisecond
	var last *snapshot
	noticed := false
	for n := 0; ; n++ {
		if beforeRead != nil {
			beforeRead(target, n)
		}
		s, l, err := readOnce(target, r.hold, r.base)
		if err != nil {
			return nil, nil, nil, err
		}
		var f *File
		if s.reused && r.baseFile != nil {
			f = r.baseFile
		} else {
			f = parseOwned(s.data)
		}
		// How long the file has looked like this: since the first read of
		// this wait that saw it so, or of the operation's last read when
		// that, too, was made while the file was held open.
		s.since = s.readAt
		switch {
		case last != nil && last.agrees(s):
			s.since = last.since
		case r.prev != nil && r.prev.busy && s.busy && r.prev.agrees(s):
			s.since = r.prev.since
		}
		missing := missingSection(f, r.need)
		now := time.Now()
		if missing == "" && trusted(s, last, r.prev, now) {
			return s, f, l, nil
		}
		l.release()
		if !now.Before(deadline) {
			return nil, nil, nil, unsettled(target, s, r.prev, missing, settleTimeout)
		}
		if s.busy && !noticed && now.Sub(start) >= heldQuiet {
			noticed = true
			if fn, ok := ctx.Value(waitNoticeKey{}).(func(string)); ok {
				fn(target)
			}
		}
		last = s
		if err := sleepCtx(ctx, min(delay, time.Until(deadline))); err != nil {
			return nil, nil, nil, fmt.Errorf("wait for %s to settle: %w", target, err)
		}
		delay = min(delay*2, 50*time.Millisecond)
	}
}

func unsettled(target string, s, prev *snapshot, missing string, bound time.Duration) error {
	switch {
	case missing != "":
		return newError(target, ErrSectionLost, nil,
			"[%s] vanished from %s while awsmfa was using it and did not come back within %s, so awsmfa stopped and wrote nothing: check the file (another program may be rewriting it) and try again",
			missing, target, bound)
	case s.busy && (len(s.data) == 0 || shorter(s, prev)):
		return newError(target, ErrUnsettled, nil,
			"%s stayed empty (or shorter than awsmfa read it before) for %s while another program held it open for writing, so awsmfa stopped and wrote nothing: let that program finish writing it (or close it), then try again",
			target, bound)
	case s.busy:
		return newError(target, ErrUnsettled, nil,
			"%s kept changing for %s while another program held it open for writing, so awsmfa stopped and wrote nothing: let that program finish writing it (or close it), then try again",
			target, bound)
	case s.exists && len(s.data) == 0:
		return newError(target, ErrUnsettled, nil,
			"%s was emptied moments ago and not written again within %s (another program may be rewriting it), so awsmfa stopped and wrote nothing: try again, and check the file if it stays empty",
			target, bound)
	}
	return newError(target, ErrUnsettled, nil,
		"%s kept changing for %s while awsmfa read it (another program, the AWS CLI?, is writing it without a lock), so awsmfa stopped and wrote nothing: try again",
		target, bound)
}

// budget is one operation's settle bound: the waits of all its reads
// (a Load, then Begin and Commit) add up to settleTimeout at most,
// rather than each waiting its own.
type budget struct {
	mu    sync.Mutex
	spent time.Duration
}

func (b *budget) left() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return max(settleTimeout-b.spent, 0)
}

func (b *budget) spend(d time.Duration) {
	b.mu.Lock()
	b.spent += d
	b.mu.Unlock()
}

type (
	budgetKey     struct{}
	waitNoticeKey struct{}
)

// Operation returns ctx marked as one operation: the reads of every Load,
// Begin and Commit under it share one bound on waiting for a file to
// settle (10 s), rather than each waiting its own. A ctx that is already
// an operation is returned as it is. Begin makes its transaction one
// operation when ctx is not.
func Operation(ctx context.Context) context.Context {
	if _, ok := ctx.Value(budgetKey{}).(*budget); ok {
		return ctx
	}
	return context.WithValue(ctx, budgetKey{}, &budget{})
}

// budgetOf is ctx's operation bound, or a new one.
func budgetOf(ctx context.Context) *budget {
	if b, ok := ctx.Value(budgetKey{}).(*budget); ok {
		return b
	}
	return &budget{}
}

// WithWaitNotice returns ctx with fn, which a read under it calls (with
// the file's real path) when it has waited about a second for a file that
// another program holds open for writing, so that a person is not left
// wondering: "waiting for <path>, which another program has open for
// writing". It is called at most once per read of a file, from the
// reading goroutine.
func WithWaitNotice(ctx context.Context, fn func(path string)) context.Context {
	return context.WithValue(ctx, waitNoticeKey{}, fn)
}

// missingSection returns a section of need that f lacks, or "".
func missingSection(f *File, need map[string]bool) string {
	for name := range need {
		if f.Count(name) == 0 {
			return name
		}
	}
	return ""
}

func sectionSet(f *File) map[string]bool {
	m := map[string]bool{}
	for _, s := range f.Sections() {
		m[s] = true
	}
	return m
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
