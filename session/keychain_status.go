package session

import (
	"errors"
	"fmt"
)

// KeyStore says where a profile's long-term keys live.
type KeyStore int

const (
	KeysMissing    KeyStore = iota // neither in the file nor (when probed) in the keychain
	KeysInFile                     // aws_access_key_id and aws_secret_access_key in [L]
	KeysInKeychain                 // [L] holds "awsmfa_keychain = true"
)

func (s KeyStore) String() string {
	switch s {
	case KeysInFile:
		return "file"
	case KeysInKeychain:
		return "keychain"
	default:
		return "missing"
	}
}

// KeyLocation is where the long-term keys of one MFA profile live.
type KeyLocation struct {
	Profile  string // X
	LongTerm string // L, the keychain account; "" when X has none
	Store    KeyStore
	// Problem says what to fix when Store is KeysMissing, or why a probe
	// could not read the keychain (then Store stays KeysInKeychain).
	Problem error
}

// KeychainStatus lists, for every MFA profile sorted by name, where its
// long-term keys live. Without probe it reads only the files (cheap, never
// prompts: what the tray needs for its lock icons). With probe it also
// reads each keychain item once, which may make the OS ask to unlock the
// keychain, and reports a missing item as KeysMissing.
func (m *Manager) KeychainStatus(probe bool) ([]KeyLocation, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return nil, err
	}
	return m.keyLocations(f, f.profiles(), probe), nil
}

// keyLocations is KeychainStatus on files already read.
func (m *Manager) keyLocations(f *awsFiles, profiles []Profile, probe bool) []KeyLocation {
	probed := map[string]error{}
	out := make([]KeyLocation, 0, len(profiles))
	for _, p := range profiles {
		loc := KeyLocation{Profile: p.Name, LongTerm: p.LongTerm}
		l := p.LongTerm
		switch {
		case f.credGet(l, "aws_access_key_id") != "" && f.credGet(l, "aws_secret_access_key") != "":
			loc.Store = KeysInFile
		case f.inKeychain(l):
			loc.Store = KeysInKeychain
			if !probe {
				break
			}
			err, seen := probed[l]
			if !seen {
				_, err = m.keychain().Get(l)
				probed[l] = err
			}
			switch {
			case errors.Is(err, ErrKeychainNotFound):
				loc.Store, loc.Problem = KeysMissing, missingItemError(l, f.credPath)
			case err != nil:
				loc.Problem = fmt.Errorf("read the keychain item of [%s]: %w", l, err)
			}
		default:
			loc.Problem = f.noKeysError(p.Name, l)
		}
		out = append(out, loc)
	}
	return out
}
