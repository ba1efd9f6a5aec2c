package inifile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
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
	limit := base.readAt.Add(-racyWindow)
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
	prev     *snapshot       // the operation's previous read of this file, if any
	need     map[string]bool // sections that must be there: seen earlier, not removed by us
	hold     bool            // keep the lease of the read returned
	base     *snapshot       // an earlier read to reuse when the file is unchanged since
	baseFile *File           // base parsed
}

// suspect reports whether s may be a torn read that a second read must
// confirm: the file was being written or changed as we read it; or,
// without a lease to prove no writer was in the middle, it is empty or
// shorter than this operation's previous read, or empty and just written.
func suspect(s, prev *snapshot) bool {
	if s.busy || s.unstable {
		return true
	}
	if s.leased || s.reused {
		return false
	}
	if prev != nil && prev.exists && len(prev.data) > 0 && (!s.exists || len(s.data) < len(prev.data)) {
		return true
	}
	return s.exists && len(s.data) == 0 && s.fi != nil && time.Since(s.fi.ModTime()) < recentWrite
}

// readSettled reads target until the read can be trusted: it holds every
// section in r.need, and it is not suspect or a second read agrees with it
// (a read made while another program holds the file open for writing is
// trusted only when agreeing reads span the whole bound). A section of
// r.need that stays missing, or a file that never settles, fails within
// settleTimeout with a sentence; so does ctx.
func readSettled(ctx context.Context, target string, r readRules) (*snapshot, *File, *lease, error) {
	deadline := time.Now().Add(settleTimeout)
	delay := time.Millisecond
	var last *snapshot
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
		missing := missingSection(f, r.need)
		expired := !time.Now().Before(deadline)
		agree := last != nil && last.agrees(s)
		if missing == "" && (!suspect(s, r.prev) || agree && (!s.busy || expired)) {
			return s, f, l, nil
		}
		l.release()
		if expired {
			return nil, nil, nil, unsettled(target, s, missing)
		}
		last = s
		if err := sleepCtx(ctx, delay); err != nil {
			return nil, nil, nil, fmt.Errorf("wait for %s to settle: %w", target, err)
		}
		delay = min(delay*2, 50*time.Millisecond)
	}
}

func unsettled(target string, s *snapshot, missing string) error {
	switch {
	case missing != "":
		return newError(target, ErrSectionLost, nil,
			"[%s] vanished from %s while awsmfa was using it and did not come back within %s, so awsmfa wrote nothing: check the file (another program may be rewriting it) and try again",
			missing, target, settleTimeout)
	case s.busy:
		return newError(target, ErrUnsettled, nil,
			"%s stayed open for writing by another program (the AWS CLI?) for %s, so awsmfa wrote nothing: try again when it is done",
			target, settleTimeout)
	}
	return newError(target, ErrUnsettled, nil,
		"%s kept changing for %s while awsmfa read it (another program is writing it without a lock), so awsmfa wrote nothing: try again",
		target, settleTimeout)
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
