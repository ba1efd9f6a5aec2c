package inifile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// The editor against the real readers: botocore (reader.py, in one Python
// process) and aws-sdk-go-v2's public config loader. An edit passes only
// when both see exactly the intended change, or the editor refused and
// left the file as it was.

// realReadersAgree checks, with the real readers, that after is before
// with op and nothing else.
func realReadersAgree(t testing.TB, before, after []byte, op editOp) {
	t.Helper()
	if err := realBotocoreAgrees(t, before, after, op); err != nil {
		t.Fatalf("botocore: %v\nbefore %q\nafter  %q", err, before, after)
	}
	if err := realSDKAgrees(t, before, after, op); err != nil {
		t.Fatalf("aws-sdk-go-v2: %v\nbefore %q\nafter  %q", err, before, after)
	}
}

// targetName is what botocore calls the section op edits: the text of its
// header in before, or op.section for a section Set adds.
func targetName(before []byte, op editOp) (string, bool) {
	f := Parse(before)
	for _, b := range analyse(f.lines).blocks {
		if !b.pre && b.name == op.section {
			name, _ := boHeaderName(pyStrip(firstPyLine(f.lines[b.header])))
			return name, true
		}
	}
	return op.section, false
}

func realBotocoreAgrees(t testing.TB, before, after []byte, op editOp) error {
	py := realBotocore(t)
	vb, va := py.read(t, stripBOM(before)), py.read(t, stripBOM(after))
	name, existed := targetName(before, op)
	lk := strings.ToLower(op.key)
	secs := func(v *boView) map[string]map[string]boViewVal {
		m := map[string]map[string]boViewVal{}
		for _, s := range v.flat {
			o := map[string]boViewVal{}
			for _, x := range s.opts {
				o[x.key] = x.val
			}
			m[s.name] = o
		}
		return m
	}
	order := func(v *boView) []string {
		var out []string
		for _, s := range v.flat {
			out = append(out, s.name)
		}
		return out
	}
	switch {
	case vb.err != "" && va.err != "":
		return nil // botocore refused the file before, and still does
	case vb.err == "" && va.err != "":
		return fmt.Errorf("can no longer read the file (%s)", va.err)
	case vb.err != "":
		// The edit fixed the file for botocore: the key must read right.
		if op.drop {
			return nil
		}
		v, ok := secs(va)[name][lk]
		if op.value == nil && ok || op.value != nil && (!ok || v.str != *op.value || v.isNested) {
			return fmt.Errorf("[%s] %s reads %+v", name, lk, v)
		}
		return nil
	}
	sb, sa := secs(vb), secs(va)
	wantOrder := order(vb)
	switch {
	case op.drop:
		wantOrder = slices.DeleteFunc(wantOrder, func(s string) bool { return s == name })
	case !existed || !slices.Contains(wantOrder, name):
		if existed {
			return fmt.Errorf("the edited section [%s] is not a section to botocore", name)
		}
		wantOrder = append(wantOrder, name)
		sb[name] = map[string]boViewVal{}
		// A section added takes the DEFAULT keys, as every section does.
		for _, s := range va.flat {
			if s.name == name {
				for _, x := range s.opts {
					if x.key != lk {
						sb[name][x.key] = x.val
					}
				}
			}
		}
	}
	if got := order(va); !slices.Equal(got, wantOrder) {
		return fmt.Errorf("sections %q, want %q", got, wantOrder)
	}
	for _, s := range wantOrder {
		want := maps.Clone(sb[s])
		if s == name {
			switch {
			case op.value != nil:
				want[lk] = boViewVal{str: *op.value}
			default:
				delete(want, lk)
			}
		}
		if !maps.EqualFunc(sa[s], want, func(a, b boViewVal) bool { return reflect.DeepEqual(a, b) }) {
			return fmt.Errorf("[%s] reads %v, want %v", s, sa[s], want)
		}
	}
	// The profile map: the same entries, the edited section's its own.
	entries := func(v *boView) map[boEntry]string {
		m := map[boEntry]string{}
		for _, e := range v.profiles {
			m[e.boEntry] = fmt.Sprint(sortedOpts(e.opts))
		}
		return m
	}
	want := entries(vb)
	e := boEntryOf(name, py.services)
	if op.drop {
		delete(want, e)
	} else if e.kind != "-" {
		for _, s := range va.raw {
			if s.name == name {
				want[e] = fmt.Sprint(sortedOpts(s.opts))
			}
		}
	}
	if got := entries(va); !maps.Equal(got, want) {
		return fmt.Errorf("profile map %v, want %v", got, want)
	}
	// The credentials resolver, for every other section.
	cb := map[string]string{}
	for _, c := range vb.creds {
		cb[c.section] = fmt.Sprint(c)
	}
	for _, c := range va.creds {
		if c.section != name && cb[c.section] != fmt.Sprint(c) {
			return fmt.Errorf("credentials of [%s] are %v, were %v", c.section, c, cb[c.section])
		}
	}
	return nil
}

func stripBOM(b []byte) []byte {
	// botocore refuses a file with a byte-order mark, before and after
	// alike; what it would read once the mark is gone is compared.
	return bytes.TrimPrefix(b, []byte(bom))
}

// sdkFields are the keys whose values aws-sdk-go-v2's SharedConfig shows
// as they are written.
var sdkFields = map[string]func(*config.SharedConfig) *string{
	"region":             func(c *config.SharedConfig) *string { return &c.Region },
	"mfa_serial":         func(c *config.SharedConfig) *string { return &c.MFASerial },
	"role_arn":           func(c *config.SharedConfig) *string { return &c.RoleARN },
	"source_profile":     func(c *config.SharedConfig) *string { return &c.SourceProfileName },
	"role_session_name":  func(c *config.SharedConfig) *string { return &c.RoleSessionName },
	"external_id":        func(c *config.SharedConfig) *string { return &c.ExternalID },
	"credential_process": func(c *config.SharedConfig) *string { return &c.CredentialProcess },
}

var credFields = map[string]func(*aws.Credentials) *string{
	"aws_access_key_id":     func(c *aws.Credentials) *string { return &c.AccessKeyID },
	"aws_secret_access_key": func(c *aws.Credentials) *string { return &c.SecretAccessKey },
	"aws_session_token":     func(c *aws.Credentials) *string { return &c.SessionToken },
}

// realSDKAgrees loads every profile of before and after with the SDK's
// loader, the file read as a credentials file and as a config file.
func realSDKAgrees(t testing.TB, before, after []byte, op editOp) error {
	dir := t.TempDir()
	path, none := filepath.Join(dir, "f"), filepath.Join(dir, "none")
	names := map[string]bool{op.section: true}
	for _, b := range [][]byte{before, after} {
		for _, s := range Parse(b).Sections() {
			names[s] = true
		}
	}
	profileOf := func(s string, asConfig bool) string {
		if asConfig {
			return strings.TrimPrefix(s, "profile ")
		}
		return s
	}
	load := func(data []byte, asConfig bool) map[string]string {
		key := fmt.Sprint(asConfig, op.section, op.key, "\x00", string(data))
		sdkCacheMu.Lock()
		defer sdkCacheMu.Unlock()
		if out, ok := sdkCache[key]; ok {
			return out
		}
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		target := profileOf(op.section, asConfig)
		out := map[string]string{}
		for s := range names {
			profile := profileOf(s, asConfig)
			sc, err := config.LoadSharedConfigProfile(context.Background(), profile, func(o *config.LoadSharedConfigOptions) {
				if asConfig {
					o.ConfigFiles, o.CredentialsFiles = []string{path}, []string{none}
				} else {
					o.ConfigFiles, o.CredentialsFiles = []string{none}, []string{path}
				}
			})
			var ne config.SharedConfigProfileNotExistError
			switch {
			case errors.As(err, &ne):
				out[profile] = "missing"
			case err != nil:
				out[profile] = "error: " + err.Error()
			default:
				if profile == target {
					out[profile+"\x00target"] = targetFields(&sc, op)
				}
				sc.Source = nil // chained profiles are compared on their own keys
				if profile == target {
					if f, ok := sdkFields[strings.ToLower(op.key)]; ok {
						*f(&sc) = ""
					}
					if _, ok := credFields[strings.ToLower(op.key)]; ok {
						sc.Credentials = aws.Credentials{}
					}
				}
				if j, err := json.Marshal(sc); err == nil {
					out[profile] = string(j)
				} else {
					out[profile] = fmt.Sprintf("%+v", sc)
				}
			}
		}
		// The file is read again by path, so a cached reading must not
		// name this test's temp folder.
		for k, v := range out {
			out[k] = strings.ReplaceAll(v, path, "<file>")
		}
		if len(sdkCache) > 4096 {
			clear(sdkCache)
		}
		sdkCache[key] = out
		return out
	}
	for _, asConfig := range []bool{false, true} {
		b, a := load(before, asConfig), load(after, asConfig)
		target := profileOf(op.section, asConfig)
		for p := range b {
			if p == target || strings.HasSuffix(p, "\x00target") || chained(b[p], op.section) || chained(a[p], op.section) {
				continue // the edited profile, or one that reads it
			}
			if b[p] != a[p] {
				return fmt.Errorf("profile %q (config %v) reads %s, was %s", p, asConfig, a[p], b[p])
			}
		}
		tb, ta := b[target], a[target]
		switch {
		case op.drop || strings.HasPrefix(ta, "error") || ta == "missing":
			// The section gone, or a profile the SDK will not load
			// whatever its keys (checked by reading: see TestAgainstSDK).
		case tb != "missing" && !strings.HasPrefix(tb, "error") && tb != ta:
			return fmt.Errorf("profile %q (config %v): the other keys read %s, were %s", target, asConfig, ta, tb)
		default:
			if got, want := a[target+"\x00target"], wantFields(op); got != want && want != "" {
				return fmt.Errorf("profile %q (config %v) reads %s, want %s", target, asConfig, got, want)
			}
		}
	}
	return nil
}

var (
	sdkCacheMu sync.Mutex
	sdkCache   = map[string]map[string]string{}
)

// chained reports whether a profile's reading (as load shows it) names
// profile as the one it takes its credentials from.
func chained(reading, section string) bool {
	name := section
	for _, p := range []string{"profile ", "services ", "sso-session "} {
		name = strings.TrimPrefix(name, p)
	}
	for _, field := range []string{"SourceProfileName", "ServicesSectionName", "SSOSessionName"} {
		if strings.Contains(reading, `"`+field+`":"`+name+`"`) {
			return true
		}
	}
	return strings.HasPrefix(reading, "error") && strings.Contains(reading, name)
}

// targetFields shows the edited key as the SDK reads it, where it shows.
func targetFields(sc *config.SharedConfig, op editOp) string {
	k := strings.ToLower(op.key)
	if f, ok := sdkFields[k]; ok {
		return *f(sc)
	}
	if f, ok := credFields[k]; ok && sc.Credentials.HasKeys() {
		return *f(&sc.Credentials)
	}
	return ""
}

func wantFields(op editOp) string {
	k := strings.ToLower(op.key)
	_, plain := sdkFields[k]
	if !plain || op.value == nil {
		return "" // not shown, or gone
	}
	return *op.value
}

// loginOps is what a login writes into section, as session does.
func loginOps(section string) []editOp {
	v := []string{"ASIAREALREADERS00001", "secret/real+readers=", "FwoGZXIvYXdzEJr//////////wEaDRealToken==", "2026-11-27T21:04:05Z"}
	var ops []editOp
	for i, k := range []string{"aws_access_key_id", "aws_secret_access_key", "aws_session_token", "expiration"} {
		ops = append(ops, editOp{section: section, key: k, value: &v[i]})
	}
	return append(ops, editOp{section: section, key: "aws_security_token"})
}

// applyOp runs op on f and reports whether the editor refused it.
func applyOp(t testing.TB, f *File, op editOp) (refused bool) {
	t.Helper()
	var err error
	switch {
	case op.drop:
		_, err = f.RemoveEmptySection(op.section)
	case op.value != nil:
		err = f.Set(op.section, op.key, *op.value)
	default:
		_, err = f.Delete(op.section, op.key)
	}
	switch {
	case err == nil:
		return false
	case errors.Is(err, ErrUnsafeEdit), errors.Is(err, ErrDuplicateSection):
		return true
	}
	t.Fatalf("%+v: %v", op, err)
	return false
}

// TestEditCorpusBothReaders logs in (and back out) every section of every
// corpus file, and a new one, one edit at a time, and holds each edit to
// the real readers.
func TestEditCorpusBothReaders(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Python")
	}
	realBotocore(t)
	edits, refused := 0, 0
	for name, data := range corpusFiles(t) {
		// The first sections, the last, and a new one: the layouts differ
		// more between files than within one.
		secs := Parse(data).Sections()
		if len(secs) > 5 {
			secs = append(secs[:3:3], secs[len(secs)-2:]...)
		}
		secs = append(secs, "brand-new")
		for _, s := range secs {
			ops := loginOps(s)
			for _, op := range ops[:4] {
				ops = append(ops, editOp{section: s, key: op.key})
			}
			f := Parse(data)
			for _, op := range ops {
				before := f.Bytes()
				edits++
				if applyOp(t, f, op) {
					refused++
					if !bytes.Equal(f.Bytes(), before) {
						t.Fatalf("%s: refused %+v but changed the file", name, op)
					}
					continue
				}
				if !bytes.Equal(f.Bytes(), before) || op.value != nil {
					t.Run(name, func(t *testing.T) { realReadersAgree(t, before, f.Bytes(), op) })
				}
			}
		}
	}
	t.Logf("%d edits, %d refused", edits, refused)
	if refused*4 > edits {
		t.Errorf("%d of %d edits refused: the editor refuses too much", refused, edits)
	}
}

// FuzzEditBothReaders edits a random file once and holds the result to the
// real readers.
func FuzzEditBothReaders(f *testing.F) {
	for _, s := range boTricky {
		f.Add([]byte(s), uint8(0), uint8(0), "v", uint8(0))
	}
	addGoldenSeeds(f, func(b []byte) {
		f.Add(b, uint8(0), uint8(200), "tok/+=", uint8(0))
		f.Add(b, uint8(1), uint8(1), "", uint8(1))
		f.Add(b, uint8(255), uint8(3), "eu-west-1", uint8(2))
	})
	keys := []string{"aws_access_key_id", "aws_secret_access_key", "aws_session_token", "region", "mfa_serial", "expiration", "s3", "k"}
	f.Fuzz(func(t *testing.T, data []byte, secSel, keySel uint8, value string, kind uint8) {
		realBotocore(t)
		file := Parse(data)
		op := editOp{section: pickSection(file.Sections(), secSel), key: keys[int(keySel)%len(keys)]}
		if ks := file.Keys(op.section); keySel >= 128 && len(ks) > 0 {
			op.key = ks[int(keySel)%len(ks)]
		}
		switch kind % 3 {
		case 0:
			op.value = &value
		case 2:
			op.drop = true
		}
		err := func() error {
			switch {
			case op.drop:
				_, err := file.RemoveEmptySection(op.section)
				return err
			case op.value != nil:
				return file.Set(op.section, op.key, *op.value)
			}
			_, err := file.Delete(op.section, op.key)
			return err
		}()
		if err != nil {
			if !bytes.Equal(file.Bytes(), data) {
				t.Fatalf("refused (%v) but changed the file", err)
			}
			return
		}
		if !bytes.Equal(file.Bytes(), data) || op.value != nil {
			realReadersAgree(t, data, file.Bytes(), op)
		}
	})
}
