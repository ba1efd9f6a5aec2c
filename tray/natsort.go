package tray

import (
	"slices"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// naturalLess orders names the way people count: s2 before s10, and
// otherwise byte by byte (so the core's sorted order is kept for names
// without digits). A run of digits compares by value, then by length (s01
// after s1), so no two different names are ever equal.
func naturalLess(a, b string) bool { return naturalCompare(a, b) < 0 }

func naturalCompare(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		ca, cb := a[i], b[j]
		if isDigit(ca) && isDigit(cb) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			// Compare the digit runs by value: skip leading zeros, then
			// the longer run is larger, then digit by digit.
			za, zb := si, sj
			for za < i-1 && a[za] == '0' {
				za++
			}
			for zb < j-1 && b[zb] == '0' {
				zb++
			}
			if la, lb := i-za, j-zb; la != lb {
				return cmpInt(la, lb)
			}
			for k := 0; k < i-za; k++ {
				if a[za+k] != b[zb+k] {
					return cmpInt(int(a[za+k]), int(b[zb+k]))
				}
			}
			if i-si != j-sj {
				return cmpInt(i-si, j-sj)
			}
			continue
		}
		if ca != cb {
			return cmpInt(int(ca), int(cb))
		}
		i++
		j++
	}
	return cmpInt(len(a)-i, len(b)-j)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// naturalOrder returns profiles in natural order of their names: the
// slice itself when it is already so (the app sorts once per read).
func naturalOrder(profiles []session.Status) []session.Status {
	cmp := func(x, y session.Status) int { return naturalCompare(x.Profile.Name, y.Profile.Name) }
	if slices.IsSortedFunc(profiles, cmp) {
		return profiles
	}
	out := slices.Clone(profiles)
	slices.SortStableFunc(out, cmp)
	return out
}
