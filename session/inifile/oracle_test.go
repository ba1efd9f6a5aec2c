package inifile

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// editOp is one edit, as the oracle understands it.
type editOp struct {
	section, key string
	value        *string // nil: the key goes
	drop         bool    // the section goes (RemoveEmptySection)
}

// intendedOnly is the editor's promise, checked the slow way: it reads
// before and after whole, as aws-sdk-go-v2 and as botocore do, and
// reports how either reader sees more (or less) than op. It shares no
// code with check.go beyond the two parsers, so it can judge the
// editor's block-wise check.
func intendedOnly(before, after []byte, op editOp) error {
	if err := sdkIntended(before, after, op); err != nil {
		return fmt.Errorf("aws-sdk-go-v2: %w", err)
	}
	if err := boIntended(before, after, op); err != nil {
		return fmt.Errorf("botocore: %w", err)
	}
	return nil
}

// sdkSections is what aws-sdk-go-v2 reads: sections by name, duplicates
// merged, and (unlike File.Get) no section on the first line after a
// byte-order mark, which its tokenizer does not see.
func sdkSections(data []byte) map[string]map[string]value {
	f := Parse(data)
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

func sdkIntended(before, after []byte, op editOp) error {
	want := sdkSections(before)
	got := sdkSections(after)
	lk := strings.ToLower(op.key)
	switch {
	case op.drop:
		delete(want, op.section)
	case op.value != nil:
		if want[op.section] == nil {
			want[op.section] = map[string]value{}
		}
		want[op.section][lk] = value{str: *op.value}
	default:
		if want[op.section] != nil {
			delete(want[op.section], lk)
		}
	}
	for _, s := range slices.Sorted(maps.Keys(want)) {
		g, ok := got[s]
		if !ok {
			return fmt.Errorf("[%s] is gone", s)
		}
		for _, k := range slices.Sorted(maps.Keys(want[s])) {
			w := want[s][k]
			x, ok := g[k]
			if !ok || !sameValue(&w, &x) {
				return fmt.Errorf("[%s] %s reads %+v, not %+v", s, k, x, w)
			}
		}
		for k := range g {
			if _, ok := want[s][k]; !ok {
				return fmt.Errorf("[%s] gained %s", s, k)
			}
		}
	}
	for s := range got {
		if _, ok := want[s]; !ok {
			return fmt.Errorf("gained [%s]", s)
		}
	}
	return nil
}

// boIntended compares botocore's readings of before and after, whole.
// Its byte-order mark aside (botocore refuses any file with one, before
// and after alike), the edit may fix errors but add none, and must leave
// every section as it was but for op, in botocore's own naming of the
// section whose header aws-sdk-go-v2 calls op.section.
func boIntended(before, after []byte, op editOp) error {
	bf, af := Parse(before), Parse(after)
	ob, nb := boParse(bf.lines, true, true), boParse(af.lines, true, true)
	had := map[[2]string]int{}
	for _, e := range ob.errs {
		had[[2]string{fmt.Sprint(e.kind), e.text}]++
	}
	for _, e := range nb.errs {
		k := [2]string{fmt.Sprint(e.kind), e.text}
		if had[k] == 0 {
			return fmt.Errorf("a new error on line %d (%d %q)", e.line+1, e.kind, e.text)
		}
		had[k]--
	}
	// The edited section: where aws-sdk-go-v2 has its header.
	hdr := func(f *File) int {
		for _, b := range analyse(f.lines).blocks {
			if !b.pre && b.name == op.section {
				return b.header
			}
		}
		return -1
	}
	secAt := func(r *boRead, line int) (int, error) {
		if line < 0 {
			return -1, nil
		}
		ro := r.roles[line]
		switch {
		case ro.kind != boHeader:
			return -1, fmt.Errorf("line %d is not a header to botocore", line+1)
		case ro.sect == boDefault:
			return -1, fmt.Errorf("the section is DEFAULT to botocore")
		}
		return int(ro.sect), nil
	}
	oldSec, err := secAt(ob, hdr(bf))
	if err != nil && !op.drop {
		return err
	}
	lk := strings.ToLower(op.key)
	type sec struct {
		name string
		opts map[string]string
	}
	view := func(r *boRead) []sec {
		var out []sec
		for _, s := range r.secs {
			m := map[string]string{}
			for i := range s.opts {
				m[s.opts[i].name] = s.opts[i].value()
			}
			out = append(out, sec{s.name, m})
		}
		return out
	}
	want, got := view(ob), view(nb)
	newName := ""
	switch {
	case op.drop:
		if oldSec >= 0 {
			want = slices.Delete(want, oldSec, oldSec+1)
		}
	case oldSec < 0: // a new section, as Set writes its header
		newName = op.section
		want = append(want, sec{op.section, map[string]string{lk: *op.value}})
	case op.value != nil:
		newName = want[oldSec].name
		want[oldSec].opts[lk] = *op.value
	default:
		newName = want[oldSec].name
		delete(want[oldSec].opts, lk)
	}
	if len(got) != len(want) {
		return fmt.Errorf("%d sections, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].name != want[i].name || !maps.Equal(got[i].opts, want[i].opts) {
			return fmt.Errorf("section %d reads [%s] %v, want [%s] %v", i, got[i].name, got[i].opts, want[i].name, want[i].opts)
		}
	}
	var od, nd map[string]string
	if ob.def != nil {
		od = view(&boRead{secs: []boSection{*ob.def}})[0].opts
	}
	if nb.def != nil {
		nd = view(&boRead{secs: []boSection{*nb.def}})[0].opts
	}
	if !maps.Equal(od, nd) {
		return fmt.Errorf("DEFAULT reads %v, was %v", nd, od)
	}
	if op.value == nil && !op.drop {
		if _, ok := nd[lk]; ok {
			return fmt.Errorf("%s still read from DEFAULT", lk)
		}
	}
	// An edit of a section botocore reads twice is refused: it refuses
	// the file, and which of the two a fix would keep is the user's call.
	if op.drop && oldSec >= 0 {
		newName = ob.secs[oldSec].name
	}
	if newName != "" {
		for _, e := range ob.errs {
			if e.kind == boErrDupSection && e.text == newName {
				return fmt.Errorf("[%s] is read twice", newName)
			}
		}
	}
	// botocore keeps only the later of two sections it maps to one profile.
	if newName != "" && !op.drop {
		e := boEntryOf(newName, true)
		if e.kind == "profile" || e.kind == "sso-session" || e.kind == "services" {
			for _, s := range got {
				if s.name != newName && boEntryOf(s.name, true) == e {
					return fmt.Errorf("[%s] and [%s] are one %s", s.name, newName, e.kind)
				}
			}
		}
	}
	return nil
}
