package inifile

// RemoveEmptySection drops section's header when the section holds nothing
// but blank lines, together with the one blank line right above it (the
// separator Set adds when it appends a section). That is the exact inverse
// of Set appending a new section, wherever the section now stands: sections
// appended after it keep their own separators, so logging out of the
// sessions a login created, in any order, gives back the original file
// byte for byte (a missing final newline included). A section holding
// anything at all (a comment, a key) stays: it is the user's. Like every
// edit, it is refused (ErrUnsafeEdit, file unchanged) if either reader
// would see more change than the section going.
func (f *File) RemoveEmptySection(section string) (bool, error) {
	a := f.analysis()
	bi, err := a.onlyBlock(section)
	if bi < 0 {
		return false, err
	}
	b := a.fill(bi)
	for _, li := range b.info[1:] {
		if li.kind != kindBlank {
			return false, nil
		}
	}
	// The block before takes the section's blank lines (those of a section
	// in the middle are the separator of the next), less the separator
	// above the header. The last block goes whole.
	prev := a.fill(bi - 1)
	keep := b.header
	if b.header > prev.header && prev.info[b.header-1-prev.header].kind == kindBlank {
		keep = b.header - 1
	}
	repl := make([]string, 0, b.end-prev.header)
	repl = append(repl, f.lines[prev.header:keep]...)
	origin := span(prev.header, len(repl))
	if b.end < len(f.lines) {
		repl = append(repl, f.lines[b.header+1:b.end]...)
		origin = append(origin, span(b.header+1, b.end-b.header-1)...)
	} else {
		endFileAs(repl, f.lines[b.end-1])
	}
	it := intent{section: section, drop: true, hdr: b.header, newHdr: -1}
	if err := f.tryEdit(bi-1, bi+1, []candidate{{lines: repl, origin: origin}}, it); err != nil {
		return false, err
	}
	return true, nil
}
