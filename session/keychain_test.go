package session_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// newKeychainEnv is newEnv with a fake keychain in the Manager.
func newKeychainEnv(t *testing.T, config, credentials string) (*testEnv, *fakeKeychain) {
	t.Helper()
	e := newEnv(t, config, credentials)
	kc := newFakeKeychain()
	e.m = session.New(session.Config{Clock: e.clock, Timeout: 5 * time.Second, Keychain: kc})
	return e, kc
}

func (e *testEnv) keys() session.Keys {
	return session.Keys{AccessKeyID: e.user.AccessKeyID, SecretAccessKey: e.user.SecretAccessKey}
}

// assertNoKeys fails if s holds the long-term key id or secret, or any
// other secret the test knows of.
func (e *testEnv) assertNoKeys(s string) {
	e.t.Helper()
	e.assertNoSecrets(s)
	if strings.Contains(s, e.user.AccessKeyID) {
		e.t.Errorf("text holds the access key id: %q", s)
	}
}

func (e *testEnv) fill(s string) string {
	return strings.NewReplacer("KEYID", e.user.AccessKeyID, "SECRET", e.user.SecretAccessKey).Replace(s)
}

func TestKeychainRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		creds    string
		imported string // the file after import
		exported string // after export; "" means byte-identical to creds
	}{
		{name: "typical", creds: permCreds,
			imported: "# my keys\n[myaccountPerm]\nawsmfa_keychain = true\n"},
		{name: "CRLF between other sections",
			creds:    "[default]\r\nregion = x\r\n\r\n[myaccountPerm]\r\naws_access_key_id = KEYID\r\naws_secret_access_key = SECRET\r\n\r\n[other]\r\naws_access_key_id = AKIAOTHEREXAMPLE0000\r\naws_secret_access_key = other\r\n",
			imported: "[default]\r\nregion = x\r\n\r\n[myaccountPerm]\r\nawsmfa_keychain = true\r\n\r\n[other]\r\naws_access_key_id = AKIAOTHEREXAMPLE0000\r\naws_secret_access_key = other\r\n"},
		{name: "no final newline",
			creds:    "[myaccountPerm]\naws_access_key_id = KEYID\naws_secret_access_key = SECRET",
			imported: "[myaccountPerm]\nawsmfa_keychain = true"},
		{name: "CRLF without final newline",
			creds:    "[myaccountPerm]\r\naws_access_key_id = KEYID\r\naws_secret_access_key = SECRET",
			imported: "[myaccountPerm]\r\nawsmfa_keychain = true"},
		{name: "BOM, keys before other keys and a comment",
			creds:    "\xEF\xBB\xBF[myaccountPerm] ; perm\naws_access_key_id = KEYID\naws_secret_access_key = SECRET\naws_mfa_device = " + testSerial + "\n# note\n",
			imported: "\xEF\xBB\xBF[myaccountPerm] ; perm\nawsmfa_keychain = true\naws_mfa_device = " + testSerial + "\n# note\n"},
		{name: "keys after other keys",
			creds:    "[myaccountPerm]\nregion = eu-west-1\naws_access_key_id = KEYID\naws_secret_access_key = SECRET\n\n# end\n",
			imported: "[myaccountPerm]\nregion = eu-west-1\nawsmfa_keychain = true\n\n# end\n"},
		// botocore reads a line indented deeper than the key above as part
		// of its value: the marker and the keys keep the indentation.
		{name: "indented keys",
			creds:    "[myaccountPerm]\n\taws_access_key_id = KEYID\n\taws_secret_access_key = SECRET\n\tregion = eu-west-1\n",
			imported: "[myaccountPerm]\n\tawsmfa_keychain = true\n\tregion = eu-west-1\n"},
		// Layouts that come back in the canonical form: same keys, same
		// place, but "key = value" lines in the usual order.
		{name: "odd spacing and case",
			creds:    "[myaccountPerm]\naws_access_key_id=KEYID\nAWS_Secret_Access_Key :  SECRET\n",
			imported: "[myaccountPerm]\nawsmfa_keychain = true\n",
			exported: "[myaccountPerm]\naws_access_key_id = KEYID\naws_secret_access_key = SECRET\n"},
		{name: "secret first, comment between",
			creds:    "[myaccountPerm]\naws_secret_access_key = SECRET\n# the id\naws_access_key_id = KEYID\n",
			imported: "[myaccountPerm]\nawsmfa_keychain = true\n# the id\n",
			exported: "[myaccountPerm]\naws_access_key_id = KEYID\naws_secret_access_key = SECRET\n# the id\n"},
		{name: "stale marker beside the keys",
			creds:    "[myaccountPerm]\naws_access_key_id = KEYID\naws_secret_access_key = SECRET\nawsmfa_keychain = false\n",
			imported: "[myaccountPerm]\nawsmfa_keychain = true\n",
			exported: "[myaccountPerm]\naws_access_key_id = KEYID\naws_secret_access_key = SECRET\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, kc := newKeychainEnv(t, permConfig, tt.creds)
			ctx := context.Background()
			original := readFile(t, e.credPath)

			if err := e.m.KeychainImport(ctx, "myaccount"); err != nil {
				t.Fatal(err)
			}
			if got, want := readFile(t, e.credPath), e.fill(tt.imported); got != want {
				t.Fatalf("after import:\n%q\nwant:\n%q", got, want)
			}
			e.assertNoKeys(readFile(t, e.credPath))
			if !kc.has("myaccountPerm", e.keys()) {
				t.Fatal("keychain does not hold the keys")
			}
			if calls := e.srv.Calls(); len(calls) != 1 || calls[0].Action != "GetCallerIdentity" || calls[0].Status != http.StatusOK {
				t.Errorf("STS calls = %+v, want one GetCallerIdentity", calls)
			}

			// Login reads the keys from the keychain; logout gives the
			// imported file back.
			loginLogout(t, e, e.fill(tt.imported))

			if err := e.m.KeychainExport(ctx, "myaccount"); err != nil {
				t.Fatal(err)
			}
			want := original
			if tt.exported != "" {
				want = e.fill(tt.exported)
			}
			if got := readFile(t, e.credPath); got != want {
				t.Errorf("after export:\n%q\nwant:\n%q", got, want)
			}
			if _, err := kc.Get("myaccountPerm"); !errors.Is(err, session.ErrKeychainNotFound) {
				t.Errorf("keychain item left after export: %v", err)
			}
		})
	}
}

// loginLogout logs in with keys from the keychain and out again, and checks
// that the file is back to imported.
func loginLogout(t *testing.T, e *testEnv, imported string) {
	t.Helper()
	ctx := context.Background()
	p, err := e.m.Profile("myaccount")
	if err != nil || p.Problem != nil {
		t.Fatalf("profile after import: %+v, %v", p, err)
	}
	if _, err := e.m.Login(ctx, "myaccount", session.LoginOptions{TokenCode: e.code()}); err != nil {
		t.Fatal(err)
	}
	if is := e.srv.IssuedSessions(); len(is) != 1 || is[0].UserAccessKeyID != e.user.AccessKeyID {
		t.Fatalf("issued sessions = %+v", is)
	}
	if !strings.Contains(readFile(t, e.credPath), "awsmfa_keychain = true") || strings.Contains(readFile(t, e.credPath), e.user.SecretAccessKey) {
		t.Error("login disturbed the keychain marker or wrote the long-term secret")
	}
	if _, err := e.m.Logout("myaccount"); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, e.credPath); got != imported {
		t.Fatalf("after login and logout:\n%q\nwant:\n%q", got, imported)
	}
}

func TestKeychainImportByLongTermName(t *testing.T) {
	e, kc := newKeychainEnv(t, permConfig, permCreds)
	if err := e.m.KeychainImport(context.Background(), "myaccountPerm"); err != nil {
		t.Fatal(err)
	}
	if !kc.has("myaccountPerm", e.keys()) {
		t.Fatal("keychain does not hold the keys")
	}
	if err := e.m.KeychainExport(context.Background(), "myaccountPerm"); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, e.credPath); got != e.fill(permCreds) {
		t.Errorf("after export: %q", got)
	}
}

// checkErr fails the test unless op failed with an error that says want
// and, when wantIs is set, wraps wantIs.
func checkErr(t *testing.T, op string, err, wantIs error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s succeeded", op)
	}
	if wantIs != nil && !errors.Is(err, wantIs) {
		t.Errorf("error %q does not wrap %v", err, wantIs)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

// identitylessSTS can log in but not check keys.
type identitylessSTS struct{ session.STSAPI }

func TestKeychainImportRefusals(t *testing.T) {
	tests := []struct {
		name    string
		creds   string
		profile string
		setup   func(e *testEnv, kc *fakeKeychain)
		wantIs  error
		want    string
		keep    bool // the keychain keeps an item (it was there before)
	}{
		{name: "not a profile", creds: permCreds, profile: "nosuch", wantIs: session.ErrNotMFAProfile},
		{name: "no keys to move", creds: "[myaccountPerm]\nregion = x\n", want: "has no aws_access_key_id"},
		{name: "already in the keychain", creds: "[myaccountPerm]\nawsmfa_keychain = true\n", wantIs: session.ErrInKeychain,
			setup: func(e *testEnv, kc *fakeKeychain) { _ = kc.Set("myaccountPerm", e.keys()) }, keep: true},
		{name: "session credentials", creds: "[myaccountPerm]\naws_access_key_id = ASIAKEYID\naws_secret_access_key = SECRET\naws_session_token = tok\n", want: "holds session credentials"},
		{name: "duplicate section", creds: permCreds + "[myaccountPerm]\nregion = x\n", wantIs: session.ErrDuplicateSection},
		{name: "wrong secret", creds: "[myaccountPerm]\naws_access_key_id = KEYID\naws_secret_access_key = SECRETx\n", want: "does not match"},
		{name: "unknown key", creds: "[myaccountPerm]\naws_access_key_id = AKIAUNKNOWNEXAMPLE00\naws_secret_access_key = SECRET\n", want: "not valid"},
		{name: "STS down", creds: permCreds, want: "unavailable",
			setup: func(e *testEnv, _ *fakeKeychain) {
				e.srv.FailNext(10, http.StatusServiceUnavailable, "ServiceUnavailable")
			}},
		{name: "keychain refuses the write", creds: permCreds, want: "store the keys",
			setup: func(_ *testEnv, kc *fakeKeychain) { kc.setErr = errors.New("keychain is locked") }},
		{name: "keychain reads back other keys", creds: permCreds, want: "gave back different keys",
			setup: func(_ *testEnv, kc *fakeKeychain) { kc.mangle = true }},
		{name: "keychain cannot read back", creds: permCreds, want: "unlock was dismissed",
			setup: func(_ *testEnv, kc *fakeKeychain) { kc.getErr = errors.New("unlock was dismissed") }},
		{name: "STS client cannot check keys", creds: permCreds, want: "no GetCallerIdentity",
			setup: func(e *testEnv, kc *fakeKeychain) {
				e.m = session.New(session.Config{Keychain: kc, NewSTS: func(ctx context.Context, p session.Profile, k session.Keys) (session.STSAPI, error) {
					c, err := session.NewSTSClient(ctx, p, k)
					return identitylessSTS{c}, err
				}})
			}},
		{name: "keys change meanwhile", creds: permCreds, want: "changed while",
			setup: func(e *testEnv, kc *fakeKeychain) {
				kc.stop = func(op string) {
					if op == "set" { // the item is stored; the file is next
						writeFile(e.t, e.credPath, strings.Replace(readFile(e.t, e.credPath), e.user.SecretAccessKey, e.user.SecretAccessKey+"new", 1))
					}
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, kc := newKeychainEnv(t, permConfig, tt.creds)
			if tt.setup != nil {
				tt.setup(e, kc)
			}
			before := readFile(t, e.credPath)
			profile := tt.profile
			if profile == "" {
				profile = "myaccount"
			}
			err := e.m.KeychainImport(context.Background(), profile)
			checkErr(t, "import", err, tt.wantIs, tt.want)
			e.assertNoKeys(err.Error())
			t.Log(err)
			if tt.name != "keys change meanwhile" {
				if got := readFile(t, e.credPath); got != before {
					t.Errorf("file changed:\n%q\nwant:\n%q", got, before)
				}
			}
			kc.mangle, kc.getErr = false, nil
			if _, err := kc.Get("myaccountPerm"); tt.keep != (err == nil) {
				t.Errorf("keychain item present = %v, want %v", err == nil, tt.keep)
			}
		})
	}
}

func TestKeychainExportRefusals(t *testing.T) {
	const imported = "[myaccountPerm]\nawsmfa_keychain = true\n"
	tests := []struct {
		name   string
		creds  string
		setup  func(e *testEnv, kc *fakeKeychain)
		wantIs error
		want   string
		file   string // the file after the failed export; "" means unchanged
	}{
		{name: "keys are in the file", creds: permCreds, wantIs: session.ErrNotInKeychain},
		{name: "keychain item missing", creds: imported, wantIs: session.ErrKeychainNotFound, want: "put aws_access_key_id and aws_secret_access_key back into [myaccountPerm]"},
		{name: "keychain locked", creds: imported, want: "unlock was dismissed",
			setup: func(e *testEnv, kc *fakeKeychain) {
				_ = kc.Set("myaccountPerm", e.keys())
				kc.getErr = errors.New("unlock was dismissed")
			}},
		{name: "keys in both places", creds: permCreds + "awsmfa_keychain = true\n", want: "keep one",
			setup: func(e *testEnv, kc *fakeKeychain) { _ = kc.Set("myaccountPerm", e.keys()) }},
		{name: "secret the file cannot hold", creds: imported, want: "edit [myaccountPerm]",
			setup: func(e *testEnv, kc *fakeKeychain) {
				_ = kc.Set("myaccountPerm", session.Keys{AccessKeyID: e.user.AccessKeyID, SecretAccessKey: e.user.SecretAccessKey + " #x"})
			}},
		{name: "keychain delete fails after the file write", creds: imported, want: "by hand",
			file: permCreds[len("# my keys\n"):],
			setup: func(e *testEnv, kc *fakeKeychain) {
				_ = kc.Set("myaccountPerm", e.keys())
				kc.delErr = errors.New("keychain is locked")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, kc := newKeychainEnv(t, permConfig, tt.creds)
			if tt.setup != nil {
				tt.setup(e, kc)
			}
			before := readFile(t, e.credPath)
			err := e.m.KeychainExport(context.Background(), "myaccount")
			checkErr(t, "export", err, tt.wantIs, tt.want)
			e.assertNoKeys(err.Error())
			t.Log(err)
			want := before
			if tt.file != "" {
				want = e.fill(tt.file)
			}
			if got := readFile(t, e.credPath); got != want {
				t.Errorf("file:\n%q\nwant:\n%q", got, want)
			}
		})
	}
}

func TestLoginFromKeychainErrors(t *testing.T) {
	const imported = "[myaccountPerm]\nawsmfa_keychain = true\n"
	tests := []struct {
		name   string
		setup  func(e *testEnv, kc *fakeKeychain)
		wantIs error
		want   string
	}{
		{name: "item missing", wantIs: session.ErrKeychainNotFound,
			want: "put aws_access_key_id and aws_secret_access_key back into [myaccountPerm]"},
		{name: "keychain unavailable", want: "no Secret Service",
			setup: func(_ *testEnv, kc *fakeKeychain) { kc.getErr = errors.New("no Secret Service") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, kc := newKeychainEnv(t, permConfig, imported)
			if tt.setup != nil {
				tt.setup(e, kc)
			}
			_, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code()})
			checkErr(t, "login", err, tt.wantIs, tt.want)
			if len(e.srv.Calls()) != 0 {
				t.Error("STS was called without keys")
			}
			if got := readFile(t, e.credPath); got != imported {
				t.Errorf("file changed: %q", got)
			}
		})
	}
}

func TestKeysInFileWinOverMarker(t *testing.T) {
	e, kc := newKeychainEnv(t, permConfig, permCreds+"awsmfa_keychain = true\n")
	kc.getErr = errors.New("must not be read")
	if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code()}); err != nil {
		t.Fatal(err)
	}
	if kc.gets != 0 {
		t.Errorf("keychain read %d times though the file holds the keys", kc.gets)
	}
}

func TestKeychainStatus(t *testing.T) {
	config := permConfig +
		"[profile bPerm]\nmfa_serial = " + testSerial + "\n" +
		"[profile cPerm]\nmfa_serial = " + testSerial + "\n" +
		"[profile dPerm]\nmfa_serial = " + testSerial + "\n"
	creds := permCreds +
		"[bPerm]\nawsmfa_keychain = true\n" +
		"[cPerm]\nawsmfa_keychain = true\n" +
		"[dPerm]\nregion = x\n"
	e, kc := newKeychainEnv(t, config, creds)
	_ = kc.Set("bPerm", e.keys())

	tests := []struct {
		probe bool
		want  string
	}{
		{probe: false, want: "b=keychain c=keychain d=missing! myaccount=file"},
		{probe: true, want: "b=keychain c=missing! d=missing! myaccount=file"},
	}
	for _, tt := range tests {
		kc.gets = 0
		locs, err := e.m.KeychainStatus(tt.probe)
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, l := range locs {
			s := l.Profile + "=" + l.Store.String()
			if l.Problem != nil {
				s += "!"
				e.assertNoKeys(l.Problem.Error())
			}
			parts = append(parts, s)
		}
		if got := strings.Join(parts, " "); got != tt.want {
			t.Errorf("probe=%v: %s, want %s", tt.probe, got, tt.want)
		}
		if wantGets := map[bool]int{false: 0, true: 2}[tt.probe]; kc.gets != wantGets {
			t.Errorf("probe=%v read the keychain %d times, want %d", tt.probe, kc.gets, wantGets)
		}
	}
}

func TestKeychainImportCanceled(t *testing.T) {
	e, kc := newKeychainEnv(t, permConfig, permCreds)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := e.m.KeychainImport(ctx, "myaccount"); !errors.Is(err, session.ErrCanceled) {
		t.Errorf("import with a canceled context: %v", err)
	}
	if kc.sets != 0 || readFile(t, e.credPath) != e.fill(permCreds) {
		t.Error("a canceled import changed something")
	}
}

// blockingKeychain never answers, like an unlock prompt nobody answers.
type blockingKeychain struct {
	session.Keychain
	release chan struct{}
}

func (b blockingKeychain) Get(string) (session.Keys, error) {
	<-b.release
	return session.Keys{}, errors.New("released")
}

func TestLoginCanceledWhileKeychainWaits(t *testing.T) {
	e := newEnv(t, permConfig, "[myaccountPerm]\nawsmfa_keychain = true\n")
	kc := blockingKeychain{release: make(chan struct{})}
	defer close(kc.release)
	e.m = session.New(session.Config{Clock: e.clock, Timeout: 5 * time.Second, Keychain: kc})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := e.m.Login(ctx, "myaccount", session.LoginOptions{TokenCode: e.code()})
		errc <- err
	}()
	cancel()
	if err := <-errc; !errors.Is(err, session.ErrCanceled) {
		t.Errorf("login canceled while the keychain waits: %v", err)
	}
	if len(e.srv.Calls()) != 0 {
		t.Error("STS was called")
	}
}
