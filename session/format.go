package session

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// FormatLeft renders a time left the way every UI shows it: "3h12m", "8m",
// "45s". It rounds down, so a label never promises more than is left.
// Beyond what any AWS session lasts (an expiry some other tool wrote, in
// the year 9999) it says "more than 4 days", up to "more than 999 days",
// rather than a count of hours no one reads.
func FormatLeft(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	const day = 24 * time.Hour
	switch {
	case d >= 1000*day:
		return "more than 999 days"
	case d >= 100*time.Hour:
		return fmt.Sprintf("more than %d days", int(d/day))
	case d >= time.Hour:
		return fmt.Sprintf("%dh%dm", int(d/time.Hour), int(d%time.Hour/time.Minute))
	case d >= time.Minute:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	default:
		return fmt.Sprintf("%ds", int(d/time.Second))
	}
}

// ParseDuration reads "8h", "90m", "1h30m" or plain seconds ("3600"), and
// checks STS's range so a bad value never reaches AWS.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		d = time.Duration(n) * time.Second
	} else if d, err = time.ParseDuration(s); err != nil {
		return 0, fmt.Errorf("duration %q: use seconds (3600) or a Go duration (8h, 90m)", s)
	}
	if err := checkDuration(d); err != nil {
		return 0, err
	}
	return d, nil
}

func checkDuration(d time.Duration) error {
	if d < MinDuration || d > MaxDuration || d%time.Second != 0 {
		return fmt.Errorf("duration %s is out of range: STS accepts whole seconds from 900 (15m) to 129600 (36h)", d)
	}
	return nil
}

// ErrBadTokenCode is wrapped when a code is not six digits.
var ErrBadTokenCode = errors.New("the MFA code must be exactly 6 digits")

// ValidateTokenCode accepts exactly six ASCII digits.
func ValidateTokenCode(code string) error {
	if len(code) != 6 {
		return ErrBadTokenCode
	}
	for i := 0; i < len(code); i++ {
		if code[i] < '0' || code[i] > '9' {
			return ErrBadTokenCode
		}
	}
	return nil
}

// RevocationNote is said on every logout: AWS cannot end the session early.
const RevocationNote = "AWS cannot revoke an MFA session early: the removed credentials stay valid until they expire."
