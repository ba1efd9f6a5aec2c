//go:build windows

package localchan

import (
	"crypto/rand"
	"encoding/hex"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/internal/wine"
)

func testAddr(t *testing.T) string {
	b := make([]byte, 8)
	rand.Read(b)
	return `\\.\pipe\awsmfa-test-` + hex.EncodeToString(b)
}

// skipWithoutAccept skips a test that needs a server to accept a client
// under wine (wine.NamedPipes); real Windows runs it.
func skipWithoutAccept(t *testing.T) {
	t.Helper()
	wine.Skip(t, wine.NamedPipes)
}
