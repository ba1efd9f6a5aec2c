package inifile

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestRename(t *testing.T) {
	tests := []struct {
		name, in, section, from, to string
		want                        string // "" when nothing changes
		renamed                     bool
		err                         error
	}{
		{name: "plain", section: "profile r", from: "role_arn", to: "awsmfa_role_arn", renamed: true,
			in:   "[profile r]\nregion = x\nrole_arn = arn:1 # c\nsource_profile=a\n",
			want: "[profile r]\nregion = x\nawsmfa_role_arn = arn:1 # c\nsource_profile=a\n"},
		{name: "spacing, colon, CRLF and an indented first key line kept", section: "profile r", from: "role_arn", to: "awsmfa_role_arn", renamed: true,
			in:   "[profile r]\r\n  role_arn\t:  arn:1\r\nx = 1\r\n",
			want: "[profile r]\r\n  awsmfa_role_arn\t:  arn:1\r\nx = 1\r\n"},
		{name: "a key line botocore reads as a continuation", section: "profile r", from: "role_arn", to: "awsmfa_role_arn", err: ErrUnsafeEdit,
			in: "[profile r]\nregion = x\n  role_arn = a\nrole_arn = b\n"},
		{name: "mixed case spelling", section: "profile r", from: "role_arn", to: "awsmfa_role_arn", renamed: true,
			in:   "[profile r]\nRole_Arn = a\n",
			want: "[profile r]\nawsmfa_role_arn = a\n"},
		{name: "every line of a repeated key", section: "profile r", from: "role_arn", to: "awsmfa_role_arn", renamed: true,
			in:   "[profile r]\nrole_arn = a\n# keep\nrole_arn = b\n",
			want: "[profile r]\nawsmfa_role_arn = a\n# keep\nawsmfa_role_arn = b\n"},
		{name: "nested block moves with its key", section: "profile r", from: "s3", to: "awsmfa_s3", renamed: true,
			in:   "[profile r]\ns3 =\n  max_concurrent_requests = 10\nregion = x\n",
			want: "[profile r]\nawsmfa_s3 =\n  max_concurrent_requests = 10\nregion = x\n"},
		{name: "other sections untouched", section: "profile r", from: "role_arn", to: "awsmfa_role_arn", renamed: true,
			in:   "[profile q]\nrole_arn = q\n[profile r]\nrole_arn = r\n[profile s]\nrole_arn = s\n",
			want: "[profile q]\nrole_arn = q\n[profile r]\nawsmfa_role_arn = r\n[profile s]\nrole_arn = s\n"},
		{name: "missing key", section: "profile r", from: "role_arn", to: "awsmfa_role_arn", in: "[profile r]\nx = 1\n"},
		{name: "missing section", section: "profile r", from: "role_arn", to: "awsmfa_role_arn", in: "[profile q]\nrole_arn = 1\n"},
		{name: "target exists", section: "profile r", from: "role_arn", to: "awsmfa_role_arn", err: ErrInvalid,
			in: "[profile r]\nrole_arn = a\nawsmfa_role_arn = b\n"},
		{name: "duplicate section", section: "profile r", from: "role_arn", to: "awsmfa_role_arn", err: ErrDuplicateSection,
			in: "[profile r]\nrole_arn = a\n[profile r]\nx = 1\n"},
		{name: "bad new name", section: "profile r", from: "role_arn", to: "a=b", err: ErrInvalid, in: "[profile r]\nrole_arn = a\n"},
		{name: "same key", section: "profile r", from: "role_arn", to: "ROLE_ARN", err: ErrInvalid, in: "[profile r]\nrole_arn = a\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Parse([]byte(tt.in))
			renamed, err := f.Rename(tt.section, tt.from, tt.to)
			if !errors.Is(err, tt.err) || (tt.err == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			want := tt.want
			if want == "" {
				want = tt.in
			}
			if got := string(f.Bytes()); got != want || renamed != tt.renamed {
				t.Fatalf("got %q (renamed %v)\nwant %q (%v)", got, renamed, want, tt.renamed)
			}
			if !renamed {
				return
			}
			g := Parse(f.Bytes())
			if _, ok := g.Get(tt.section, tt.from); ok {
				t.Error("old key still read")
			}
			// Renaming back restores the bytes, unless the spelling was
			// not the one renamed back to.
			if _, err := f.Rename(tt.section, tt.to, tt.from); err != nil {
				t.Fatal(err)
			}
			if got := string(f.Bytes()); got != tt.in && !strings.Contains(tt.in, "Role_Arn") {
				t.Errorf("renamed back: %q\nwant %q", got, tt.in)
			}
		})
	}
}

// botocore, the other reader, sees the value under the new name and every
// other key as before.
func TestRenameReadByBotocore(t *testing.T) {
	aws := awsCLI(t)
	in := "[default]\nregion = eu-west-1\n[profile r]\nregion = x\n  other = a\nrole_arn = arn:aws:iam::222233334444:role/admin\nsource_profile = base\n"
	f := Parse([]byte(in))
	if _, err := f.Rename("profile r", "role_arn", "awsmfa_role_arn"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, f.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"awsmfa_role_arn": "arn:aws:iam::222233334444:role/admin",
		"region":          "x\nother = a", // botocore's continuation, as before the rename
		"source_profile":  "base",
	} {
		cmd := exec.Command(aws, "configure", "get", key, "--profile", "r")
		cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE="+path, "AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(t.TempDir(), "none"))
		out, err := cmd.Output()
		if got := strings.TrimRight(string(out), "\n"); err != nil || got != want {
			t.Errorf("aws configure get %s = %q, %v; want %q", key, got, err, want)
		}
	}
	cmd := exec.Command(aws, "configure", "get", "role_arn", "--profile", "r")
	cmd.Env = append(os.Environ(), "AWS_CONFIG_FILE="+path)
	if out, _ := cmd.Output(); len(bytes.TrimSpace(out)) != 0 {
		t.Errorf("botocore still reads role_arn = %q", out)
	}
}

func awsCLI(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the AWS CLI of these tests is Debian's, a Linux program")
	}
	for _, p := range []string{"/usr/bin/aws"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("aws"); err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("the AWS CLI is required in CI: apt-get install -y awscli")
	}
	t.Skip("aws CLI not installed")
	return ""
}

// Rename changes only the key's own lines, and renaming back restores the
// file byte for byte.
func FuzzRename(f *testing.F) {
	addGoldenSeeds(f, func(b []byte) { f.Add(b, uint8(0), uint8(0)) })
	f.Add([]byte("[profile r]\nrole_arn = a\n  nested = 1\n"), uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, secSel, keySel uint8) {
		file := Parse(data)
		secs := file.Sections()
		if len(secs) == 0 {
			return
		}
		section := secs[int(secSel)%len(secs)]
		keys := file.Keys(section)
		if len(keys) == 0 {
			return
		}
		key := keys[int(keySel)%len(keys)]
		to := "awsmfa_" + key
		if checkKey(key) != nil {
			return
		}
		val, _ := file.Get(section, key)
		renamed, err := file.Rename(section, key, to)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrDuplicateSection) && !errors.Is(err, ErrUnsafeEdit) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if !bytes.Equal(file.Bytes(), data) {
				t.Fatal("file changed after an error")
			}
			return
		}
		if !renamed {
			t.Fatalf("Rename(%q, %q) found no key that Keys lists", section, key)
		}
		out := Parse(file.Bytes())
		if got, ok := out.Get(section, to); !ok || got != val {
			t.Fatalf("renamed key reads %q, %v; want %q", got, ok, val)
		}
		if _, ok := out.Get(section, key); ok {
			t.Fatal("old key still read")
		}
		if len(file.lines) != len(Parse(data).lines) {
			t.Fatal("line count changed")
		}
		back := Parse(file.Bytes())
		if _, err := back.Rename(section, to, key); err != nil {
			t.Fatalf("rename back: %v", err)
		}
		if !bytes.Equal(bytes.ToLower(back.Bytes()), bytes.ToLower(data)) {
			t.Fatalf("rename back gives %q, want %q", back.Bytes(), data)
		}
	})
}
