package session_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// An edit of [X] that the editor will refuse is found before anyone is
// asked for a code: the login tries the edit on a copy with values of the
// shape STS issues. Before, the refusal came after STS had used the code.
func TestRefusedEditNeverAsksForACode(t *testing.T) {
	tests := []struct {
		name, section string
		want          error
	}{
		{"a line indented under the session token",
			"[myaccount]\naws_session_token = tok\n  region = eu-west-1\n", inifile.ErrUnsafeEdit},
		{"a line indented under the key id",
			"[myaccount]\naws_session_token = old\naws_access_key_id = ASIAOLD\n\tfoo = 1\n", inifile.ErrUnsafeEdit},
		{"long-term keys where the session goes",
			"[myaccount]\naws_access_key_id = AKIAOLDLONGTERMKEY01\naws_secret_access_key = s\naws_session_token = tok\naws_access_key_id = ASIAAAAAAAAAAAAAAAAA\n", session.ErrLongTermSection},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, permConfig, permCreds+tt.section)
			before := readFile(t, e.credPath)
			asked := 0
			_, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{
				Force: true,
				Prompt: func(context.Context, session.CodeRequest) (string, error) {
					asked++
					return e.code(), nil
				},
			})
			if !errors.Is(err, tt.want) {
				t.Fatalf("login: err = %v, want %v", err, tt.want)
			}
			if asked != 0 {
				t.Errorf("the prompter was asked %d times for a login whose write the editor refuses", asked)
			}
			if n := len(e.srv.Calls()); n != 0 {
				t.Errorf("STS saw %d calls: a refused write must not spend a code", n)
			}
			if strings.Contains(err.Error(), "STS accepted") {
				t.Errorf("err = %q says a code was used", err)
			}
			if readFile(t, e.credPath) != before {
				t.Error("file changed")
			}
		})
	}
}

// A sentence that wraps a sentinel does not end with the sentinel's own
// words as well ("... by hand: duplicate section").
func TestNoSentinelTails(t *testing.T) {
	tests := []struct {
		name, creds string
		sentinel    error
	}{
		{"duplicate section", permCreds + "[myaccount]\naws_session_token = tok\n[myaccount]\ny = 2\n", session.ErrDuplicateSection},
		{"long-term keys", permCreds + "[myaccount]\naws_access_key_id = AKIAOLDLONGTERMKEY01\naws_secret_access_key = s\naws_session_token = tok\n", session.ErrLongTermSection},
		{"indented line", permCreds + "[myaccount]\naws_session_token = tok\n  region = eu-west-1\n", inifile.ErrUnsafeEdit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, permConfig, tt.creds)
			for _, op := range []struct {
				name string
				run  func() error
			}{
				{"login", func() error {
					_, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code(), Force: true})
					return err
				}},
				{"logout", func() error { _, err := e.m.Logout("myaccount"); return err }},
			} {
				err := op.run()
				if !errors.Is(err, tt.sentinel) {
					t.Errorf("%s: err = %v, want %v", op.name, err, tt.sentinel)
					continue
				}
				if strings.HasSuffix(err.Error(), ": "+tt.sentinel.Error()) {
					t.Errorf("%s: %q ends with the sentinel's words", op.name, err)
				}
			}
		})
	}
}
