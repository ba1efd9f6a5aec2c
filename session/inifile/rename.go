package inifile

import (
	"errors"
	"strings"
)

// Rename gives key from of section the name to, in place: on each of its
// lines only the key's spelling changes, so its value, separator, spacing,
// comment and nested lines stay byte for byte, and so does every other
// line. Renaming back restores the file exactly. A key line indented under
// another is refused (ErrUnsafeEdit): botocore reads it as part of the key
// above. It reports whether the
// key was there; a missing section or key is not an error, and a section
// that already sets to is refused. On error the File is unchanged.
func (f *File) Rename(section, from, to string) (bool, error) {
	if err := checkSection(section); err != nil {
		return false, err
	}
	if err := checkKey(to); err != nil {
		return false, err
	}
	a := f.analysis()
	bi, err := a.onlyBlock(section)
	if bi < 0 {
		return false, err
	}
	lf, lt := strings.ToLower(from), strings.ToLower(to)
	if lf == lt {
		return false, refused(ErrInvalid, "rename %s to %s in [%s]: the names are the same key", from, to, section)
	}
	b := a.fill(bi)
	if keyIndex(b, lt) >= 0 {
		return false, refused(ErrInvalid, "[%s] already sets %s; rename %s by hand", section, to, from)
	}
	ki := keyIndex(b, lf)
	if ki < 0 {
		return false, nil
	}
	lines := f.lines[b.header:b.end]
	repl := make([]string, len(lines))
	copy(repl, lines)
	origin := span(b.header, len(lines))
	for j, l := range lines {
		if b.info[j].kind != kindKey || b.info[j].key != ki {
			continue
		}
		indent := len(l) - len(strings.TrimLeft(l, " \t"))
		spelling := strings.TrimRight(keyText(lineContent(l)), " \t")
		// botocore reads an indented line as part of the key above it, so
		// renaming it would change another key's value there.
		if indent > 0 && j > 1 || !strings.EqualFold(spelling, from) {
			return false, refused(ErrUnsafeEdit, "renaming %s in [%s] would change how AWS readers see the rest of the file; edit it by hand", from, section)
		}
		repl[j] = l[:indent] + to + l[indent+len(spelling):]
		origin[j] = -1
	}
	// Both readers must read the key under its new name and nothing else
	// changed (check.go).
	it := intent{section: section, key: lf, rename: lt, hdr: b.header, newHdr: b.header}
	if err := f.tryEdit(bi, bi+1, []candidate{{lines: repl, origin: origin}}, it); err != nil {
		return false, err
	}
	return true, nil
}

// sameRenamed checks that nbs, the new blocks for old, read exactly as old
// does but for key from, which now reads under to with the same value.
func sameRenamed(old *block, nbs []block, from, to string) error {
	if len(nbs) != 1 {
		return errors.New("headers changed")
	}
	nb := &nbs[0]
	if nb.pre != old.pre || nb.name != old.name || len(nb.kvs) != len(old.kvs) {
		return errors.New("keys changed")
	}
	for i := range old.kvs {
		k := old.kvs[i].key
		if k == from {
			k = to
		}
		nv, ok := lookup(nb.kvs, nb.idx, k)
		if !ok || !sameValue(&old.kvs[i].val, nv) {
			return errors.New("value changed")
		}
	}
	if _, ok := lookup(nb.kvs, nb.idx, from); ok {
		return errors.New("key still present")
	}
	return nil
}
