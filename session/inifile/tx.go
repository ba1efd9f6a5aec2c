package inifile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Tx is one locked read-modify-write of a file. Begin takes the lock and
// reads the file once; File is that read; Commit writes an edit of it
// under the same lock; Close lets go. In between, the caller may do slow
// work (an STS call) knowing the write can happen: Begin already proved
// the lock can be taken and the file read, and Check, before it, that the
// folder takes a new file.
//
// The read is guarded against the AWS CLI, which rewrites the file in
// place without a lock: a read that looks torn is retried until it can be
// trusted (see readSettled), and Commit never writes a file that lacks a
// section any read of the transaction saw, unless the edit removed it.
type Tx struct {
	target, dir string
	raw         bool // the content is not INI: no sections, replaced whole
	unlock      func()
	cur         *snapshot // the newest trusted read
	file        *File     // cur parsed
	lease       *lease    // held on cur's file since the read, where there are leases
	seen        map[string]bool
	budget      *budget // the operation's settle bound, shared by Begin and Commit
	committed   bool
}

// Option tunes Begin, Update and UpdateContext.
type Option func(*options)

type options struct {
	base *File
	need []string
	raw  bool
}

// Reusing lets Begin take f, an unedited Load of the same path, as its
// read when the file provably has not changed since (same file, size and
// timestamps, older than the read), so one read serves a whole operation.
// Otherwise Begin reads afresh; f then only tells it what the file held
// before, which makes a torn read easier to spot.
func Reusing(f *File) Option { return func(o *options) { o.base = f } }

// Needing names sections that Begin's read must hold, such as those of an
// earlier read that hold long-term keys and the section the operation uses:
// a read that lacks one is torn (the AWS CLI truncated the file and has
// not written it yet) or another program removed it, and is read again
// until the section is back, or the operation fails with a sentence
// within its bound and writes nothing. Sections an earlier read saw that
// another awsmfa may remove meanwhile (a logout of a session) are not
// needed; after Begin, under the lock, Commit needs every section the
// transaction saw (bar those its edit removes).
func Needing(sections ...string) Option {
	return func(o *options) { o.need = append(o.need, sections...) }
}

// rawContent is for WriteFile: the content is not INI and is replaced
// whole, so it is neither read nor checked for sections.
func rawContent() Option { return func(o *options) { o.raw = true } }

// Begin starts a transaction on the file at path: it resolves symlinks
// (writing through to the target, creating it if the link dangles),
// refuses anything but a regular file, creates a missing folder 0700,
// takes the lock "<target>.lock" (waiting for another awsmfa process at
// most 30 s, and not at all once ctx ends), removes temp files that a
// killed writer left, and reads the file (a missing file reads as empty).
// Its waits for a settling file and Commit's share ctx's Operation bound
// (one of their own when ctx is not an operation). The caller must Close
// the Tx.
func Begin(ctx context.Context, path string, opts ...Option) (*Tx, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	target, err := resolveSymlinks(path)
	if err != nil {
		return nil, err
	}
	// AWS_SHARED_CREDENTIALS_FILE=/dev/null is a common trick: never lock,
	// read or rename over a device, pipe or folder.
	if fi, err := os.Lstat(target); err == nil {
		if !fi.Mode().IsRegular() {
			return nil, notRegular(target, fi.Mode())
		}
		if fi.Size() > MaxSize && !o.raw {
			return nil, tooLarge(target)
		}
	}
	dir := filepath.Dir(target)
	if err := mkdirAll(dir); err != nil {
		return nil, fsError("create the folder for", target, err)
	}
	unlock, err := lock(ctx, target)
	if err != nil {
		return nil, err
	}
	t := &Tx{target: target, dir: dir, raw: o.raw, unlock: unlock, budget: budgetOf(ctx)}
	removeTemps(target)
	if o.raw {
		t.cur, t.file = &snapshot{path: target}, &File{}
		if fi, err := os.Stat(target); err == nil {
			t.cur.exists, t.cur.fi = true, fi
		}
		return t, nil
	}
	var base *snapshot
	if o.base != nil && o.base.src != nil && o.base.src.path == target {
		base = o.base.src
	}
	var need map[string]bool
	if len(o.need) > 0 {
		need = map[string]bool{}
		for _, name := range o.need {
			need[name] = true
		}
	}
	s, f, l, err := readSettled(ctx, target, readRules{prev: base, need: need, hold: true, base: base, baseFile: o.base, budget: t.budget})
	if err != nil {
		t.Close()
		return nil, err
	}
	f.src = s
	t.cur, t.file, t.lease = s, f, l
	return t, nil
}

// File is the file as Begin read it: the same *File as the Reusing
// option's when the file had not changed. It is for reading; edits go
// through Commit.
func (t *Tx) File() *File { return t.file }

// Path is the file's real path, symlinks resolved.
func (t *Tx) Path() string { return t.target }

// Unlease lets go of the read lease (Linux) that Begin holds on the file,
// keeping the lock. A caller about to do slow work (an STS call) calls it,
// so that a writer without a lock (the AWS CLI) never waits on us, even
// while this process is stopped (SIGSTOP, a debugger), which would hold
// it up for the kernel's lease-break time (45 s). Commit then reads the
// file again before its rename, as it does where there are no leases.
func (t *Tx) Unlease() {
	t.lease.release()
	t.lease = nil
}

// Close releases the lock. It is safe to call more than once, and on nil.
func (t *Tx) Close() {
	if t == nil {
		return
	}
	t.lease.release()
	t.lease = nil
	if t.unlock != nil {
		t.unlock()
		t.unlock = nil
	}
}

// Commit runs edit on a fresh copy of the file as read and, if the bytes
// changed, writes them: a 0600 temp file in the same folder, given the old
// file's mode, owner, group, ACL and extended attributes (0600 and the
// folder's owner for a new file), fsynced; then, if the file changed since
// the read (another program wrote it: the lease says so where there is
// one, a new read elsewhere), edit runs again on the new content, up to a
// bound; then the target's identity is checked, the temp file renamed
// over it and the folder fsynced. edit's error is returned unchanged and
// nothing is written. No temp file is left behind on any error. Commit
// may be called once.
func (t *Tx) Commit(ctx context.Context, edit func(*File) error) error {
	if t.unlock == nil || t.committed {
		return errors.New("inifile: Commit on a closed or committed transaction")
	}
	t.committed = true
	for attempt := 0; attempt < maxAttempts; attempt++ {
		f := &File{}
		if !t.raw {
			f = parseOwned(t.cur.data)
		}
		if err := edit(f); err != nil {
			return err
		}
		if !t.raw && f.equal(t.cur.data) {
			return nil
		}
		tmp, err := writeTemp(t.target, f, t.cur)
		if err != nil {
			return err
		}
		if beforeRename != nil {
			beforeRename(t.target)
		}
		ok, err := t.stillCurrent(ctx, f)
		if err == nil && ok {
			ok, err = t.sameIdentity()
		}
		// Last, the narrowest window: a writer that opened the file since
		// the check above would write into the file we are about to
		// replace, and lose its change.
		if err == nil && ok && t.lease != nil && !t.lease.intact() {
			ok = false
		}
		if err != nil || !ok {
			os.Remove(tmp)
			if err != nil {
				return err
			}
			continue
		}
		if err := replaceFile(tmp, t.target); err != nil {
			os.Remove(tmp)
			return fsError("replace", t.target, err)
		}
		t.lease.release()
		t.lease = nil
		if err := syncDir(t.dir); err != nil {
			return newError(t.target, nil, err, "%s was written, but its folder could not be synced to disk (%s), so a crash now could undo it", t.target, plainOSError(err))
		}
		return nil
	}
	return newError(t.target, ErrConflict, nil,
		"%s kept changing while awsmfa wrote it (another program, the AWS CLI?, is writing it without a lock), so awsmfa wrote nothing: try again", t.target)
}

// stillCurrent reports whether the file still holds what t.cur read. With
// a lease that no writer has broken, it does, with no need to look. Else
// it reads the file again, trusting the read only once it holds every
// section the transaction has seen, bar those the edit (which made
// edited) removed; a different content becomes t.cur, and false is
// returned so that the edit runs again on it.
func (t *Tx) stillCurrent(ctx context.Context, edited *File) (bool, error) {
	if t.raw || t.lease.intact() {
		return true, nil
	}
	t.lease.release()
	t.lease = nil
	if t.seen == nil {
		t.seen = sectionSet(t.file)
	}
	need := make(map[string]bool, len(t.seen))
	for name := range t.seen {
		need[name] = true
	}
	// What the edit removed from the current content may be missing.
	for name := range sectionSet(t.file) {
		if edited.Count(name) == 0 {
			delete(need, name)
		}
	}
	// A file provably unchanged since t.cur (same file, size and
	// timestamps) is not read again: a Tx that let go of its lease for an
	// STS call still reads the file once.
	s, f, l, err := readSettled(ctx, t.target, readRules{prev: t.cur, need: need, hold: true, base: t.cur, baseFile: t.file, budget: t.budget})
	if err != nil {
		return false, err
	}
	same := s.sameBytes(t.cur)
	f.src = s
	t.cur, t.lease = s, l
	if same {
		return true, nil
	}
	t.file = f
	for name := range sectionSet(f) {
		t.seen[name] = true
	}
	return false, nil
}

// sameIdentity checks, just before the rename, that the path still names
// the file we read (device and inode, not only content): a symlink or a
// folder put in its place is never replaced by a regular file. A regular
// file put there by another writer's rename is read again (false).
func (t *Tx) sameIdentity() (bool, error) {
	fi, err := os.Lstat(t.target)
	if errors.Is(err, fs.ErrNotExist) {
		if t.cur.exists {
			t.lease.release()
			t.lease = nil
			return false, nil
		}
		return true, nil
	}
	if err != nil {
		return false, fsError("replace", t.target, err)
	}
	if !fi.Mode().IsRegular() {
		return false, newError(t.target, ErrReplaced, nil,
			"%s was replaced by %s while awsmfa was writing it, so awsmfa wrote nothing: check what is there now and try again",
			t.target, kindOf(fi.Mode()))
	}
	if t.raw {
		return true, nil
	}
	if !t.cur.exists || t.cur.fi == nil || !os.SameFile(fi, t.cur.fi) {
		t.lease.release()
		t.lease = nil
		return false, nil
	}
	return true, nil
}

// Check reports, writing nothing the user could miss, whether the file at
// path can be replaced: it is a regular file (or missing) that is not
// marked immutable and whose owner, group and mode the replacement can
// keep; its folder is not immutable; the lock file can be opened (it is
// created if missing); and a temp file can be created beside it (one is,
// then removed). A login asks this before the MFA code is typed, so no
// code is spent on a write that cannot happen. A missing folder is
// checked by Begin, which creates it.
func Check(path string) error {
	target, err := resolveSymlinks(path)
	if err != nil {
		return err
	}
	fi, err := os.Lstat(target)
	exists := err == nil
	switch {
	case exists && !fi.Mode().IsRegular():
		return notRegular(target, fi.Mode())
	case exists && fi.Size() > MaxSize:
		return tooLarge(target)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return fsError("read", target, err)
	}
	dir := filepath.Dir(target)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if name, ok := immutable(target); ok {
		return newError(target, ErrNotWritable, nil,
			"%s is marked immutable or append-only (chattr +i/+a), so awsmfa cannot replace %s: remove the mark with \"sudo chattr -i -a %s\"", name, target, name)
	}
	if exists {
		if err := checkOwner(target, fi); err != nil {
			return err
		}
		if err := checkReplaceable(target, fi); err != nil {
			return err
		}
	}
	lf, err := openLockFile(target)
	if err != nil {
		return err
	}
	lf.Close()
	_, base := filepath.Split(target)
	// An empty probe, named apart from the temp files: those are swept by
	// whoever holds the lock, which Check does not take.
	tmp, err := os.CreateTemp(dir, tempPrefix(base)+probeInfix+"*"+tempSuffix)
	if err != nil {
		return fsError("write a new file beside", target, err)
	}
	name := tmp.Name()
	tmp.Close()
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fsError("remove a test file beside", target, err)
	}
	return nil
}

// UpdateContext is Update whose waits (for the lock, for a file another
// program is writing) end when ctx does.
func UpdateContext(ctx context.Context, path string, edit func(*File) error, opts ...Option) error {
	tx, err := Begin(ctx, path, opts...)
	if err != nil {
		return err
	}
	defer tx.Close()
	return tx.Commit(ctx, edit)
}

// String is for debugging: the target, never the content.
func (t *Tx) String() string { return fmt.Sprintf("inifile.Tx(%s)", t.target) }
