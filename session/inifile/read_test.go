package inifile

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
)

func TestGet(t *testing.T) {
	tests := []struct {
		name, file, section, key string
		want                     string
		ok                       bool
	}{
		{"plain", "[a]\nk = v\n", "a", "k", "v", true},
		{"no spaces", "[a]\nk=v\n", "a", "k", "v", true},
		{"inline hash", "[a]\nk = v # c\n", "a", "k", "v", true},
		{"inline semicolon", "[a]\nk = v ; c\n", "a", "k", "v", true},
		{"inline tab hash", "[a]\nk = v\t# c\n", "a", "k", "v", true},
		{"hash without space kept", "[a]\nk = v#c;d\n", "a", "k", "v#c;d", true},
		{"double quotes stripped", "[a]\nk = \"v w\"\n", "a", "k", "v w", true},
		{"single quotes stripped", "[a]\nk = 'v'\n", "a", "k", "v", true},
		{"inner quote kept", "[a]\nk = a\"b\n", "a", "k", "a\"b", true},
		{"lone quote", "[a]\nk = \"\n", "a", "k", "\"", true},
		{"colon separator", "[a]\nk: v\n", "a", "k", "v", true},
		{"colon before equals", "[a]\nk: v=w\n", "a", "k", "v=w", true},
		{"equals before colon", "[a]\nk = v:w\n", "a", "k", "v:w", true},
		{"value with equals", "[a]\nk = a=b==\n", "a", "k", "a=b==", true},
		{"key case-insensitive", "[a]\nAWS_Access_Key_ID = x\n", "a", "aws_access_key_id", "x", true},
		{"lookup case-insensitive", "[a]\nk = x\n", "a", "K", "x", true},
		{"later key wins", "[a]\nk = 1\nk = 2\n", "a", "k", "2", true},
		{"duplicate sections merged", "[a]\nk = 1\nj = 1\n[b]\n[a]\nk = 2\n", "a", "j", "1", true},
		{"duplicate sections later wins", "[a]\nk = 1\n[b]\n[a]\nk = 2\n", "a", "k", "2", true},
		{"header spaces", "[ a ]\nk = v\n", "a", "k", "v", true},
		{"header comment", "[a] ; c\nk = v\n", "a", "k", "v", true},
		{"header hash comment", "[a]# c\nk = v\n", "a", "k", "v", true},
		{"header indented", "  [a]\nk = v\n", "a", "k", "v", true},
		{"profile spaces", "[profile   x]\nk = v\n", "profile x", "k", "v", true},
		{"profile tab", "[profile\tx]\nk = v\n", "profile x", "k", "v", true},
		{"only first run collapsed", "[a  b  c]\nk = v\n", "a b  c", "k", "v", true},
		{"nested is not top-level", "[a]\ns3 =\n  k = v\n", "a", "k", "", false},
		{"nested parent reads empty", "[a]\ns3 =\n  k = v\n", "a", "s3", "", true},
		{"key after nested", "[a]\ns3 =\n  x = 1\nk = v\n", "a", "k", "v", true},
		{"orphan indented promoted", "[a]\n  k = v ; c\n", "a", "k", "v", true},
		{"indented under valued key promoted", "[a]\nj = 1\n  k = v\n", "a", "k", "v", true},
		{"continuation", "[a]\nk = v\n  more\n", "a", "k", "v\nmore", true},
		{"comment lines skipped", "[a]\n# k = x\n; k = y\nk = v\n", "a", "k", "v", true},
		{"commented header not a section", "# [a]\nk = v\n", "a", "k", "", false},
		{"global keys ignored", "k = v\n[a]\n", "a", "k", "", false},
		{"empty header ignored", "[a]\n[]\nk = v\n", "a", "k", "", false},
		{"crlf", "[a]\r\nk = v\r\n", "a", "k", "v", true},
		{"crlf continuation has no cr", "[a]\r\nk = v\r\n  more\r\n", "a", "k", "v\nmore", true},
		{"bom", "\xEF\xBB\xBF[a]\nk = v\n", "a", "k", "v", true},
		{"missing section", "[a]\nk = v\n", "b", "k", "", false},
		{"no final newline", "[a]\nk = v", "a", "k", "v", true},
		{"substring section", "[tmp-mfa]\nk = v\n[xtemp]\nk = w\n", "tmp", "k", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Parse([]byte(tt.file)).Get(tt.section, tt.key)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Get(%q, %q) = %q, %v; want %q, %v", tt.section, tt.key, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestSectionsCountKeys(t *testing.T) {
	f := Parse([]byte("k = global\n# [c]\n[b]\nx = 1\n[ a ]\nY = 2\ns3 =\n  z = 3\n[]\nq = 4\n[b] ; again\nx = 5\nw = 6\n[tmp-mfa]\n"))
	if got, want := f.Sections(), []string{"b", "a", "tmp-mfa"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Sections() = %q; want %q", got, want)
	}
	for s, want := range map[string]int{"a": 1, "b": 2, "c": 0, "tmp": 0, "": 0} {
		if got := f.Count(s); got != want {
			t.Errorf("Count(%q) = %d; want %d", s, got, want)
		}
	}
	if got, want := f.Keys("a"), []string{"y", "s3"}; !reflect.DeepEqual(got, want) {
		t.Errorf(`Keys("a") = %q; want %q`, got, want)
	}
	if got, want := f.Keys("b"), []string{"x", "w"}; !reflect.DeepEqual(got, want) {
		t.Errorf(`Keys("b") = %q; want %q`, got, want)
	}
	if m, ok := f.Nested("a", "s3"); !ok || !reflect.DeepEqual(m, map[string]string{"z": "3"}) {
		t.Errorf(`Nested("a", "s3") = %v, %v`, m, ok)
	}
}

// TestAgainstSDK checks our reader against the real aws-sdk-go-v2 shared
// config loader on tricky inputs.
func TestAgainstSDK(t *testing.T) {
	tests := []struct {
		name, creds, profile string
	}{
		{"inline comments", "[p]\naws_access_key_id = AKIDX # c\naws_secret_access_key = s;x ; c\naws_session_token = \"tok\"\n", "p"},
		{"colon and case", "[ p ] ; c\nAWS_ACCESS_KEY_ID: AKIDY\naws_secret_access_key:s=1\n", "p"},
		{"duplicates merged", "[p]\naws_access_key_id = A1\naws_secret_access_key = S1\n[q]\n[p]\naws_access_key_id = A2\n", "p"},
		{"nested and promoted", "[p]\ns3 =\n  aws_access_key_id = NESTED\naws_secret_access_key = S\n  aws_access_key_id = PROMOTED\n", "p"},
		{"crlf", "[p]\r\naws_access_key_id = A\r\naws_secret_access_key = S\r\naws_session_token = T\r\n", "p"},
		{"no final newline", "[p]\naws_access_key_id = A\naws_secret_access_key = S", "p"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "credentials")
			if err := os.WriteFile(path, []byte(tt.creds), 0o600); err != nil {
				t.Fatal(err)
			}
			sc, err := config.LoadSharedConfigProfile(context.Background(), tt.profile, func(o *config.LoadSharedConfigOptions) {
				o.CredentialsFiles = []string{path}
				o.ConfigFiles = []string{filepath.Join(dir, "config")}
			})
			if err != nil {
				t.Fatalf("SDK: %v", err)
			}
			f := Parse([]byte(tt.creds))
			for key, sdk := range map[string]string{
				"aws_access_key_id":     sc.Credentials.AccessKeyID,
				"aws_secret_access_key": sc.Credentials.SecretAccessKey,
				"aws_session_token":     sc.Credentials.SessionToken,
			} {
				if got, _ := f.Get(tt.profile, key); got != sdk {
					t.Errorf("Get(%q, %q) = %q; the SDK reads %q", tt.profile, key, got, sdk)
				}
			}
		})
	}
}
