package session

import (
	"fmt"
	"time"
)

// SessionCredentials are the keys of a session, for "awsmfa env" and
// "awsmfa exec": the one place where the core hands out secrets, and only
// to put them where the user asked. They format as their profile name, so
// a stray %v cannot print them.
type SessionCredentials struct {
	Profile         string
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time // zero when the file does not say
	// Region is the region the config names for the profile (or its
	// long-term profile); empty when it names none.
	Region string
}

func (c SessionCredentials) String() string   { return "session credentials of " + c.Profile }
func (c SessionCredentials) GoString() string { return c.String() }

// Credentials reads the session in [name], which must be active (or
// expiring); anything else says to log in.
func (m *Manager) Credentials(name string) (SessionCredentials, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return SessionCredentials{}, err
	}
	p, err := f.profile(name)
	if err != nil {
		return SessionCredentials{}, err
	}
	st := f.status(p, m.now(), m.warnBefore())
	return f.credentials(p, st)
}

// StatusAndCredentials is Status and, when the session can be used
// (active or expiring), Credentials, from one read of the files. Without a
// usable session the credentials are empty and the error nil.
func (m *Manager) StatusAndCredentials(name string) (Status, SessionCredentials, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return Status{}, SessionCredentials{}, err
	}
	p, err := f.profile(name)
	if err != nil {
		return Status{}, SessionCredentials{}, err
	}
	st := f.status(p, m.now(), m.warnBefore())
	if st.State != Active && st.State != Expiring {
		return st, SessionCredentials{}, nil
	}
	c, err := f.credentials(p, st)
	return st, c, err
}

// credentials are the keys of p's session, whose state is st.
func (f *awsFiles) credentials(p Profile, st Status) (SessionCredentials, error) {
	name := p.Name
	if st.State != Active && st.State != Expiring {
		return SessionCredentials{}, fmt.Errorf("no active session for %s (%s): run \"awsmfa --profile %s login\"", name, st.State, ShellWord(name))
	}
	c := SessionCredentials{
		Profile:         name,
		AccessKeyID:     f.credGet(name, "aws_access_key_id"),
		SecretAccessKey: f.credGet(name, "aws_secret_access_key"),
		SessionToken:    f.credGet(name, "aws_session_token"),
		Expiration:      st.Expiration,
	}
	if c.SessionToken == "" {
		c.SessionToken = f.credGet(name, "aws_security_token")
	}
	if c.AccessKeyID == "" || c.SecretAccessKey == "" {
		return SessionCredentials{}, fmt.Errorf("the session in [%s] of %s lacks a key: run \"awsmfa --profile %s login --force\"", name, f.credPath, ShellWord(name))
	}
	for _, n := range []string{name, p.LongTerm} {
		if v, ok := f.cfgGet(n, "region"); ok {
			c.Region = v
			break
		}
	}
	return c, nil
}
