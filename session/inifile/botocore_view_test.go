package inifile

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// boView is everything botocore makes of a file, as reader.py reports it:
// raw_config_parse with and without nested parsing, build_profile_map,
// and the credentials file resolver for each section. modelView computes
// the same from the Go model, so tests can compare the two.
type boView struct {
	err      string // the error class botocore raises, or ""
	errLines []int  // the lines its error names (from 1), real botocore only
	raw      []boViewSec
	flat     []boViewSec
	profiles []boViewEntry
	creds    []boViewCreds
}

type boViewSec struct {
	name string
	opts []boViewOpt
}

type boViewOpt struct {
	key string
	val boViewVal
}

type boViewVal struct {
	str      string
	nested   [][2]string
	isNested bool
	none     bool
}

type boViewEntry struct {
	boEntry
	opts []boViewOpt
}

type boViewCreds struct {
	section string
	found   bool // access key, secret key and token follow
	partial bool // an access key without a secret (PartialCredentialsError)
	vals    [3]boViewVal
}

// modelView is boView from the model: what raw_config_parse, its profile
// map and SharedCredentialProvider give for data.
func modelView(data []byte, services bool) *boView {
	lines := pyLines(data)
	r := boParse(lines, true, false)
	if err := boErrorClass(lines, r.errs); err != "" {
		return &boView{err: err}
	}
	v := &boView{}
	for _, sec := range r.secs {
		// cp.options(section): its own keys, then DEFAULT's.
		opts := slices.Clone(sec.opts)
		if r.def != nil {
			for _, o := range r.def.opts {
				if sec.find(o.name) < 0 {
					opts = append(opts, o)
				}
			}
		}
		raw, flat := boViewSec{name: sec.name}, boViewSec{name: sec.name}
		for _, o := range opts {
			val := o.value()
			flat.opts = append(flat.opts, boViewOpt{o.name, boViewVal{str: val}})
			if strings.HasPrefix(val, "\n") {
				m, ok := boNested(val)
				if !ok {
					return &boView{err: "ValueError"}
				}
				var nested [][2]string
				for _, k := range slices.Sorted(maps.Keys(m)) {
					nested = append(nested, [2]string{k, m[k]})
				}
				raw.opts = append(raw.opts, boViewOpt{o.name, boViewVal{nested: nested, isNested: true}})
				continue
			}
			raw.opts = append(raw.opts, boViewOpt{o.name, boViewVal{str: val}})
		}
		v.raw, v.flat = append(v.raw, raw), append(v.flat, flat)
	}
	// build_profile_map: later sections of the same entry win.
	pm := map[boEntry]int{}
	for _, sec := range v.raw {
		e := boEntryOf(sec.name, services)
		if e.kind == "-" {
			continue
		}
		if i, ok := pm[e]; ok {
			v.profiles[i].opts = sec.opts
			continue
		}
		pm[e] = len(v.profiles)
		v.profiles = append(v.profiles, boViewEntry{e, sec.opts})
	}
	for _, sec := range v.raw {
		v.creds = append(v.creds, modelCreds(sec))
	}
	return v
}

// pyLines splits data into lines as File does, but keeps a byte-order mark
// at the start of the first: Python reads it as U+FEFF, which is not white
// space, so the first line is text before any header.
func pyLines(data []byte) []string {
	f := Parse(data)
	lines := slices.Clone(f.lines)
	if f.bom {
		if len(lines) == 0 {
			return []string{bom}
		}
		lines[0] = bom + lines[0]
	}
	return lines
}

// boErrorClass is the exception botocore raises for errs, as configparser
// meets them reading lines (data split into lines) in order: the first
// fatal error, or bytes that do not decode (the text reader decodes 8 KiB
// chunks as it needs them, and an incomplete character at the very end
// only at the end), or else a ParsingError after the last line.
func boErrorClass(lines []string, errs []boErr) string {
	const chunk = 8192
	data := strings.Join(lines, "")
	bad, trailing := -1, false
	for i := 0; i < len(data); {
		if !utf8.FullRuneInString(data[i:]) {
			bad, trailing = i, true
			break
		}
		r, n := utf8.DecodeRuneInString(data[i:])
		if r == utf8.RuneError && n == 1 {
			bad = i
			break
		}
		i += n
	}
	starts := make([]int, len(lines)) // byte offset where each line starts
	off := 0
	for i, l := range lines {
		starts[i] = off
		off += len(l)
	}
	parse := false
	for _, e := range errs {
		fatal := ""
		switch e.kind {
		case boErrMissingHeader:
			fatal = "MissingSectionHeaderError"
		case boErrDupSection:
			fatal = "DuplicateSectionError"
		case boErrDupOption:
			fatal = "DuplicateOptionError"
		case boErrParse:
			parse = true
		}
		if fatal == "" {
			continue
		}
		// Python reads the line once its line break has been decoded; a
		// '\r' waits for the next character, in case it is a '\n'.
		end := starts[e.line] + e.at
		if data[end-1] == '\r' {
			end++
		}
		switch {
		case bad < 0:
			return fatal
		case trailing && end <= bad:
			return fatal
		case !trailing && (end-1)/chunk < bad/chunk:
			return fatal
		}
		break
	}
	if bad >= 0 {
		return "UnicodeDecodeError"
	}
	if parse {
		return "ParsingError"
	}
	return ""
}

// modelCreds is SharedCredentialProvider.load for the profile sec.
func modelCreds(sec boViewSec) boViewCreds {
	c := boViewCreds{section: sec.name}
	get := func(k string) (boViewVal, bool) {
		for _, o := range sec.opts {
			if o.key == k {
				return o.val, true
			}
		}
		return boViewVal{}, false
	}
	ak, ok := get("aws_access_key_id")
	if !ok {
		return c
	}
	sk, ok := get("aws_secret_access_key")
	if !ok {
		c.partial = true
		return c
	}
	c.found = true
	c.vals[0], c.vals[1] = ak, sk
	c.vals[2] = boViewVal{none: true}
	for _, k := range []string{"aws_security_token", "aws_session_token"} {
		if t, ok := get(k); ok {
			c.vals[2] = t
			break
		}
	}
	return c
}

// diffViews describes how two views differ ("" when they do not).
func diffViews(got, want *boView) string {
	if got.err != want.err {
		return fmt.Sprintf("error %q; botocore %q", got.err, want.err)
	}
	if d := diffSecs("raw_config_parse", got.raw, want.raw); d != "" {
		return d
	}
	if d := diffSecs("raw_config_parse(parse_subsections=False)", got.flat, want.flat); d != "" {
		return d
	}
	norm := func(es []boViewEntry) map[boEntry]string {
		m := map[boEntry]string{}
		for _, e := range es {
			m[e.boEntry] = fmt.Sprint(sortedOpts(e.opts))
		}
		return m
	}
	if g, w := norm(got.profiles), norm(want.profiles); !maps.Equal(g, w) {
		return fmt.Sprintf("profile map %v; botocore %v", g, w)
	}
	if g, w := fmt.Sprint(got.creds), fmt.Sprint(want.creds); g != w {
		return fmt.Sprintf("credentials resolver %s; botocore %s", g, w)
	}
	return ""
}

func diffSecs(what string, got, want []boViewSec) string {
	var gn, wn []string
	for _, s := range got {
		gn = append(gn, s.name)
	}
	for _, s := range want {
		wn = append(wn, s.name)
	}
	if !slices.Equal(gn, wn) {
		return fmt.Sprintf("%s sections %q; botocore %q", what, gn, wn)
	}
	for i := range got {
		g, w := fmt.Sprint(sortedOpts(got[i].opts)), fmt.Sprint(sortedOpts(want[i].opts))
		if g != w {
			return fmt.Sprintf("%s [%s] %s; botocore %s", what, got[i].name, g, w)
		}
		var gk, wk []string
		for _, o := range got[i].opts {
			gk = append(gk, o.key)
		}
		for _, o := range want[i].opts {
			wk = append(wk, o.key)
		}
		if !slices.Equal(gk, wk) {
			return fmt.Sprintf("%s [%s] key order %q; botocore %q", what, got[i].name, gk, wk)
		}
	}
	return ""
}

func sortedOpts(opts []boViewOpt) []string {
	var out []string
	for _, o := range opts {
		v := o.val
		if v.isNested {
			n := slices.Clone(v.nested)
			slices.SortFunc(n, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
			out = append(out, fmt.Sprintf("%q=%q", o.key, n))
			continue
		}
		out = append(out, fmt.Sprintf("%q=%q", o.key, v.str))
	}
	slices.Sort(out)
	return out
}
