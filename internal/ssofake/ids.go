package ssofake

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	// userCodeAlph leaves out letters people confuse (as the real codes do).
	userCodeAlph = "BCDFGHJKLMNPQRSTVWXZ"
)

func randString(alphabet string, n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	limit := 256 - 256%len(alphabet)
	for len(out) < n {
		_, _ = rand.Read(buf)
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

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
func newDeviceCode() string   { return opaque("", 64) }
func newUserCode() string     { return randString(userCodeAlph, 4) + "-" + randString(userCodeAlph, 4) }
func newAccessToken() string  { return opaque("aoa", 400) }
func newRefreshToken() string { return opaque("aor", 400) }
func newAuthCode() string     { return opaque("", 48) }
func newRequestRef() string   { return opaque("", 24) }
func newAccessKeyID() string  { return "ASIA" + randString(upperAlnum, 16) }
func newSecretKey() string    { return opaque("", 30) }
func newSessionToken() string { return "IQoJb3JpZ2luX2VjE" + opaque("", 300) }

func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
