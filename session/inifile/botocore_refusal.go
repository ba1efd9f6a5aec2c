package inifile

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// BotocoreRefusal says why botocore (the AWS CLI, boto3) refuses a file:
// its raw_config_parse raises ConfigParseError ("Unable to parse config
// file") for the whole file, so no profile in it works there, whatever
// aws-sdk-go-v2 makes of it. Its Error is a clause that names the first
// such line and what to do; it never quotes the line, which may hold a
// secret.
type BotocoreRefusal struct {
	Line    int    // the first line botocore refuses, counted from 1
	Section string // the section that line is in, "" before any header
	// Others are the other lines botocore refuses, in order: fixing Line
	// alone does not make the file readable when there are some.
	Others []int
	// OnlyBOM: the byte-order mark at the start is all botocore refuses.
	OnlyBOM bool
	text    string
}

func (r *BotocoreRefusal) Error() string {
	if len(r.Others) == 0 {
		return r.text
	}
	return r.text + " (botocore also refuses " + lineList(r.Others) + ")"
}

// lineList is "line 9", "lines 9 and 12", "lines 9, 12, 14 and 3 more".
func lineList(lines []int) string {
	if len(lines) == 1 {
		return "line " + strconv.Itoa(lines[0])
	}
	const shown = 3
	var s []string
	for _, l := range lines[:min(len(lines), shown)] {
		s = append(s, strconv.Itoa(l))
	}
	if len(lines) > shown {
		return "lines " + strings.Join(s, ", ") + fmt.Sprintf(" and %d more", len(lines)-shown)
	}
	return "lines " + strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// BotocoreRefuses reports whether botocore refuses the file, and if so
// which line, or nil when it reads the file. It is the model of
// botocore.go read over the whole file: a line that is not "key = value"
// (and not a header, a comment or a continuation), text before the first
// header (a byte-order mark included), a header or a key seen twice,
// bytes that are not UTF-8, or an indented value under an empty key that
// botocore's nested parser cannot split on '='.
func (f *File) BotocoreRefuses() *BotocoreRefusal {
	if f.bo == nil {
		f.bo = &boVerdict{r: f.botocoreRefuses()}
	}
	return f.bo.r
}

// boVerdict caches BotocoreRefuses until the next edit.
type boVerdict struct{ r *BotocoreRefusal }

type boRefused struct {
	line    int // Go line index
	section string
	text    string
}

func (f *File) botocoreRefuses() *BotocoreRefusal {
	r := boParse(f.lines, true, true)
	var all []boRefused
	secName := func(gi int) string {
		if gi >= len(r.roles) {
			return ""
		}
		switch s := r.roles[gi].sect; {
		case s == boDefault:
			return "DEFAULT"
		case s >= 0 && int(s) < len(r.secs):
			return r.secs[s].name
		}
		return ""
	}
	if f.bom {
		// Python reads the mark as U+FEFF, which is not white space: the
		// first line is text before any header.
		all = append(all, boRefused{0, "", "the file starts with a byte-order mark, which aws-sdk-go-v2 misreads too: save it as UTF-8 without BOM"})
	}
	for _, e := range r.errs {
		n := e.line + 1
		sec := secName(e.line)
		var text string
		switch e.kind {
		case boErrMissingHeader:
			if f.bom && e.line == 0 {
				continue // said above
			}
			text = fmt.Sprintf("line %d comes before the first [section] header: delete it, or move it under the header it belongs to", n)
		case boErrParse:
			what := `is not "key = value", a [section] header or a comment`
			if strings.IndexAny(e.text, "=:") == 0 {
				what = "has a value but no key name"
			}
			text = fmt.Sprintf("line %d%s %s: fix or delete that line", n, inSection(sec), what)
		case boErrDupSection:
			first := 0
			for _, h := range r.heads {
				if h.name == e.text {
					first = h.line + 1
					break
				}
			}
			sec = e.text
			text = fmt.Sprintf("line %d starts [%s] a second time (the first is on line %d): merge the two into one section by hand, then delete that line", n, e.text, first)
		case boErrDupOption:
			s, key, _ := strings.Cut(e.text, "\x00")
			sec = s
			first := firstKeyLine(r, e.line, key)
			text = fmt.Sprintf("line %d sets %s a second time in [%s] (the first is on line %d): delete the line you do not want", n, keyWord(key), s, first)
		case boErrUTF8:
			text = fmt.Sprintf("line %d holds bytes that are not UTF-8: save the file as UTF-8, or fix or delete that line", n)
		default:
			continue
		}
		all = append(all, boRefused{e.line, sec, text})
	}
	all = append(all, boNestedRefusals(r, f.lines, secName)...)
	if len(all) == 0 {
		return nil
	}
	onlyBOM := f.bom && len(all) == 1
	sort.SliceStable(all, func(i, j int) bool { return all[i].line < all[j].line })
	out := &BotocoreRefusal{Line: all[0].line + 1, Section: all[0].section, OnlyBOM: onlyBOM, text: all[0].text}
	for _, x := range all[1:] {
		if n := x.line + 1; n != out.Line && (len(out.Others) == 0 || out.Others[len(out.Others)-1] != n) {
			out.Others = append(out.Others, n)
		}
	}
	return out
}

func inSection(sec string) string {
	if sec == "" {
		return ""
	}
	return ", in [" + sec + "],"
}

// plainKey is a key name safe to show: a setting's name, never a pasted
// secret or key id that happened to hold a '=' or ':'.
var plainKey = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9_.-]{0,63}$`) })

func keyWord(key string) string {
	if plainKey().MatchString(key) && (strings.Contains(key, "_") || len(key) <= 20) &&
		!strings.HasPrefix(key, "akia") && !strings.HasPrefix(key, "asia") {
		return key
	}
	return "a key"
}

// firstKeyLine is the line (from 1) where key was first set in the section
// of Go line dup.
func firstKeyLine(r *boRead, dup int, key string) int {
	sect := r.roles[dup].sect
	for gi := 0; gi < dup; gi++ {
		role := r.roles[gi]
		if role.kind == boOption && role.sect == sect && optName(r, role) == key {
			return gi + 1
		}
	}
	return dup + 1
}

// boNestedRefusals are the values botocore's _parse_nested raises on: an
// empty "key =" whose indented lines are not all "name = value". botocore
// reads every section's own keys and then DEFAULT's, so a bad DEFAULT
// value counts only when some section inherits it.
func boNestedRefusals(r *boRead, lines []string, secName func(int) string) []boRefused {
	var out []boRefused
	check := func(sect int32, opt int, o *boOpt) {
		v := o.value()
		if !strings.HasPrefix(v, "\n") {
			return
		}
		if _, ok := boNested(v); ok {
			return
		}
		bad := o.line
		for gi := o.line + 1; gi < len(r.roles); gi++ {
			role := r.roles[gi]
			if role.kind == boHeader || role.kind == boOption {
				break
			}
			if role.kind == boCont && role.sect == sect && int(role.opt) == opt &&
				!strings.ContainsRune(firstPyLine(lines[gi]), '=') {
				bad = gi
				break
			}
		}
		sec := secName(o.line)
		text := fmt.Sprintf("line %d, in [%s], is indented under %s, whose empty value botocore then reads as \"name = value\" lines, and it is not one: fix or delete that line", bad+1, sec, keyWord(o.name))
		out = append(out, boRefused{bad, sec, text})
	}
	for i := range r.secs {
		for j := range r.secs[i].opts {
			check(int32(i), j, &r.secs[i].opts[j])
		}
	}
	if r.def == nil {
		return out
	}
	// A DEFAULT key is read once for each section that does not set it.
	for j := range r.def.opts {
		for i := range r.secs {
			if r.secs[i].find(r.def.opts[j].name) < 0 {
				check(boDefault, j, &r.def.opts[j])
				break
			}
		}
	}
	return out
}
