package inifile

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestDuplicateSectionRefused(t *testing.T) {
	tests := []struct{ name, file, section string }{
		{"same header", "[myaccount]\na = 1\n[myaccount]\nb = 2\n", "myaccount"},
		{"header variants", "[myaccount]\na = 1\n[other]\n[ myaccount ] ; again\nb = 2\n", "myaccount"},
		{"profile spacing", "[profile x]\n[profile   x]\n", "profile x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse([]byte(tt.file))
			if n := f.Count(tt.section); n != 2 {
				t.Fatalf("Count = %d; want 2", n)
			}
			err := f.Set(tt.section, "aws_session_token", "x")
			if !errors.Is(err, ErrDuplicateSection) {
				t.Fatalf("Set error = %v; want ErrDuplicateSection", err)
			}
			for _, want := range []string{"[" + tt.section + "]", "merge them", "by hand"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
			if _, err := f.Delete(tt.section, "a"); !errors.Is(err, ErrDuplicateSection) {
				t.Errorf("Delete error = %v; want ErrDuplicateSection", err)
			}
			if got := f.Bytes(); string(got) != tt.file {
				t.Errorf("file changed after a refused edit:\n%s", got)
			}
		})
	}
}

const secret = "Sup3rSecretValue"

func TestSetRefusesBadInput(t *testing.T) {
	tests := []struct {
		name, section, key, value string
	}{
		{"newline", "a", "k", secret + "\nx = y"},
		{"carriage return", "a", "k", secret + "\r"},
		{"tab", "a", "k", secret + "\tz"},
		{"leading space", "a", "k", " " + secret},
		{"trailing space", "a", "k", secret + " "},
		{"inline hash", "a", "k", secret + " #x"},
		{"inline semicolon", "a", "k", secret + " ;x"},
		{"leading hash", "a", "k", "#" + secret},
		{"leading semicolon", "a", "k", ";" + secret},
		{"double quoted", "a", "k", `"` + secret + `"`},
		{"single quoted", "a", "k", `'` + secret + `'`},
		{"lone quote", "a", "k", `"`},
		{"invalid utf8", "a", "k", secret + "\xff"},
		{"empty key", "a", "", secret},
		{"key with space", "a", "my key", secret},
		{"key with equals", "a", "k=1", secret},
		{"key with colon", "a", "k:1", secret},
		{"key starting with hash", "a", "#k", secret},
		{"key with bracket", "a", "[k]", secret},
		{"empty section", "", "k", secret},
		{"section with bracket", "a]b", "k", secret},
		{"section with hash", "a#b", "k", secret},
		{"section with newline", "a\nb", "k", secret},
		{"section not normalised", " a", "k", secret},
		{"section double space", "profile  x", "k", secret},
	}
	in := "# keep\n[a]\nk = old\n"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse([]byte(in))
			err := f.Set(tt.section, tt.key, tt.value)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Set error = %v; want ErrInvalid", err)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error leaks the value: %q", err)
			}
			if got := string(f.Bytes()); got != in {
				t.Errorf("file changed after a refused Set:\n%s", got)
			}
		})
	}
}

// TestUnsafeEditRefused: layouts where adding or removing a line would
// change how the SDK reads another key are refused, not silently broken.
func TestUnsafeEditRefused(t *testing.T) {
	tests := []struct {
		name, file string
		edit       func(*File) error
	}{
		{
			// Deleting k would make the indented line nest under s3.
			"delete exposes nesting", "[a]\ns3 =\nk = v\n  x = 1\n",
			func(f *File) error { _, err := f.Delete("a", "k"); return err },
		},
		{
			// An empty value would swallow the promoted indented key.
			"empty value nests next key", "[a]\nk = v\n  x = 1\n",
			func(f *File) error { return f.Set("a", "k", "") },
		},
		{
			// botocore reads "  k = v" as part of j's value, the SDK as k:
			// no rewrite of that line keeps both readings.
			"readers disagree about the line", "[a]\nj = 1\n  k = v\n",
			func(f *File) error { return f.Set("a", "k", "v") },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse([]byte(tt.file))
			if err := tt.edit(f); !errors.Is(err, ErrUnsafeEdit) {
				t.Fatalf("error = %v; want ErrUnsafeEdit", err)
			}
			if got := string(f.Bytes()); got != tt.file {
				t.Errorf("file changed after a refused edit:\n%s", got)
			}
		})
	}
}

func TestSetInsertion(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"after last key not trailing comments",
			"[a]\nx = 1\n# about b\n\n[b]\n",
			"[a]\nx = 1\nk = v\n# about b\n\n[b]\n"},
		{"right after header when no keys",
			"[a]\n# note\n\n[b]\n",
			"[a]\nk = v\n# note\n\n[b]\n"},
		{"after nested block",
			"[a]\ns3 =\n  x = 1\n# c\n  y = 2\n\n[b]\n",
			"[a]\ns3 =\n  x = 1\n# c\n  y = 2\nk = v\n\n[b]\n"},
		{"after stray indented text before any key",
			"[a]\n  stray\n# c\n",
			"[a]\n  stray\nk = v\n# c\n"},
		{"header without newline",
			"[a]",
			"[a]\nk = v"},
		{"header without newline crlf file",
			"[z]\r\n[a]",
			"[z]\r\n[a]\r\nk = v"},
		{"after the last line, ending in a lone cr",
			"[a]\r\nj = 1\r",
			"[a]\r\nj = 1\r\nk = v\r"},
		{"replace keeps key spelling",
			"[a]\nK = old # c\nj = 1\n",
			"[a]\nK = v\nj = 1\n"},
		{"replace removes nested lines",
			"[a]\nk =\n  x = 1\n  y = 2\nj = 1\n",
			"[a]\nk = v\nj = 1\n"},
		{"replace indented promoted key keeps its indentation",
			"[a]\n  k = old\nj = 1\n",
			"[a]\n  k = v\nj = 1\n"},
		{"new key indented like the keys above",
			"[a]\n\tj = 1\n\n[b]\n",
			"[a]\n\tj = 1\n\tk = v\n\n[b]\n"},
		{"replace keeps crlf",
			"[a]\r\nk = old\r\n",
			"[a]\r\nk = v\r\n"},
		{"bom only: the header on its own line after the mark",
			"\xEF\xBB\xBF",
			"\xEF\xBB\xBF\n[a]\nk = v\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse([]byte(tt.in))
			if err := f.Set("a", "k", "v"); err != nil {
				t.Fatal(err)
			}
			if got := string(f.Bytes()); got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

func TestDeleteReports(t *testing.T) {
	in := "[a]\nk = 1\n[b]\n"
	f := Parse([]byte(in))
	for _, c := range []struct {
		section, key string
		want         bool
	}{{"b", "k", false}, {"c", "k", false}, {"a", "j", false}, {"a", "K", true}, {"a", "k", false}} {
		got, err := f.Delete(c.section, c.key)
		if err != nil || got != c.want {
			t.Errorf("Delete(%q, %q) = %v, %v; want %v, nil", c.section, c.key, got, err, c.want)
		}
	}
	if got := string(f.Bytes()); got != "[a]\n[b]\n" {
		t.Errorf("got %q", got)
	}
}

func TestZeroFile(t *testing.T) {
	var f File
	if err := f.Set("a", "k", "v"); err != nil {
		t.Fatal(err)
	}
	if got := f.Bytes(); !bytes.Equal(got, []byte("[a]\nk = v\n")) {
		t.Errorf("got %q", got)
	}
}

// TestSetSameValueKeepsLine: setting the value a line already holds keeps
// the user's formatting, unless a reader could see it differently.
func TestSetSameValueKeepsLine(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"compact", "[a]\nk=v\n", "[a]\nk=v\n"},
		{"colon", "[a]\nK:  v\n", "[a]\nK:  v\n"},
		{"no final newline", "[a]\nk = v", "[a]\nk = v"},
		{"inline comment rewritten", "[a]\nk = v # c\n", "[a]\nk = v\n"},
		{"quotes rewritten (botocore keeps them)", "[a]\nk = \"v\"\n", "[a]\nk = v\n"},
		{"indented same value kept", "[a]\n  k = v\n  j = 1\n", "[a]\n  k = v\n  j = 1\n"},
		{"duplicate rewritten", "[a]\nk = v\nk = v\n", "[a]\nk = v\n"},
		{"nested block rewritten", "[a]\nk = v\n  more\n", "[a]\nk = v\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse([]byte(tt.in))
			if err := f.Set("a", "k", "v"); err != nil {
				t.Fatal(err)
			}
			if got := string(f.Bytes()); got != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
}
