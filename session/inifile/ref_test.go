package inifile

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile/internal/ref"
)

// FuzzMatchesReference runs a random sequence of edits on a random file
// through File and through internal/ref (the original parser and editor,
// which re-parse the whole file after every edit) and requires, after
// every step, the same reading of every section and key and the same
// classification of every line (the block-wise parser must read exactly
// as the whole-file one), and the same outcome of the edit: the same
// bytes and the same error kind.
//
// The editor now differs from the reference on purpose where the
// reference's edit was wrong for botocore, or gave bytes back less
// faithfully (issue 11). Each such step must be one of these, checked
// here, after which the reference picks up the editor's bytes:
//   - the editor refuses (ErrUnsafeEdit) an edit the reference made, and
//     the reference's result shows a reader more than the intended change
//     (intendedOnly, which reads both files whole), or the edit would drop
//     or rewrite a line the two readers read as different things;
//   - both edit, and the editor's result shows only the intended change,
//     while the reference's does not, or differs from the editor's only
//     in the indentation of lines, a kept missing final newline, or the
//     blank line the editor puts after a byte-order mark;
//   - the editor leaves a line that both readers already read as
//     intended where the reference rewrote it;
//   - RemoveEmptySection removes an empty section that is not the last
//     one (the reference removed only the last);
//   - the reference refuses an edit the editor can make with another
//     indentation, and the editor's result shows only the intended change.
func FuzzMatchesReference(f *testing.F) {
	addGoldenSeeds(f, func(b []byte) {
		f.Add(b, []byte{0, 0, 0, 0, 0, 1, 0, 0, 2, 2, 0, 0, 3, 0, 0}, "tok/+=")
		f.Add(b, []byte{0, 200, 9, 2, 200, 9, 3, 200, 9}, "2026-01-01T00:00:00Z")
		f.Add(b, []byte{2, 1, 0, 2, 1, 1, 2, 1, 2, 3, 1, 0}, "")
		f.Add(b, []byte{1, 2, 200, 0, 3, 200, 2, 2, 0}, "a=b ;c")
	})
	f.Add([]byte("[a]\nk = v\n  x = 1\n"), []byte{1, 0, 0}, "")
	f.Add([]byte("[a]\ns3 =\nk = v\n  x = 1\n"), []byte{2, 0, 1}, "")
	f.Add([]byte("\xEF\xBB\xBF[a]\r\nk = v\r"), []byte{0, 200, 1, 2, 200, 1, 3, 200, 1}, "x")
	// Unicode and other white space, empty key names, odd headers.
	for _, in := range []string{
		"\u00a0[a]\u2003\nk = v\n\u0085\n\v\n[b]\n\f# c\n\r[c]\n",
		"[a]\n= v\n  x = 1\n  more\nk =\n  = y\n  z\n",
		"[profile\tx]\n[profile  y  z]\n[ a ] ; c\n[]\nk = v\n[a]#\n",
		"k = global\n  x = 1\n[a]\n  y = 2 ; c\n  w\nK: v=1 #c\n\tj = \"q\"\n",
		"[a]\r\nk = v\r\n\r\n[b]\r",
	} {
		f.Add([]byte(in), []byte{0, 0, 0, 2, 0, 1, 0, 1, 2, 1, 2, 0, 3, 0, 0, 0, 200, 0, 3, 200, 0}, "new")
	}
	f.Fuzz(func(t *testing.T, data, prog []byte, val string) {
		got, want := Parse(data), ref.Parse(data)
		// lazy gets the same edits but is only looked at at the end, so
		// its edits run before its section index is built.
		lazy := Parse(data)
		sameAsReference(t, "parse", got, want)
		for step := 0; len(prog) >= 3 && step < 8; step++ {
			op, s, k := prog[0], prog[1], prog[2]
			prog = prog[3:]
			section := pickSection(want.Sections(), s)
			key := pickKey(want.Keys(section), k)
			value := []string{val, "", fmt.Sprintf("v%d", step), "x ;y"}[int(k)%4]
			before := got.Bytes()
			var gerr, werr error
			var gok, wok bool
			what := fmt.Sprintf("step %d", step)
			var lerr error
			var lok bool
			eop := editOp{section: section, key: key}
			switch op % 4 {
			case 0, 1:
				what += fmt.Sprintf(": Set(%q, %q, %q)", section, key, value)
				gerr, werr = got.Set(section, key, value), want.Set(section, key, value)
				lerr = lazy.Set(section, key, value)
				eop.value = &value
			case 2:
				what += fmt.Sprintf(": Delete(%q, %q)", section, key)
				gok, gerr = got.Delete(section, key)
				wok, werr = want.Delete(section, key)
				lok, lerr = lazy.Delete(section, key)
			case 3:
				what += fmt.Sprintf(": RemoveEmptySection(%q)", section)
				gok, gerr = got.RemoveEmptySection(section)
				wok, werr = want.RemoveEmptySection(section)
				lok, lerr = lazy.RemoveEmptySection(section)
				eop.drop = true
			}
			if g, l := errorKind(gerr), errorKind(lerr); g != l || gok != lok || !bytes.Equal(got.Bytes(), lazy.Bytes()) {
				t.Fatalf("%s (no index yet): got %v, %v (%s); with the index %v, %v (%s)", what, lok, lerr, l, gok, gerr, g)
			}
			g, w := errorKind(gerr), refErrorKind(werr)
			if g == w && gok == wok && bytes.Equal(got.Bytes(), want.Bytes()) {
				sameAsReference(t, what, got, want)
				continue
			}
			if err := intentional(before, got, gerr, gok, want, werr, wok, eop); err != nil {
				t.Fatalf("%s: got %v, %v (%s) %q; reference %v, %v (%s) %q: %v", what, gok, gerr, g, got.Bytes(), wok, werr, w, want.Bytes(), err)
			}
			want = ref.Parse(got.Bytes())
			sameAsReference(t, what+" (the reference picks up the editor's bytes)", got, want)
		}
		sameAsReference(t, "at the end (no index during the edits)", lazy, ref.Parse(lazy.Bytes()))
	})
}

// intentional reports why a step where the editor (got) and the reference
// (want) part ways is not one of the documented differences.
func intentional(before []byte, got *File, gerr error, gok bool, want *ref.File, werr error, wok bool, op editOp) error {
	g, w := errorKind(gerr), refErrorKind(werr)
	after, refAfter := got.Bytes(), want.Bytes()
	switch {
	case g == "unsafe" && w == "nil":
		if err := intendedOnly(before, refAfter, op); err == nil && !readersDisagreeOn(before, gerr) {
			return errors.New("the editor refused an edit the reference made correctly")
		}
		return nil
	case g == "nil" && w == "unsafe":
		return intendedOnly(before, after, op)
	case g != "nil" || w != "nil":
		return errors.New("different errors")
	}
	if !bytes.Equal(after, before) || op.value != nil {
		if err := intendedOnly(before, after, op); err != nil {
			return fmt.Errorf("the editor's result: %w", err)
		}
	}
	switch {
	case op.drop && gok && !wok:
		return nil // a section in the middle, removed
	case gok != wok:
		return errors.New("different reports")
	case bytes.Equal(after, before):
		return nil // already read as intended by both
	case intendedOnly(before, refAfter, op) != nil:
		return nil // the reference's edit was wrong
	case normalizeLayout(after) == normalizeLayout(refAfter):
		return nil
	}
	return errors.New("different bytes, both right")
}

// readersDisagreeOn reports whether err refuses an edit because it would
// drop or rewrite a line that aws-sdk-go-v2 and botocore read as different
// things (the editor will not pick one reading, even where the outcome
// happens to be harmless), and the two readers, reading data whole, do
// read that line differently.
func readersDisagreeOn(data []byte, err error) bool {
	var n int
	msg := err.Error()
	i := strings.Index(msg, "aws-sdk-go-v2 reads line ")
	if i < 0 || !strings.Contains(msg[i:], " but botocore (the AWS CLI) as ") {
		return false
	}
	if _, e := fmt.Sscanf(msg[i:], "aws-sdk-go-v2 reads line %d", &n); e != nil {
		return false
	}
	f := Parse(data)
	if n < 1 || n > len(f.lines) {
		return false
	}
	sdkKey, ok := analyse(f.lines).blockAt(n - 1).ownerKey(n - 1)
	if !ok {
		return false
	}
	r := boParse(f.lines, true, true)
	ro := r.roles[n-1]
	return !(ro.kind == boOption || ro.kind == boCont) || optName(r, ro) != sdkKey
}

// normalizeLayout drops what the editor may write differently from the
// reference: indentation, a final newline, a blank line after a
// byte-order mark, a lone '\r' ending the file.
func normalizeLayout(b []byte) string {
	s := strings.TrimPrefix(string(b), bom)
	s = strings.TrimPrefix(strings.TrimPrefix(s, "\r"), "\n")
	s = strings.TrimRight(s, "\r\n")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, " \t")
	}
	return strings.Join(lines, "\n")
}

// pickSection chooses an existing section, or (for a high selector) a new
// or unusual name.
func pickSection(secs []string, sel byte) string {
	if int(sel) < len(secs) {
		return secs[sel]
	}
	extra := []string{"fuzz-new", "profile fuzz", "default", "a", "profile  x", " bad", ""}
	return extra[int(sel)%len(extra)]
}

func pickKey(keys []string, sel byte) string {
	if sel < 128 && len(keys) > 0 {
		return keys[int(sel)%len(keys)]
	}
	extra := []string{"aws_session_token", "aws_security_token", "expiration", "s3", "K", "bad key", ""}
	return extra[int(sel)%len(extra)]
}

func errorKind(err error) string {
	switch {
	case err == nil:
		return "nil"
	case errors.Is(err, ErrInvalid):
		return "invalid"
	case errors.Is(err, ErrDuplicateSection):
		return "duplicate"
	case errors.Is(err, ErrUnsafeEdit):
		return "unsafe"
	}
	return "other: " + err.Error()
}

func refErrorKind(err error) string {
	switch {
	case err == nil:
		return "nil"
	case errors.Is(err, ref.ErrInvalid):
		return "invalid"
	case errors.Is(err, ref.ErrDuplicateSection):
		return "duplicate"
	case errors.Is(err, ref.ErrUnsafeEdit):
		return "unsafe"
	}
	return "other: " + err.Error()
}

// sameAsReference compares everything a caller or an edit can observe.
func sameAsReference(t *testing.T, what string, got *File, want *ref.File) {
	t.Helper()
	if g, w := got.Bytes(), want.Bytes(); string(g) != string(w) {
		t.Fatalf("%s: bytes\n got %q\nwant %q", what, g, w)
	}
	if got.EOL() != want.EOL() || got.HasBOM() != want.HasBOM() {
		t.Fatalf("%s: EOL or BOM differ", what)
	}
	if g, w := got.Sections(), want.Sections(); !slices.Equal(g, w) {
		t.Fatalf("%s: Sections() = %q; reference %q", what, g, w)
	}
	for _, s := range append(want.Sections(), "", "zz-missing") {
		if g, w := got.Count(s), want.Count(s); g != w {
			t.Fatalf("%s: Count(%q) = %d; reference %d", what, s, g, w)
		}
		if g, w := got.Keys(s), want.Keys(s); !slices.Equal(g, w) {
			t.Fatalf("%s: Keys(%q) = %q; reference %q", what, s, g, w)
		}
		for _, k := range append(want.Keys(s), "zz-missing") {
			gv, gok := got.Get(s, k)
			wv, wok := want.Get(s, k)
			if gv != wv || gok != wok {
				t.Fatalf("%s: Get(%q, %q) = %q, %v; reference %q, %v", what, s, k, gv, gok, wv, wok)
			}
			gn, gok := got.Nested(s, k)
			wn, wok := want.Nested(s, k)
			if !maps.Equal(gn, wn) || gok != wok {
				t.Fatalf("%s: Nested(%q, %q) = %v, %v; reference %v, %v", what, s, k, gn, gok, wn, wok)
			}
		}
	}
	if g, w := len(got.lines), want.Lines(); g != w {
		t.Fatalf("%s: %d lines; reference %d", what, g, w)
	}
	for i := range want.Lines() {
		gk, gkey, gown := lineKindOf(got, i)
		wk, wkey, wown := want.LineKind(i)
		if gk != wk || gkey != wkey || gown != wown {
			t.Fatalf("%s: line %d %q is (%d %q %d); reference (%d %q %d)", what, i, got.lines[i], gk, gkey, gown, wk, wkey, wown)
		}
	}
}

// lineKindOf is File's classification of line i, in the reference's terms.
func lineKindOf(f *File, i int) (kind uint8, key string, owner int) {
	a := f.analysis()
	li := a.lineAt(i)
	if li.kind == kindKey {
		key = a.blockAt(i).kvs[li.key].key
	}
	return uint8(li.kind), key, int(li.owner)
}
