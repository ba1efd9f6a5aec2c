package buildinfo

import "testing"

func TestVersion(t *testing.T) {
	if got := Version("1.2.3"); got != "1.2.3" {
		t.Errorf("stamped: %q", got)
	}
	// A test binary has no module version: the fallback is "dev".
	for _, s := range []string{"", "dev"} {
		if got := Version(s); got != "dev" {
			t.Errorf("Version(%q) = %q, want dev", s, got)
		}
	}
}
