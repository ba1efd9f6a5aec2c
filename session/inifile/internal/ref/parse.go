package ref

import "strings"

// This file is a line-by-line port of aws-sdk-go-v2 config/internal/ini
// (tokenize.go, strings.go, parse.go) that also records, for each line, what
// it is and which key owns it, so edits can touch exactly one key's lines.

type lineKind uint8

const (
	kindBlank   lineKind = iota // only white space
	kindComment                 // full-line '#' or ';' comment
	kindHeader                  // [section]
	kindKey                     // a top-level property (also an indented one the SDK promotes)
	kindNested                  // sub-property or continuation owned by a key line
	kindOther                   // ignored by the readers: stray text, properties outside a section
)

type lineInfo struct {
	kind  lineKind
	block int    // index into analysis.blocks; -1 before the first header
	key   string // lowercased key, for kindKey
	owner int    // for kindNested: index of the owning kindKey line
}

// block is one section header and the lines up to the next header.
type block struct {
	name   string // normalised; "" for "[]", whose lines the SDK ignores
	header int    // line index of the header
	end    int    // exclusive
}

// value mirrors the SDK's ini.Value: a string, or a map for nested blocks.
type value struct {
	str string
	mp  map[string]string
}

type section struct {
	vals  map[string]*value
	order []string // keys in order of first appearance
}

type analysis struct {
	info   []lineInfo
	blocks []block
	secs   map[string]*section
	order  []string // section names in order of first appearance
	count  map[string]int
}

// lineContent strips the line terminator ("\n", "\r\n", or a lone trailing
// "\r") so that a CR never leaks into a key, value or section name.
func lineContent(l string) string {
	l = strings.TrimSuffix(l, "\n")
	return strings.TrimSuffix(l, "\r")
}

func analyse(lines []string) *analysis {
	a := &analysis{
		info:  make([]lineInfo, len(lines)),
		secs:  map[string]*section{},
		count: map[string]int{},
	}
	cur := -1      // current block
	csec := ""     // current section name; "" means properties are ignored
	ckey := ""     // current key, as in the SDK parser
	ckeyLine := -1 // line of ckey
	for i, raw := range lines {
		s := lineContent(raw)
		li := lineInfo{kind: kindOther, block: cur, owner: -1}
		switch {
		case strings.TrimSpace(s) == "":
			li.kind = kindBlank
		case isLineComment(s):
			li.kind = kindComment
		default:
			if name, ok := headerName(s); ok {
				if cur >= 0 {
					a.blocks[cur].end = i
				}
				a.blocks = append(a.blocks, block{name: name, header: i, end: len(lines)})
				cur = len(a.blocks) - 1
				li.kind, li.block = kindHeader, cur
				csec, ckey, ckeyLine = name, "", -1
				if name != "" {
					if a.count[name] == 0 {
						a.secs[name] = &section{vals: map[string]*value{}}
						a.order = append(a.order, name)
					}
					a.count[name]++
				}
				break
			}
			if !isLineSpace(s[0]) {
				k, v, ok := asProperty(s)
				if !ok || csec == "" {
					break
				}
				a.secs[csec].set(k, v)
				ckey, ckeyLine = k, i
				li.kind, li.key = kindKey, k
				break
			}
			trimmed := strings.TrimLeft(s, " \t")
			if k, v, ok := splitProperty(trimmed); ok { // sub-property
				if csec == "" {
					break
				}
				k, v = strings.ToLower(k), unquote(v)
				sec := a.secs[csec]
				if ckey == "" || sec.vals[ckey].str != "" {
					// The SDK "promotes" an orphaned sub-property to a
					// normal property.
					v = strings.TrimSpace(trimPropertyComment(v))
					sec.set(k, v)
					ckey, ckeyLine = k, i
					li.kind, li.key = kindKey, k
					break
				}
				cv := sec.vals[ckey]
				if cv.mp == nil {
					cv.mp = map[string]string{}
				}
				cv.mp[k] = v
				li.kind, li.owner = kindNested, ckeyLine
				break
			}
			// continuation
			if ckey == "" {
				break
			}
			cv := a.secs[csec].vals[ckey]
			if cv.str != "" && cv.mp == nil {
				cv.str += "\n" + trimmed
			}
			li.kind, li.owner = kindNested, ckeyLine
		}
		a.info[i] = li
	}
	return a
}

// set is the SDK's handleProperty: a later key replaces the whole value.
func (s *section) set(k, v string) {
	if _, ok := s.vals[k]; !ok {
		s.order = append(s.order, k)
	}
	s.vals[k] = &value{str: v}
}

func isLineComment(line string) bool {
	trimmed := strings.TrimLeft(line, " \t")
	return strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, ";")
}

// headerName is the SDK's asProfile: " [ type   name ] ; c" is "type name".
func headerName(line string) (string, bool) {
	t := strings.TrimSpace(trimProfileComment(line))
	if !(strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]")) || len(t) < 2 {
		return "", false
	}
	t = strings.TrimSpace(t[1 : len(t)-1])
	typ, name := splitProfile(t)
	if typ != "" {
		return typ + " " + name, true
	}
	return name, true
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
	return strings.ToLower(k), unquote(v), true
}

func trimProfileComment(s string) string {
	r, _, _ := strings.Cut(s, "#")
	r, _, _ = strings.Cut(r, ";")
	return r
}

func trimPropertyComment(s string) string {
	r, _, _ := strings.Cut(s, " #")
	r, _, _ = strings.Cut(r, " ;")
	r, _, _ = strings.Cut(r, "\t#")
	r, _, _ = strings.Cut(r, "\t;")
	return r
}

// splitProperty: ':' separates when it comes before '='.
func splitProperty(s string) (string, string, bool) {
	equalsi := strings.Index(s, "=")
	coloni := strings.Index(s, ":")
	sep := "="
	if equalsi == -1 || coloni != -1 && coloni < equalsi {
		sep = ":"
	}
	k, v, ok := strings.Cut(s, sep)
	if !ok {
		return "", "", false
	}
	return strings.TrimSpace(k), strings.TrimSpace(v), true
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
