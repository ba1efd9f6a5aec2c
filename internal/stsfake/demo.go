package stsfake

import (
	"fmt"

	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
)

// DemoAccount is the account id of the demo users.
const DemoAccount = "000000000000"

// DemoUsers returns users with fresh random keys and TOTP secrets, named
// demo-NAME, with serials like arn:aws:iam::000000000000:mfa/demo-alice.
func DemoUsers(names ...string) []User {
	users := make([]User, 0, len(names))
	for _, n := range names {
		name := "demo-" + n
		users = append(users, User{
			AccessKeyID:     NewAccessKeyID(),
			SecretAccessKey: NewSecretAccessKey(),
			MFASerial:       "arn:aws:iam::" + DemoAccount + ":mfa/" + name,
			TOTPSecret:      totp.NewSecret(),
			UserARN:         "arn:aws:iam::" + DemoAccount + ":user/" + name,
		})
	}
	return users
}

// NewDemo starts a server on a random loopback port with two demo users,
// demo-alice and demo-bob. Options come before the users are added, so
// WithSessionCap (e.g. 3 minutes, to show expiry warnings soon) or WithLogf
// can be passed. The caller must Close the server.
func NewDemo(opts ...Option) (*Server, []User, error) {
	users := DemoUsers("alice", "bob")
	all := append(append([]Option(nil), opts...), WithUsers(users...))
	s := New(all...)
	if err := s.Start(); err != nil {
		return nil, nil, fmt.Errorf("start demo sts: %w", err)
	}
	return s, users, nil
}
