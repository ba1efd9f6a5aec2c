package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// The core owns the login conversation: why a code is asked for, what is
// made of an answer, and when to ask again or give up. The CLI and the tray
// only show the question (with CodeRequest.Reason's hint) and return what
// was typed, so both behave alike.

// AskReason says why a Prompter is asked for a code.
type AskReason int

const (
	AskFirst     AskReason = iota // the login's first question
	AskMalformed                  // the last answer was not 6 digits
	AskRejected                   // STS refused the last code (wrong, or already used)
)

// Hint is the sentence to show with the question; "" for the first ask.
func (r AskReason) Hint() string {
	switch r {
	case AskMalformed:
		return "The code is 6 digits: type the 6 digits your MFA device shows."
	case AskRejected:
		return "That code was not accepted, wait for the next code."
	}
	return ""
}

func (r AskReason) String() string {
	switch r {
	case AskMalformed:
		return "malformed"
	case AskRejected:
		return "rejected"
	}
	return "first"
}

// CodeRequest is one question for an MFA code.
type CodeRequest struct {
	Profile string // the MFA profile being logged in
	Serial  string // its MFA device
	// For is the profile the login is for when it is not Profile itself:
	// a role profile that leans on Profile's session.
	For     string
	Reason  AskReason
	Attempt int // 1 for the first question of a login
}

// Prompter asks the user for an MFA code and returns what was typed (the
// core normalises and checks it). An empty answer, ErrCanceled, or an error
// wrapping it mean the user backed out.
type Prompter func(ctx context.Context, req CodeRequest) (string, error)

// MaxCodeAttempts is how many answers a login takes from a person before
// it gives up: a typo and a reused code leave one more try.
const MaxCodeAttempts = 3

// NormalizeCode is what the core makes of a typed or printed code: white
// space anywhere (authenticator apps show "123 456"; a paste may bring a
// no-break space or a line end) is dropped.
func NormalizeCode(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// gaveUpError is the end of a conversation that ran out of attempts: its
// own sentence, and the sentinel (ErrBadTokenCode, ErrCodeRejected) beneath.
type gaveUpError struct {
	msg   string
	cause error
}

func (e *gaveUpError) Error() string { return e.msg }
func (e *gaveUpError) Unwrap() error { return e.cause }

// conversation gets the codes of one login from its one source: a code
// given up front (--token-code) or printed by mfa_process, used once; or a
// person through a Prompter, asked again while the policy allows.
type conversation struct {
	req    CodeRequest
	given  string // the code given up front
	source func(ctx context.Context, req CodeRequest) (string, error)
	once   bool // the source is a command, not a person: one try
	what   string
	max    int
	answer int
	noCode error
}

// newConversation picks the code source for a login of p: opts.TokenCode,
// else the profile's mfa_process, else opts.Prompt; forRole names the role
// profile the login is for, if any.
func (m *Manager) newConversation(f *awsFiles, p Profile, opts LoginOptions, forRole string) *conversation {
	c := &conversation{req: CodeRequest{Profile: p.Name, Serial: p.Serial, For: forRole}, max: MaxCodeAttempts}
	switch cmd := f.mfaProcess(p); {
	case strings.TrimSpace(opts.TokenCode) != "":
		c.given, c.once, c.what = opts.TokenCode, true, "the MFA code"
	case cmd != "":
		c.once, c.what = true, "the code from mfa_process of "+p.Name
		c.source = func(ctx context.Context, req CodeRequest) (string, error) {
			return runMFAProcess(ctx, req.Profile, cmd, opts.Stderr, opts.Touch)
		}
	case opts.Prompt != nil:
		c.source = opts.Prompt
	default:
		c.noCode = fmt.Errorf("no MFA code for %s: pass the 6-digit code from %s", p.Name, p.Serial)
	}
	return c
}

// hasSource reports whether the conversation can get a code at all.
func (c *conversation) hasSource() bool { return c.noCode == nil }

// next returns the next code to try: normalised, and 6 digits, asking
// again while an answer is not; ErrCanceled when the user backs out.
func (c *conversation) next(ctx context.Context) (string, error) {
	if c.noCode != nil {
		return "", c.noCode
	}
	for {
		if c.answer == c.max || c.once && c.answer == 1 {
			return "", c.giveUp(AskMalformed)
		}
		c.answer++
		c.req.Attempt = c.answer
		var code string
		if c.given != "" {
			code = c.given
		} else {
			var err error
			code, err = c.source(ctx, c.req)
			switch {
			case errors.Is(err, ErrCanceled) || errors.Is(err, context.Canceled) || ctx.Err() != nil:
				return "", ErrCanceled
			case err != nil && c.once:
				return "", err // mfa_process says what went wrong
			case err != nil:
				return "", fmt.Errorf("ask for the MFA code: %w", err)
			}
		}
		code = NormalizeCode(code)
		if code == "" && !c.once {
			return "", ErrCanceled
		}
		if ValidateTokenCode(code) == nil {
			return code, nil
		}
		c.req.Reason = AskMalformed
	}
}

// rejected records that STS refused the last code. It returns nil when
// the conversation asks again, else the error that ends the login.
func (c *conversation) rejected() error {
	if c.once || c.answer == c.max {
		return c.giveUp(AskRejected)
	}
	c.req.Reason = AskRejected
	return nil
}

func (c *conversation) giveUp(why AskReason) error {
	switch {
	case why == AskMalformed:
		return ErrBadTokenCode
	case c.once && c.given == "":
		return &gaveUpError{fmt.Sprintf("%s was not accepted: check that it prints the code of %s, and note that STS takes each code once", c.what, c.req.Serial), ErrCodeRejected}
	case c.once:
		return ErrCodeRejected
	}
	return &gaveUpError{fmt.Sprintf("%d MFA codes in a row were not accepted for %s: check that they come from %s and that the device's clock is right, then log in again", c.answer, c.req.Profile, c.req.Serial), ErrCodeRejected}
}

// run tries codes from c with attempt until one is accepted, the user
// backs out, or the policy gives up. attempt returns ErrCodeRejected
// (possibly wrapped) when STS refused the code.
func (c *conversation) run(ctx context.Context, attempt func(ctx context.Context, code string) error) error {
	for {
		code, err := c.next(ctx)
		if err != nil {
			return err
		}
		err = attempt(ctx, code)
		if !errors.Is(err, ErrCodeRejected) {
			return err
		}
		if err := c.rejected(); err != nil {
			return err
		}
	}
}
