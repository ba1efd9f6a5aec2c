package session

import (
	"strings"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

func TestKeychainSplice(t *testing.T) {
	keys := Keys{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "s3cr3t/x+y"}
	tests := []struct {
		name, in, marked, back string // back "" means in
	}{
		{name: "lone CR at the end",
			in:     "[L]\r\naws_access_key_id = AKIAEXAMPLE\r\naws_secret_access_key = s3cr3t/x+y\r",
			marked: "[L]\r\nawsmfa_keychain = true\r"},
		{name: "only the keys",
			in:     "[L]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s3cr3t/x+y\n",
			marked: "[L]\nawsmfa_keychain = true\n"},
		{name: "inline comment and quotes come back plain",
			in:     "[L]\naws_access_key_id = \"AKIAEXAMPLE\"\naws_secret_access_key = s3cr3t/x+y ; mine\n[M]\nk = v\n",
			marked: "[L]\nawsmfa_keychain = true\n[M]\nk = v\n",
			back:   "[L]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s3cr3t/x+y\n[M]\nk = v\n"},
		{name: "same keys in another section stay",
			in:     "[M]\naws_access_key_id = AKIAEXAMPLE\n\n[L]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s3cr3t/x+y\n\n[N]\naws_secret_access_key = s3cr3t/x+y\n",
			marked: "[M]\naws_access_key_id = AKIAEXAMPLE\n\n[L]\nawsmfa_keychain = true\n\n[N]\naws_secret_access_key = s3cr3t/x+y\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := keysToMarker(inifile.Parse([]byte(tt.in)), "L")
			if err != nil {
				t.Fatal(err)
			}
			if got := string(g.Bytes()); got != tt.marked {
				t.Fatalf("marked:\n%q\nwant\n%q", got, tt.marked)
			}
			h, err := markerToKeys(g, "L", keys)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.back
			if want == "" {
				want = tt.in
			}
			if got := string(h.Bytes()); got != want {
				t.Errorf("back:\n%q\nwant\n%q", got, want)
			}
		})
	}
}

// TestKeychainSpliceRefusesDisagreement: where botocore reads a key line as
// part of the value above it (it is indented deeper) and aws-sdk-go-v2 as a
// key, no splice keeps both readings, so the move is refused.
func TestKeychainSpliceRefusesDisagreement(t *testing.T) {
	in := "[L]\nregion = eu-west-1\n\taws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s3cr3t/x+y\n"
	if g, err := keysToMarker(inifile.Parse([]byte(in)), "L"); err == nil {
		t.Fatalf("accepted:\n%q", g.Bytes())
	} else if strings.Contains(err.Error(), "s3cr3t") {
		t.Errorf("the error holds the secret: %v", err)
	}
}

func TestSameButRefusesOtherChanges(t *testing.T) {
	f := inifile.Parse([]byte("[L]\naws_access_key_id = A\naws_secret_access_key = B\n[M]\nk = v\n"))
	tests := map[string]string{
		"other value changed": "[L]\nawsmfa_keychain = true\n[M]\nk = w\n",
		"other key added":     "[L]\nawsmfa_keychain = true\nregion = x\n[M]\nk = v\n",
		"section lost":        "[L]\nawsmfa_keychain = true\n",
		"a key left behind":   "[L]\nawsmfa_keychain = true\naws_secret_access_key = B\n[M]\nk = v\n",
		"marker missing":      "[L]\n[M]\nk = v\n",
	}
	for name, out := range tests {
		if err := sameBut(f, inifile.Parse([]byte(out)), "L", map[string]string{keychainMarker: "true"}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	ok := inifile.Parse([]byte("[L]\nawsmfa_keychain = true\n[M]\nk = v\n"))
	if err := sameBut(f, ok, "L", map[string]string{keychainMarker: "true"}); err != nil {
		t.Errorf("the right edit was refused: %v", err)
	}
}

// FuzzKeychainSplice: on any file, import's splice either refuses or
// leaves everything but [L]'s keys as readers saw it; export's splice then
// gives every reader the original content back; no error holds a key.
func FuzzKeychainSplice(f *testing.F) {
	for _, s := range []string{
		"[L]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = s3cr3t\n",
		"# c\n[default]\nregion = x\n\n[L] ; c\r\n  aws_access_key_id=AKIAEXAMPLE\r\ns3 =\r\n  k = v\r\naws_secret_access_key: s3cr3t\r\n",
		"\xEF\xBB\xBF[L]\naws_secret_access_key = s3cr3t\n[x]\n[L]\naws_access_key_id = AKIAEXAMPLE",
		"[L]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key =\n  nested = s3cr3t\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		file := inifile.Parse([]byte(data))
		id, _ := file.Get("L", "aws_access_key_id")
		secret, _ := file.Get("L", "aws_secret_access_key")
		if file.Count("L") != 1 || id == "" || secret == "" {
			return
		}
		noKeys := func(err error) {
			// Short values turn up in any text by chance; real keys are long.
			if err != nil && (len(id) >= 8 && strings.Contains(err.Error(), id) || len(secret) >= 8 && strings.Contains(err.Error(), secret)) {
				t.Fatalf("error holds a key: %v", err)
			}
		}
		g, err := keysToMarker(file, "L")
		noKeys(err)
		if err != nil {
			return
		}
		if err := sameBut(file, g, "L", map[string]string{keychainMarker: "true"}); err != nil {
			t.Fatalf("import splice changed something else: %q -> %q", data, g.Bytes())
		}
		h, err := markerToKeys(g, "L", Keys{AccessKeyID: id, SecretAccessKey: secret})
		noKeys(err)
		if err != nil {
			return
		}
		want := map[string]string{"aws_access_key_id": id, "aws_secret_access_key": secret}
		// A stale marker beside the keys is gone: want does not name it.
		if err := sameBut(file, h, "L", want); err != nil {
			t.Fatalf("round trip lost something: %q -> %q", data, h.Bytes())
		}
	})
}
