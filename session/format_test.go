package session_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

func TestFormatLeft(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{3*time.Hour + 12*time.Minute + 59*time.Second, "3h12m"},
		{12 * time.Hour, "12h0m"},
		{36 * time.Hour, "36h0m"},
		{8*time.Minute + 30*time.Second, "8m"},
		{59 * time.Second, "59s"},
		{0, "0s"},
		{-time.Minute, "0s"},
		{99*time.Hour + 59*time.Minute, "99h59m"},
		{100 * time.Hour, "more than 4 days"},
		{999*24*time.Hour + time.Hour, "more than 999 days"},
		{time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Sub(time.Now()), "more than 999 days"},
	}
	for _, tt := range tests {
		if got := session.FormatLeft(tt.d); got != tt.want {
			t.Errorf("FormatLeft(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"8h", 8 * time.Hour, true},
		{"3600", time.Hour, true},
		{"90m", 90 * time.Minute, true},
		{"900", 15 * time.Minute, true},
		{"129600", 36 * time.Hour, true},
		{"899", 0, false},
		{"129601", 0, false},
		{"37h", 0, false},
		{"1.5s", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, err := session.ParseDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDuration(%q) = %v, %v", tt.in, got, err)
		}
	}
}

func TestValidateTokenCode(t *testing.T) {
	for code, ok := range map[string]bool{"123456": true, "000000": true, "12345": false, "1234567": false, "12 456": false, "١٢٣٤٥٦": false, "abcdef": false, "": false} {
		err := session.ValidateTokenCode(code)
		if (err == nil) != ok || (err != nil && !errors.Is(err, session.ErrBadTokenCode)) {
			t.Errorf("ValidateTokenCode(%q) = %v", code, err)
		}
	}
}

func ExampleFormatLeft() {
	fmt.Println(session.FormatLeft(3*time.Hour + 12*time.Minute))
	fmt.Println(session.FormatLeft(8 * time.Minute))
	// Output:
	// 3h12m
	// 8m
}

func ExampleParseDuration() {
	d, _ := session.ParseDuration("8h")
	fmt.Println(d)
	_, err := session.ParseDuration("60")
	fmt.Println(err)
	// Output:
	// 8h0m0s
	// duration 1m0s is out of range: STS accepts whole seconds from 900 (15m) to 129600 (36h)
}
