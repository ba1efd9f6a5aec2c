package stsfake

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"fmt"
)

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	secretAlph = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// randString returns n characters drawn uniformly from alphabet (at most 256
// characters) with crypto/rand.
func randString(alphabet string, n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	limit := 256 - 256%len(alphabet) // reject bytes that would bias the draw
	for len(out) < n {
		_, _ = rand.Read(buf) // never fails since Go 1.24
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out)
}

// NewAccessKeyID returns a random long-term key id: AKIA + 16 characters.
func NewAccessKeyID() string { return "AKIA" + randString(upperAlnum, 16) }

// NewSecretAccessKey returns a random 40-character secret key.
func NewSecretAccessKey() string { return randString(secretAlph, 40) }

func newSessionKeyID() string { return "ASIA" + randString(upperAlnum, 16) }

// newSessionToken returns an opaque token about as long as real ones, in
// the same base64 alphabet, so writers meet '+', '/' and '=' in it.
func newSessionToken() string {
	b := make([]byte, 270)
	_, _ = rand.Read(b)
	return "FwoGZXIvYXdzE" + base64.StdEncoding.EncodeToString(b)
}

func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// userID derives a stable IAM unique id (AIDA...) from the user ARN.
func userID(arn string) string {
	sum := sha256.Sum256([]byte(arn))
	return "AIDA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
}
