package session

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsmfa-tray/awsmfa-tray/session/keychain"
)

// Keychain keeps long-term keys outside the credentials file, one item per
// long-term profile L. [L] then holds only the marker "awsmfa_keychain =
// true", so discovery still finds the profile. Implementations must never
// put a key in an error.
type Keychain interface {
	// Get reads L's keys; a missing item wraps ErrKeychainNotFound.
	Get(longTerm string) (Keys, error)
	// Set creates or replaces L's item.
	Set(longTerm string, k Keys) error
	// Delete removes L's item; a missing item wraps ErrKeychainNotFound.
	Delete(longTerm string) error
}

// IdentityAPI is the STS call that proves keys work before KeychainImport
// takes them out of the file. The client from Config.NewSTS must implement
// it too (the real *sts.Client does).
type IdentityAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

var (
	// ErrKeychainNotFound: the keychain has no awsmfa item for the profile.
	ErrKeychainNotFound = keychain.ErrNotFound
	// ErrInKeychain: KeychainImport found the keys already in the keychain.
	ErrInKeychain = errors.New("the long-term keys are already in the OS keychain")
	// ErrNotInKeychain: KeychainExport found no keychain marker in [L].
	ErrNotInKeychain = errors.New("the long-term keys are not in the OS keychain")
)

// OSKeychain is the system keychain (macOS Keychain, Windows Credential
// Manager, Secret Service on Linux): service "awsmfa", account L, and the
// keys as a JSON object. A locked keychain makes the OS ask to unlock it.
func OSKeychain() Keychain { return osKeychain{} }

type osKeychain struct{ s keychain.Store }

func (o osKeychain) Get(l string) (Keys, error) {
	it, err := o.s.Get(l)
	if err != nil {
		return Keys{}, err
	}
	return Keys{AccessKeyID: it.AccessKeyID, SecretAccessKey: it.SecretAccessKey}, nil
}

func (o osKeychain) Set(l string, k Keys) error {
	return o.s.Set(l, keychain.Item{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey})
}

func (o osKeychain) Delete(l string) error { return o.s.Delete(l) }

func (m *Manager) keychain() Keychain {
	if m.cfg.Keychain != nil {
		return m.cfg.Keychain
	}
	return OSKeychain()
}

// keychainKeys is the KeySource for a long-term profile whose [L] carries
// the marker; fileKeys hands over to it.
type keychainKeys struct {
	kc       Keychain
	credPath string
}

func (k keychainKeys) LongTermKeys(ctx context.Context, l string) (Keys, error) {
	// An unlock prompt can take the user a while: a canceled login (the
	// tray's Cancel, Ctrl-C) stops waiting for it.
	type result struct {
		keys Keys
		err  error
	}
	done := make(chan result, 1)
	go func() {
		keys, err := k.kc.Get(l)
		done <- result{keys, err}
	}()
	var keys Keys
	var err error
	select {
	case r := <-done:
		keys, err = r.keys, r.err
	case <-ctx.Done():
		return Keys{}, ErrCanceled
	}
	if errors.Is(err, ErrKeychainNotFound) {
		return Keys{}, missingItemError(l, k.credPath)
	}
	if err != nil {
		return Keys{}, fmt.Errorf("read the long-term keys of [%s] from the OS keychain: %w", l, err)
	}
	if keys.AccessKeyID == "" || keys.SecretAccessKey == "" {
		return Keys{}, fmt.Errorf("the OS keychain item for [%s] lacks a key: run \"awsmfa keychain export --profile %s\" after fixing it, or put the keys back into [%s] in %s", l, l, l, credPathOr(k.credPath))
	}
	return keys, nil
}

// missingItemError says how to recover when [L] points at the keychain but
// the item is gone (deleted by hand, or another user account's keychain).
func missingItemError(l, credPath string) error {
	return fmt.Errorf("[%s] in %s says its long-term keys are in the OS keychain (awsmfa_keychain = true), but the keychain has no \"awsmfa\" item for %s: put aws_access_key_id and aws_secret_access_key back into [%s] in place of the awsmfa_keychain line, then run \"awsmfa keychain import --profile %s\" to move them again: %w",
		l, credPathOr(credPath), l, l, l, ErrKeychainNotFound)
}

func credPathOr(p string) string {
	if p == "" {
		return "the credentials file"
	}
	return p
}
