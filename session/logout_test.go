package session_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

func TestLoginThenLogoutIsByteIdentical(t *testing.T) {
	tests := []struct {
		name, cred string
		addsEOL    bool // the one byte a round trip adds: a missing final newline
	}{
		{"lf", permCreds, false},
		{"crlf", strings.ReplaceAll(permCreds, "\n", "\r\n"), false},
		{"no final newline", strings.TrimSuffix(permCreds, "\n") + "\n\n# end", true},
		{"existing [X] with extras", permCreds + "\n[myaccount] ; c\n# keep\nregion_hint = x\n\n[other]\nk = v\n", false},
		{"the user's own empty [X] at the end stays", permCreds + "\n[myaccount]\n", false},
		{"the user's own empty [X] and a blank line", permCreds + "\n[myaccount]\n\n", false},
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
			if tt.addsEOL {
				before += "\n"
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
