package inifile

import (
	"fmt"
	"slices"
)

// RemoveEmptySection drops section when it is the last block of the file
// and holds nothing but blank lines, together with the one blank line that
// separates it from the block before. That is the exact inverse of Set
// appending a new section, so a login followed by a logout leaves the file
// byte-identical. A section anywhere else, or holding anything at all (a
// comment, a key), stays: it is the user's.
func (f *File) RemoveEmptySection(section string) (bool, error) {
	a := f.analysis()
	bis := a.blockIndexes(section)
	if len(bis) > 1 {
		return false, duplicateErr(section, len(bis))
	}
	if len(bis) == 0 || a.blocks[bis[0]].end != len(f.lines) {
		return false, nil
	}
	b := a.fill(bis[0])
	for _, li := range b.info[1:] {
		if li.kind != kindBlank {
			return false, nil
		}
	}
	// Drop the block, and the blank line before it from the block before
	// (which reads the same without it).
	bi := bis[0]
	if b.header == 0 || a.lineAt(b.header-1).kind != kindBlank {
		f.install(bi, bi+1, nil, nil)
		return true, nil
	}
	prev := a.fill(bi - 1)
	repl := slices.Clone(f.lines[prev.header : b.header-1])
	nbs := reblock(repl, prev.header, prev.pre)
	if err := sameExcept(a, prev, nbs, section, "", nil); err != nil {
		return false, fmt.Errorf("removing [%s] would change how AWS readers see the rest of the file; edit it by hand: %w", section, ErrUnsafeEdit)
	}
	f.install(bi-1, bi+1, repl, nbs)
	return true, nil
}
