package tray

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// The group sizes README-e2e-contract.md states: one group per 20
// profiles begun, equal but for a smaller last one, 15 at most.
func TestBuildMenuGroupSizes(t *testing.T) {
	tests := []struct {
		n    int
		want []int
	}{
		{21, []int{11, 10}},
		{40, []int{20, 20}},
		{300, slices.Repeat([]int{20}, 15)},
		{1000, append(slices.Repeat([]int{67}, 14), 62)},
	}
	for _, tt := range tests {
		var sts []session.Status
		for i := range tt.n {
			sts = append(sts, status(fmt.Sprintf("s%d", i), session.LoggedOut, 0))
		}
		var sizes []int
		for _, it := range BuildMenu(session.Snapshot{Taken: t0, Profiles: sts}, MenuOptions{Locale: utf8}).Items {
			if len(it.Children) > 0 && strings.HasPrefix(it.ID, IDGroupPrefix) {
				sizes = append(sizes, len(it.Children))
			}
		}
		if !slices.Equal(sizes, tt.want) {
			t.Errorf("%d profiles: groups of %v, want %v", tt.n, sizes, tt.want)
		}
	}
}
