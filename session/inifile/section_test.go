package inifile

import "testing"

func TestRemoveEmptySectionInvertsAppend(t *testing.T) {
	tests := []struct {
		name, in string
	}{
		{"lf", "[aPerm]\naws_access_key_id = AKIAEXAMPLE\n"},
		{"crlf", "# keys\r\n[aPerm]\r\nk = v\r\n"},
		{"trailing blank kept apart", "[aPerm]\nk = v\n\n# end\n"},
		{"user's own trailing blank line", "[p]\nk = v\n\n"},
		{"two trailing blank lines", "[p]\nk = v\n\n\n"},
		{"empty file", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse([]byte(tt.in))
			if err := f.Set("a", "aws_session_token", "tok"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.Delete("a", "aws_session_token"); err != nil {
				t.Fatal(err)
			}
			removed, err := f.RemoveEmptySection("a")
			if err != nil || !removed {
				t.Fatalf("RemoveEmptySection = %v, %v; want true, nil", removed, err)
			}
			if got := string(f.Bytes()); got != tt.in {
				t.Errorf("after set+delete+remove:\n%q\nwant\n%q", got, tt.in)
			}
		})
	}
}

func TestRemoveEmptySectionKeepsUserContent(t *testing.T) {
	tests := []struct {
		name, in string
	}{
		{"comment inside", "[x]\nk = v\n\n[a]\n# mine\n"},
		{"key inside", "[a]\nregion = eu-west-1\n"},
		{"missing", "[b]\nk = v\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse([]byte(tt.in))
			removed, err := f.RemoveEmptySection("a")
			if err != nil || removed {
				t.Fatalf("RemoveEmptySection = %v, %v; want false, nil", removed, err)
			}
			if got := string(f.Bytes()); got != tt.in {
				t.Errorf("file changed: %q", got)
			}
		})
	}
}
