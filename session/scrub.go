package session

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxOutsideText bounds how much of a text from outside (an STS message,
// an SDK or network error) goes into one of our sentences.
const maxOutsideText = 200

const redacted = "[redacted]"

// tokenCodeParam is a 6-digit code given as a TokenCode parameter, in the
// spellings a request echo can take (form, JSON, URL-encoded).
var tokenCodeParam = lazyRE(`(?i)(token_?code["']?\s*(?:=|:|%3D)\s*["']?)[0-9]{6}`)

// scrubber cleans text that came from outside before it becomes part of
// an error, and so of stderr, the tray's log, a dialog's argv or a notice:
// it removes the one-time code and every secret of the call (as they are
// and URL-encoded), any 6-digit TokenCode parameter, control characters and
// line breaks, and cuts the rest to maxOutsideText.
type scrubber struct{ secrets []string }

func newScrubber(secrets ...string) scrubber {
	var s scrubber
	for _, v := range secrets {
		if len(v) < 4 { // unset; nothing we hold is shorter than a code
			continue
		}
		s.secrets = append(s.secrets, v)
		if q := url.QueryEscape(v); q != v {
			s.secrets = append(s.secrets, q)
		}
	}
	return s
}

func (s scrubber) clean(text string) string {
	text = s.redact(text)
	text = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r) {
			return ' '
		}
		return r
	}, text)
	text = strings.Join(strings.Fields(text), " ")
	text = s.redact(text) // a secret that line breaks or controls split
	if utf8.RuneCountInString(text) > maxOutsideText {
		cut := 0
		for i := range text {
			if cut == maxOutsideText {
				text = text[:i] + "..."
				break
			}
			cut++
		}
	}
	return strings.TrimRight(text, ". ")
}

func (s scrubber) redact(text string) string {
	text = tokenCodeParam().ReplaceAllString(text, "${1}"+redacted)
	for _, v := range s.secrets {
		if isDigits(v) {
			text = replaceDigitRun(text, v)
		} else {
			text = strings.ReplaceAll(text, v, redacted)
		}
	}
	return text
}

// cleanCode passes an AWS error code through when it looks like one.
func (s scrubber) cleanCode(code string) string {
	if isErrorCode(code) && s.redact(code) == code {
		return code
	}
	return "an unrecognised error"
}

func isDigits(v string) bool {
	return v != "" && strings.Trim(v, "0123456789") == ""
}

// replaceDigitRun redacts v where it stands as a number of its own: the
// code inside a longer run of digits (an account id) reveals nothing.
func replaceDigitRun(text, v string) string {
	var b strings.Builder
	for {
		i := strings.Index(text, v)
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		end := i + len(v)
		if (i > 0 && isDigit(text[i-1])) || (end < len(text) && isDigit(text[end])) {
			b.WriteString(text[:i+1])
			text = text[i+1:]
			continue
		}
		b.WriteString(text[:i])
		b.WriteString(redacted)
		text = text[end:]
	}
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
