package inifile

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"unsafe"
)

var bom = "\xEF\xBB\xBF"

// File is a line-preserving view of an AWS shared config/credentials file.
// The zero value is an empty file. A File is not safe for concurrent use.
type File struct {
	bom   bool     // the data started with a UTF-8 byte-order mark
	lines []string // each with its own terminator; only the last may lack "\n"
	a     *analysis
	heads int       // lines starting with '[': about how many sections to expect
	src   *snapshot // the read it came from (Load, Begin); nil for Parse

	text    string // the content parsed (after any BOM)
	innerCR int8   // 0: not known yet; 1: some line holds a lone '\r' inside; -1: none

	bo *boVerdict // BotocoreRefuses, until an edit
}

// Parse splits data into lines. It never fails: lines it does not
// understand are kept verbatim, and Parse(b).Bytes() equals b for every b.
// A leading byte-order mark is kept, and the first section is still found
// behind it (unlike aws-sdk-go-v2, which then misses that section).
func Parse(data []byte) *File {
	return parseString(string(data))
}

// parseOwned is Parse without the copy, for a buffer that nobody will
// modify again (one just read from disk): the lines point into it.
func parseOwned(data []byte) *File {
	return parseString(unsafe.String(unsafe.SliceData(data), len(data)))
}

func parseString(s string) *File {
	f := &File{}
	if strings.HasPrefix(s, bom) {
		f.bom, s = true, s[len(bom):]
	}
	f.text = s
	f.lines = make([]string, 0, strings.Count(s, "\n")+1)
	for len(s) > 0 {
		if s[0] == '[' {
			f.heads++
		}
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			f.lines = append(f.lines, s)
			break
		}
		f.lines = append(f.lines, s[:i+1])
		s = s[i+1:]
	}
	return f
}

// Bytes returns the file's current content.
func (f *File) Bytes() []byte {
	n := 0
	for _, l := range f.lines {
		n += len(l)
	}
	b := make([]byte, 0, n+len(bom))
	if f.bom {
		b = append(b, bom...)
	}
	for _, l := range f.lines {
		b = append(b, l...)
	}
	return b
}

// equal reports whether the file's content is b, without building it.
func (f *File) equal(b []byte) bool {
	if f.bom {
		if !bytes.HasPrefix(b, []byte(bom)) {
			return false
		}
		b = b[len(bom):]
	}
	for _, l := range f.lines {
		if len(l) > len(b) || string(b[:len(l)]) != l {
			return false
		}
		b = b[len(l):]
	}
	return len(b) == 0
}

// writeTo writes the file's content through a buffer of at most 64 KiB,
// rather than building it whole as Bytes does. A small file gets a buffer
// its size: one write, and no 64 KiB of fresh memory for a 1 KiB file.
func (f *File) writeTo(w io.Writer) error {
	n := len(bom)
	for _, l := range f.lines {
		if n += len(l); n >= 64<<10 {
			break
		}
	}
	bw := bufio.NewWriterSize(w, min(n, 64<<10))
	if f.bom {
		bw.WriteString(bom)
	}
	for _, l := range f.lines {
		bw.WriteString(l)
	}
	return bw.Flush()
}

// HasBOM reports whether the file starts with a UTF-8 byte-order mark.
// aws-sdk-go-v2 does not see the first section of such a file.
func (f *File) HasBOM() bool { return f.bom }

// EOL is the line ending used for new lines: the ending of the first line,
// or "\n" when no line is terminated yet (unless the only line ends in a
// "\r" that is waiting for its "\n").
func (f *File) EOL() string {
	for _, l := range f.lines {
		if strings.HasSuffix(l, "\r\n") {
			return "\r\n"
		}
		if strings.HasSuffix(l, "\n") {
			return "\n"
		}
		if strings.HasSuffix(l, "\r") {
			return "\r\n"
		}
	}
	return "\n"
}

// hasInnerCR reports whether a line holds a '\r' that is not its line
// ending, which Python reads as a line break of its own. Edits never write
// one, so what the parsed content said stays true.
func (f *File) hasInnerCR() bool {
	if f.innerCR == 0 {
		f.innerCR = -1
		for s := f.text; ; {
			i := strings.IndexByte(s, '\r')
			if i < 0 {
				break
			}
			if i+1 < len(s) && s[i+1] != '\n' {
				f.innerCR = 1
				break
			}
			s = s[i+1:]
		}
	}
	return f.innerCR > 0
}

func (f *File) analysis() *analysis {
	if f.a == nil {
		f.a = scan(f.lines, f.heads)
	}
	return f.a
}

// Sections returns the normalised section names in order of first
// appearance, each once. "[]" headers are left out: readers ignore them.
func (f *File) Sections() []string {
	a := f.analysis()
	a.index()
	return append([]string(nil), a.order...)
}

// Count returns how many headers normalise to section.
func (f *File) Count(section string) int {
	return f.analysis().count(section)
}

// Get returns what aws-sdk-go-v2 reads for key in section: inline comments
// cut, quotes stripped, keys case-insensitive, duplicate sections merged
// with the later key winning. A key holding a nested block reads as "".
func (f *File) Get(section, key string) (string, bool) {
	kvs, idx, ok := f.analysis().section(section)
	if !ok {
		return "", false
	}
	v, ok := lookup(kvs, idx, lower(key))
	if !ok {
		return "", false
	}
	return v.str, true
}

// Nested returns the sub-properties of a nested block such as "s3 =".
func (f *File) Nested(section, key string) (map[string]string, bool) {
	kvs, idx, ok := f.analysis().section(section)
	if !ok {
		return nil, false
	}
	v, ok := lookup(kvs, idx, lower(key))
	if !ok || v.mp == nil {
		return nil, false
	}
	m := make(map[string]string, len(v.mp))
	for k, x := range v.mp {
		m[k] = x
	}
	return m, true
}

// Keys returns the lowercased top-level keys of section in order of first
// appearance, each once. Nested sub-properties are not keys.
func (f *File) Keys(section string) []string {
	kvs, _, ok := f.analysis().section(section)
	if !ok {
		return nil
	}
	keys := make([]string, len(kvs))
	for i, x := range kvs {
		keys[i] = x.key
	}
	return keys
}
