package main

import (
	"fmt"
	"strings"
	"testing"
)

// The CLI asks the way the core's conversation says: a refused code is
// asked for again with the reason shown, and three refusals end it.
func TestLoginAsksAgainAfterARefusal(t *testing.T) {
	const prompt = "MFA code for myaccount (arn:aws:iam::123456789012:mfa/myaccount): "
	wrong := func(c string, n int) string { return fmt.Sprintf("%06d", (atoi(c)+n*111111)%1000000) }
	tests := []struct {
		name    string
		answers func(code string) []string
		exit    int
		stderr  string
		calls   int
		hints   []string // shown above the prompts, in order
	}{
		{name: "refused, then the code", answers: func(c string) []string { return []string{wrong(c, 1), c[:3] + " " + c[3:]} },
			calls: 2, hints: []string{"That code was not accepted, wait for the next code."}},
		{name: "mistyped, refused, then the code", answers: func(c string) []string { return []string{"12345", wrong(c, 1), c} },
			calls: 2, hints: []string{"The code is 6 digits: type the 6 digits your MFA device shows.", "That code was not accepted, wait for the next code."}},
		{name: "three refused", answers: func(c string) []string { return []string{wrong(c, 1), wrong(c, 2), wrong(c, 3), c} },
			exit: 1, calls: 3, stderr: "awsmfa: 3 MFA codes in a row were not accepted for myaccount: check that they come from arn:aws:iam::123456789012:mfa/myaccount and that the device's clock is right, then log in again\n",
			hints: []string{"That code was not accepted, wait for the next code.", "That code was not accepted, wait for the next code."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			e.standard(t, "myaccount")
			term := newFakeTerm(tt.answers(e.code(t, "myaccount"))...)
			withTerminal(t, term)
			r := cli(t, "--profile", "myaccount", "login")
			if r.code != tt.exit || (tt.exit != 0 && r.stderr != tt.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d, %q", r.code, r.stderr, tt.exit, tt.stderr)
			}
			if tt.exit == 0 {
				assertSessionWritten(t, e, "myaccount")
			}
			if n := e.calls(); n != tt.calls {
				t.Errorf("%d STS calls, want %d", n, tt.calls)
			}
			// Each prompt but the first follows its hint line.
			parts := strings.Split(term.output(), prompt)
			if len(parts) != len(tt.hints)+2 {
				t.Fatalf("%d prompts, want %d:\n%s", len(parts)-1, len(tt.hints)+1, term.output())
			}
			for i, h := range tt.hints {
				if !strings.HasSuffix(parts[i+1], h+"\n") {
					t.Errorf("before prompt %d: %q, want the hint %q", i+2, parts[i+1], h)
				}
			}
			e.assertNoSecrets(t, term.output(), r.stderr)
		})
	}
}
