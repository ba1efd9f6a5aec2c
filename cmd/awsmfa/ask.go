package main

import (
	"context"
	"fmt"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// prompter asks for MFA codes on the terminal. The core decides when to
// ask, what to make of the answer and when to ask again; req.Reason says
// why, and its hint is shown above the question.
func (a *app) prompter() session.Prompter {
	return func(ctx context.Context, req session.CodeRequest) (string, error) {
		t, err := a.terminal()
		if err != nil {
			return "", err
		}
		if h := req.Reason.Hint(); h != "" {
			fmt.Fprintln(t, h)
		}
		q := fmt.Sprintf("MFA code for %s (%s): ", req.Profile, req.Serial)
		if req.For != "" {
			q = fmt.Sprintf("MFA code for %s, which %s needs (%s): ", req.Profile, req.For, req.Serial)
		}
		return a.ask(q)
	}
}
