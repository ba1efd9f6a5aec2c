package session_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

func TestLoginThenLogoutIsByteIdentical(t *testing.T) {
	tests := []struct {
		name, cred string
	}{
		{"lf", permCreds},
		{"crlf", strings.ReplaceAll(permCreds, "\n", "\r\n")},
		{"no final newline", strings.TrimSuffix(permCreds, "\n") + "\n\n# end"},
		{"no final newline after the keys", strings.TrimSuffix(permCreds, "\n")},
		{"existing [X] with extras", permCreds + "\n[myaccount] ; c\n# keep\nregion_hint = x\n\n[other]\nk = v\n"},
		{"existing [X] at the end without a final newline", permCreds + "\n[myaccount]\nregion_hint = x"},
		{"the user's own empty [X] at the end stays", permCreds + "\n[myaccount]\n"},
		{"the user's own empty [X] and a blank line", permCreds + "\n[myaccount]\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, permConfig, tt.cred)
			before := readFile(t, e.credPath)
			if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code()}); err != nil {
				t.Fatal(err)
			}
			if readFile(t, e.credPath) == before {
				t.Fatal("login wrote nothing")
			}
			if strings.Contains(tt.cred, "\r\n") && strings.Count(readFile(t, e.credPath), "\n") != strings.Count(readFile(t, e.credPath), "\r\n") {
				t.Error("mixed line endings after login")
			}
			removed, err := e.m.Logout("myaccount")
			if err != nil || !removed {
				t.Fatalf("Logout = %v, %v", removed, err)
			}
			if got := readFile(t, e.credPath); got != before {
				t.Errorf("after logout:\n%q\nwant\n%q", got, before)
			}
			removed, err = e.m.Logout("myaccount")
			if err != nil || removed {
				t.Errorf("second Logout = %v, %v; want false, nil", removed, err)
			}
		})
	}
}

// TestLogoutsAfterLoginsRestoreBytes: sessions that logins created, logged
// out all at once or one by one in any order, give back the file as it was,
// on LF and CRLF files, with or without a final newline.
func TestLogoutsAfterLoginsRestoreBytes(t *testing.T) {
	const cfg = "[profile aPerm]\nmfa_serial = " + testSerial + "\n[profile bPerm]\nmfa_serial = " + testSerial + "\n[profile cPerm]\nmfa_serial = " + testSerial + "\n"
	const lf = "# keys\n[aPerm]\naws_access_key_id = KEYID\naws_secret_access_key = SECRET\n\n[bPerm]\naws_access_key_id = KEYID\naws_secret_access_key = SECRET\n[cPerm]\naws_access_key_id = KEYID\naws_secret_access_key = SECRET\n"
	files := map[string]string{
		"lf":                    lf,
		"crlf":                  strings.ReplaceAll(lf, "\n", "\r\n"),
		"lf no final newline":   strings.TrimSuffix(lf, "\n"),
		"crlf no final newline": strings.TrimSuffix(strings.ReplaceAll(lf, "\n", "\r\n"), "\r\n"),
		"ends in blank lines":   lf + "\n\n",
		"byte-order mark":       "\xEF\xBB\xBF" + lf,
	}
	orders := [][]string{nil, {"a", "b", "c"}, {"c", "b", "a"}, {"b", "a", "c"}, {"a", "c", "b"}, {"b", "c", "a"}, {"c", "a", "b"}}
	for name, cred := range files {
		for _, order := range orders {
			what := "logout --all"
			if order != nil {
				what = strings.Join(order, ",")
			}
			t.Run(name+"/"+what, func(t *testing.T) {
				e := newEnv(t, cfg, cred)
				before := readFile(t, e.credPath)
				for _, p := range []string{"a", "b", "c"} {
					if _, err := e.m.Login(context.Background(), p, session.LoginOptions{TokenCode: e.code()}); err != nil {
						t.Fatalf("login %s: %v", p, err)
					}
					e.clock.Advance(30 * time.Second) // a new code for the next login
				}
				if order == nil {
					names, err := e.m.LogoutAll()
					if err != nil || len(names) != 3 {
						t.Fatalf("LogoutAll = %v, %v", names, err)
					}
				}
				for _, p := range order {
					if removed, err := e.m.Logout(p); err != nil || !removed {
						t.Fatalf("Logout(%s) = %v, %v\n%q", p, removed, err, readFile(t, e.credPath))
					}
				}
				if got := readFile(t, e.credPath); got != before {
					t.Errorf("after the logouts:\n%q\nwant\n%q", got, before)
				}
			})
		}
	}
}

func TestLogoutRefusesLongTermKeys(t *testing.T) {
	cred := permCreds + "[myaccount]\naws_access_key_id = AKIAMINE\naws_secret_access_key = mine\naws_session_token = odd\n"
	e := newEnv(t, permConfig, cred)
	before := readFile(t, e.credPath)
	_, err := e.m.Logout("myaccount")
	if !errors.Is(err, session.ErrLongTermSection) {
		t.Errorf("err = %v, want ErrLongTermSection", err)
	}
	if readFile(t, e.credPath) != before {
		t.Error("file changed")
	}
	if _, err := e.m.Logout("myaccountPerm"); err == nil {
		t.Error("logging out of the long-term profile itself must fail")
	}
}

func TestLogoutMatchesExactSectionOnly(t *testing.T) {
	cred := "[tmpPerm]\naws_access_key_id = AKIAX\naws_secret_access_key = s\nmfa_serial = " + testSerial + "\n" +
		"# [tmp]\n[tmp-mfa]\naws_session_token = a\n[xtemp]\naws_session_token = b\n[tmp]\naws_access_key_id = ASIAX\naws_secret_access_key = s\naws_session_token = t\n[after]\naws_session_token = c\n"
	e := newEnv(t, "-", cred)
	if _, err := e.m.Logout("tmp"); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(cred, "[tmp]\naws_access_key_id = ASIAX\naws_secret_access_key = s\naws_session_token = t\n", "[tmp]\n", 1)
	if got := readFile(t, e.credPath); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestLogoutAll(t *testing.T) {
	cred := "[aPerm]\naws_access_key_id = AKIAX\naws_secret_access_key = s\nmfa_serial = " + testSerial + "\n" +
		"[bPerm]\naws_access_key_id = AKIAY\naws_secret_access_key = s\nmfa_serial = " + testSerial + "\n" +
		"[cPerm]\naws_access_key_id = AKIAZ\naws_secret_access_key = s\nmfa_serial = " + testSerial + "\n" +
		"[a]\naws_access_key_id = ASIAA\naws_secret_access_key = s\naws_session_token = t\nexpiration = 2030-01-01T00:00:00Z\n" +
		"[c]\nregion_hint = keep\naws_security_token = old\n[plain]\naws_session_token = not-ours\n"
	e := newEnv(t, "-", cred)
	names, err := e.m.LogoutAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, ",") != "a,c" {
		t.Errorf("logged out %v, want [a c]", names)
	}
	got := readFile(t, e.credPath)
	want := strings.Replace(strings.Replace(cred, "aws_access_key_id = ASIAA\naws_secret_access_key = s\naws_session_token = t\nexpiration = 2030-01-01T00:00:00Z\n", "", 1), "aws_security_token = old\n", "", 1)
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
