package inifile

import (
	"strings"
	"unicode/utf8"
)

// This file ports aws-sdk-go-v2 config/internal/ini (tokenize.go,
// strings.go, parse.go) line by line, and also records, for each line, what
// it is and which key owns it, so edits can touch exactly one key's lines.
//
// The SDK parser forgets everything but the section name at a header, so
// the file is a run of blocks (the lines before the first header, then
// each header with the lines up to the next) that each parse on their own.
// The analysis uses that twice: a first pass only finds the headers, and
// a block's lines are classified when something asks about that block
// (status reads them all, a login's write only its own section); and an
// edit re-parses only the block it changed (see edit.go).
//
// internal/ref keeps the original whole-file version; FuzzMatchesReference
// checks that this one agrees with it line for line.

type lineKind uint8

const (
	kindBlank   lineKind = iota // only white space
	kindComment                 // full-line '#' or ';' comment
	kindHeader                  // [section]
	kindKey                     // a top-level property (also an indented one the SDK promotes)
	kindNested                  // sub-property or continuation owned by a key line
	kindOther                   // ignored by the readers: stray text, properties outside a section
)

// lineInfo holds no pointers, so the garbage collector skips the arrays.
type lineInfo struct {
	key   int32 // for kindKey: the key's index in the block's kvs; else -1
	owner int32 // for kindNested: the owning kindKey line, counted from the block's first line; else -1
	kind  lineKind
}

// block is a run of lines that readers parse on their own.
type block struct {
	name   string // normalised; "" for "[]" (whose lines readers ignore) and the preamble
	header int    // line index of the header (of the first line, for the preamble)
	end    int    // exclusive
	pre    bool   // the lines before the first header: no header line, keys ignored
	*body         // nil until analysis.fill parses the lines
}

// body is what parsing a block's lines gives.
type body struct {
	info []lineInfo     // one per line from header to end
	kvs  []kv           // the keys the block sets, in order of first appearance, with their final values
	idx  map[string]int // key → index in kvs, once there are more than manyKeys
}

// manyKeys: sections with more keys get a map; fewer are scanned.
const manyKeys = 8

type kv struct {
	key string
	val value
}

// value mirrors the SDK's ini.Value: a string, or a map for nested blocks.
type value struct {
	str string
	mp  map[string]string
}

// secEntry is one normalised section name.
type secEntry struct {
	count  int     // how many headers
	first  int     // index in blocks of the first of them
	merged *merged // the merged view of duplicate sections, built on demand
}

type merged struct {
	kvs []kv
	idx map[string]int
}

type analysis struct {
	lines  []string
	blocks []block // blocks[0] is the preamble, possibly empty

	// The section index, built on first need: a write looks up a few
	// names, which a walk over the blocks answers faster than building it.
	names map[string]int
	secs  []secEntry
	order []string // section names in order of first appearance
	finds int      // lookups answered without the index

	// Lines botocore may read as a header although aws-sdk-go-v2 reads no
	// header there ("[a] x", "[#a]", a header after a Python-only space).
	boOdd []int

	// Chunks that block bodies, infos and kvs are cut from, so filling every
	// block (status) costs a few allocations and filling one (a login's
	// write) a small one.
	bodyFree  []body
	infoFree  []lineInfo
	kvFree    []kv
	chunkSize int
	cut       struct{ bodies, infos, kvs int } // how much the chunks hold in all
}

// lineContent strips the line terminator ("\n", "\r\n", or a lone trailing
// "\r") so that a CR never leaks into a key, value or section name.
func lineContent(l string) string {
	if n := len(l); n > 0 && l[n-1] == '\n' {
		l = l[:n-1]
	}
	if n := len(l); n > 0 && l[n-1] == '\r' {
		l = l[:n-1]
	}
	return l
}

// scan finds the headers; the blocks are filled on demand. heads is a
// guess of how many there are.
func scan(lines []string, heads int) *analysis {
	a := &analysis{lines: lines, blocks: make([]block, 1, heads+1)}
	a.blocks[0] = block{pre: true, end: len(lines)}
	for i, l := range lines {
		if !mayBeHeader(l) {
			if boMayBeHeader(l) {
				a.boOdd = append(a.boOdd, i)
			}
			continue
		}
		name, ok := headerName(lineContent(l))
		if !ok {
			if boMayBeHeader(l) {
				a.boOdd = append(a.boOdd, i)
			}
			continue
		}
		a.blocks[len(a.blocks)-1].end = i
		a.blocks = append(a.blocks, block{name: name, header: i, end: len(lines)})
	}
	return a
}

// linearFinds is how many lookups may walk the blocks before the index is
// built.
const linearFinds = 16

// find returns the index of section name's first block and how many
// blocks it has (-1, 0 when none).
func (a *analysis) find(name string) (first, count int) {
	first = -1
	if name == "" {
		return first, 0
	}
	if a.names == nil && a.finds < linearFinds {
		a.finds++
		for bi := range a.blocks {
			if a.blocks[bi].name == name {
				if count == 0 {
					first = bi
				}
				count++
			}
		}
		return first, count
	}
	a.index()
	if j, ok := a.names[name]; ok {
		return a.secs[j].first, a.secs[j].count
	}
	return first, 0
}

func (a *analysis) count(name string) int {
	_, n := a.find(name)
	return n
}

// index builds the section index.
func (a *analysis) index() {
	if a.names != nil {
		return
	}
	a.names = make(map[string]int, len(a.blocks))
	a.secs = make([]secEntry, 0, len(a.blocks))
	a.order = make([]string, 0, len(a.blocks))
	for bi := range a.blocks {
		a.register(a.blocks[bi].name, bi)
	}
}

// analyse is the whole analysis at once (tests compare with it).
func analyse(lines []string) *analysis {
	a := scan(lines, 0)
	for i := range a.blocks {
		a.fill(i)
	}
	return a
}

// register counts a header of name at block bi in the index, if built.
func (a *analysis) register(name string, bi int) {
	if name == "" || a.names == nil {
		return
	}
	if j, ok := a.names[name]; ok {
		a.secs[j].count++
		a.secs[j].merged = nil
		return
	}
	a.names[name] = len(a.secs)
	a.secs = append(a.secs, secEntry{count: 1, first: bi})
	a.order = append(a.order, name)
}

// boMayBeHeader is mayBeHeader for botocore: after Python's white space
// (which also counts \x1c to \x1f, and more of Unicode), a '['.
func boMayBeHeader(l string) bool {
	if c := l[0]; c > ' ' && c < utf8.RuneSelf && c != '[' {
		return false
	}
	v := pyLstrip(l)
	return len(v) > 0 && v[0] == '['
}

// mayBeHeader is a quick test that lets most lines skip headerName: after
// ASCII white space, a header starts with '['. A non-ASCII byte might be
// Unicode white space, which strings.TrimSpace also drops.
func mayBeHeader(l string) bool {
	for i := 0; i < len(l); i++ {
		switch c := l[i]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f':
		case c == '[' || c >= 0x80:
			return true
		default:
			return false
		}
	}
	return false
}

// fill classifies the lines of block bi and collects its keys.
func (a *analysis) fill(bi int) *block {
	b := &a.blocks[bi]
	if b.body != nil {
		return b
	}
	// Chunks grow as more blocks get filled, but never past what the
	// whole file could need.
	n := b.end - b.header
	if len(a.bodyFree) == 0 {
		a.chunkSize = min(2*max(a.chunkSize, 8), 1024)
		a.bodyFree = make([]body, max(1, min(a.chunkSize, len(a.blocks)-a.cut.bodies)))
		a.cut.bodies += len(a.bodyFree)
	}
	b.body, a.bodyFree = &a.bodyFree[0], a.bodyFree[1:]
	if n > cap(a.infoFree) {
		a.infoFree = make([]lineInfo, max(n, min(8*a.chunkSize, len(a.lines)-a.cut.infos)))
		a.cut.infos += len(a.infoFree)
	}
	b.info, a.infoFree = a.infoFree[:n:n], a.infoFree[n:]
	if cap(a.kvFree) < manyKeys {
		a.kvFree = make([]kv, 0, max(manyKeys, min(4*a.chunkSize, len(a.lines)-a.cut.kvs)))
		a.cut.kvs += cap(a.kvFree)
	}
	kvs, idx := parseBlock(a.lines[b.header:b.end], !b.pre, !b.pre && b.name != "", b.info, a.kvFree)
	if len(kvs) <= cap(a.kvFree) { // still in the chunk: keep its rest
		a.kvFree = a.kvFree[len(kvs):len(kvs)]
	}
	b.kvs, b.idx = kvs[:len(kvs):len(kvs)], idx
	return b
}

// parseBlock is the SDK's parser over one block; header says lines[0] is
// the header, named that the block's properties count (a real section).
// It fills info and returns the block's keys, appended to dst[:0] (so in
// dst's array while they fit), with an index when there are many.
func parseBlock(lines []string, header, named bool, info []lineInfo, dst []kv) ([]kv, map[string]int) {
	dst = dst[:0]
	var idx map[string]int
	find := func(k string) int {
		if idx != nil {
			if i, ok := idx[k]; ok {
				return i
			}
			return -1
		}
		for i := range dst {
			if dst[i].key == k {
				return i
			}
		}
		return -1
	}
	// set is the SDK's handleProperty: a later key replaces the whole value.
	set := func(k, v string) int {
		if i := find(k); i >= 0 {
			dst[i].val = value{str: v}
			return i
		}
		dst = append(dst, kv{key: k, val: value{str: v}})
		switch n := len(dst); {
		case idx != nil:
			idx[k] = n - 1
		case n > manyKeys:
			idx = make(map[string]int, 2*n)
			for i, x := range dst {
				idx[x.key] = i
			}
		}
		return len(dst) - 1
	}
	ckey := -1            // index in dst of the current key, as in the SDK parser; -1 for none (or "")
	ckeyLine := int32(-1) // its line
	for j, raw := range lines {
		li := lineInfo{kind: kindOther, key: -1, owner: -1}
		if j == 0 && header {
			li.kind = kindHeader
			info[j] = li
			continue
		}
		s := lineContent(raw)
		p := 0 // the first byte that is not ' ' or '\t'
		for p < len(s) && (s[p] == ' ' || s[p] == '\t') {
			p++
		}
		switch {
		case p == len(s):
			li.kind = kindBlank
		case s[p] == '#' || s[p] == ';':
			li.kind = kindComment
		case (s[p] <= ' ' || s[p] >= 0x80) && strings.TrimSpace(s) == "":
			li.kind = kindBlank // other ASCII or Unicode white space
		case !named:
			// Properties outside a section are ignored.
		case p == 0:
			k, v, ok := asProperty(s)
			if !ok {
				break
			}
			ki := set(k, v)
			ckey, ckeyLine = ki, int32(j)
			if k == "" {
				ckey = -1 // the SDK's "no current key" is an empty name
			}
			li.kind, li.key = kindKey, int32(ki)
		default:
			trimmed := s[p:]
			if k, v, ok := splitProperty(trimmed); ok { // sub-property
				k, v = lower(k), unquote(v)
				if ckey < 0 || dst[ckey].val.str != "" {
					// The SDK "promotes" an orphaned sub-property to a
					// normal property.
					v = strings.TrimSpace(trimPropertyComment(v))
					ki := set(k, v)
					ckey, ckeyLine = ki, int32(j)
					if k == "" {
						ckey = -1
					}
					li.kind, li.key = kindKey, int32(ki)
					break
				}
				cv := &dst[ckey].val
				if cv.mp == nil {
					cv.mp = map[string]string{}
				}
				cv.mp[k] = v
				li.kind, li.owner = kindNested, ckeyLine
				break
			}
			// continuation
			if ckey < 0 {
				break
			}
			if cv := &dst[ckey].val; cv.str != "" && cv.mp == nil {
				cv.str += "\n" + trimmed
			}
			li.kind, li.owner = kindNested, ckeyLine
		}
		info[j] = li
	}
	return dst, idx
}

func lookup(kvs []kv, idx map[string]int, k string) (*value, bool) {
	if idx != nil {
		i, ok := idx[k]
		if !ok {
			return nil, false
		}
		return &kvs[i].val, true
	}
	for i := range kvs {
		if kvs[i].key == k {
			return &kvs[i].val, true
		}
	}
	return nil, false
}

// section returns the keys readers see in section: its block's, or for
// duplicate sections all their blocks' merged, the later key winning.
func (a *analysis) section(name string) ([]kv, map[string]int, bool) {
	first, n := a.find(name)
	if n == 0 {
		return nil, nil, false
	}
	if n == 1 {
		b := a.fill(first)
		return b.kvs, b.idx, true
	}
	a.index()
	e := &a.secs[a.names[name]]
	if e.merged == nil {
		var kvs []kv
		m := map[string]int{}
		for bi := e.first; bi < len(a.blocks); bi++ {
			if a.blocks[bi].name != name {
				continue
			}
			for _, x := range a.fill(bi).kvs {
				if i, ok := m[x.key]; ok {
					kvs[i].val = x.val
				} else {
					m[x.key] = len(kvs)
					kvs = append(kvs, x)
				}
			}
		}
		e.merged = &merged{kvs: kvs, idx: m}
	}
	return e.merged.kvs, e.merged.idx, true
}

// onlyBlock is the index of section's block, or -1 when the file has
// none; a section the file names more than once is refused
// (ErrDuplicateSection): an edit could not say which copy wins.
func (a *analysis) onlyBlock(section string) (int, error) {
	first, n := a.find(section)
	if n > 1 {
		return -1, duplicateErr(section, n)
	}
	return first, nil
}

// blockIndexes returns the indexes of section's blocks.
func (a *analysis) blockIndexes(section string) []int {
	first, n := a.find(section)
	switch n {
	case 0:
		return nil
	case 1:
		return []int{first}
	}
	var bis []int
	for bi := first; bi < len(a.blocks); bi++ {
		if a.blocks[bi].name == section {
			bis = append(bis, bi)
		}
	}
	return bis
}

// blocksOf returns section's blocks, filled.
func (a *analysis) blocksOf(section string) []block {
	var bs []block
	for _, bi := range a.blockIndexes(section) {
		bs = append(bs, *a.fill(bi))
	}
	return bs
}

// blockAt is the block holding line i, filled.
func (a *analysis) blockAt(i int) *block {
	lo, hi := 0, len(a.blocks)
	for lo < hi { // the first block ending after i
		m := (lo + hi) / 2
		if a.blocks[m].end > i {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return a.fill(lo)
}

// ownerKey is the key that file line i of filled block b belongs to for
// aws-sdk-go-v2: the key of a key line, or of the key line that owns a
// nested line.
func (b *block) ownerKey(i int) (string, bool) {
	li := b.info[i-b.header]
	switch li.kind {
	case kindKey:
		return b.kvs[li.key].key, true
	case kindNested:
		if ol := b.info[li.owner]; ol.kind == kindKey {
			return b.kvs[ol.key].key, true
		}
	}
	return "", false
}

// lineAt is line i's info, with owner counted from the top of the file.
func (a *analysis) lineAt(i int) lineInfo {
	b := a.blockAt(i)
	li := b.info[i-b.header]
	if li.owner >= 0 {
		li.owner += int32(b.header)
	}
	return li
}

// headerName is the SDK's asProfile: " [ type   name ] ; c" is "type name".
func headerName(line string) (string, bool) {
	t := strings.TrimSpace(trimProfileComment(line))
	if len(t) < 2 || t[0] != '[' || t[len(t)-1] != ']' {
		return "", false
	}
	t = strings.TrimSpace(t[1 : len(t)-1])
	typ, name := splitProfile(t)
	if typ == "" {
		return name, true
	}
	if len(typ)+1+len(name) == len(t) && t[len(typ)] == ' ' {
		return t, true // already "type name": no need to build it
	}
	return typ + " " + name, true
}

// NormalizeSection returns the section name that the header line (without
// its line ending) stands for, as aws-sdk-go-v2 reads it, and whether the
// line is a section header at all.
func NormalizeSection(headerLine string) (string, bool) {
	return headerName(lineContent(headerLine))
}

func asProperty(line string) (key, val string, ok bool) {
	t := strings.TrimRight(trimPropertyComment(line), " \t")
	k, v, ok := splitProperty(t)
	if !ok {
		return "", "", false
	}
	return lower(k), unquote(v), true
}

// lower is strings.ToLower, but stops scanning at the first byte that
// needs it and otherwise returns the key as it is (nearly all are
// lowercase ASCII already).
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' || c >= 0x80 {
			return strings.ToLower(s)
		}
	}
	return s
}

// trimProfileComment drops everything from the first '#' or ';'.
func trimProfileComment(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, ';'); i >= 0 {
		s = s[:i]
	}
	return s
}

// trimPropertyComment cuts at the first " #", " ;", "\t#" or "\t;" (the
// SDK cuts at each in turn, which comes to the same).
func trimPropertyComment(s string) string {
	end := len(s)
	for _, c := range [2]byte{'#', ';'} {
		for from := 1; from < end; {
			i := strings.IndexByte(s[from:end], c)
			if i < 0 {
				break
			}
			i += from
			if s[i-1] == ' ' || s[i-1] == '\t' {
				end = i - 1
				break
			}
			from = i + 1
		}
	}
	return s[:end]
}

// splitProperty: ':' separates when it comes before '='.
func splitProperty(s string) (string, string, bool) {
	i := strings.IndexByte(s, '=')
	before := s
	if i >= 0 {
		before = s[:i]
	}
	if c := strings.IndexByte(before, ':'); c >= 0 {
		i = c
	}
	if i < 0 {
		return "", "", false
	}
	return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:]), true
}

// splitProfile splits at the first run of spaces/tabs; later runs are kept,
// exactly as the SDK does.
func splitProfile(s string) (string, string) {
	var first int
	for i, r := range s {
		if r == ' ' || r == '\t' {
			if first == 0 {
				first = i
			}
		} else if first != 0 {
			return s[:first], s[i:]
		}
	}
	if first == 0 {
		return "", s
	}
	return "", ""
}

func isLineSpace(b byte) bool { return b == ' ' || b == '\t' }

// unquote strips one pair of surrounding single or double quotes. (The SDK
// panics on a lone `"`; we read it as is.)
func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}
