package ref

// RemoveEmptySection drops section when it is the last block of the file
// and holds nothing but blank lines, together with the one blank line that
// separates it from the block before. That is the exact inverse of Set
// appending a new section, so a login followed by a logout leaves the file
// byte-identical. A section anywhere else, or holding anything at all (a
// comment, a key), stays: it is the user's.
func (f *File) RemoveEmptySection(section string) (bool, error) {
	a := f.analysis()
	blocks := a.blocksOf(section)
	if len(blocks) > 1 {
		return false, duplicateErr(section, len(blocks))
	}
	if len(blocks) == 0 || blocks[0].end != len(f.lines) {
		return false, nil
	}
	b := blocks[0]
	for i := b.header + 1; i < b.end; i++ {
		if a.info[i].kind != kindBlank {
			return false, nil
		}
	}
	start := b.header
	if start > 0 && a.info[start-1].kind == kindBlank {
		start--
	}
	out := append([]string(nil), f.lines[:start]...)
	f.lines, f.a = out, analyse(out)
	return true, nil
}
