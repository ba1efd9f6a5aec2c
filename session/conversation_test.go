package session_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// script is a Prompter that answers from a list and records each request.
type script struct {
	answers []string
	asked   []session.CodeRequest
}

func (s *script) prompt(_ context.Context, req session.CodeRequest) (string, error) {
	s.asked = append(s.asked, req)
	if len(s.asked) > len(s.answers) {
		return "", session.ErrCanceled
	}
	return s.answers[len(s.asked)-1], nil
}

func (s *script) reasons() []session.AskReason {
	var r []session.AskReason
	for i, q := range s.asked {
		if q.Attempt != i+1 {
			return nil
		}
		r = append(r, q.Reason)
	}
	return r
}

// The core's one policy for asking: what it makes of an answer, why it
// asks again, and when it gives up, against the STS fake's real refusals.
func TestConversationPolicy(t *testing.T) {
	const (
		first     = session.AskFirst
		malformed = session.AskMalformed
		rejected  = session.AskRejected
	)
	bad := func(n int) string { return "BAD" + string(rune('0'+n)) } // a well-formed code STS refuses
	tests := []struct {
		name    string
		answers []string // CODE: the valid code, "123 456" style with SPACED
		reasons []session.AskReason
		calls   int // GetSessionToken calls
		err     error
		errText string
	}{
		{name: "the code", answers: []string{"CODE"}, reasons: []session.AskReason{first}, calls: 1},
		{name: "spaces inside and around are dropped", answers: []string{"SPACED"}, reasons: []session.AskReason{first}, calls: 1},
		{name: "malformed, then the code", answers: []string{"12345", "CODE"}, reasons: []session.AskReason{first, malformed}, calls: 1},
		{name: "refused, then the code", answers: []string{bad(1), "CODE"}, reasons: []session.AskReason{first, rejected}, calls: 2},
		{name: "malformed, refused, then the code", answers: []string{"abcdef", bad(1), "CODE"},
			reasons: []session.AskReason{first, malformed, rejected}, calls: 2},
		{name: "three refused: give up", answers: []string{bad(1), bad(2), bad(3), "CODE"},
			reasons: []session.AskReason{first, rejected, rejected}, calls: 3, err: session.ErrCodeRejected,
			errText: "3 MFA codes in a row were not accepted for myaccount: check that they come from " + testSerial + " and that the device's clock is right, then log in again"},
		{name: "three malformed: give up", answers: []string{"1", "12 34 5", "1234567", "CODE"},
			reasons: []session.AskReason{first, malformed, malformed}, err: session.ErrBadTokenCode, errText: "the MFA code must be exactly 6 digits"},
		{name: "malformed, refused, malformed: give up", answers: []string{"1", bad(1), "x", "CODE"},
			reasons: []session.AskReason{first, malformed, rejected}, calls: 1, err: session.ErrBadTokenCode},
		{name: "an empty answer backs out", answers: []string{"  "}, reasons: []session.AskReason{first}, err: session.ErrCanceled},
		{name: "backing out after a refusal", answers: []string{bad(1)}, reasons: []session.AskReason{first, rejected}, calls: 1, err: session.ErrCanceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, permConfig, permCreds)
			code := e.code()
			s := &script{}
			for _, a := range tt.answers {
				if strings.HasPrefix(a, "BAD") {
					a = wrongCode(string(rune('0'+(code[0]-'0'+a[3]-'0')%10)) + code[1:])
				}
				s.answers = append(s.answers, strings.NewReplacer("SPACED", " "+code[:3]+"\u00a0"+code[3:]+"\n", "CODE", code).Replace(a))
			}
			_, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{Prompt: s.prompt})
			if !errors.Is(err, tt.err) || tt.err == nil && err != nil {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if tt.errText != "" && err.Error() != tt.errText {
				t.Errorf("error %q\nwant %q", err, tt.errText)
			}
			if got := s.reasons(); !equalReasons(got, tt.reasons) {
				t.Errorf("asked %+v, want reasons %v", s.asked, tt.reasons)
			}
			if got := len(e.srv.Calls()); got != tt.calls {
				t.Errorf("%d STS calls, want %d", got, tt.calls)
			}
			for _, q := range s.asked {
				if q.Profile != "myaccount" || q.Serial != testSerial || q.For != "" {
					t.Errorf("request %+v", q)
				}
			}
			if err != nil {
				e.assertNoSecrets(err.Error())
			}
		})
	}
}

func equalReasons(a, b []session.AskReason) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAskReasonHints(t *testing.T) {
	if session.AskFirst.Hint() != "" ||
		session.AskMalformed.Hint() != "The code is 6 digits: type the 6 digits your MFA device shows." ||
		session.AskRejected.Hint() != "That code was not accepted, wait for the next code." {
		t.Error("hints changed: the tray and the CLI show them")
	}
}

// A code given up front, or printed by mfa_process, is used once: nobody
// is asked, a refusal ends the login.
func TestConversationOneShotSources(t *testing.T) {
	e := newEnv(t, permConfig, permCreds)
	code := e.code()
	s := &script{answers: []string{code}}
	_, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: wrongCode(code), Prompt: s.prompt})
	if !errors.Is(err, session.ErrCodeRejected) || err.Error() != session.ErrCodeRejected.Error() || len(s.asked) != 0 || len(e.srv.Calls()) != 1 {
		t.Errorf("given code refused: %v, asked %d, %d calls", err, len(s.asked), len(e.srv.Calls()))
	}
	if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: code[:3] + " " + code[3:]}); err != nil {
		t.Errorf("given code with a space: %v", err)
	}
	if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: "12345", Force: true}); !errors.Is(err, session.ErrBadTokenCode) {
		t.Errorf("given code too short: %v", err)
	}

	if runtime.GOOS == "windows" {
		return
	}
	codeFile := filepath.Join(t.TempDir(), "code")
	writeFile(t, codeFile, wrongCode(code)+"\n")
	if p, _ := e.m.Profile("myaccount"); p.HasMFAProcess {
		t.Error("HasMFAProcess set without mfa_process")
	}
	e2 := newEnv(t, permConfig+"mfa_process = cat "+codeFile+"\n", permCreds)
	if p, err := e2.m.Profile("myaccount"); err != nil || !p.HasMFAProcess {
		t.Errorf("HasMFAProcess not set: %+v, %v", p, err)
	}
	s = &script{answers: []string{e2.code()}}
	_, err = e2.m.Login(context.Background(), "myaccount", session.LoginOptions{Prompt: s.prompt})
	want := "the code from mfa_process of myaccount was not accepted: check that it prints the code of " + testSerial + ", and note that STS takes each code once"
	if !errors.Is(err, session.ErrCodeRejected) || err == nil || err.Error() != want || len(s.asked) != 0 || len(e2.srv.Calls()) != 1 {
		t.Errorf("mfa_process refused: %v, asked %d, %d calls", err, len(s.asked), len(e2.srv.Calls()))
	}
	if err := os.WriteFile(codeFile, []byte(e2.code()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := e2.m.Login(context.Background(), "myaccount", session.LoginOptions{}); err != nil {
		t.Errorf("mfa_process login: %v", err)
	}
}
