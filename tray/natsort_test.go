package tray

import (
	"slices"
	"testing"
)

func TestNaturalLess(t *testing.T) {
	got := []string{"s10", "s1", "s2", "s0", "s11", "prod", "s01", "dev-eu-10", "dev-eu-9", "a", "s", "s1a"}
	slices.SortFunc(got, naturalCompare)
	want := []string{"a", "dev-eu-9", "dev-eu-10", "prod", "s", "s0", "s1", "s1a", "s01", "s2", "s10", "s11"}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	for _, p := range [][2]string{{"x", "x"}, {"s1", "s1"}} {
		if naturalCompare(p[0], p[1]) != 0 {
			t.Errorf("%q and %q differ", p[0], p[1])
		}
	}
	if naturalCompare("s1", "s01") == 0 {
		t.Error("s1 and s01 compare equal")
	}
}
