package inifile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusFiles are the layouts every reader test runs over: the golden
// inputs and outputs, and testdata/corpus (other projects' test files and
// real-world layouts; testdata/corpus/SOURCES.md says where each is from).
func corpusFiles(tb testing.TB) map[string][]byte {
	tb.Helper()
	out := map[string][]byte{}
	for _, glob := range []string{"testdata/golden/*", "testdata/corpus/*/*"} {
		paths, err := filepath.Glob(glob)
		if err != nil {
			tb.Fatal(err)
		}
		for _, p := range paths {
			if strings.HasSuffix(p, ".md") {
				continue
			}
			b, err := os.ReadFile(p)
			if err != nil {
				tb.Fatal(err)
			}
			out[filepath.ToSlash(p)] = b
		}
	}
	if len(out) < 100 {
		tb.Fatalf("only %d corpus files", len(out))
	}
	return out
}

// boTricky are inputs aimed at the corners of configparser and botocore.
var boTricky = []string{
	"",
	"\n\n",
	"# only a comment\n",
	"k = v\n[a]\n",
	"  [a]\nk = v\n",
	"[a]\nk = v\n  [b]\nx = 1\n",
	"[a]\nk = v\n\n  more\n",
	"[a]\nk =\n  x = 1\n  y=2\n",
	"[a]\nk =\n\n  x = 1\n",
	"[a]\nk =\n  x\n",
	"[a]\nk =\n  x = 1\n  # c\n  y = 2\n",
	"[a]\nk = v\n  # c\n  more\n",
	"[a]\n  k = v\n  j = w\n",
	"[a]\n  k = v\nj = w\n",
	"[a]\nk = v\nbogus\n  x\n",
	"[a]\n= v\n  x\n",
	"[a]\nk = 1\nk = 2\n",
	"[a]\nK = 1\nk = 2\n",
	"[a]\n[a]\n",
	"[a]\nx=1\n[b]\n[a]\ny=2\n",
	"[DEFAULT]\nregion = r\n[a]\nk = v\n",
	"[DEFAULT]\nk = 1\n[DEFAULT]\nj = 2\n[a]\n",
	"[DEFAULT]\nk = 1\n[DEFAULT]\nk = 2\n",
	"[DEFAULT]\ns3 =\n  x\n",
	"[DEFAULT]\ns3 =\n  x\n[a]\n",
	"[DEFAULT]\n0=\n 0",
	"[a] ; c\nk = v ; c\n",
	"[ a ]\nk = v\n",
	"[a]x\n[b] = 1\n[c]]\n[#d]\n",
	"[]\n",
	"[]]\nk = v\n",
	"[a]\nk: v\nj : w = x\n:z\n",
	"[a]\r\nk = v\r\n  more\r\n",
	"[a]\rk = v\r[b]\rj = w\r",
	"[a]\nk = v\r  x = 1\n",
	"[a]\nk = v\r\r\n",
	"[a]\n\u00a0k = v\n\u3000j = w\n",
	"[a]\nk = v\n\u00a0 more\n",
	"[a]\nk = v\n\x1cmore\n",
	"[a]\nk = v\n\vmore\n",
	"[a]\ns3 =\n  a\vb = c\n",
	"[a]\ns3 =\n  x = 1\u2028y = 2\n",
	"[a]\nΣΑΣ = 1\nσας = 2\n",
	"[a]\nİ = 1\ni̇ = 2\n",
	"[a]\nK = 1\nk = 2\n", // Kelvin sign
	"[a]\nk = \xff\n",
	"\xef\xbb\xbf[a]\nk = v\n",
	"[profile a]\nk = 1\n[profile \"a\"]\nk = 2\n",
	"[profile 'a b']\nk = 1\n[profile a\\ b]\nk = 2\n",
	"[profile \"a]\nk = 1\n[profile a b c]\nk = 1\n[profilex y]\nk = 1\n",
	"[default]\nk = 1\n[profile default]\nk = 2\n",
	"[sso-session s]\nk = 1\n[services x]\ns3 =\n  e = 1\n",
	"[profile \"a\\\"b\"]\nk = 1\n[profile 'a\\b']\nk = 1\n[profile \"a\\b\"]\nk = 1\n",
	"[profile \"\"]\nk = 1\n",
	"[p]\naws_access_key_id = A\n[q]\naws_access_key_id = A\naws_secret_access_key = S\naws_session_token = T\naws_security_token = OLD\n",
	"[p]\naws_access_key_id =\n  x = 1\naws_secret_access_key = s\n",
}

// TestBotocoreModelMatchesReal holds the model to the real botocore on
// every corpus file and the tricky inputs.
func TestBotocoreModelMatchesReal(t *testing.T) {
	py := realBotocore(t)
	t.Logf("botocore %s", py.version)
	inputs := corpusFiles(t)
	for i, s := range boTricky {
		inputs["tricky/"+string(rune('a'+i%26))+strings.Repeat("'", i/26)] = []byte(s)
	}
	for name, data := range inputs {
		if d := diffViews(modelView(data, py.services), py.read(t, data)); d != "" {
			t.Errorf("%s %q: model %s", name, data, d)
		}
	}
}

// FuzzBotocoreModel holds the model, and BotocoreRefuses, to the real
// botocore on random files.
func FuzzBotocoreModel(f *testing.F) {
	for _, s := range boTricky {
		f.Add([]byte(s))
	}
	addGoldenSeeds(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, data []byte) {
		py := realBotocore(t)
		real := py.read(t, data)
		if d := diffViews(modelView(data, py.services), real); d != "" {
			t.Fatalf("%q: model %s", data, d)
		}
		checkRefusal(t, "input", data, real)
	})
}
