package session

import (
	"strings"
	"unicode"
)

// NormalizeCode is what the core makes of a typed or printed code: white
// space anywhere (authenticator apps show "123 456"; a paste may bring a
// no-break space or a line end) is dropped.
func NormalizeCode(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
