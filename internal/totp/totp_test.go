package totp

import (
	"strings"
	"testing"
	"time"
)

// rfcSecret is the RFC 6238 SHA1 seed "12345678901234567890" in base32.
const rfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

func TestCodeRFC6238Vectors(t *testing.T) {
	// RFC 6238 appendix B, SHA1 column, truncated to the last 6 digits.
	tests := []struct {
		unix int64
		want string
	}{
		{59, "287082"},
		{1111111109, "081804"},
		{1111111111, "050471"},
		{1234567890, "005924"},
		{2000000000, "279037"},
		{20000000000, "353130"},
	}
	for _, tt := range tests {
		got, err := Code(rfcSecret, time.Unix(tt.unix, 0))
		if err != nil {
			t.Fatalf("Code(%d): %v", tt.unix, err)
		}
		if got != tt.want {
			t.Errorf("Code(%d) = %s, want %s", tt.unix, got, tt.want)
		}
	}
}

func TestCodeSecretForms(t *testing.T) {
	at := time.Unix(59, 0)
	for _, secret := range []string{
		rfcSecret,
		strings.ToLower(rfcSecret),
		"GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ",
		"gezd-gnbv-gy3t-qojq-gezd-gnbv-gy3t-qojq",
		rfcSecret + "====", // over-padded is tolerated, padding is stripped
	} {
		got, err := Code(secret, at)
		if err != nil || got != "287082" {
			t.Errorf("Code(%q) = %q, %v; want 287082", secret, got, err)
		}
	}
}

func TestCodeErrors(t *testing.T) {
	tests := []struct {
		name, secret string
		at           time.Time
	}{
		{"empty", "", time.Unix(59, 0)},
		{"not base32", "ABC1!89", time.Unix(59, 0)},
		{"before epoch", rfcSecret, time.Unix(-1, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Code(tt.secret, tt.at); err == nil {
				t.Fatal("want error")
			}
			if tt.secret != "" && strings.Contains(errString(Code(tt.secret, tt.at)), tt.secret) {
				t.Error("error echoes the secret")
			}
		})
	}
}

func errString(_ string, err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestVerify(t *testing.T) {
	now := time.Unix(1111111111, 0) // step 37037037
	cur := Step(now)
	codeAt := func(off int64) string {
		t.Helper()
		c, err := Code(rfcSecret, now.Add(time.Duration(off)*Period))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for off := int64(-1); off <= 1; off++ {
		if codeAt(off) == "000000" {
			t.Fatal("fixture: a neighbouring code is 000000, pick another instant")
		}
	}
	tests := []struct {
		name     string
		secret   string
		code     string
		skew     int
		wantOK   bool
		wantStep int64
	}{
		{"current", rfcSecret, codeAt(0), 0, true, cur},
		{"previous within skew", rfcSecret, codeAt(-1), 1, true, cur - 1},
		{"next within skew", rfcSecret, codeAt(1), 1, true, cur + 1},
		{"previous without skew", rfcSecret, codeAt(-1), 0, false, 0},
		{"two back with skew 1", rfcSecret, codeAt(-2), 1, false, 0},
		{"two back with skew 2", rfcSecret, codeAt(-2), 2, true, cur - 2},
		{"wrong code", rfcSecret, "000000", 1, false, 0},
		{"short", rfcSecret, codeAt(0)[:5], 1, false, 0},
		{"long", rfcSecret, codeAt(0) + "0", 1, false, 0},
		{"non digit", rfcSecret, "05047a", 1, false, 0},
		{"bad secret", "!!!", codeAt(0), 1, false, 0},
		{"negative skew", rfcSecret, codeAt(0), -1, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			step, ok := Verify(tt.secret, tt.code, now, tt.skew)
			if ok != tt.wantOK || step != tt.wantStep {
				t.Errorf("Verify = (%d, %v), want (%d, %v)", step, ok, tt.wantStep, tt.wantOK)
			}
		})
	}
}

func TestVerifyStepBoundary(t *testing.T) {
	// The last second of a step and the first of the next have different
	// steps, and each code verifies at its own instant with no skew.
	a, b := time.Unix(89, 0), time.Unix(90, 0)
	if Step(a) == Step(b) {
		t.Fatalf("Step(89) == Step(90) == %d", Step(a))
	}
	for _, at := range []time.Time{a, b} {
		c, err := Code(rfcSecret, at)
		if err != nil {
			t.Fatal(err)
		}
		if s, ok := Verify(rfcSecret, c, at, 0); !ok || s != Step(at) {
			t.Errorf("Verify at %v = (%d, %v)", at.Unix(), s, ok)
		}
	}
}

func TestStep(t *testing.T) {
	tests := []struct {
		unix, want int64
	}{{0, 0}, {29, 0}, {30, 1}, {59, 1}, {1111111111, 37037037}, {-1, -1}, {-30, -1}, {-31, -2}}
	for _, tt := range tests {
		if got := Step(time.Unix(tt.unix, 0)); got != tt.want {
			t.Errorf("Step(%d) = %d, want %d", tt.unix, got, tt.want)
		}
	}
}

func TestNewSecret(t *testing.T) {
	a, b := NewSecret(), NewSecret()
	if a == b {
		t.Fatal("two secrets are equal")
	}
	if len(a) != 32 {
		t.Errorf("len = %d, want 32 (160 bits)", len(a))
	}
	now := time.Now()
	c, err := Code(a, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := Verify(a, c, now, 0); !ok {
		t.Error("a fresh secret's own code does not verify")
	}
}
