package inifile

import (
	"errors"
	"slices"
	"strings"
	"unicode/utf8"
)

var (
	// ErrDuplicateSection: the section's header appears more than once, so
	// botocore refuses the file and an edit could not say which copy wins.
	ErrDuplicateSection = errors.New("duplicate section")
	// ErrInvalid: a section name, key or value that the AWS readers would
	// not read back exactly as given.
	ErrInvalid = errors.New("invalid")
	// ErrUnsafeEdit: the edit would change how a reader sees some other key
	// (a pathological file layout). Nothing was changed.
	ErrUnsafeEdit = errors.New("unsafe edit")
)

// Set gives key the value in section: it rewrites the key's line in place as
// "key = value" (keeping the key's spelling), removing its nested lines and
// any earlier copy of the key in the section, or adds the line after the
// section's last key. A missing section is appended at the end of the file.
// The line written gets an indentation that both readers accept (the
// line's own, or its neighbours', or none); where none is accepted, Set
// refuses with ErrUnsafeEdit. On error the File is unchanged. Errors never
// contain the value.
func (f *File) Set(section, key, value string) error {
	if err := checkSection(section); err != nil {
		return err
	}
	if err := checkKey(key); err != nil {
		return err
	}
	if err := checkValue(section, key, value); err != nil {
		return err
	}
	a := f.analysis()
	bi, err := a.onlyBlock(section)
	if err != nil {
		return err
	}
	lk := strings.ToLower(key)
	eol := f.EOL()
	if bi < 0 {
		return f.appendSection(section, key, value, lk, eol)
	}
	b := a.fill(bi)
	lines := f.lines[b.header:b.end]
	drop, ndrop := keyLinesIn(b, lk)
	last := -1 // the key line to rewrite in place
	if ki := keyIndex(b, lk); ki >= 0 {
		for j := 1; j < len(lines); j++ {
			if b.info[j].kind == kindKey && b.info[j].key == ki {
				last = j
			}
		}
	}
	it := intent{section: section, key: lk, want: &value, hdr: b.header, newHdr: b.header}
	var cands []candidate
	if ndrop == 1 && last >= 0 {
		// Already "key = value" (any spacing or separator, no comment, no
		// quotes): leave the user's formatting alone, if both readers
		// read it so.
		if _, v, ok := splitProperty(strings.TrimLeft(lineContent(lines[last]), " \t")); ok && v == value {
			cands = append(cands, candidate{lines: lines, origin: span(b.header, len(lines)), noop: true})
		}
	}
	ins := 0 // insert after this line when the key is new
	keyLine := -1
	for j := 1; j < len(lines); j++ {
		k := b.info[j].kind
		if k == kindKey || k == kindNested || k == kindOther && isLineSpace(lines[j][0]) {
			ins = j
		}
		if k == kindKey {
			keyLine = j
		}
	}
	var indents []string
	if last >= 0 {
		indents = []string{indentOf(lines[last]), ""}
	} else {
		if keyLine >= 0 {
			indents = append(indents, indentOf(lines[keyLine]))
		}
		indents = append(indents, "", indentOf(f.nextText(b.header+ins+1)), indentOf(lines[0]))
	}
	eof := b.end == len(f.lines)
	for _, ind := range uniq(indents) {
		repl := make([]string, 0, len(lines)+1)
		origin := make([]int, 0, len(lines)+1)
		for j, l := range lines {
			switch {
			case j == last:
				spelling := strings.TrimSpace(keyText(lineContent(l)))
				if checkKey(spelling) != nil || strings.ToLower(spelling) != lk {
					spelling = key
				}
				repl = append(repl, ind+propLine(spelling, value)+ending(l))
				origin = append(origin, -1)
			case drop[j]:
			default:
				repl = append(repl, l)
				origin = append(origin, b.header+j)
			}
			if last < 0 && j == ins {
				// The new line ends the file as its last line did (a
				// missing final newline stays missing).
				prev := repl[len(repl)-1]
				end := eol
				if eof && j == len(lines)-1 && !strings.HasSuffix(prev, "\n") {
					end = ending(prev)
				}
				repl[len(repl)-1] = terminate(prev, eol)
				repl = append(repl, ind+propLine(key, value)+end)
				origin = append(origin, -1)
			}
		}
		if eof && last >= 0 {
			endFileAs(repl, lines[len(lines)-1])
		}
		cands = append(cands, candidate{lines: repl, origin: origin})
	}
	return f.tryEdit(bi, bi+1, cands, it)
}

// appendSection adds section with its one key at the end of the file:
// after exactly one blank separator line, so that RemoveEmptySection can
// undo it byte for byte, and never on the first line right after a
// byte-order mark, where aws-sdk-go-v2 does not see a header (the AWS
// CLI's writer starts on a new line there too).
func (f *File) appendSection(section, key, value, lk, eol string) error {
	a := f.analysis()
	bi := len(a.blocks) - 1
	b := a.blocks[bi]
	repl := make([]string, 0, b.end-b.header+3)
	repl = append(repl, f.lines[b.header:b.end]...)
	origin := span(b.header, len(repl))
	end := eol
	if n := len(repl); n > 0 {
		if !strings.HasSuffix(repl[n-1], "\n") {
			end = ending(repl[n-1]) // the file keeps ending as it did
		}
		repl[n-1] = terminate(repl[n-1], eol)
		repl = append(repl, eol)
		origin = append(origin, -1)
	} else if f.bom {
		repl = append(repl, eol)
		origin = append(origin, -1)
	}
	hdr := b.header + len(repl)
	repl = append(repl, "["+section+"]"+eol, propLine(key, value)+end)
	origin = append(origin, -1, -1)
	it := intent{section: section, key: lk, want: &value, hdr: -1, newHdr: hdr}
	return f.tryEdit(bi, bi+1, []candidate{{lines: repl, origin: origin}}, it)
}

// Delete removes every line of key in section, with its nested lines, and
// nothing else: comments and blank lines stay. It reports whether anything
// was removed; a missing section or key is not an error. Like every edit,
// it is refused (ErrUnsafeEdit, file unchanged) if either reader would see
// more change than the key going.
func (f *File) Delete(section, key string) (bool, error) {
	a := f.analysis()
	bi, err := a.onlyBlock(section)
	if bi < 0 {
		return false, err
	}
	lk := strings.ToLower(key)
	b := a.fill(bi)
	drop, ndrop := keyLinesIn(b, lk)
	if ndrop == 0 {
		return false, nil
	}
	lines := f.lines[b.header:b.end]
	repl := make([]string, 0, len(lines)-ndrop)
	origin := make([]int, 0, len(lines)-ndrop)
	for j, l := range lines {
		if !drop[j] {
			repl = append(repl, l)
			origin = append(origin, b.header+j)
		}
	}
	if b.end == len(f.lines) {
		endFileAs(repl, lines[len(lines)-1])
	}
	it := intent{section: section, key: lk, hdr: b.header, newHdr: b.header}
	if err := f.tryEdit(bi, bi+1, []candidate{{lines: repl, origin: origin}}, it); err != nil {
		return false, err
	}
	return true, nil
}

// endFileAs makes the last of repl, the new end of the file, end the way
// the file's old last line old did: a missing final newline stays missing.
func endFileAs(repl []string, old string) {
	n := len(repl)
	if n == 0 || strings.HasSuffix(old, "\n") || !strings.HasSuffix(repl[n-1], "\n") {
		return
	}
	l := strings.TrimSuffix(repl[n-1], "\n")
	l = strings.TrimSuffix(l, "\r")
	if l+ending(old) == "" {
		return // a blank line is only its newline: it stays
	}
	repl[n-1] = l + ending(old)
}

// nextText is the first line from i on that botocore does not skip (not
// blank, not a comment), or "".
func (f *File) nextText(i int) string {
	for ; i < len(f.lines); i++ {
		if v := pyStrip(lineContent(f.lines[i])); v != "" && v[0] != '#' && v[0] != ';' {
			return f.lines[i]
		}
	}
	return ""
}

// indentOf is the run of spaces and tabs that l starts with.
func indentOf(l string) string {
	i := 0
	for i < len(l) && isLineSpace(l[i]) {
		i++
	}
	if i == len(lineContent(l)) {
		return "" // a blank line
	}
	return l[:i]
}

func uniq(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// span is the origin of n lines copied from line start on.
func span(start, n int) []int {
	o := make([]int, n)
	for i := range o {
		o[i] = start + i
	}
	return o
}

func duplicateErr(section string, n int) error {
	return refused(ErrDuplicateSection, "section [%s] appears %d times in the file; merge them into one by hand", section, n)
}

// keyLinesIn marks the lines of key lk in block b (counted from its first
// line): its key lines and the nested lines they own.
func keyLinesIn(b *block, lk string) (drop []bool, n int) {
	drop = make([]bool, len(b.info))
	ki := keyIndex(b, lk)
	if ki < 0 {
		return drop, 0
	}
	for j := 1; j < len(b.info); j++ {
		li := b.info[j]
		if li.kind == kindKey && li.key == ki || li.kind == kindNested && drop[li.owner] {
			drop[j] = true
			n++
		}
	}
	return drop, n
}

// keyIndex is the index of key lk in b's kvs, which its key lines refer
// to; -1 when b does not set it.
func keyIndex(b *block, lk string) int32 {
	for i := range b.kvs {
		if b.kvs[i].key == lk {
			return int32(i)
		}
	}
	return -1
}

// keyLines is keyLinesIn by line index in the file.
func (a *analysis) keyLines(b block, lk string) map[int]bool {
	drop := map[int]bool{}
	rel, _ := keyLinesIn(&b, lk)
	for j, d := range rel {
		if d {
			drop[b.header+j] = true
		}
	}
	return drop
}

// reblock parses lines, which start at line start of the file and replace
// a block (the preamble if pre), into blocks. It returns nil if lines no
// longer start with a header where the block had one.
func reblock(lines []string, start int, pre bool) []block {
	nbs := []block{{pre: true, header: start, end: start + len(lines)}}
	for j, l := range lines {
		if !mayBeHeader(l) {
			continue
		}
		if name, ok := headerName(lineContent(l)); ok {
			nbs[len(nbs)-1].end = start + j
			nbs = append(nbs, block{name: name, header: start + j, end: start + len(lines)})
		}
	}
	if !pre {
		if nbs[0].end != start {
			return nil
		}
		nbs = nbs[1:]
	}
	for i := range nbs {
		b := &nbs[i]
		b.body = &body{info: make([]lineInfo, b.end-b.header)}
		b.kvs, b.idx = parseBlock(lines[b.header-start:b.end-start], !b.pre, !b.pre && b.name != "", b.info, nil)
	}
	return nbs
}

// install puts repl and its blocks nbs in place of blocks [bi, bj). Blocks
// are added only at the end of the file; RemoveEmptySection merges one
// into the block before, which moves the blocks after it down one.
func (f *File) install(bi, bj int, repl []string, nbs []block) {
	a := f.a
	f.bo = nil
	lo, hi := a.blocks[bi].header, a.blocks[bj-1].end
	delta := len(repl) - (hi - lo)
	a.boOdd = spliceOdd(a.boOdd, lo, hi, delta, repl)
	f.lines = slices.Replace(f.lines, lo, hi, repl...)
	a.lines = f.lines
	for i := bj; i < len(a.blocks); i++ {
		a.blocks[i].header += delta
		a.blocks[i].end += delta
	}
	for i := bi + len(nbs); i < bj; i++ {
		a.unregister(a.blocks[i].name)
	}
	a.blocks = slices.Replace(a.blocks, bi, bj, nbs...)
	if shift := len(nbs) - (bj - bi); shift != 0 && a.names != nil {
		for j := range a.secs {
			if a.secs[j].first >= bj {
				a.secs[j].first += shift
			}
		}
	}
	for i := bj - bi; i < len(nbs); i++ {
		a.register(nbs[i].name, bi+i)
	}
	for _, b := range nbs {
		if j, ok := a.names[b.name]; ok {
			a.secs[j].merged = nil
		}
	}
}

// spliceOdd updates the lines botocore alone may read as headers when
// lines [lo, hi) become repl.
func spliceOdd(odd []int, lo, hi, delta int, repl []string) []int {
	i := 0
	for i < len(odd) && odd[i] < lo {
		i++
	}
	j := i
	for j < len(odd) && odd[j] < hi {
		j++
	}
	var add []int
	for k, l := range repl {
		if boMayBeHeader(l) {
			if _, ok := headerName(lineContent(l)); !ok || !mayBeHeader(l) {
				add = append(add, lo+k)
			}
		}
	}
	rest := odd[j:]
	for k := range rest {
		rest[k] += delta
	}
	return slices.Concat(odd[:i], add, rest)
}

// unregister forgets a header of name; a name with no header left leaves
// the section list.
func (a *analysis) unregister(name string) {
	j, ok := a.names[name] // no index, nothing to do
	if !ok {
		return
	}
	a.secs[j].merged = nil
	if a.secs[j].count--; a.secs[j].count > 0 {
		return
	}
	delete(a.names, name)
	if i := slices.Index(a.order, name); i >= 0 {
		a.order = slices.Delete(a.order, i, i+1)
	}
}

// sameExcept checks that nbs, the new blocks for old, read exactly as old
// does, except for key lk of section, which reads *want (or is gone when
// want is nil). The one structural change allowed is Set appending the
// missing section as a new last block.
func sameExcept(a *analysis, old *block, nbs []block, section, lk string, want *string) error {
	switch {
	case len(nbs) == 1:
	case len(nbs) == 2 && want != nil && nbs[1].name == section && a.count(section) == 0:
		for _, x := range nbs[1].kvs {
			if x.key != lk {
				return errors.New("key added")
			}
		}
	default:
		return errors.New("headers changed")
	}
	nb := &nbs[0]
	if nb.pre != old.pre || nb.name != old.name {
		return errors.New("header changed")
	}
	edited := old.name == section
	for i := range old.kvs {
		if edited && old.kvs[i].key == lk {
			continue
		}
		nv, ok := lookup(nb.kvs, nb.idx, old.kvs[i].key)
		if !ok || !sameValue(&old.kvs[i].val, nv) {
			return errors.New("value changed")
		}
	}
	for _, x := range nb.kvs {
		if edited && x.key == lk {
			continue
		}
		if _, ok := lookup(old.kvs, old.idx, x.key); !ok {
			return errors.New("key added")
		}
	}
	var got *value
	for i := range nbs {
		if nbs[i].name == section {
			got, _ = lookup(nbs[i].kvs, nbs[i].idx, lk)
		}
	}
	switch {
	case want == nil && got != nil:
		return errors.New("key still present")
	case want != nil && (got == nil || got.mp != nil || got.str != *want):
		return errors.New("key not read back")
	}
	return nil
}

func sameValue(a, b *value) bool {
	if a.str != b.str || (a.mp == nil) != (b.mp == nil) || len(a.mp) != len(b.mp) {
		return false
	}
	for k, v := range a.mp {
		if w, ok := b.mp[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func propLine(key, value string) string {
	if value == "" {
		return key + " ="
	}
	return key + " = " + value
}

// keyText is the text before the separator of a property line.
func keyText(s string) string {
	s = strings.TrimLeft(s, " \t")
	i, j := strings.Index(s, "="), strings.Index(s, ":")
	if i < 0 || j >= 0 && j < i {
		i = j
	}
	if i < 0 {
		return s
	}
	return s[:i]
}

// ending is l's terminator: "\r\n", "\n", or for an unterminated last
// line a lone "\r" (which the readers also drop) or "".
func ending(l string) string {
	switch {
	case strings.HasSuffix(l, "\r\n"):
		return "\r\n"
	case strings.HasSuffix(l, "\n"):
		return "\n"
	case strings.HasSuffix(l, "\r"):
		return "\r"
	}
	return ""
}

// terminate ends an unterminated last line with eol.
func terminate(l, eol string) string {
	if strings.HasSuffix(l, "\n") {
		return l
	}
	if eol == "\r\n" && strings.HasSuffix(l, "\r") {
		return l + "\n"
	}
	return l + eol
}

func checkSection(section string) error {
	bad := func(why string) error {
		return refused(ErrInvalid, "section name %q %s", section, why)
	}
	if section == "" {
		return bad("is empty")
	}
	if !utf8.ValidString(section) || hasControl(section) {
		return bad("has control characters or invalid UTF-8")
	}
	if strings.ContainsAny(section, "[]#;") {
		return bad("may not contain [ ] # or ;")
	}
	if n, ok := headerName("[" + section + "]"); !ok || n != section {
		return bad("is not in normal form (no leading, trailing or double spaces)")
	}
	return nil
}

func checkKey(key string) error {
	if key == "" {
		return refused(ErrInvalid, "empty key name")
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("=:[]#;\"'", c) >= 0 {
			return refused(ErrInvalid, "key name %q may hold only printable ASCII other than = : [ ] # ; and quotes", key)
		}
	}
	return nil
}

// checkValue refuses values that a reader would not read back byte for
// byte. The messages never include the value: it may be a secret.
func checkValue(section, key, value string) error {
	bad := func(why string) error {
		return refused(ErrInvalid, "value for %s in [%s] %s", key, section, why)
	}
	switch {
	case !utf8.ValidString(value):
		return bad("is not valid UTF-8")
	case hasControl(value):
		return bad("contains a line break or control character")
	case strings.TrimSpace(value) != value:
		return bad("has leading or trailing white space")
	case len(value) > 0 && strings.ContainsRune(`"'`, rune(value[0])) && strings.ContainsRune(`"'`, rune(value[len(value)-1])):
		return bad("is wrapped in quotes, which readers strip")
	}
	k, v, ok := asProperty(propLine(key, value))
	if !ok || k != strings.ToLower(key) || v != value {
		return bad("would be cut by readers (e.g. at \" #\" or \" ;\")")
	}
	return nil
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < ' ' || r == 0x7f {
			return true
		}
	}
	return false
}
