package inifile

import (
	"fmt"
	"maps"
	"slices"
)

// The same promise as check.go's, checked the slow way: both files read
// whole by both readers. It judges splices made outside the editor (the
// keychain's), and the tests hold the editor's block-wise check to it.

// KeyLines returns the indexes of the lines that hold key in section as
// aws-sdk-go-v2 reads it: its key lines and the nested lines they own
// (none when the section or key is missing). A section that appears more
// than once is an error.
func (f *File) KeyLines(section, key string) ([]int, error) {
	a := f.analysis()
	bi, err := a.onlyBlock(section)
	if bi < 0 {
		return nil, err
	}
	b := a.fill(bi)
	drop, _ := keyLinesIn(b, lower(key))
	var out []int
	for j, d := range drop {
		if d {
			out = append(out, b.header+j)
		}
	}
	return out, nil
}

// CheckSplice reports, with a sentence that never holds a value, whether
// after reads to both aws-sdk-go-v2 and botocore exactly as before does,
// except that in section each key of want reads its value (or is gone,
// for nil). Callers that splice lines themselves check the result with it
// before they write it.
func CheckSplice(before, after *File, section string, want map[string]*string) error {
	if err := checkWhole(before, after, section, want, false, true); err != nil {
		return refused(ErrUnsafeEdit, "the edit of [%s] would change how AWS readers see the file: %v", section, err)
	}
	return nil
}

// checkWhole is CheckSplice's comparison; drop means the section itself
// goes (want is then empty). A splice (the keychain's, which puts back or
// takes out what was there) may change a section that aws-sdk-go-v2 does
// not see before or after (on the first line after a byte-order mark), or
// that botocore reads under another name; the editor, whose writes are
// meant to be seen, refuses those.
func checkWhole(before, after *File, section string, want map[string]*string, drop, splice bool) error {
	lw := map[string]*string{}
	for k, v := range want {
		lw[lower(k)] = v
	}
	sdkWant := lw
	if splice && sdkHidden(before, section) && sdkHidden(after, section) {
		sdkWant = nil
	}
	if err := sdkWhole(before, after, section, sdkWant, drop); err != nil {
		return err
	}
	return boWhole(before, after, section, lw, drop, splice)
}

// sdkView is what aws-sdk-go-v2 reads: sections by name, duplicates
// merged, and (unlike Get) no section on the first line after a
// byte-order mark, which its tokenizer does not see.
func sdkView(f *File) map[string]map[string]value {
	a := analyse(f.lines)
	out := map[string]map[string]value{}
	for bi, b := range a.blocks {
		if b.pre || b.name == "" || f.bom && bi == 1 && b.header == 0 {
			continue
		}
		m := out[b.name]
		if m == nil {
			m = map[string]value{}
			out[b.name] = m
		}
		for _, x := range b.kvs {
			m[x.key] = x.val
		}
	}
	return out
}

// sdkHidden reports whether section's header is on the first line after a
// byte-order mark, where aws-sdk-go-v2 does not see it.
func sdkHidden(f *File, section string) bool {
	if !f.bom || len(f.lines) == 0 {
		return false
	}
	name, ok := headerName(lineContent(f.lines[0]))
	return ok && name == section
}

func sdkWhole(before, after *File, section string, want map[string]*string, drop bool) error {
	exp, got := sdkView(before), sdkView(after)
	switch {
	case drop:
		delete(exp, section)
	default:
		for k, v := range want {
			switch {
			case v == nil:
				delete(exp[section], k)
			case exp[section] == nil:
				exp[section] = map[string]value{k: {str: *v}}
			default:
				exp[section][k] = value{str: *v}
			}
		}
	}
	for _, s := range slices.Sorted(maps.Keys(exp)) {
		g, ok := got[s]
		if !ok {
			return fmt.Errorf("aws-sdk-go-v2 would no longer read [%s]", s)
		}
		for _, k := range slices.Sorted(maps.Keys(exp[s])) {
			w := exp[s][k]
			if x, ok := g[k]; !ok || !sameValue(&w, &x) {
				return fmt.Errorf("aws-sdk-go-v2 would read %s in [%s] differently", k, s)
			}
		}
		for k := range g {
			if _, ok := exp[s][k]; !ok {
				return fmt.Errorf("aws-sdk-go-v2 would read a new key %s in [%s]", k, s)
			}
		}
	}
	for s := range got {
		if _, ok := exp[s]; !ok {
			return fmt.Errorf("aws-sdk-go-v2 would read a new section [%s]", s)
		}
	}
	return nil
}

// boWhole compares botocore's readings of the two files whole. Its
// byte-order mark aside (botocore refuses any file with one, before and
// after alike), the edit may fix errors but add none, and must leave every
// section as it was but for the one whose header aws-sdk-go-v2 calls
// section, in botocore's own naming of it; and that one must be botocore's
// only section of its name and of its profile, and not DEFAULT.
func boWhole(before, after *File, section string, want map[string]*string, drop, splice bool) error {
	ob, nb := boParse(before.lines, true, true), boParse(after.lines, true, true)
	had := map[boErr]int{}
	for _, e := range ob.errs {
		had[boErr{kind: e.kind, text: e.text}]++
	}
	for _, e := range nb.errs {
		k := boErr{kind: e.kind, text: e.text}
		if had[k] == 0 {
			return fmt.Errorf("%s would find an error on line %d", botocore, e.line+1)
		}
		had[k]--
	}
	// The edited section: where aws-sdk-go-v2 has its header.
	secAt := func(f *File, r *boRead) (int, error) {
		for _, b := range analyse(f.lines).blocks {
			if b.pre || b.name != section {
				continue
			}
			ro := r.roles[b.header]
			switch {
			case ro.kind != boHeader:
				return -1, fmt.Errorf("%s does not read line %d as a section header", botocore, b.header+1)
			case ro.sect == boDefault:
				return -1, fmt.Errorf("%s applies [DEFAULT] to every profile", botocore)
			}
			return int(ro.sect), nil
		}
		return -1, nil
	}
	oldSec, err := secAt(before, ob)
	if err != nil && !drop {
		return err
	}
	type sec struct {
		name string
		opts map[string]string
	}
	view := func(secs []boSection) []sec {
		var out []sec
		for _, s := range secs {
			m := map[string]string{}
			for i := range s.opts {
				m[s.opts[i].name] = s.opts[i].value()
			}
			out = append(out, sec{s.name, m})
		}
		return out
	}
	exp, got := view(ob.secs), view(nb.secs)
	name := ""
	switch {
	case drop:
		if oldSec >= 0 {
			name = exp[oldSec].name
			exp = slices.Delete(exp, oldSec, oldSec+1)
		}
	case oldSec < 0: // a new section, as Set writes its header
		adds := false
		for _, v := range want {
			adds = adds || v != nil
		}
		if !adds {
			break // nothing to remove from a section that is not there
		}
		name = section
		exp = append(exp, sec{section, map[string]string{}})
		oldSec = len(exp) - 1
	default:
		name = exp[oldSec].name
		writes := false
		for _, v := range want {
			writes = writes || v != nil
		}
		if writes && !splice && !sameProfile(name, section) {
			return fmt.Errorf("%s reads [%s] as [%s]", botocore, section, name)
		}
	}
	if !drop && oldSec >= 0 {
		for k, v := range want {
			if v == nil {
				delete(exp[oldSec].opts, k)
			} else {
				exp[oldSec].opts[k] = *v
			}
		}
	}
	if len(got) != len(exp) {
		return fmt.Errorf("%s would read %d sections, not %d", botocore, len(got), len(exp))
	}
	for i := range exp {
		if got[i].name != exp[i].name {
			return fmt.Errorf("%s would read [%s] where it read [%s]", botocore, got[i].name, exp[i].name)
		}
		for _, k := range slices.Sorted(maps.Keys(exp[i].opts)) {
			if v, ok := got[i].opts[k]; !ok || v != exp[i].opts[k] {
				return fmt.Errorf("%s would read %s in [%s] differently", botocore, k, exp[i].name)
			}
		}
		for k := range got[i].opts {
			if _, ok := exp[i].opts[k]; !ok {
				return fmt.Errorf("%s would read a new key %s in [%s]", botocore, k, exp[i].name)
			}
		}
	}
	var od, nd map[string]string
	if ob.def != nil {
		od = view([]boSection{*ob.def})[0].opts
	}
	if nb.def != nil {
		nd = view([]boSection{*nb.def})[0].opts
	}
	if !maps.Equal(od, nd) {
		return fmt.Errorf("%s would read [DEFAULT] differently", botocore)
	}
	for k, v := range want {
		if _, ok := nd[k]; ok && v == nil && !drop {
			return fmt.Errorf("%s would still read %s from [DEFAULT]", botocore, k)
		}
	}
	if name == "" {
		return nil
	}
	for _, e := range ob.errs {
		if e.kind == boErrDupSection && e.text == name {
			return fmt.Errorf("%s reads [%s] twice", botocore, name)
		}
	}
	// botocore keeps only the later of two sections it maps to one profile.
	if e := boEntryOf(name, true); !drop && (e.kind == "profile" || e.kind == "sso-session" || e.kind == "services") {
		for _, s := range got {
			if s.name != name && boEntryOf(s.name, true) == e {
				return fmt.Errorf("%s reads [%s] and [%s] as the same %s", botocore, s.name, name, e.kind)
			}
		}
	}
	return nil
}
