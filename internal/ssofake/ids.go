package ssofake

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/awsmfa-tray/awsmfa-tray/internal/fakeserver"
)

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	// userCodeAlph leaves out letters people confuse (as the real codes do).
	userCodeAlph = "BCDFGHJKLMNPQRSTVWXZ"
)

// opaque returns a random URL-safe token about as long as the real ones,
// with the real ones' prefixes, so writers meet realistic lengths.
func opaque(prefix string, n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

func newClientID() string { return opaque("", 16) + "ZXUtd2VzdC0x" }
func newClientSecret() string {
	return "eyJraWQiOiJrZXktMTU2NDAyODA5OSIsImFsZyI6IkhTMzg0In0." + opaque("", 300)
}
func newDeviceCode() string { return opaque("", 64) }
func newUserCode() string {
	return fakeserver.RandString(userCodeAlph, 4) + "-" + fakeserver.RandString(userCodeAlph, 4)
}
func newAccessToken() string  { return opaque("aoa", 400) }
func newRefreshToken() string { return opaque("aor", 400) }
func newAuthCode() string     { return opaque("", 48) }
func newRequestRef() string   { return opaque("", 24) }
func newAccessKeyID() string  { return "ASIA" + fakeserver.RandString(upperAlnum, 16) }
func newSecretKey() string    { return opaque("", 30) }
func newSessionToken() string { return "IQoJb3JpZ2luX2VjE" + opaque("", 300) }
