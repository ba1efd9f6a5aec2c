package inifile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func addGoldenSeeds(f *testing.F, add func(in []byte)) {
	f.Helper()
	ins, err := filepath.Glob(filepath.Join("testdata", "golden", "*.in"))
	if err != nil || len(ins) == 0 {
		f.Fatalf("no golden inputs: %v", err)
	}
	for _, p := range ins {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
}

func FuzzRoundTrip(f *testing.F) {
	addGoldenSeeds(f, func(b []byte) { f.Add(b) })
	f.Add([]byte("\xEF\xBB\xBF"))
	f.Add([]byte("\r\r\n\n\r"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p := Parse(data)
		if got := p.Bytes(); !bytes.Equal(got, data) {
			t.Fatalf("Parse(b).Bytes() != b\n got %q\nwant %q", got, data)
		}
		// The accessors never panic and agree with each other.
		for _, s := range p.Sections() {
			if p.Count(s) < 1 {
				t.Fatalf("section %q listed with Count 0", s)
			}
			for _, k := range p.Keys(s) {
				if _, ok := p.Get(s, k); !ok {
					t.Fatalf("Keys(%q) lists %q but Get misses it", s, k)
				}
			}
		}
	})
}

// FuzzEditPreserves edits one key of a random file and checks that nothing
// else moved: every line outside the edited section is byte-identical, the
// section's other lines are intact and in order, and a fresh parse reads
// the new value (or no value after Delete).
func FuzzEditPreserves(f *testing.F) {
	addGoldenSeeds(f, func(b []byte) {
		f.Add(b, uint8(0), uint8(0), "aws_session_token", "tok/+=", false)
		f.Add(b, uint8(1), uint8(200), "expiration", "2026-01-01T00:00:00Z", false)
		f.Add(b, uint8(2), uint8(1), "", "", true)
		f.Add(b, uint8(255), uint8(255), "region", "eu-west-1", false)
	})
	f.Fuzz(func(t *testing.T, data []byte, secSel, keySel uint8, key, value string, del bool) {
		file := Parse(data)
		secs := file.Sections()
		section := "fuzz-new"
		if int(secSel) < len(secs) {
			section = secs[secSel]
		}
		if keys := file.Keys(section); keySel < 128 && len(keys) > 0 {
			key = keys[int(keySel)%len(keys)]
		}
		oldA := analyse(file.lines)
		oldLines := append([]string(nil), file.lines...)
		var err error
		if del {
			_, err = file.Delete(section, key)
		} else {
			err = file.Set(section, key, value)
		}
		out := file.Bytes()
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrDuplicateSection) && !errors.Is(err, ErrUnsafeEdit) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if v := strings.TrimSpace(value); !del && len(v) > 3 && strings.Contains(err.Error(), v) &&
				!strings.Contains(fmt.Sprintf("%q %q", section, key), v) && !strings.Contains(section+key, v) {
				t.Fatalf("error leaks the value: %v", err)
			}
			if !bytes.Equal(out, data) {
				t.Fatalf("file changed after an error")
			}
			return
		}
		if !bytes.Equal(Parse(out).Bytes(), out) {
			t.Fatal("output does not round-trip")
		}
		// Both readers, reading the files whole, see only the edit.
		op := editOp{section: section, key: key}
		if !del {
			op.value = &value
		}
		if changed := !bytes.Equal(out, data); changed || !del {
			if err := intendedOnly(data, out, op); err != nil {
				t.Fatalf("the edit shows more than intended: %v\nbefore %q\nafter  %q", err, data, out)
			}
		}
		if bytes.HasPrefix(data, []byte(bom)) != bytes.HasPrefix(out, []byte(bom)) {
			t.Fatal("BOM added or lost")
		}
		checkFuzzEndings(t, oldLines, file.lines, Parse(data).EOL())
		lk := strings.ToLower(key)
		newLines := file.lines
		newA := analyse(newLines)
		if got, ok := Parse(out).Get(section, key); del && ok || !del && (!ok || got != value) {
			t.Fatalf("after the edit Get(%q, %q) = %q, %v", section, key, got, ok)
		}
		oldBlocks := oldA.blocksOf(section)
		if len(oldBlocks) == 0 {
			if del {
				if !bytes.Equal(out, data) {
					t.Fatal("Delete in a missing section changed the file")
				}
				return
			}
			// New section: the old file is a prefix (its last line may have
			// been terminated), then an optional blank line, header, key.
			n := len(oldLines)
			if len(newLines) < n {
				t.Fatal("lines lost")
			}
			sameLines(t, "old file", oldLines, newLines[:n])
			tail := strings.Join(newLines[n:], "")
			eol := file.EOL()
			end := eol // the new last line ends the file as the old one did
			if n > 0 && !strings.HasSuffix(oldLines[n-1], "\n") {
				end = ending(oldLines[n-1])
			}
			want := "[" + section + "]" + eol + propLine(key, value) + end
			if tail != want && tail != eol+want {
				t.Fatalf("appended %q; want [blank line +] %q", tail, want)
			}
			return
		}
		ob := oldBlocks[0]
		nbs := newA.blocksOf(section)
		if len(nbs) != 1 {
			t.Fatalf("section now has %d headers", len(nbs))
		}
		nb := nbs[0]
		// Before the section: identical. After it: identical.
		if nb.header != ob.header {
			t.Fatal("lines before the section changed")
		}
		sameLines(t, "before the section", oldLines[:ob.header], newLines[:nb.header])
		sameLines(t, "after the section", oldLines[ob.end:], newLines[nb.end:])
		// Inside: the same lines once the key's own lines are taken out
		// (and the key's line rewritten or added in the section's
		// indentation). When the section ends a file that has no final
		// newline, its new last line may have given its newline up.
		rest, newRest := withoutKey(oldA, oldLines, ob, lk), withoutKey(newA, newLines, nb, lk)
		if nb.end == len(newLines) && len(newRest) > 0 && len(oldLines) > 0 && !strings.HasSuffix(oldLines[len(oldLines)-1], "\n") {
			i := len(newRest) - 1
			if j := i; j < len(rest) && strings.TrimRight(rest[j], "\r\n") == strings.TrimRight(newRest[i], "\r\n") {
				newRest[i] = rest[j]
			}
		}
		sameLines(t, "the rest of the section", rest, newRest)
	})
}

// withoutKey returns block b's lines minus the lines of key lk.
func withoutKey(a *analysis, lines []string, b block, lk string) []string {
	drop := a.keyLines(b, lk)
	var rest []string
	for i := b.header; i < b.end; i++ {
		if !drop[i] {
			rest = append(rest, lines[i])
		}
	}
	return rest
}

// sameLines compares line lists; only an unterminated last line of the
// file may have gained a terminator.
func sameLines(t *testing.T, what string, old, cur []string) {
	t.Helper()
	if len(old) != len(cur) {
		t.Fatalf("%s: %d lines became %d\nold %q\nnew %q", what, len(old), len(cur), old, cur)
	}
	for i := range old {
		if old[i] == cur[i] {
			continue
		}
		if !strings.HasSuffix(old[i], "\n") && strings.HasPrefix(cur[i], old[i]) &&
			(cur[i] == old[i]+"\n" || cur[i] == old[i]+"\r\n") {
			continue
		}
		t.Fatalf("%s: line %d %q became %q", what, i+1, old[i], cur[i])
	}
}

// checkFuzzEndings: no line gets a terminator of the other style, except
// that a lone "\r" ending an unterminated last line may become "\r\n".
func checkFuzzEndings(t *testing.T, old, cur []string, eol string) {
	t.Helper()
	count := func(ls []string) (crlf, lf int) {
		for _, l := range ls {
			switch {
			case strings.HasSuffix(l, "\r\n"):
				crlf++
			case strings.HasSuffix(l, "\n"):
				lf++
			}
		}
		return
	}
	oc, ol := count(old)
	nc, nl := count(cur)
	allow := 0
	if n := len(old); n > 0 && strings.HasSuffix(old[n-1], "\r") {
		allow = 1
	}
	if eol == "\r\n" && nl > ol || eol == "\n" && nc > oc+allow {
		t.Fatalf("mixed line endings introduced (eol %q): crlf %d->%d, lf %d->%d", eol, oc, nc, ol, nl)
	}
}

// FuzzLoginsLogoutsRestore: logins that create sections, then their
// logouts in any order, give back the original bytes, whatever the file
// (CRLF, no final newline, a byte-order mark, odd layouts). A file whose
// layout makes the editor refuse a login is left out.
func FuzzLoginsLogoutsRestore(f *testing.F) {
	addGoldenSeeds(f, func(b []byte) {
		f.Add(b, uint8(2), []byte{0, 1})
		f.Add(b, uint8(3), []byte{1, 0, 2})
	})
	f.Add([]byte("\xEF\xBB\xBF"), uint8(2), []byte{0})
	f.Add([]byte("[a]\r\nk = v"), uint8(3), []byte{2, 2})
	f.Fuzz(func(t *testing.T, data []byte, n uint8, order []byte) {
		file := Parse(data)
		var names []string
		for i := 0; len(names) < int(n%4)+1; i++ {
			if s := fmt.Sprintf("fz%d", i); file.Count(s) == 0 {
				names = append(names, s)
			}
		}
		for _, s := range names {
			for _, o := range loginNew(s) {
				if err := applyFuzzOp(file, o); err != nil {
					if errors.Is(err, ErrUnsafeEdit) {
						t.Skip("the layout refuses a login")
					}
					t.Fatalf("login %s: %v", s, err)
				}
			}
		}
		// Log out in the order the fuzzer picks.
		left := slices.Clone(names)
		for len(left) > 0 {
			i := 0
			if len(order) > 0 {
				i, order = int(order[0])%len(left), order[1:]
			}
			s := left[i]
			left = slices.Delete(left, i, i+1)
			for _, o := range logoutCreated(s) {
				if err := applyFuzzOp(file, o); err != nil {
					t.Fatalf("logout %s: %v\n%q", s, err, file.Bytes())
				}
			}
		}
		if got := file.Bytes(); !bytes.Equal(got, data) {
			t.Fatalf("after logins and logouts of %v\n got %q\nwant %q", names, got, data)
		}
	})
}

func applyFuzzOp(f *File, o op) error {
	switch {
	case o.drop:
		ok, err := f.RemoveEmptySection(o.section)
		if err == nil && !ok {
			return fmt.Errorf("[%s] was not removed", o.section)
		}
		return err
	case o.del:
		_, err := f.Delete(o.section, o.key)
		return err
	}
	return f.Set(o.section, o.key, o.value)
}
