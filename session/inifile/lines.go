package inifile

import "slices"

// Lines returns a copy of the file's lines, each with its line ending
// (only the last may lack one) and without the byte-order mark (HasBOM):
// the lines KeyLines counts. Callers that splice lines themselves start
// from these and check the result with CheckSplice.
func (f *File) Lines() []string { return slices.Clone(f.lines) }

// EachLine calls fn for every line under each header of section (the
// headers themselves left out), in file order, with the line's 1-based
// number in the file and its text without the line ending. Guards that
// must see everything a section holds, and not only the values a reader
// ends up with (a key shadowed by a later copy, a nested or continued
// line), read the section here.
func (f *File) EachLine(section string, fn func(n int, line string)) {
	a := f.analysis()
	for _, bi := range a.blockIndexes(section) {
		b := a.blocks[bi]
		for i := b.header + 1; i < b.end; i++ {
			fn(i+1, lineContent(f.lines[i]))
		}
	}
}
