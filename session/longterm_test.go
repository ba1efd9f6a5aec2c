package session_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// A section that holds an AKIA key on any line is long-term, whatever the
// readers end up seeing: login and logout refuse it and leave every byte.
func TestShadowedLongTermKeyIsNeverEdited(t *testing.T) {
	const akia = "AKIAOLDLONGTERMKEY01"
	tests := []struct {
		name, section string
		line          int // the line the refusal names (the file starts with permCreds' 4 lines)
	}{
		{"shadowed by a later ASIA key (issue 9)",
			"[myaccount]\naws_access_key_id = " + akia + "\naws_secret_access_key = longtermsecret\naws_session_token = tok\naws_access_key_id = ASIAAAAAAAAAAAAAAAAA\naws_secret_access_key = s2\n", 6},
		{"upper-case key with a colon",
			"[myaccount]\nAWS_ACCESS_KEY_ID: " + akia + "\naws_secret_access_key = longtermsecret\naws_access_key_id = ASIAAAAAAAAAAAAAAAAA\naws_session_token = tok\n", 6},
		{"quoted",
			"[myaccount]\naws_access_key_id = \"" + akia + "\"\naws_access_key_id = ASIAAAAAAAAAAAAAAAAA\naws_secret_access_key = s\naws_session_token = tok\n", 6},
		{"short id, shadowed",
			"[myaccount]\naws_access_key_id = AKIAMINE\naws_access_key_id = ASIAAAAAAAAAAAAAAAAA\naws_secret_access_key = s\naws_session_token = tok\n", 6},
		{"header variant",
			"[ myaccount ] ; mine\naws_access_key_id = " + akia + "\naws_secret_access_key = longtermsecret\naws_session_token = tok\naws_access_key_id = ASIAAAAAAAAAAAAAAAAA\n", 6},
		{"indented copy",
			"[myaccount]\naws_access_key_id = ASIAAAAAAAAAAAAAAAAA\naws_secret_access_key = s\naws_session_token = tok\n  aws_access_key_id = " + akia + "\n", 9},
		{"continued value",
			"[myaccount]\naws_access_key_id = ASIAAAAAAAAAAAAAAAAA\n    " + akia + "\naws_secret_access_key = s\naws_session_token = tok\n", 7},
		{"in an unknown key",
			"[myaccount]\nold_key = " + akia + "\naws_access_key_id = ASIAAAAAAAAAAAAAAAAA\naws_secret_access_key = s\naws_session_token = tok\n", 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, permConfig, permCreds+tt.section)
			before := readFile(t, e.credPath)
			_, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code(), Force: true})
			if !errors.Is(err, session.ErrLongTermSection) {
				t.Fatalf("login: err = %v, want ErrLongTermSection", err)
			}
			if want := "line " + itoa(tt.line); !strings.Contains(err.Error(), want) {
				t.Errorf("login: %q does not name %s", err, want)
			}
			if n := len(e.srv.Calls()); n != 0 {
				t.Errorf("STS saw %d calls: a refused login must not spend the code", n)
			}
			if _, err := e.m.Logout("myaccount"); !errors.Is(err, session.ErrLongTermSection) {
				t.Errorf("logout: err = %v, want ErrLongTermSection", err)
			}
			if _, err := e.m.LogoutAll(); !errors.Is(err, session.ErrLongTermSection) {
				t.Errorf("logout all: err = %v, want ErrLongTermSection", err)
			}
			if _, err := e.m.Setup("myaccount", testSerial); err == nil {
				t.Error("setup moved keys out of a section with shadowed keys")
			}
			if after := readFile(t, e.credPath); after != before {
				t.Errorf("file changed:\n%s", after)
			}
			if st, err := e.m.Status("myaccount"); err != nil || st.State != session.LoggedOut {
				t.Errorf("status = %v, %v; want logged out", st.State, err)
			}
			if strings.Contains(err.Error(), "longtermsecret") {
				t.Errorf("the error shows a secret: %q", err)
			}
		})
	}
}

// A comment that mentions an old key is not a key: the session still works.
func TestCommentedLongTermKeyIsNotAKey(t *testing.T) {
	e := newEnv(t, permConfig, permCreds+"[myaccount]\n# was AKIAOLDLONGTERMKEY01 before setup\n")
	if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code()}); err != nil {
		t.Fatal(err)
	}
	if removed, err := e.m.Logout("myaccount"); err != nil || !removed {
		t.Fatalf("logout = %v, %v", removed, err)
	}
}

func TestSetupRefusesRepeatedKeys(t *testing.T) {
	cred := "[work]\naws_access_key_id = AKIAFIRSTKEY00000001\naws_secret_access_key = first\naws_access_key_id = AKIASECONDKEY0000002\naws_secret_access_key = second\n"
	e := newEnv(t, "-", cred)
	before := readFile(t, e.credPath)
	_, err := e.m.Setup("work", testSerial)
	if err == nil || !strings.Contains(err.Error(), "line 2, line 4") {
		t.Fatalf("err = %v, want a refusal naming lines 2 and 4", err)
	}
	if readFile(t, e.credPath) != before {
		t.Error("file changed")
	}
}

func itoa(n int) string {
	var b []byte
	for n > 0 || len(b) == 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
