package stsfake

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"

	"github.com/awsmfa-tray/awsmfa-tray/internal/fakeserver"
)

const (
	upperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	secretAlph = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

// NewAccessKeyID returns a random long-term key id: AKIA + 16 characters.
func NewAccessKeyID() string { return "AKIA" + fakeserver.RandString(upperAlnum, 16) }

// NewSecretAccessKey returns a random 40-character secret key.
func NewSecretAccessKey() string { return fakeserver.RandString(secretAlph, 40) }

func newSessionKeyID() string { return "ASIA" + fakeserver.RandString(upperAlnum, 16) }

// newSessionToken returns an opaque token about as long as real ones, in
// the same base64 alphabet, so writers meet '+', '/' and '=' in it.
func newSessionToken() string {
	b := make([]byte, 270)
	_, _ = rand.Read(b)
	return "FwoGZXIvYXdzE" + base64.StdEncoding.EncodeToString(b)
}

// userID derives a stable IAM unique id (AIDA...) from the user ARN.
func userID(arn string) string {
	sum := sha256.Sum256([]byte(arn))
	return "AIDA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
}
