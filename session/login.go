package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// Login logs profile name in with the provider for its kind (see
// provider.go): an MFA profile gets a session with its MFA code, written
// into [name] of the credentials file; a role profile gets its role
// assumed with its MFA profile's session, logging that in first. Codes
// come from opts.TokenCode, the profile's mfa_process, or opts.Prompt,
// which the core asks again as its conversation allows.
func (m *Manager) Login(ctx context.Context, name string, opts LoginOptions) (Session, error) {
	ctx = inifile.Operation(ctx)
	f, err := m.load(ctx)
	if err != nil {
		return Session{}, err
	}
	pr, err := m.provider(f, name)
	if err != nil {
		return Session{}, err
	}
	if st := pr.status(m.now(), m.warnBefore()); st.State == Active && !opts.Force {
		return Session{}, &ActiveError{Profile: name, Left: st.Left, Until: st.Expiration}
	}
	return pr.login(ctx, opts)
}

// sessionTokenProvider logs an MFA profile in: GetSessionToken with the
// long-term keys of L and a code, the session written into [X].
type sessionTokenProvider struct {
	m *Manager
	f *awsFiles
	p Profile
	// forRole is the role profile this login is for, if any, so the
	// question can say so.
	forRole string
}

func (s *sessionTokenProvider) status(now time.Time, warn time.Duration) Status {
	return s.f.status(s.p, now, warn)
}

func (s *sessionTokenProvider) login(ctx context.Context, opts LoginOptions) (Session, error) {
	m, f, p := s.m, s.f, s.p
	duration, err := loginDuration(p, opts)
	if err != nil {
		return Session{}, err
	}
	conv := m.newConversation(f, p, opts, s.forRole)
	// Everything the write needs is checked before a code is asked for,
	// so nobody types one in vain.
	if conv.hasSource() {
		if err := inifile.Check(f.credPath); err != nil {
			return Session{}, f.named(err)
		}
		if err := trySessionEdit(f, p.Name, m.now()); err != nil {
			return Session{}, err
		}
	}
	var (
		keys  *Keys
		creds sessionCreds
		tx    *inifile.Tx // held from just before STS is asked to the write
	)
	defer func() { tx.Close() }()
	err = conv.run(ctx, func(ctx context.Context, code string) error {
		if keys == nil {
			k, err := m.longTermKeys(ctx, f, p.LongTerm)
			if err != nil {
				return err
			}
			keys = &k
		}
		// The lock comes before STS: a write that cannot happen must fail
		// before the code is spent. It is not held while a person types.
		if tx == nil {
			t, err := inifile.Begin(ctx, f.credPath, inifile.Reusing(f.cred), inifile.Needing(f.lastingSections()...))
			if err != nil {
				if ctx.Err() != nil {
					return ErrCanceled
				}
				return f.named(err)
			}
			tx = t
			if tx.File() != f.cred {
				// The file changed while the code was typed: decide on
				// what it holds now, which is also what the write edits.
				f.cred = tx.File()
				if p, err = f.loginProfile(p.Name); err != nil {
					return err
				}
				if m.keysFromFile(f, p.LongTerm) {
					k, err := m.longTermKeys(ctx, f, p.LongTerm)
					if err != nil {
						return err
					}
					keys = &k
				}
			}
		}
		if strings.HasPrefix(keys.AccessKeyID, "ASIA") {
			return fmt.Errorf("[%s] holds session credentials, and STS cannot start an MFA session from a session: put the IAM user's long-term keys (AKIA...) there", p.LongTerm)
		}
		// The lock stays; the lease goes, so the AWS CLI is never held up
		// by a login that waits on STS (or is stopped meanwhile).
		tx.Unlease()
		var err error
		creds, err = m.getSessionToken(ctx, p, *keys, code, duration)
		if errors.Is(err, ErrCodeRejected) {
			tx.Close() // the conversation may ask again: let go meanwhile
			tx = nil
		}
		return err
	})
	if err != nil {
		return Session{}, err
	}
	if err := writeSession(ctx, tx, f.credPath, p.Name, creds); err != nil {
		if ctx.Err() != nil {
			return Session{}, ErrCanceled
		}
		return Session{}, f.named(fmt.Errorf("STS accepted the MFA code, but the session was not saved, so wait for the next code before you try again: %w", err))
	}
	return Session{Profile: p.Name, Expiration: creds.expiration, Duration: grantedDuration(creds.expiration, m.now()), Warning: p.Warning}, nil
}

// loginProfile resolves name to an MFA profile that can log in now.
func (f *awsFiles) loginProfile(name string) (Profile, error) {
	p, err := f.profile(name)
	if err != nil {
		return Profile{}, err
	}
	if p.Problem != nil {
		return Profile{}, p.Problem
	}
	return p, nil
}

// loginDuration is the session length asked for: the option, else the
// profile's duration_seconds, else STS's default.
func loginDuration(p Profile, opts LoginOptions) (time.Duration, error) {
	duration := opts.Duration
	if duration == 0 {
		duration = p.Duration
	}
	if duration == 0 {
		duration = DefaultDuration
	}
	if err := checkDuration(duration); err != nil {
		return 0, err
	}
	return duration, nil
}

// sessionCreds is what we write; it never leaves this package.
type sessionCreds struct {
	accessKeyID, secretAccessKey, sessionToken string
	expiration                                 time.Time
}

func (m *Manager) getSessionToken(ctx context.Context, p Profile, keys Keys, code string, d time.Duration) (sessionCreds, error) {
	newSTS := m.cfg.NewSTS
	if newSTS == nil {
		newSTS = NewSTSClient
	}
	client, err := newSTS(ctx, p, keys)
	if err != nil {
		return sessionCreds{}, err // its own sentence (the CA bundle)
	}
	timeout := m.cfg.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, err := client.GetSessionToken(cctx, &sts.GetSessionTokenInput{
		SerialNumber:    aws.String(p.Serial),
		TokenCode:       aws.String(code),
		DurationSeconds: aws.Int32(int32(d / time.Second)),
	})
	if err != nil {
		if ctx.Err() != nil {
			return sessionCreds{}, ErrCanceled
		}
		return sessionCreds{}, explainCall(err, stsCall{p: p, timeout: timeout, code: code, secrets: []string{keys.AccessKeyID, keys.SecretAccessKey}})
	}
	return checkCredentials(out.Credentials, m.now(), MaxDuration, p, code)
}

// writeSession splices the session into [name] under tx's lock. The
// guards run on the file as the write finds it, not as the login began.
func writeSession(ctx context.Context, tx *inifile.Tx, credPath, name string, c sessionCreds) error {
	return tx.Commit(ctx, sessionEdit(credPath, name, c))
}

// sessionEdit is the edit that puts c into [name] of the credentials file
// at credPath, refusing a section it must not or cannot change.
func sessionEdit(credPath, name string, c sessionCreds) func(*inifile.File) error {
	return func(file *inifile.File) error {
		if err := sessionSectionProblem(file, credPath, name); err != nil {
			return err
		}
		kvs := [][2]string{
			{"aws_access_key_id", c.accessKeyID},
			{"aws_secret_access_key", c.secretAccessKey},
			{"aws_session_token", c.sessionToken},
			{"expiration", c.expiration.Format(time.RFC3339)},
		}
		if file.Count(name) == 0 {
			kvs = append(kvs, [2]string{createdMarker, "true"})
		}
		for _, kv := range kvs {
			if err := file.Set(name, kv[0], kv[1]); err != nil {
				return editProblem(err, file, credPath, name, kv[0], "set")
			}
		}
		// botocore reads aws_security_token first: a stale one would win.
		if _, err := file.Delete(name, "aws_security_token"); err != nil {
			return editProblem(err, file, credPath, name, "aws_security_token", "remove")
		}
		return nil
	}
}

// placeholderSession has the shape of what STS issues (ids, a secret and
// a token of the usual lengths and alphabets), for trying the edit before
// any code is asked for.
func placeholderSession(now time.Time) sessionCreds {
	return sessionCreds{
		accessKeyID:     "ASIA" + strings.Repeat("X", 16),
		secretAccessKey: strings.Repeat("wJalrXUtnFEMI/K7MDENG+bPxRfiCY", 2)[:40],
		sessionToken:    "IQoJb3JpZ2luX2VjE" + strings.Repeat("Ab0+/z", 60) + "==",
		expiration:      now.Add(time.Hour).UTC().Truncate(time.Second),
	}
}

// trySessionEdit runs the session edit on a copy of the credentials file
// as f read it, with placeholder values, so that an edit the editor would
// refuse (the section holds long-term keys, a layout no edit keeps right
// for both AWS readers) is said before a code is asked for and spent.
func trySessionEdit(f *awsFiles, name string, now time.Time) error {
	return sessionEdit(f.credPath, name, placeholderSession(now))(inifile.Parse(f.cred.Bytes()))
}

// sessionSectionProblem refuses to touch [name] when it appears more than
// once, or holds the user's permanent keys (longTermProblem, the one
// check of "never write a session where long-term keys live").
func sessionSectionProblem(file *inifile.File, credPath, name string) error {
	if n := file.Count(name); n > 1 {
		return duplicateSection(name, n, credPath)
	}
	f := &awsFiles{credPath: credPath, cred: file, cfg: inifile.Parse(nil)}
	return f.longTermProblem(name)
}
