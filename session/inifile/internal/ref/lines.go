package ref

// LineKind is how the reference parser classified line i (0 blank, 1
// comment, 2 header, 3 key, 4 nested, 5 other), with the key of a key
// line and the owning key line of a nested one (-1 otherwise).
func (f *File) LineKind(i int) (kind uint8, key string, owner int) {
	li := f.analysis().info[i]
	return uint8(li.kind), li.key, li.owner
}

// Lines is the number of lines.
func (f *File) Lines() int { return len(f.lines) }
