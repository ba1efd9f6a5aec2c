//go:build windows

package localchan

import (
	"crypto/rand"
	"encoding/hex"
	"testing"
)

func testAddr(t *testing.T) string {
	b := make([]byte, 8)
	rand.Read(b)
	return `\\.\pipe\awsmfa-test-` + hex.EncodeToString(b)
}
