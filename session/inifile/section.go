package inifile

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
	start := b.header
	if start > 0 && a.lineAt(start-1).kind == kindBlank {
		start--
	}
	out := append([]string(nil), f.lines[:start]...)
	f.lines, f.a = out, scan(out, f.heads)
	return true, nil
}
