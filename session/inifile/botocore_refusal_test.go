package inifile

import (
	"slices"
	"strings"
	"testing"
)

// refusalLines are all the lines BotocoreRefuses names, first included.
func refusalLines(r *BotocoreRefusal) []int {
	if r == nil {
		return nil
	}
	return append([]int{r.Line}, r.Others...)
}

// checkRefusal holds BotocoreRefuses to what the real botocore did with
// data: it refuses exactly the files botocore refuses, and every line
// configparser's error names is one it names (configparser stops at the
// first duplicate or missing header, so it may name fewer). Lines are
// counted alike unless a lone '\r' splits one for Python.
func checkRefusal(t *testing.T, name string, data []byte, real *boView) *BotocoreRefusal {
	t.Helper()
	r := Parse(data).BotocoreRefuses()
	if (r != nil) != (real.err != "") {
		t.Errorf("%s %q: BotocoreRefuses = %v; botocore raises %q", name, data, r, real.err)
		return r
	}
	if r == nil || strings.Contains(strings.ReplaceAll(string(data), "\r\n", ""), "\r") {
		return r
	}
	got := refusalLines(r)
	for _, l := range real.errLines {
		if !slices.Contains(got, l) {
			t.Errorf("%s %q: botocore's %s names line %d; BotocoreRefuses names %v (%v)", name, data, real.err, l, got, r)
		}
	}
	return r
}

// The layouts that break the AWS CLI while aws-sdk-go-v2 reads on: each
// refused by the real botocore, on the line the model names.
func TestBotocoreRefusesLayouts(t *testing.T) {
	py := realBotocore(t)
	const keys = "aws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s\n"
	tests := []struct {
		name, data string
		line       int    // 0: botocore reads the file
		section    string // the section of that line
		says       string
		others     []int
		onlyBOM    bool
	}{
		{name: "a junk line after the keys", data: "[xPerm]\n" + keys + "this line is junk\n",
			line: 4, section: "xPerm", says: `line 4, in [xPerm], is not "key = value"`},
		{name: "a pasted secret on a line of its own", data: "[x]\naws_access_key_id = AKIAEXAMPLE\nwJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n",
			line: 3, section: "x", says: "fix or delete that line"},
		{name: "a duplicate section", data: "[a]\nk = 1\n\n[xPerm]\n" + keys + "[a]\nj = 2\n",
			line: 7, section: "a", says: "line 7 starts [a] a second time (the first is on line 1)"},
		{name: "a duplicate key", data: "[xPerm]\n" + keys + "region = eu-west-1\nAWS_ACCESS_KEY_ID = AKIAOTHER\n",
			line: 5, section: "xPerm", says: "line 5 sets aws_access_key_id a second time in [xPerm] (the first is on line 2)"},
		{name: "a continuation at the top", data: "  region = eu-west-1\n[xPerm]\n" + keys,
			line: 1, says: "line 1 comes before the first [section] header"},
		{name: "a comment and then a key at the top", data: "# mine\nregion = x\n[a]\n",
			line: 2, says: "line 2 comes before"},
		{name: "a key without a name", data: "[a]\n= v\n",
			line: 2, section: "a", says: "has a value but no key name"},
		{name: "a byte-order mark", data: "\ufeff[xPerm]\n" + keys,
			line: 1, says: "byte-order mark", onlyBOM: true},
		{name: "a byte-order mark and a junk line", data: "\ufeff[xPerm]\n" + keys + "junk\n",
			line: 1, says: "byte-order mark", others: []int{4}},
		{name: "bytes that are not UTF-8", data: "[a]\n# caf\xe9\n[xPerm]\n" + keys,
			line: 2, section: "a", says: "not UTF-8"},
		{name: "an indented line under an empty value", data: "[xPerm]\n" + keys + "s3 =\n  max_concurrent_requests = 4\n  junk\n",
			line: 6, section: "xPerm", says: "line 6, in [xPerm], is indented under s3"},
		{name: "several junk lines", data: "[a]\nx\n[b]\ny\nz\nw\n[c]\nv\n",
			line: 2, section: "a", says: "(botocore also refuses lines 4, 5, 6 and 1 more)", others: []int{4, 5, 6, 8}},
		{name: "junk, then a duplicate section", data: "[a]\njunk\n[b]\n[a]\n",
			line: 2, section: "a", says: "(botocore also refuses line 4)", others: []int{4}},
		// What botocore reads, though it looks odd.
		{name: "an indented line continues a value", data: "[xPerm]\n" + keys + "  more\n"},
		{name: "comments and blank lines", data: "# top\n\n[xPerm] ; c\n; c\n" + keys + "\n"},
		{name: "nested values", data: "[a]\ns3 =\n  x = 1\n\n  y = 2\n"},
		{name: "DEFAULT twice with other keys", data: "[DEFAULT]\nk = 1\n[DEFAULT]\nj = 2\n[a]\n"},
		{name: "a bad DEFAULT value nobody reads", data: "[DEFAULT]\ns3 =\n  x\n"},
		{name: "the same name, spaced, is another section", data: "[a]\nk = 1\n[ a ]\nk = 2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := checkRefusal(t, tt.name, []byte(tt.data), py.read(t, []byte(tt.data)))
			if tt.line == 0 {
				if r != nil {
					t.Errorf("refused: %v", r)
				}
				return
			}
			if r == nil {
				t.Fatalf("botocore refuses it; BotocoreRefuses says nothing")
			}
			if r.Line != tt.line || r.Section != tt.section || !strings.Contains(r.Error(), tt.says) {
				t.Errorf("line %d [%s] %q; want line %d [%s], saying %q", r.Line, r.Section, r, tt.line, tt.section, tt.says)
			}
			if tt.others != nil && !slices.Equal(r.Others, tt.others) {
				t.Errorf("others %v, want %v", r.Others, tt.others)
			}
			if r.OnlyBOM != tt.onlyBOM {
				t.Errorf("OnlyBOM = %v", r.OnlyBOM)
			}
			for _, secret := range []string{"AKIA", "wJalr", "junk"} {
				if strings.Contains(r.Error(), secret) {
					t.Errorf("the sentence quotes the file: %q", r)
				}
			}
		})
	}
}

// BotocoreRefuses agrees with the real botocore over every corpus file and
// the tricky inputs.
func TestBotocoreRefusesMatchesReal(t *testing.T) {
	py := realBotocore(t)
	inputs := corpusFiles(t)
	for i, s := range boTricky {
		inputs["tricky/"+string(rune('a'+i%26))+strings.Repeat("'", i/26)] = []byte(s)
	}
	refused := 0
	for name, data := range inputs {
		if checkRefusal(t, name, data, py.read(t, data)) != nil {
			refused++
		}
	}
	if refused == 0 {
		t.Errorf("no input refused: the test sees nothing")
	}
}

// An edit forgets the verdict: the line it names moves with the lines.
func TestBotocoreRefusesAfterEdit(t *testing.T) {
	f := Parse([]byte("[a]\nk = 1\n\n[b]\njunk\n"))
	if r := f.BotocoreRefuses(); r == nil || r.Line != 5 {
		t.Fatalf("before the edit: %v", r)
	}
	if err := f.Set("a", "region", "eu-west-1"); err != nil {
		t.Fatal(err)
	}
	if r := f.BotocoreRefuses(); r == nil || r.Line != 6 {
		t.Errorf("after a line was added above it: %v\n%s", r, f.Bytes())
	}
}
