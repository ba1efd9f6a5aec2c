package plist

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	// doc wraps dict entries in the header, <plist> and <dict>.
	doc := func(entries string) string {
		return header + `<plist version="1.0">` + "\n<dict>\n" + entries + "\n</dict>\n</plist>\n"
	}
	tests := []struct {
		name    string
		data    string
		want    map[string]Value
		wantErr string // part of the error; empty when the plist is valid
	}{
		{
			name: "every kind",
			data: doc(`
	<key>Label</key>
	<string>a &amp; b</string>
	<key>Count</key>
	<integer>42</integer>
	<key>Ratio</key>
	<real>1.5</real>
	<key>On</key>
	<true/>
	<key>Off</key>
	<false></false>
	<key>Args</key>
	<array>
		<string>/bin/x</string>
		<string>-v</string>
	</array>
	<key>None</key>
	<array/>`),
			want: map[string]Value{
				"Label": {Kind: "string", Text: "a & b"},
				"Count": {Kind: "integer", Text: "42"},
				"Ratio": {Kind: "real", Text: "1.5"},
				"On":    {Kind: "true"},
				"Off":   {Kind: "false"},
				"Args":  {Kind: "array", Strings: []string{"/bin/x", "-v"}},
				"None":  {Kind: "array"},
			},
		},
		{
			name: "comments and trailing white space",
			data: doc("<!-- c --><key>K</key><!-- c --><string>v</string>") + "\n\n",
			want: map[string]Value{"K": {Kind: "string", Text: "v"}},
		},
		{name: "empty dict", data: doc(""), want: map[string]Value{}},

		{name: "no header", data: `<plist version="1.0"><dict/></plist>`, wantErr: "header"},
		{name: "no DOCTYPE", data: `<?xml version="1.0" encoding="UTF-8"?>` + "\n<plist version=\"1.0\"><dict/></plist>", wantErr: "header"},
		{name: "duplicate key", data: doc("<key>K</key><string>a</string><key>K</key><string>b</string>"), wantErr: `duplicate key "K"`},
		{name: "unclosed element", data: doc("<key>K</key><string>a"), wantErr: "well-formed"},
		{name: "mismatched end tag", data: doc("<key>K</key><string>a</integer>"), wantErr: "well-formed"},
		{name: "bad entity", data: doc("<key>K</key><string>a &nbsp; b</string>"), wantErr: "well-formed"},
		{name: "truncated", data: header + `<plist version="1.0">`, wantErr: "well-formed"},
		{name: "empty", data: header, wantErr: "EOF"},
		{name: "no version", data: header + "<plist><dict/></plist>", wantErr: "attributes"},
		{name: "wrong version", data: header + `<plist version="2.0"><dict/></plist>`, wantErr: "attributes"},
		{name: "extra attribute", data: header + `<plist version="1.0" x="y"><dict/></plist>`, wantErr: "attributes"},
		{name: "root not plist", data: header + `<dict></dict>`, wantErr: "want <plist>"},
		{name: "top level not dict", data: header + `<plist version="1.0"><array/></plist>`, wantErr: "want <dict>"},
		{name: "value without key", data: doc("<string>a</string>"), wantErr: "want <key>"},
		{name: "text in dict", data: doc("stray"), wantErr: "want <key>"},
		{name: "key without value", data: doc("<key>K</key>"), wantErr: `value of "K"`},
		{name: "element in key", data: doc("<key><b/></key><string>a</string>"), wantErr: "inside a text element"},
		{name: "element in string", data: doc("<key>K</key><string>a<b/></string>"), wantErr: "inside a text element"},
		{name: "content in true", data: doc("<key>K</key><true>yes</true>"), wantErr: "has content"},
		{name: "non-string array item", data: doc("<key>K</key><array><integer>1</integer></array>"), wantErr: "not a <string>"},
		{name: "nested dict", data: doc("<key>K</key><dict/>"), wantErr: "unexpected value <dict>"},
		{name: "unknown value", data: doc("<key>K</key><data>AA==</data>"), wantErr: "unexpected value <data>"},
		{name: "two dicts", data: header + `<plist version="1.0"><dict/><dict/></plist>`, wantErr: "want </plist>"},
		{name: "element after plist", data: doc("") + "<plist/>", wantErr: "after </plist>"},
		{name: "text after plist", data: doc("") + "x", wantErr: "after </plist>"},
		{name: "comment after plist", data: doc("") + "<!-- c -->", wantErr: "after </plist>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.data))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse = %+v, %v; want an error with %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse = %+v, want %+v", got, tt.want)
			}
		})
	}
}
