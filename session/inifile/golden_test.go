package inifile

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/ini.v1"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.golden (review the diff by eye)")

type op struct {
	del          bool
	drop         bool // RemoveEmptySection
	section, key string
	value        string
}

func set(section, key, value string) op { return op{section: section, key: key, value: value} }
func del(section, key string) op        { return op{del: true, section: section, key: key} }
func drop(section string) op            { return op{drop: true, section: section} }

// loginNew is what session writes for a login that creates [section]:
// the keys and the marker that lets logout remove the section whole.
func loginNew(section string) []op {
	return append(login(section), set(section, "awsmfa_created", "true"))
}

// logoutCreated is session's logout of a section its login created.
func logoutCreated(section string) []op {
	return append(logout(section), del(section, "awsmfa_created"), drop(section))
}

func concat(opss ...[]op) []op {
	var out []op
	for _, ops := range opss {
		out = append(out, ops...)
	}
	return out
}

// login is what session writes for a login: the four keys, and a stale
// aws_security_token removed.
func login(section string) []op {
	return []op{
		set(section, "aws_access_key_id", "ASIANEWNEWNEWNEWNEW1"),
		set(section, "aws_secret_access_key", "NewSecret/with+slash=and=equals"),
		set(section, "aws_session_token", "FwoGZXIvYXdzEJr//////////wEaDNewToken+abc/def=="),
		set(section, "expiration", "2026-11-27T21:04:05Z"),
		del(section, "aws_security_token"),
	}
}

func logout(section string) []op {
	return []op{
		del(section, "aws_access_key_id"),
		del(section, "aws_secret_access_key"),
		del(section, "aws_session_token"),
		del(section, "aws_security_token"),
		del(section, "expiration"),
	}
}

var goldenCases = []struct {
	name string
	ops  []op
}{
	{"comments", login("myaccount")},
	{"odd_spacing", login("myaccount")},
	{"colon", login("myaccount")},
	{"nested_s3", []op{set("profile myaccount", "mfa_serial", "arn:aws:iam::123456789012:mfa/alice"), set("profile dev", "region", "eu-central-1")}},
	{"unknown_keys", login("myaccount")},
	{"crlf", append(login("myaccount"), login("brandnew")...)},
	{"no_final_newline", login("myaccount")},
	{"no_final_newline_inplace", []op{set("myaccount", "aws_session_token", "newtoken")}},
	{"no_final_newline_new_section", login("myaccount")},
	{"bom", login("myaccount")},
	{"header_variants", append(append(login("myaccount"), set("other", "output", "json")), set("myaccount2", "aws_session_token", "newtoken"))},
	{"profile_spacing", []op{set("profile myaccount", "output", "text"), set("profile tabbed", "region", "eu-west-2")}},
	{"new_section", login("myaccount")},
	{"new_section_blank_end", login("myaccount")},
	{"empty", login("myaccount")},
	{"stale_security_token", login("myaccount")},
	{"special_values", []op{
		set("myaccount", "aws_secret_access_key", "a=b/c+d=="),
		set("myaccount", "note", "semi;colon#hash:colon'quote\"mid"),
		set("myaccount", "empty", ""),
	}},
	{"unrelated_hash", login("myaccount")},
	{"tmp_similar", logout("tmp")},
	{"tmp_missing", login("tmp")},
	{"duplicate_key", []op{set("myaccount", "aws_session_token", "third")}},
	{"delete_nested", []op{del("profile myaccount", "s3")}},
	{"no_keys", []op{set("myaccount", "region", "eu-west-1")}},
	// botocore reads a line indented deeper than the key above as part of
	// its value: lines written keep the section's indentation.
	{"indented_section", login("myaccount")},
	{"indented_keys", append(login("dev"), set("next", "region", "eu-west-1"))},
	// Logins that create sections, then logouts in either order: the
	// file comes back byte for byte (each .golden is its .in).
	{"two_sessions_lf", concat(loginNew("a"), loginNew("b"), logoutCreated("a"), logoutCreated("b"))},
	{"two_sessions_crlf", concat(loginNew("a"), loginNew("b"), logoutCreated("b"), logoutCreated("a"))},
	{"two_sessions_no_final_newline", concat(loginNew("a"), loginNew("b"), logoutCreated("a"), logoutCreated("b"))},
	{"two_sessions_no_final_newline_crlf", concat(loginNew("a"), loginNew("b"), logoutCreated("b"), logoutCreated("a"))},
}

func applyOps(t *testing.T, f *File, ops []op) {
	t.Helper()
	for _, o := range ops {
		if o.drop {
			if _, err := f.RemoveEmptySection(o.section); err != nil {
				t.Fatalf("RemoveEmptySection(%q): %v", o.section, err)
			}
			continue
		}
		if o.del {
			if _, err := f.Delete(o.section, o.key); err != nil {
				t.Fatalf("Delete(%q, %q): %v", o.section, o.key, err)
			}
			continue
		}
		if err := f.Set(o.section, o.key, o.value); err != nil {
			t.Fatalf("Set(%q, %q): %v", o.section, o.key, err)
		}
	}
}

// checkReads asserts that our own reader and gopkg.in/ini.v1 both read what
// the ops wrote.
func checkReads(t *testing.T, out []byte, ops []op) {
	t.Helper()
	want := map[[2]string]*string{}
	for _, o := range ops {
		v := o.value
		if o.drop {
			for sk := range want {
				if sk[0] == o.section {
					delete(want, sk)
				}
			}
			continue
		}
		if o.del {
			want[[2]string{o.section, o.key}] = nil
		} else {
			want[[2]string{o.section, o.key}] = &v
		}
	}
	f := Parse(out)
	cfg, err := ini.LoadSources(ini.LoadOptions{AllowNestedValues: true, SpaceBeforeInlineComment: true, InsensitiveKeys: true}, out)
	if err != nil {
		t.Fatalf("gopkg.in/ini.v1 cannot load the output: %v", err)
	}
	for sk, v := range want {
		got, ok := f.Get(sk[0], sk[1])
		sec := iniSection(cfg, sk[0])
		if v == nil {
			if ok {
				t.Errorf("[%s] %s still present", sk[0], sk[1])
			}
			if sec.HasKey(sk[1]) {
				t.Errorf("ini.v1: [%s] %s still present", sk[0], sk[1])
			}
			continue
		}
		if !ok || got != *v {
			t.Errorf("Get(%q, %q) = %q, %v; want %q", sk[0], sk[1], got, ok, *v)
		}
		if iv := sec.Key(sk[1]).String(); iv != *v {
			t.Errorf("ini.v1 reads [%s] %s = %q; want %q", sk[0], sk[1], iv, *v)
		}
	}
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			inPath := filepath.Join("testdata", "golden", tc.name+".in")
			goldenPath := filepath.Join("testdata", "golden", tc.name+".golden")
			in, err := os.ReadFile(inPath)
			if err != nil {
				t.Fatal(err)
			}
			f := Parse(in)
			applyOps(t, f, tc.ops)
			got := f.Bytes()
			if *update {
				if err := os.WriteFile(goldenPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s\n--- got\n%s\n--- want\n%s", goldenPath, got, want)
			}
			if !bytes.Equal(Parse(got).Bytes(), got) {
				t.Error("output does not round-trip")
			}
			checkEndings(t, in, got)
			checkReads(t, got, tc.ops)
			// Idempotent: the same ops again change nothing.
			f2 := Parse(got)
			applyOps(t, f2, tc.ops)
			if !bytes.Equal(f2.Bytes(), got) {
				t.Errorf("applying the ops twice changed the output again:\n%s", f2.Bytes())
			}
		})
	}
}

// checkEndings asserts no mixed line endings were introduced.
func checkEndings(t *testing.T, in, out []byte) {
	t.Helper()
	crlf := Parse(in).EOL() == "\r\n"
	for i, l := range Parse(out).lines {
		if !strings.HasSuffix(l, "\n") {
			continue
		}
		if strings.HasSuffix(l, "\r\n") != crlf {
			t.Errorf("line %d %q: ending does not match the file's style (crlf=%v)", i+1, l, crlf)
		}
	}
}

// iniSection finds the ini.v1 section that the AWS readers call name:
// ini.v1 keeps "[ x ]" and "[profile   x]" as written.
func iniSection(cfg *ini.File, name string) *ini.Section {
	for _, s := range cfg.Sections() {
		if n, ok := NormalizeSection("[" + s.Name() + "]"); ok && n == name {
			return s
		}
	}
	return cfg.Section(name)
}
