package inifile

import (
	"fmt"
	"strings"
	"testing"
)

func TestEachLineSeesEveryBlockAndShadowedKey(t *testing.T) {
	data := "\xEF\xBB\xBFk = pre\n[a]\nx = 1\r\n[ b ]\ny = 2\n[a] ; again\nx = 3\n  nested = 4\n"
	var got []string
	Parse([]byte(data)).EachLine("a", func(n int, l string) { got = append(got, fmt.Sprintf("%d:%s", n, l)) })
	want := "3:x = 1|7:x = 3|8:  nested = 4"
	if strings.Join(got, "|") != want {
		t.Errorf("EachLine(a) = %q, want %q", strings.Join(got, "|"), want)
	}
	Parse([]byte(data)).EachLine("missing", func(int, string) { t.Error("called for a missing section") })
}

// Lines are the lines KeyLines counts: joined behind the mark, they give
// the file back, and editing the copy leaves the File alone.
func TestLinesAreKeyLinesLines(t *testing.T) {
	data := "\xEF\xBB\xBF[a]\r\nx =\n  nested = 2\n[b]\ny = 3"
	f := Parse([]byte(data))
	lines := f.Lines()
	if !f.HasBOM() || "\xEF\xBB\xBF"+strings.Join(lines, "") != data {
		t.Fatalf("Lines = %q", lines)
	}
	idx, err := f.KeyLines("a", "x")
	if err != nil || len(idx) != 2 || lines[idx[0]] != "x =\n" || lines[idx[1]] != "  nested = 2\n" {
		t.Errorf("KeyLines(a, x) = %v, %v over %q", idx, err, lines)
	}
	lines[0] = "changed"
	if string(f.Bytes()) != data {
		t.Error("editing Lines' copy changed the File")
	}
}
