package inifile

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file models how botocore reads a file: Python's
// configparser.RawConfigParser() with its defaults (strict, '=' and ':'
// delimiters, '#' and ';' full-line comments only, empty lines kept in
// values, a DEFAULT section, keys lowercased), reading through Python's
// universal-newline text mode in UTF-8, followed by botocore's
// configloader (nested "s3 =" values, profile names split with shlex).
// It is written from Python 3.11's configparser._read and botocore's
// configloader.py; botocore_diff_test.go holds it to the real thing.
//
// What matters most is indentation. A line indented deeper than the key
// line above it continues that key's value, whatever it looks like, so
// "  region = x" under "aws_session_token = t" makes the token
// "t\nregion = x", and "  [b]" under a key makes section b vanish.
//
// The model reads on past the errors that make botocore give up on a file
// (a duplicate section or key, a line before the first header, a line that
// is not "key = value", bytes that are not UTF-8), as configparser's
// non-strict mode would, and lists them. So the editor can tell that an
// edit adds no error, and compare what botocore would read once the user
// fixes the ones that were there.

// boNone and boDefault are the section indexes of "no section yet" and
// the DEFAULT section.
const (
	boNone    = -1
	boDefault = -2
)

// boErrKind says why botocore would refuse the file.
type boErrKind uint8

const (
	boErrMissingHeader boErrKind = iota + 1 // text before the first header
	boErrParse                              // a line that is not "key = value", or "= value"
	boErrDupSection                         // a header seen twice
	boErrDupOption                          // a key seen twice in a section
	boErrUTF8                               // bytes that are not UTF-8
)

// boErr is one reason botocore would refuse the file. Two errors are the
// same when their kind and text are: the text is the line's stripped
// content, or for duplicates the section (and key) name.
type boErr struct {
	kind boErrKind
	line int // Go line index, counted from the first line parsed
	at   int // where in that Go line the Python line ends (past its line break)
	text string
}

// boLineKind is what botocore makes of a line.
type boLineKind uint8

const (
	boBlank  boLineKind = iota // white space, or a comment
	boHeader                   // starts a section
	boOption                   // starts a key's value
	boCont                     // continues the value of the key above
	boBad                      // an error line
)

// boRole is what botocore makes of one Go line (of its first Python line
// that is not blank, when a lone '\r' splits it).
type boRole struct {
	kind boLineKind
	sect int32 // section index (boNone, boDefault)
	opt  int32 // option index in the section, for boOption and boCont; else -1
}

// boOpt is one key as configparser holds it: the stripped first value and
// one stripped part per continuation line ("" for an empty line).
type boOpt struct {
	name  string
	parts []string
	line  int // Go line of the key line
}

// value is the option's value as configparser gives it.
func (o *boOpt) value() string {
	if len(o.parts) == 1 {
		return o.parts[0]
	}
	return pyRstrip(strings.Join(o.parts, "\n"))
}

type boSection struct {
	name string
	hdr  int // Go line of its first header
	opts []boOpt
	idx  map[string]int // when there are many options
}

func (s *boSection) find(name string) int {
	if s.idx != nil {
		if i, ok := s.idx[name]; ok {
			return i
		}
		return -1
	}
	for i := range s.opts {
		if s.opts[i].name == name {
			return i
		}
	}
	return -1
}

func (s *boSection) get(name string) (string, bool) {
	if i := s.find(name); i >= 0 {
		return s.opts[i].value(), true
	}
	return "", false
}

// boRead is what botocore's configparser reads from a run of lines.
type boRead struct {
	secs  []boSection // in order of first appearance, DEFAULT apart
	def   *boSection  // the DEFAULT section's keys, if it has a header
	errs  []boErr
	heads []boHead // every header, in order
	roles []boRole // per Go line, when asked for
}

// boHead is one line that botocore reads as a section header.
type boHead struct {
	line int
	name string
}

// boParse reads lines (each with its terminator, as File holds them) as
// configparser does from the start of a file. withValues keeps the keys
// and their values (and finds duplicate keys); without, only headers,
// errors and roles are kept.
func boParse(lines []string, withValues, withRoles bool) *boRead {
	p := boParser{r: &boRead{}, sect: boNone, opt: -1, values: withValues}
	if withRoles {
		p.r.roles = make([]boRole, len(lines))
	}
	for gi, l := range lines {
		p.gi, p.roleSet = gi, false
		if p.r.roles != nil {
			p.r.roles[gi] = boRole{kind: boBlank, sect: int32(p.sect), opt: -1}
		}
		if !withValues && !withRoles && p.quick(l) {
			continue
		}
		if !utf8.ValidString(l) {
			p.r.errs = append(p.r.errs, boErr{kind: boErrUTF8, line: gi, text: pyStrip(lineContent(l))})
		}
		c := lineContent(l)
		if strings.IndexByte(c, '\r') < 0 {
			p.at = len(l)
			p.line(c)
			continue
		}
		// Universal newlines: a lone '\r' ends a line too.
		for start := 0; ; {
			i := strings.IndexByte(c[start:], '\r')
			if i < 0 {
				p.at = len(l)
				p.line(c[start:])
				break
			}
			p.at = start + i + 1
			p.line(c[start : start+i])
			start += i + 1
		}
	}
	return p.r
}

// quick handles, for a reading of headers only, a line that starts in
// column 0 and holds no lone '\r': most lines of most files. It reports
// whether it did.
func (p *boParser) quick(l string) bool {
	c := l[0]
	if c <= ' ' || c >= utf8.RuneSelf {
		return false
	}
	if i := strings.IndexByte(l, '\r'); i >= 0 && i < len(lineContent(l)) {
		return false
	}
	switch {
	case c == '#' || c == ';':
	case c == '[':
		if name, ok := boHeaderName(pyRstrip(lineContent(l))); ok {
			p.indent = 0
			p.header(name)
			return true
		}
		return false
	case p.sect == boNone:
		p.indent = 0 // text before any header: an error
	case c == '=' || c == ':':
		p.indent, p.opt = 0, -1 // a key with no name
	case strings.IndexByte(l, '=') >= 0 || strings.IndexByte(l, ':') >= 0:
		p.indent, p.opt = 0, 0 // a key; its value is not wanted
	default:
		p.indent = 0 // not key = value: an error, optname stays
	}
	return true
}

type boParser struct {
	r       *boRead
	sect    int // current section: an index in r.secs, boDefault or boNone
	opt     int // the current option (optname) in it; -1 for None or ""
	indent  int // indent_level
	values  bool
	gi      int // current Go line
	at      int // where in it the current Python line ends
	roleSet bool
	seen    map[string]int // section name → index in r.secs, once there are many
}

func (p *boParser) role(kind boLineKind, opt int) {
	if p.r.roles == nil || p.roleSet {
		return
	}
	p.roleSet = true
	p.r.roles[p.gi] = boRole{kind: kind, sect: int32(p.sect), opt: int32(opt)}
}

func (p *boParser) cur() *boSection {
	switch p.sect {
	case boNone:
		return nil
	case boDefault:
		return p.r.def
	}
	if p.sect >= len(p.r.secs) {
		return nil // reading headers only
	}
	return &p.r.secs[p.sect]
}

// line is one iteration of configparser's _read loop over Python line s
// (without its line break).
func (p *boParser) line(s string) {
	v := pyStrip(s)
	if v == "" || v[0] == '#' || v[0] == ';' {
		// An empty line becomes an empty part of the current value; a
		// comment line is skipped.
		if v == "" && p.sect != boNone && p.opt >= 0 && p.values {
			o := &p.cur().opts[p.opt]
			o.parts = append(o.parts, "")
		}
		return
	}
	ind := pyIndent(s)
	if p.sect != boNone && p.opt >= 0 && ind > p.indent {
		if p.values {
			o := &p.cur().opts[p.opt]
			o.parts = append(o.parts, v)
		}
		p.role(boCont, p.opt)
		return
	}
	p.indent = ind
	if name, ok := boHeaderName(v); ok {
		p.header(name)
		return
	}
	if p.sect == boNone {
		p.r.errs = append(p.r.errs, boErr{kind: boErrMissingHeader, line: p.gi, at: p.at, text: v})
		p.role(boBad, -1)
		return
	}
	name, val, ok := boSplitOption(v)
	if !ok {
		// A parse error; optname stays what it was.
		p.r.errs = append(p.r.errs, boErr{kind: boErrParse, line: p.gi, at: p.at, text: v})
		p.role(boBad, -1)
		return
	}
	if name == "" {
		p.r.errs = append(p.r.errs, boErr{kind: boErrParse, line: p.gi, at: p.at, text: v})
	}
	name = pyLower(name)
	sec := p.cur()
	i := p.setOption(sec, name, val)
	p.opt = i
	if name == "" {
		p.opt = -1 // optname "" is false: nothing continues it
	}
	p.role(boOption, i)
}

func (p *boParser) header(name string) {
	p.opt = -1
	p.r.heads = append(p.r.heads, boHead{line: p.gi, name: name})
	if !p.values && p.r.roles == nil {
		p.sect = 0 // some section: only the headers are wanted
		return
	}
	if name == "DEFAULT" {
		if p.r.def == nil {
			p.r.def = &boSection{name: name, hdr: p.gi}
		}
		p.sect = boDefault
		p.role(boHeader, -1)
		return
	}
	if i := p.sectionIndex(name); i >= 0 {
		// Strict mode refuses it; non-strict reads on into the same section.
		p.r.errs = append(p.r.errs, boErr{kind: boErrDupSection, line: p.gi, at: p.at, text: name})
		p.sect = i
		p.role(boHeader, -1)
		return
	}
	p.r.secs = append(p.r.secs, boSection{name: name, hdr: p.gi})
	p.sect = len(p.r.secs) - 1
	if p.seen != nil {
		p.seen[name] = p.sect
	} else if len(p.r.secs) > manyKeys {
		p.seen = make(map[string]int, 2*len(p.r.secs))
		for i, s := range p.r.secs {
			p.seen[s.name] = i
		}
	}
	p.role(boHeader, -1)
}

func (p *boParser) sectionIndex(name string) int {
	if p.seen != nil {
		if i, ok := p.seen[name]; ok {
			return i
		}
		return -1
	}
	for i := range p.r.secs {
		if p.r.secs[i].name == name {
			return i
		}
	}
	return -1
}

// setOption stores name = val in sec and returns its index. A key seen
// before in the section is an error in strict mode; non-strict reading
// replaces its value, keeping its place.
func (p *boParser) setOption(sec *boSection, name, val string) int {
	if !p.values {
		return 0 // only headers and errors are wanted
	}
	if i := sec.find(name); i >= 0 {
		p.r.errs = append(p.r.errs, boErr{kind: boErrDupOption, line: p.gi, at: p.at, text: sec.name + "\x00" + name})
		sec.opts[i].parts = []string{val}
		sec.opts[i].line = p.gi
		return i
	}
	sec.opts = append(sec.opts, boOpt{name: name, parts: []string{val}, line: p.gi})
	n := len(sec.opts)
	switch {
	case sec.idx != nil:
		sec.idx[name] = n - 1
	case n > manyKeys:
		sec.idx = make(map[string]int, 2*n)
		for i, o := range sec.opts {
			sec.idx[o.name] = i
		}
	}
	return n - 1
}

// boHeaderName is configparser's SECTCRE, r"\[(?P<header>.+)\]", matched
// at the start of the stripped line: the name runs to the last ']'.
func boHeaderName(v string) (string, bool) {
	if len(v) < 3 || v[0] != '[' {
		return "", false
	}
	j := strings.LastIndexByte(v, ']')
	if j < 2 {
		return "", false
	}
	return v[1:j], true
}

// boSplitOption is configparser's OPTCRE on a stripped line: the key runs
// to the first '=' or ':', the value is the rest, both stripped.
func boSplitOption(v string) (name, val string, ok bool) {
	q := strings.IndexAny(v, "=:")
	if q < 0 {
		return "", "", false
	}
	return pyRstrip(v[:q]), pyStrip(v[q+1:]), true
}

// isPySpace is Python's str.isspace for one character: it is also what
// str.strip() drops and what \s matches.
func isPySpace(r rune) bool {
	switch {
	case r == ' ' || '\t' <= r && r <= '\r' || 0x1c <= r && r <= 0x1f:
		return true
	case r < 0x80:
		return false
	case r == 0x85 || r == 0xa0 || r == 0x1680 || 0x2000 <= r && r <= 0x200a ||
		r == 0x2028 || r == 0x2029 || r == 0x202f || r == 0x205f || r == 0x3000:
		return true
	}
	return false
}

func pyLstrip(s string) string {
	for len(s) > 0 {
		if c := s[0]; c < utf8.RuneSelf {
			if !isPySpace(rune(c)) {
				return s
			}
			s = s[1:]
			continue
		}
		r, n := utf8.DecodeRuneInString(s)
		if !isPySpace(r) {
			return s
		}
		s = s[n:]
	}
	return s
}

func pyRstrip(s string) string {
	for len(s) > 0 {
		if c := s[len(s)-1]; c < utf8.RuneSelf {
			if !isPySpace(rune(c)) {
				return s
			}
			s = s[:len(s)-1]
			continue
		}
		r, n := utf8.DecodeLastRuneInString(s)
		if !isPySpace(r) {
			return s
		}
		s = s[:len(s)-n]
	}
	return s
}

func pyStrip(s string) string { return pyRstrip(pyLstrip(s)) }

// pyIndent is where the first non-space character of s is, in characters
// (NONSPACECRE.search(line).start()).
func pyIndent(s string) int {
	n := 0
	for _, r := range s {
		if !isPySpace(r) {
			return n
		}
		n++
	}
	return 0
}

// pyLower is Python's str.lower(): Go's simple mapping, plus the two
// places where Python differs (U+0130 and a final capital sigma).
func pyLower(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return lower(s)
	}
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		switch r {
		case 0x130:
			b.WriteString("i\u0307")
		case 0x3a3:
			if finalSigma(rs, i) {
				b.WriteRune(0x3c2)
			} else {
				b.WriteRune(0x3c3)
			}
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// finalSigma is Python's Final_Sigma test: a cased letter before (past
// case-ignorable ones) and none after.
func finalSigma(rs []rune, i int) bool {
	j := i - 1
	for j >= 0 && caseIgnorable(rs[j]) {
		j--
	}
	if j < 0 || !cased(rs[j]) {
		return false
	}
	j = i + 1
	for j < len(rs) && caseIgnorable(rs[j]) {
		j++
	}
	return j == len(rs) || !cased(rs[j])
}

func cased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

func caseIgnorable(r rune) bool {
	switch r {
	case '\'', '.', ':', 0xb7, 0x387, 0x55f, 0x5f4, 0x2018, 0x2019, 0x2024, 0x2027, 0xfe13, 0xfe52, 0xfe55, 0xff07, 0xff0e, 0xff1a:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// pySplitlines is Python's str.splitlines().
func pySplitlines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch r {
		case '\r':
			out = append(out, s[start:i])
			if i+1 < len(s) && s[i+1] == '\n' {
				n = 2
			}
			start = i + n
		case '\n', '\v', '\f', 0x1c, 0x1d, 0x1e, 0x85, 0x2028, 0x2029:
			out = append(out, s[start:i])
			start = i + n
		}
		i += n
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// boNested is botocore's _parse_nested for a value starting with '\n':
// "key = value" lines, stripped, the later key winning. ok is false where
// botocore raises (a line without '=').
func boNested(v string) (map[string]string, bool) {
	m := map[string]string{}
	for _, l := range pySplitlines(v) {
		l = pyStrip(l)
		if l == "" {
			continue
		}
		k, x, found := strings.Cut(l, "=")
		if !found {
			return nil, false
		}
		m[pyStrip(k)] = pyStrip(x)
	}
	return m, true
}

// shlexSplit is Python's shlex.split(s) (POSIX mode, no comments); ok is
// false where it raises ValueError.
func shlexSplit(s string) ([]string, bool) {
	const ws = " \t\r\n"
	var out []string
	rs := []rune(s)
	i := 0
	for {
		// One read_token call.
		var tok strings.Builder
		quoted := false
		state := ' '
		escaped := ' '
		done := false
		for !done {
			var c rune
			eof := i >= len(rs)
			if !eof {
				c = rs[i]
				i++
			}
			switch {
			case state == ' ':
				switch {
				case eof:
					done = true
					state = 0
				case strings.ContainsRune(ws, c):
					if tok.Len() > 0 || quoted {
						done = true
					}
				case c == '\\':
					escaped, state = 'a', '\\'
				case c == '\'' || c == '"':
					state = c
				default:
					tok.WriteRune(c)
					state = 'a'
				}
			case state == '\'' || state == '"':
				quoted = true
				switch {
				case eof:
					return nil, false
				case c == state:
					state = 'a'
				case c == '\\' && state == '"':
					escaped, state = state, '\\'
				default:
					tok.WriteRune(c)
				}
			case state == '\\':
				if eof {
					return nil, false
				}
				if (escaped == '\'' || escaped == '"') && c != state && c != escaped {
					tok.WriteRune(state)
				}
				tok.WriteRune(c)
				state = escaped
			case state == 'a':
				switch {
				case eof:
					done = true
					state = 0
				case strings.ContainsRune(ws, c):
					state = ' '
					if tok.Len() > 0 || quoted {
						done = true
					}
				case c == '\'' || c == '"':
					state = c
				case c == '\\':
					escaped, state = 'a', '\\'
				default:
					tok.WriteRune(c)
				}
			}
		}
		if tok.Len() == 0 && !quoted {
			return out, true // EOF
		}
		out = append(out, tok.String())
		if state == 0 {
			return out, true
		}
	}
}

// boEntry names what a section becomes in botocore's profile map
// (build_profile_map): a profile, an sso-session, a services block, or a
// top-level entry under its own name. Sections with the same entry are
// the same profile to botocore, which keeps only the later one.
type boEntry struct {
	kind string // "profile", "sso-session", "services", "" (top level); "-" for none
	name string
}

// boEntryOf is build_profile_map's mapping; services is whether this
// botocore has the services map (1.31 on).
func boEntryOf(section string, services bool) boEntry {
	prefixed := func(kind string) boEntry {
		parts, ok := shlexSplit(section)
		if !ok || len(parts) != 2 {
			return boEntry{kind: "-"}
		}
		return boEntry{kind: kind, name: parts[1]}
	}
	switch {
	case strings.HasPrefix(section, "profile"):
		return prefixed("profile")
	case strings.HasPrefix(section, "sso-session"):
		return prefixed("sso-session")
	case services && strings.HasPrefix(section, "services"):
		return prefixed("services")
	case section == "default":
		return boEntry{kind: "profile", name: "default"}
	}
	return boEntry{name: section}
}
