package session

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
)

func TestScrubberRemovesSecretsFromOutsideText(t *testing.T) {
	const (
		code   = "424242"
		keyID  = "AKIAALICE00000000001"
		secret = "aliceSecret+/00000000000000000000000000a"
	)
	s := newScrubber(code, keyID, secret)
	tests := []struct{ in, want string }{
		{"Action=GetSessionToken&TokenCode=424242&Version=2011-06-15", "Action=GetSessionToken&TokenCode=[redacted]&Version=2011-06-15"},
		{`{"TokenCode":"424242"}`, `{"TokenCode":"[redacted]"}`},
		{"tokenCode%3D424242", "tokenCode%3D[redacted]"},
		{"TokenCode=123456 is not ours but is a code", "TokenCode=[redacted] is not ours but is a code"},
		{"Value '424242' at 'tokenCode'", "Value '[redacted]' at 'tokenCode'"},
		{"account 1424242999 is a longer number", "account 1424242999 is a longer number"},
		{"Credential=" + keyID + "/20261127/eu-west-1/sts", "Credential=[redacted]/20261127/eu-west-1/sts"},
		{"secret " + secret + " and " + url.QueryEscape(secret), "secret [redacted] and [redacted]"},
		{"two\nlines\r\nand a\ttab\x00.", "two lines and a tab"},
	}
	for _, tt := range tests {
		if got := s.clean(tt.in); got != tt.want {
			t.Errorf("clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	long := s.clean(strings.Repeat("é", 5000) + code)
	if n := len([]rune(long)); n > maxOutsideText+3 || strings.Contains(long, code) {
		t.Errorf("a long text: %d runes", n)
	}
	// A secret cut in two by the bound is redacted before the cut.
	if got := s.clean(strings.Repeat("x", maxOutsideText-5) + secret); strings.Contains(got, secret[:5]) {
		t.Errorf("the bound revealed part of a secret: %q", got)
	}
	if got := s.cleanCode("Throttling"); got != "Throttling" {
		t.Errorf("cleanCode = %q", got)
	}
	if got := s.cleanCode("Bad\ncode TokenCode=424242"); got != "an unrecognised error" {
		t.Errorf("cleanCode = %q", got)
	}
}

// Every place where outside text enters an error goes through the
// scrubber: an API error whose code or message echoes the request.
func TestExplainCallScrubsEchoes(t *testing.T) {
	p := Profile{Name: "x", LongTerm: "xPerm", Endpoint: "https://user:pass@sts.example.test"}
	c := stsCall{p: p, timeout: time.Second, code: "424242", secrets: []string{"AKIAALICE00000000001", "s3cr3tValue"}}
	for _, err := range []error{
		&smithy.GenericAPIError{Code: "ValidationError", Message: "TokenCode=424242 s3cr3tValue"},
		&smithy.GenericAPIError{Code: "Odd", Message: "echo: TokenCode=424242&X-Amz-Credential=AKIAALICE00000000001"},
		&smithy.GenericAPIError{Code: "TokenCode=424242", Message: "x"},
		fmt.Errorf("op: %w", errors.New("weird transport failure with 424242 and s3cr3tValue")),
	} {
		got := explainCall(err, c).Error()
		for _, leak := range []string{"424242", "s3cr3tValue", "AKIAALICE00000000001", "pass@"} {
			if strings.Contains(got, leak) {
				t.Errorf("%q leaks %q", got, leak)
			}
		}
	}
}
