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
