//go:build windows

package localchan

import (
	"crypto/rand"
	"encoding/hex"
	"testing"

	"golang.org/x/sys/windows"
)

func testAddr(t *testing.T) string {
	b := make([]byte, 8)
	rand.Read(b)
	return `\\.\pipe\awsmfa-test-` + hex.EncodeToString(b)
}

// skipWithoutAccept skips a test that needs a server to accept a client
// under wine. Seen with wine 8.0: the client connects, but go-winio's
// overlapped ConnectNamedPipe never completes, so Accept never returns.
// Real Windows is fine; wine (which exports wine_get_version from ntdll)
// cannot run these.
func skipWithoutAccept(t *testing.T) {
	t.Helper()
	if windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil {
		t.Skip("wine's named pipes never complete go-winio's Accept (wine 8.0): this test needs real Windows")
	}
}
