package inifile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// bigFile is a credentials file with n profiles, each with comments, long-
// term keys and a session.
func bigFile(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "# profile %d\n[p%04dPerm]\naws_access_key_id = AKIAEXAMPLE%05d\naws_secret_access_key = secret/%d+x=\n\n", i, i, i, i)
		fmt.Fprintf(&b, "[p%04d]\naws_access_key_id = ASIAEXAMPLE%05d\naws_secret_access_key = s/%d\naws_session_token = %s\nexpiration = 2026-01-01T00:00:00Z\n\n", i, i, i, bytes.Repeat([]byte("T"), 400))
	}
	return b.Bytes()
}

// BenchmarkParse parses a 1,000-profile file and reads one key (the
// analysis is lazy, so Get forces it).
func BenchmarkParse(b *testing.B) {
	data := bigFile(1000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, ok := Parse(data).Get("p0999", "aws_session_token"); !ok {
			b.Fatal("missing")
		}
	}
}

// BenchmarkParseAll parses a 1,000-profile file and reads a key of every
// section, as status does: every block gets analysed.
func BenchmarkParseAll(b *testing.B) {
	data := bigFile(1000)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		f := Parse(data)
		for _, s := range f.Sections() {
			if _, ok := f.Get(s, "aws_access_key_id"); !ok {
				b.Fatal("missing")
			}
		}
	}
}

// BenchmarkUpdate is one login's write into a 1,000-profile file: lock,
// read, parse, four Sets and a Delete, temp file, fsync, rename, fsync.
func BenchmarkUpdate(b *testing.B) {
	path := filepath.Join(b.TempDir(), "credentials")
	data := bigFile(1000)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	i := 0
	for b.Loop() {
		i++
		err := Update(path, func(f *File) error {
			for _, k := range sessionKeys {
				if err := f.Set("p0500", k, fmt.Sprintf("v%d", i)); err != nil {
					return err
				}
			}
			_, err := f.Delete("p0500", "aws_security_token")
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoginEdits is a login's edits in memory, on a 1,000-profile
// file: parse, four Sets and a Delete, each checked with both readers;
// into an existing section and into a new one.
func BenchmarkLoginEdits(b *testing.B) {
	data := bigFile(1000)
	for _, sec := range []string{"p0500", "brandnew"} {
		b.Run(sec, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			i := 0
			for b.Loop() {
				i++
				f := parseOwned(data)
				for _, k := range sessionKeys {
					if err := f.Set(sec, k, fmt.Sprintf("v%d", i)); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := f.Delete(sec, "aws_security_token"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
