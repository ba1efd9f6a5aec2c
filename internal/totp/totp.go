// Package totp implements RFC 6238 time-based one-time passwords as used by
// AWS virtual MFA devices: HMAC-SHA1, a 30-second step and 6 digits.
package totp

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"
)

const (
	// Period is the length of one time step.
	Period = 30 * time.Second
	// Digits is the length of a code.
	Digits = 6
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Step returns the RFC 6238 time-step counter for t.
func Step(t time.Time) int64 {
	u := t.Unix()
	p := int64(Period / time.Second)
	if u < 0 {
		// Floor division so steps stay monotonic before the epoch.
		return (u - p + 1) / p
	}
	return u / p
}

// Code returns the 6-digit code for the base32 secret at time t.
func Code(secret string, t time.Time) (string, error) {
	key, err := decodeSecret(secret)
	if err != nil {
		return "", err
	}
	if t.Unix() < 0 {
		return "", errors.New("totp: time before the Unix epoch")
	}
	return codeAt(key, Step(t)), nil
}

// Verify reports whether code is valid for secret at time t, accepting codes
// up to skew steps before or after t. It returns the matched step so callers
// can refuse a code whose step was already used. A malformed secret or code
// never matches.
func Verify(secret, code string, t time.Time, skew int) (step int64, ok bool) {
	if len(code) != Digits || !allDigits(code) || skew < 0 {
		return 0, false
	}
	key, err := decodeSecret(secret)
	if err != nil {
		return 0, false
	}
	now := Step(t)
	// Check the current step first, then widen outwards.
	for d := 0; d <= skew; d++ {
		for _, s := range []int64{now + int64(d), now - int64(d)} {
			if s < 0 {
				continue
			}
			if subtle.ConstantTimeCompare([]byte(codeAt(key, s)), []byte(code)) == 1 {
				return s, true
			}
			if d == 0 {
				break
			}
		}
	}
	return 0, false
}

// NewSecret returns a fresh random 160-bit secret, base32 without padding
// (the form authenticator apps and AWS's "secret configuration key" use).
func NewSecret() string {
	b := make([]byte, 20)
	// crypto/rand.Read never returns an error since Go 1.24 (it crashes
	// instead), so there is nothing to handle.
	_, _ = rand.Read(b)
	return b32.EncodeToString(b)
}

func codeAt(key []byte, step int64) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(step))
	m := hmac.New(sha1.New, key)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%0*d", Digits, bin%1_000_000)
}

// decodeSecret accepts the forms users paste: any case, spaces or dashes
// between groups, with or without '=' padding. The error never echoes the
// secret.
func decodeSecret(secret string) ([]byte, error) {
	s := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '\t', '=':
			return -1
		}
		return r
	}, strings.ToUpper(secret))
	if s == "" {
		return nil, errors.New("totp: empty secret")
	}
	key, err := b32.DecodeString(s)
	if err != nil {
		return nil, errors.New("totp: secret is not valid base32")
	}
	return key, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
