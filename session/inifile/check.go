package inifile

import (
	"fmt"
	"slices"
	"strings"
)

// Every edit is checked against both readers before it is made: the lines
// it writes are parsed the way aws-sdk-go-v2 reads them (parse.go) and the
// way botocore reads them (botocore.go), and compared with what each read
// before. An edit passes only when each reader sees exactly the intended
// change: the one key of the one section set or gone (or the one empty
// section gone), and nothing else, in its own reading of the file.
//
// Both checks look only at the lines around the edit. aws-sdk-go-v2 forgets
// everything at a header, so the blocks the edit replaces are enough. botocore keeps reading a key's value into lines indented
// deeper, even past a header, but a header in column 0 always starts a
// section afresh: the check re-reads from the last such line before the
// edit to the first after it. What is global to botocore (a section name
// seen twice, two headers that name one profile, DEFAULT) is looked up in
// an index of botocore's headers built once per File, when an edit needs it.

// intent is what an edit means to do.
type intent struct {
	section string  // as aws-sdk-go-v2 names it
	key     string  // lowercased; "" when the section itself goes
	want    *string // the key's new value; nil when it goes
	drop    bool    // the section goes (RemoveEmptySection)
	rename  string  // the key's new name (Rename), its value kept
	hdr     int     // the section's header line in the old file; -1 for a new one
	newHdr  int     // and in the new file
}

// candidate is one way to write an edit: lines to replace the old blocks.
type candidate struct {
	lines  []string
	origin []int // per line, the old line it copies; -1 for a line the edit writes
	noop   bool  // lines are the old ones: the file already reads as intended
}

// refusal says, in one sentence, why an edit is refused and what to fix.
type refusal struct{ reason string }

func (u *refusal) Error() string { return u.reason }

// tryEdit makes the first candidate that both readers accept, in place of
// blocks [bi, bj). When none is accepted, the file is unchanged and the
// error explains the first candidate's failure.
func (f *File) tryEdit(bi, bj int, cands []candidate, it intent) error {
	var first error
	for _, c := range cands {
		nbs, err := f.checkEdit(bi, bj, c, it)
		if err == nil {
			if !c.noop {
				f.install(bi, bj, c.lines, nbs)
			}
			return nil
		}
		if first == nil {
			first = err
		}
	}
	what := "set " + it.key + " in [" + it.section + "]"
	switch {
	case it.drop:
		what = "remove [" + it.section + "]"
	case it.rename != "":
		what = "rename " + it.key + " in [" + it.section + "]"
	case it.want == nil:
		what = "remove " + it.key + " from [" + it.section + "]"
	}
	return refused(ErrUnsafeEdit, "cannot %s safely: %v", what, first)
}

// checkEdit checks candidate c for blocks [bi, bj) with both readers and
// returns the blocks aws-sdk-go-v2 reads from its lines.
func (f *File) checkEdit(bi, bj int, c candidate, it intent) ([]block, error) {
	a := f.analysis()
	old := a.fill(bi)
	lo, hi := old.header, a.blocks[bj-1].end
	nbs := reblock(c.lines, lo, old.pre)
	section, key, want := it.section, it.key, it.want
	if it.drop {
		section, key, want = "", "", nil // the block before reads the same
	}
	var err error
	if it.rename != "" {
		err = sameRenamed(old, nbs, it.key, it.rename)
	} else {
		err = sameExcept(a, old, nbs, section, key, want)
	}
	if err != nil {
		return nil, f.sdkReason(a, bi, bj, c, nbs, err)
	}
	if f.bom {
		// aws-sdk-go-v2 does not see a header right after the mark.
		if it.want != nil && it.hdr == 0 {
			return nil, &refusal{fmt.Sprintf("[%s] is on the first line, right after a byte-order mark, where aws-sdk-go-v2 does not see it; save the file without the mark, or put a blank line above [%s]", it.section, it.section)}
		}
		first := ""
		switch {
		case lo > 0:
		case len(c.lines) > 0:
			first = c.lines[0]
		case hi < len(f.lines):
			first = f.lines[hi]
		}
		if name, ok := headerName(lineContent(first)); ok && first != "" && (it.drop && it.hdr == 0 || lo == 0 && len(f.lines) > 0 && !isHeaderLine(f.lines[0])) {
			return nil, &refusal{fmt.Sprintf("it would put [%s] on the first line, right after a byte-order mark, where aws-sdk-go-v2 does not see it; save the file without the mark", name)}
		}
	}
	if err := f.botocoreCheck(lo, hi, c, it); err != nil {
		return nil, err
	}
	return nbs, nil
}

func isHeaderLine(l string) bool {
	_, ok := headerName(lineContent(l))
	return ok
}

// sdkReason turns a failed aws-sdk-go-v2 comparison into a sentence,
// naming the first line whose reading changes.
func (f *File) sdkReason(a *analysis, bi, bj int, c candidate, nbs []block, err error) error {
	oldRole := func(i int) string { return sdkRole(a.blockAt(i), i) }
	newRole := func(j int) string {
		for k := range nbs {
			if nb := &nbs[k]; j+a.blocks[bi].header >= nb.header && j+a.blocks[bi].header < nb.end {
				return sdkRole(nb, j+a.blocks[bi].header)
			}
		}
		return ""
	}
	for j, o := range c.origin {
		if o < 0 {
			continue
		}
		if was, is := oldRole(o), newRole(j); was != is {
			return &refusal{fmt.Sprintf("aws-sdk-go-v2 would read line %d as %s instead of %s; give the lines there the same indentation by hand", o+1, is, was)}
		}
	}
	return &refusal{"aws-sdk-go-v2 would read it differently (" + err.Error() + "); edit it by hand"}
}

// sdkRole describes what aws-sdk-go-v2 makes of file line i in block b.
func sdkRole(b *block, i int) string {
	li := b.info[i-b.header]
	switch li.kind {
	case kindKey:
		return "the key " + b.kvs[li.key].key
	case kindNested:
		ol := b.info[li.owner]
		if ol.kind == kindKey {
			return "part of the value of " + b.kvs[ol.key].key
		}
		return "part of a value"
	case kindHeader:
		return "a section header"
	case kindOther:
		return "text it ignores"
	}
	return "a blank or comment line"
}

// botocoreCheck re-reads, the way botocore does, the lines around the
// edit of old lines [lo, hi), and checks that only the intended change
// shows.
func (f *File) botocoreCheck(lo, hi int, c candidate, it intent) error {
	lines := f.lines
	bs, be := boSyncBefore(lines, lo), boSyncAfter(lines, hi)
	oldR := boParse(lines[bs:be], true, true)
	nl := make([]string, 0, be-bs-(hi-lo)+len(c.lines))
	nl = append(nl, lines[bs:lo]...)
	nl = append(nl, c.lines...)
	nl = append(nl, lines[hi:be]...)
	newR := boParse(nl, true, true)
	d := &boDiff{f: f, it: it, c: c, bs: bs, lo: lo, hi: hi, be: be, old: oldR, new: newR}
	return d.check()
}

// boSyncBefore is the last line at or before i where botocore starts a
// section whatever came before (a header in column 0), or 0.
func boSyncBefore(lines []string, i int) int {
	for j := min(i, len(lines)-1); j > 0; j-- {
		if boSync(lines[j]) {
			return j
		}
	}
	return 0
}

// boSyncAfter is the first such line at or after i, or len(lines).
func boSyncAfter(lines []string, i int) int {
	for j := i; j < len(lines); j++ {
		if boSync(lines[j]) {
			return j
		}
	}
	return len(lines)
}

// boSync reports whether botocore reads l as a section header whatever
// came before: a header in column 0 (as the first of its Python lines).
func boSync(l string) bool {
	if len(l) < 3 || l[0] != '[' {
		return false
	}
	_, ok := boHeaderName(pyRstrip(firstPyLine(l)))
	return ok
}

// boDiff compares botocore's reading of the lines around an edit before
// (old) and after (new). Lines are counted from bs in both.
type boDiff struct {
	f              *File
	it             intent
	c              candidate
	bs, lo, hi, be int
	old, new       *boRead
}

const botocore = "botocore (the AWS CLI)"

func (d *boDiff) check() error {
	it := d.it
	// The edited section: botocore's at the header line.
	oldSec, newSec := -1, -1
	if it.hdr >= 0 {
		r := d.old.roles[it.hdr-d.bs]
		if r.kind != boHeader || r.sect == boNone {
			if it.drop {
				// Not a section to botocore: nothing may change at all.
				oldSec = -1
			} else {
				return d.headerUnseen(it.hdr)
			}
		} else if r.sect == boDefault {
			return &refusal{fmt.Sprintf("%s applies [DEFAULT] to every profile; awsmfa does not write there", botocore)}
		} else {
			oldSec = int(r.sect)
			if name := d.old.secs[oldSec].name; (it.want != nil || it.rename != "") && !sameProfile(name, it.section) {
				return &refusal{fmt.Sprintf("%s reads the header on line %d as [%s], which is not [%s] to it; write the header as [%s] by hand", botocore, it.hdr+1, name, it.section, it.section)}
			}
		}
	}
	if !it.drop {
		nh := it.newHdr - d.bs
		r := d.new.roles[nh]
		if r.kind != boHeader || r.sect < 0 {
			return d.headerUnseen(-1)
		}
		newSec = int(r.sect)
	}
	if err := d.errorsAdded(); err != nil {
		return err
	}
	// The sections, in order: the same, but for the one added or removed.
	want := make([]string, 0, len(d.old.secs)+1)
	for i, s := range d.old.secs {
		if it.drop && i == oldSec {
			continue
		}
		want = append(want, s.name)
	}
	if it.hdr < 0 {
		want = append(want, it.section) // Set appends the section's header as written
	}
	got := make([]string, len(d.new.secs))
	for i, s := range d.new.secs {
		got[i] = s.name
	}
	if !slices.Equal(got, want) {
		return d.lineReason("the sections would change")
	}
	if (d.old.def == nil) != (d.new.def == nil) || d.old.def != nil && !sameBoOpts(d.old.def, d.new.def, nil) {
		return d.lineReason("its [DEFAULT] section would change")
	}
	ni := 0
	for oi := range d.old.secs {
		if it.drop && oi == oldSec {
			continue
		}
		var skip *string
		if oi == oldSec {
			skip = &it.key
		}
		if it.rename != "" && oi == oldSec {
			if !d.renamed(&d.old.secs[oi], &d.new.secs[ni]) {
				return d.lineReason(it.key + " would not read as " + it.rename)
			}
		} else if !sameBoOpts(&d.old.secs[oi], &d.new.secs[ni], skip) {
			return d.lineReason("the keys of [" + d.old.secs[oi].name + "] would change")
		}
		ni++
	}
	if newSec >= 0 && it.rename == "" {
		s := &d.new.secs[newSec]
		if it.hdr < 0 && (len(s.opts) != 1 || s.opts[0].name != it.key) {
			return d.lineReason("the new section would hold other keys")
		}
		v, ok := s.get(it.key)
		switch {
		case it.want == nil && ok:
			return d.lineReason(it.key + " would still be there")
		case it.want == nil && d.new.def != nil && d.new.def.find(it.key) >= 0:
			return &refusal{fmt.Sprintf("%s would still read %s from [DEFAULT], which applies to every profile; remove it there by hand", botocore, it.key)}
		case it.want != nil && (!ok || v != *it.want):
			return d.lineReason(it.key + " would not read as written")
		}
	}
	return d.global(oldSec, newSec)
}

// renamed reports whether b reads as a but for key from, now under the
// rename's name with the same value.
func (d *boDiff) renamed(a, b *boSection) bool {
	from, to := d.it.key, d.it.rename
	if a.find(from) < 0 || a.find(to) >= 0 || b.find(from) >= 0 || len(a.opts) != len(b.opts) {
		return false // not a key of its own to botocore, or a name taken
	}
	for i := range a.opts {
		o := &a.opts[i]
		name := o.name
		if name == from {
			name = to
		}
		if v, ok := b.get(name); !ok || v != o.value() {
			return false
		}
	}
	return true
}

// errorsAdded refuses an edit that gives botocore a reason to refuse the
// file that it did not have (or a second one of the same).
func (d *boDiff) errorsAdded() error {
	had := map[boErr]int{}
	renamedFrom := "" // a key seen twice is still seen twice under its new name
	if d.it.rename != "" {
		if r := d.old.roles[d.it.hdr-d.bs]; r.kind == boHeader && r.sect >= 0 {
			renamedFrom = d.old.secs[r.sect].name + "\x00" + d.it.key
		}
	}
	for _, e := range d.old.errs {
		if e.kind == boErrDupOption && e.text == renamedFrom {
			e.text = strings.TrimSuffix(e.text, d.it.key) + d.it.rename
		}
		had[boErr{kind: e.kind, text: e.text}]++
	}
	for _, e := range d.new.errs {
		k := boErr{kind: e.kind, text: e.text}
		if had[k] > 0 {
			had[k]--
			continue
		}
		where := d.where(e.line)
		var what string
		switch e.kind {
		case boErrDupSection:
			first := "a header"
			for _, h := range d.new.heads {
				if h.name == e.text && h.line != e.line {
					first = d.where(h.line)
					break
				}
			}
			return &refusal{fmt.Sprintf("%s already reads %s as the header [%s], which aws-sdk-go-v2 does not read as one; fix that line by hand", botocore, first, e.text)}
		case boErrDupOption:
			sec, key, _ := strings.Cut(e.text, "\x00")
			what = fmt.Sprintf("%s would be a second %s in [%s]", where, key, sec)
		case boErrMissingHeader:
			what = where + " would come before any section header"
		default:
			what = where + " would not be a key = value line"
		}
		if len(d.old.errs) == 0 {
			return &refusal{fmt.Sprintf("%s could no longer read the file (%s); give the lines there the same indentation by hand", botocore, what)}
		}
		return &refusal{fmt.Sprintf("%s would find another error in the file (%s); edit it by hand", botocore, what)}
	}
	return nil
}

// global checks what botocore reads across the whole file: a new section
// must not repeat a name, and the edited section must be the only one of
// its profile (botocore keeps only the later of two). The lines around the
// edit were just read again; the rest come from the index of headers.
func (d *boDiff) global(oldSec, newSec int) error {
	var name string
	switch {
	case newSec >= 0:
		name = d.new.secs[newSec].name
	case oldSec >= 0:
		name = d.old.secs[oldSec].name
	default:
		return nil
	}
	for _, e := range d.old.errs {
		if e.kind == boErrDupSection && e.text == name {
			return &refusal{fmt.Sprintf("%s reads [%s] twice (again on line %d) and refuses the file; merge them into one section by hand", botocore, name, d.bs+e.line+1)}
		}
	}
	e := boEntryOf(name, true)
	added := d.it.hdr < 0
	profile := e.kind == "profile" || e.kind == "sso-session" || e.kind == "services"
	deleted := d.it.want == nil && !d.it.drop
	if d.it.drop {
		// A section going takes nothing from another, unless botocore
		// reads it twice.
		for _, h := range d.f.botocoreHeads(d.bs, d.be, false) {
			if h.name == name {
				return &refusal{fmt.Sprintf("%s reads [%s] twice (again on line %d) and refuses the file; merge them into one section by hand", botocore, name, h.line+1)}
			}
		}
		return nil
	}
	others := []boHead{}
	for i, s := range d.new.secs {
		if i != newSec {
			others = append(others, boHead{line: d.oldLine(s.hdr), name: s.name})
		}
	}
	others = append(others, d.f.botocoreHeads(d.bs, d.be, profile)...)
	if added {
		if err := d.defaultsReadable(others); err != nil {
			return err
		}
	}
	if deleted {
		// A DEFAULT elsewhere: botocore would still read its key here.
		err := d.eachDefaultElsewhere(others, func(r *boRead, _ int, h boHead) error {
			if r.def.find(d.it.key) >= 0 {
				return &refusal{fmt.Sprintf("%s would still read %s from [DEFAULT] on line %d, which applies to every profile; remove it there by hand", botocore, d.it.key, h.line+1)}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, h := range others {
		where := "a line nearby"
		if h.line >= 0 {
			where = fmt.Sprintf("line %d", h.line+1)
		}
		switch {
		case h.name == name && added:
			return &refusal{fmt.Sprintf("%s already reads %s as the header [%s], which aws-sdk-go-v2 does not read as one; fix that line by hand", botocore, where, h.name)}
		case h.name == name:
			return &refusal{fmt.Sprintf("%s reads [%s] twice (again on %s) and refuses the file; merge them into one section by hand", botocore, h.name, where)}
		case profile && boEntryOf(h.name, true) == e:
			return &refusal{fmt.Sprintf("%s reads [%s] on %s as the same %s as [%s] and keeps only one of them; %s", botocore, h.name, where, e.kind, name, mergeHint(h.name, name))}
		}
	}
	return nil
}

// eachDefaultElsewhere calls fn with botocore's reading of every [DEFAULT]
// outside the lines the edit re-read (among others, botocore's headers
// there, and aws-sdk-go-v2's), read from the last header in column 0
// before it (start) to the first after.
func (d *boDiff) eachDefaultElsewhere(others []boHead, fn func(r *boRead, start int, h boHead) error) error {
	for _, h := range append(others, d.f.defaultHeads(d.bs, d.be)...) {
		if h.name != "DEFAULT" || h.line < 0 {
			continue
		}
		s := boSyncBefore(d.f.lines, h.line)
		r := boParse(d.f.lines[s:boSyncAfter(d.f.lines, h.line+1)], true, false)
		if r.def == nil {
			continue
		}
		if err := fn(r, s, h); err != nil {
			return err
		}
	}
	return nil
}

// defaultsReadable refuses a new section that would inherit a [DEFAULT]
// key whose value botocore cannot parse: configparser hands DEFAULT's keys
// to every section, and botocore parses a value starting on the next line
// as nested "key = value" lines, refusing the file when one is not. With
// no section before, botocore never looked at that value.
func (d *boDiff) defaultsReadable(others []boHead) error {
	bad := func(def *boSection, line func(int) int) error {
		for i := range def.opts {
			o := &def.opts[i]
			if o.name == d.it.key {
				continue // the new section's own key hides it
			}
			if v := o.value(); strings.HasPrefix(v, "\n") {
				if _, ok := boNested(v); !ok {
					return &refusal{fmt.Sprintf("%s would read %s of [DEFAULT] (line %d) in the new section [%s] and fail on it, as its indented lines are not key = value; fix [DEFAULT] by hand", botocore, o.name, line(o.line)+1, d.it.section)}
				}
			}
		}
		return nil
	}
	if d.new.def != nil {
		if err := bad(d.new.def, d.oldLine); err != nil {
			return err
		}
	}
	return d.eachDefaultElsewhere(others, func(r *boRead, start int, _ boHead) error {
		return bad(r.def, func(j int) int { return start + j })
	})
}

// defaultHeads is where aws-sdk-go-v2 reads a header [DEFAULT] outside
// lines [bs, be) (botocore's DEFAULT section; odd ones come with
// botocoreHeads).
func (f *File) defaultHeads(bs, be int) []boHead {
	var out []boHead
	a := f.analysis()
	first, n := a.find("DEFAULT")
	for bi := first; n > 0 && bi < len(a.blocks); bi++ {
		if b := a.blocks[bi]; b.name == "DEFAULT" {
			n--
			if b.header < bs || b.header >= be {
				out = append(out, boHead{line: b.header, name: "DEFAULT"})
			}
		}
	}
	return out
}

// sameProfile reports whether botocore's name for a section names what
// aws-sdk-go-v2's name does: the same text, or in a config file the same
// profile ("[profile   x]" is profile x to both). A header botocore reads
// under another name ("[ x ]" is " x " to it) gets no writes: the AWS CLI
// would not see them.
func sameProfile(bo, sdk string) bool {
	if bo == sdk {
		return true
	}
	for _, kind := range []string{"profile", "sso-session", "services"} {
		if name, ok := strings.CutPrefix(sdk, kind+" "); ok {
			return boEntryOf(bo, true) == boEntry{kind: kind, name: name}
		}
	}
	return false
}

// mergeHint says how to fix two headers botocore reads as one profile.
func mergeHint(theirs, ours string) string {
	if strings.ContainsAny(theirs, `"'\`) {
		return fmt.Sprintf("rename [%s] to [%s] by hand (aws-sdk-go-v2 reads the quotes as part of the name)", theirs, ours)
	}
	return "merge them into one section by hand"
}

// headerUnseen explains that botocore does not read the section's header
// (line i of the old file, or the new header when i < 0) as one.
func (d *boDiff) headerUnseen(i int) error {
	var r boRole
	var read *boRead
	if i >= 0 {
		r, read = d.old.roles[i-d.bs], d.old
	} else {
		r, read = d.new.roles[d.it.newHdr-d.bs], d.new
	}
	where := "the new header"
	if i >= 0 {
		where = fmt.Sprintf("the header [%s] on line %d", d.it.section, i+1)
	}
	if r.kind == boCont {
		return &refusal{fmt.Sprintf("%s reads %s as part of the value of %s above it; un-indent it by hand", botocore, where, optName(read, r))}
	}
	return &refusal{fmt.Sprintf("%s does not read %s as a section header; edit it by hand", botocore, where)}
}

// lineReason explains a change in botocore's reading by the first line
// read differently: an old line now read as part of another value, or no
// longer; or a line the edit writes that botocore would join to the value
// above it. what is the fallback.
func (d *boDiff) lineReason(what string) error {
	// Lines the edit drops or rewrites that the readers already read
	// differently: the edit cannot keep both readings.
	for i := d.lo; i < d.hi; i++ {
		if !d.kept(i) {
			if msg := d.disagrees(i); msg != "" {
				return &refusal{msg}
			}
		}
	}
	for j := range d.new.roles {
		nr := d.new.roles[j]
		o := d.oldLine(j)
		if o < 0 {
			if nr.kind == boCont {
				return &refusal{fmt.Sprintf("%s would read the line written for %s as part of the value of %s above it; give the lines there the same indentation by hand", botocore, d.it.key, optName(d.new, nr))}
			}
			continue
		}
		or := d.old.roles[o-d.bs]
		was, is := boRoleText(d.old, or), boRoleText(d.new, nr)
		if was != is {
			return &refusal{fmt.Sprintf("%s would read line %d as %s instead of %s; give the lines there the same indentation by hand", botocore, o+1, is, was)}
		}
	}
	// A line nearby that the readers already read differently.
	for i := d.bs; i < d.be; i++ {
		if msg := d.disagrees(i); msg != "" {
			return &refusal{msg}
		}
	}
	return &refusal{fmt.Sprintf("%s would read the file differently (%s); edit it by hand", botocore, what)}
}

// disagrees describes old line i when aws-sdk-go-v2 and botocore read it
// as belonging to different keys ("" when they agree).
func (d *boDiff) disagrees(i int) string {
	b := d.f.analysis().blockAt(i)
	sdkKey, ok := b.ownerKey(i)
	if !ok {
		return ""
	}
	r := d.old.roles[i-d.bs]
	if (r.kind == boOption || r.kind == boCont) && optName(d.old, r) == sdkKey {
		return ""
	}
	return fmt.Sprintf("aws-sdk-go-v2 reads line %d as %s but %s as %s; give the lines there the same indentation by hand", i+1, sdkRole(b, i), botocore, boRoleText(d.old, r))
}

// kept reports whether old line i is copied unchanged by the edit.
func (d *boDiff) kept(i int) bool {
	for _, o := range d.c.origin {
		if o == i {
			return true
		}
	}
	return false
}

// oldLine maps line j of the new lines (from bs) to the old line it
// copies, or -1 for a line the edit writes.
func (d *boDiff) oldLine(j int) int {
	switch n := d.lo - d.bs; {
	case j < n:
		return d.bs + j
	case j < n+len(d.c.lines):
		return d.c.origin[j-n]
	default:
		return j - n - len(d.c.lines) + d.hi
	}
}

// where names new line j for a message.
func (d *boDiff) where(j int) string {
	if o := d.oldLine(j); o >= 0 {
		return fmt.Sprintf("line %d", o+1)
	}
	return "the line written for " + d.it.key
}

func optName(r *boRead, role boRole) string {
	var s *boSection
	switch {
	case role.sect == boDefault:
		s = r.def
	case role.sect >= 0:
		s = &r.secs[role.sect]
	}
	if s == nil || role.opt < 0 || int(role.opt) >= len(s.opts) {
		return "the key"
	}
	return s.opts[role.opt].name
}

func boRoleText(r *boRead, role boRole) string {
	switch role.kind {
	case boHeader:
		return "a section header"
	case boOption:
		return "the key " + optName(r, role)
	case boCont:
		return "part of the value of " + optName(r, role)
	case boBad:
		return "an error"
	}
	return "a blank or comment line"
}

// sameBoOpts reports whether a and b hold the same keys and values, but
// for key *skip.
func sameBoOpts(a, b *boSection, skip *string) bool {
	n := 0
	for i := range a.opts {
		o := &a.opts[i]
		if skip != nil && o.name == *skip {
			continue
		}
		n++
		v, ok := b.get(o.name)
		if !ok || v != o.value() {
			return false
		}
	}
	for i := range b.opts {
		if skip == nil || b.opts[i].name != *skip {
			n--
		}
	}
	return n == 0
}

// botocoreHeads is the headers botocore reads outside lines [bs, be):
// with sdk, every one; without, only where aws-sdk-go-v2 reads no header
// of the same name (a botocore header that aws-sdk-go-v2 also reads
// normalises to the same name, so Count has seen it). The candidates are
// aws-sdk-go-v2's headers and the lines scan noted; a short re-read from
// the last column-0 header tells whether botocore reads each as one. A
// file with a lone '\r' inside a line is read whole.
func (f *File) botocoreHeads(bs, be int, sdk bool) []boHead {
	a := f.analysis()
	var out []boHead
	if f.hasInnerCR() {
		for _, h := range boParse(a.lines, false, false).heads {
			if h.line < bs || h.line >= be {
				out = append(out, h)
			}
		}
		return out
	}
	var cands []int
	if sdk {
		for _, b := range a.blocks[1:] {
			cands = append(cands, b.header)
		}
	}
	cands = append(cands, a.boOdd...)
	slices.Sort(cands)
	for _, i := range cands {
		if i >= bs && i < be {
			continue
		}
		l := a.lines[i]
		if boSync(l) {
			name, _ := boHeaderName(pyRstrip(firstPyLine(l)))
			out = append(out, boHead{line: i, name: name})
			continue
		}
		s := boSyncBefore(a.lines, i)
		r := boParse(a.lines[s:i+1], false, true)
		if n := len(r.heads); n > 0 && r.heads[n-1].line == i-s {
			out = append(out, boHead{line: i, name: r.heads[n-1].name})
		}
	}
	return out
}

// firstPyLine is l's content up to its first line break as Python reads it.
func firstPyLine(l string) string {
	c := lineContent(l)
	if i := strings.IndexByte(c, '\r'); i >= 0 {
		c = c[:i]
	}
	return c
}
