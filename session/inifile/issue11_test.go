package inifile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
)

// The layouts issue 11 found the editor getting wrong for botocore: each
// edit now gives both readers exactly the intended change (checked with
// the model and, where installed, the real readers), or is refused with a
// sentence that names what to fix, the file unchanged.
func TestIssue11Layouts(t *testing.T) {
	v := func(s string) *string { return &s }
	tests := []struct {
		name, in string
		op       editOp
		want     string // "" when the edit is refused
		refusal  []string
	}{
		{
			name: "rewritten indented key keeps its indentation",
			in:   "[dev]\n    aws_session_token = old\n    region = us-east-1\n",
			op:   editOp{section: "dev", key: "aws_session_token", value: v("new")},
			want: "[dev]\n    aws_session_token = new\n    region = us-east-1\n",
		},
		{
			name: "new key indented like its section, above an indented header",
			in:   "[a]\n\tx = 1\n\t[b]\n\ty = 2\n",
			op:   editOp{section: "a", key: "new", value: v("v1")},
			want: "[a]\n\tx = 1\n\tnew = v1\n\t[b]\n\ty = 2\n",
		},
		{
			name: "new key indented like the header after it, so botocore still reads the file",
			in:   "[x]\n\t[y]\naws_access_key_id = AKIAY\n",
			op:   editOp{section: "x", key: "aws_access_key_id", value: v("ASIANEW")},
			want: "[x]\n\taws_access_key_id = ASIANEW\n\t[y]\naws_access_key_id = AKIAY\n",
		},
		{
			name: "a header on its own line after a byte-order mark",
			in:   "\xEF\xBB\xBF",
			op:   editOp{section: "x", key: "aws_access_key_id", value: v("ASIANEW")},
			want: "\xEF\xBB\xBF\n[x]\naws_access_key_id = ASIANEW\n",
		},
		{
			name:    "quoted profile header: botocore's profile foobar, aws-sdk-go-v2's \"foobar\"",
			in:      "[profile \"foobar\"]\nfoo = 1\nbar = 1\n",
			op:      editOp{section: "profile foobar", key: "mfa_serial", value: v("arn:aws:iam::123456789012:mfa/alice")},
			refusal: []string{`reads [profile "foobar"] on line 1 as the same profile as [profile foobar]`, `rename [profile "foobar"] to [profile foobar] by hand`},
		},
		{
			name:    "readers already disagree about the next line",
			in:      "[myaccount]\naws_access_key_id = ASIAOLD\n\taws_secret_access_key = old\n",
			op:      editOp{section: "myaccount", key: "aws_access_key_id", value: v("ASIANEW")},
			refusal: []string{"line 3", "aws_secret_access_key", "part of the value of aws_access_key_id", "same indentation"},
		},
		{
			name:    "a section on the first line after a byte-order mark",
			in:      "\xEF\xBB\xBF[myaccount]\naws_session_token = old\n",
			op:      editOp{section: "myaccount", key: "aws_session_token", value: v("new")},
			refusal: []string{"byte-order mark", "aws-sdk-go-v2 does not see it", "save the file without the mark"},
		},
		{
			name:    "botocore reads a header aws-sdk-go-v2 ignores",
			in:      "[keep]\nk = 1\n[myaccount] (old)\nregion = x\n",
			op:      editOp{section: "myaccount", key: "aws_session_token", value: v("new")},
			refusal: []string{"already reads line 3 as the header [myaccount], which aws-sdk-go-v2 does not read as one"},
		},
		{
			name:    "a header botocore reads under another name",
			in:      "[ myaccount ]\naws_session_token = old\n",
			op:      editOp{section: "myaccount", key: "aws_session_token", value: v("new")},
			refusal: []string{"reads the header on line 1 as [ myaccount ], which is not [myaccount] to it", "write the header as [myaccount]"},
		},
		{
			name: "profile spacing is one profile to both",
			in:   "[profile   myaccount]\nregion = eu-west-1\n",
			op:   editOp{section: "profile myaccount", key: "mfa_serial", value: v("arn:aws:iam::123456789012:mfa/alice")},
			want: "[profile   myaccount]\nregion = eu-west-1\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n",
		},
		{
			name:    "DEFAULT reaches every profile",
			in:      "[DEFAULT]\naws_session_token = stale\n[myaccount]\naws_session_token = old\n",
			op:      editOp{section: "myaccount", key: "aws_session_token"},
			refusal: []string{"from [DEFAULT]"},
		},
		{
			// Found by FuzzEditBothReaders: botocore parses DEFAULT's values
			// only once a section inherits them.
			name:    "a new section inherits a DEFAULT value botocore cannot parse",
			in:      "[DEFAULT]\n0=\n 0",
			op:      editOp{section: "default", key: "aws_access_key_id", value: v("0")},
			refusal: []string{"would read 0 of [DEFAULT] (line 2) in the new section [default]", "fix [DEFAULT] by hand"},
		},
		{
			name: "a new section inherits a DEFAULT nested value botocore parses",
			in:   "[DEFAULT]\ns3 =\n  addressing_style = path\n",
			op:   editOp{section: "myaccount", key: "aws_session_token", value: v("new")},
			want: "[DEFAULT]\ns3 =\n  addressing_style = path\n\n[myaccount]\naws_session_token = new\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse([]byte(tt.in))
			var err error
			switch {
			case tt.op.value != nil:
				err = f.Set(tt.op.section, tt.op.key, *tt.op.value)
			default:
				_, err = f.Delete(tt.op.section, tt.op.key)
			}
			got := string(f.Bytes())
			if tt.want == "" {
				if !errors.Is(err, ErrUnsafeEdit) {
					t.Fatalf("error %v; want ErrUnsafeEdit", err)
				}
				for _, w := range tt.refusal {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("refusal %q does not say %q", err, w)
					}
				}
				if got != tt.in {
					t.Errorf("refused, but the file changed:\n%q", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got\n%q\nwant\n%q", got, tt.want)
			}
			if err := intendedOnly([]byte(tt.in), []byte(got), tt.op); err != nil {
				t.Fatal(err)
			}
			if testing.Short() {
				return
			}
			realReadersAgree(t, []byte(tt.in), []byte(got), tt.op)
		})
	}
}

// TestBOMOnlyHeaderSeenBySDK: aws-sdk-go-v2 itself finds the section added
// to a file that held only a byte-order mark.
func TestBOMOnlyHeaderSeenBySDK(t *testing.T) {
	f := Parse([]byte(bom))
	for k, v := range map[string]string{"aws_access_key_id": "ASIAEXAMPLE", "aws_secret_access_key": "secret", "aws_session_token": "token"} {
		if err := f.Set("x", k, v); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	if err := os.WriteFile(path, f.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	sc, err := config.LoadSharedConfigProfile(context.Background(), "x", func(o *config.LoadSharedConfigOptions) {
		o.CredentialsFiles = []string{path}
		o.ConfigFiles = []string{filepath.Join(dir, "config")}
	})
	if err != nil {
		t.Fatalf("SDK: %v\n%q", err, f.Bytes())
	}
	if sc.Credentials.SessionToken != "token" {
		t.Errorf("the SDK reads %+v", sc.Credentials)
	}
}
