// Package keychain keeps awsmfa's long-term AWS keys in the OS keychain:
// the macOS Keychain, the Windows Credential Manager, or a Secret Service
// (GNOME Keyring, KWallet 5.97+, KeePassXC) on the Linux session D-Bus.
//
// Each long-term profile L is one item: service "awsmfa", account L, and as
// secret the JSON object {"aws_access_key_id":...,"aws_secret_access_key":...}.
//
// It is built on github.com/zalando/go-keyring rather than
// github.com/99designs/keyring because zalando covers exactly the three
// system keychains and nothing else, in pure Go: no cgo, so the Windows
// and macOS builds cross-compile from Linux (99designs' macOS backend needs
// cgo); it talks D-Bus through godbus, which the tray already uses; and a
// locked keychain is unlocked by the OS's own prompt. 99designs' extra
// backends (pass, an encrypted file, KWallet's own API) each need a
// passphrase prompt or another tool, which awsmfa would have to drive.
package keychain

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// Service is the keychain service name of every awsmfa item.
const Service = "awsmfa"

// DefaultTimeout bounds one keychain call. It is long because a locked
// keychain makes the OS ask the user for a password first.
const DefaultTimeout = 2 * time.Minute

// ErrNotFound: the keychain holds no awsmfa item for the account.
var ErrNotFound = errors.New("no awsmfa item in the OS keychain")

// Item is the secret of one keychain item.
type Item struct {
	AccessKeyID     string `json:"aws_access_key_id"`
	SecretAccessKey string `json:"aws_secret_access_key"`
}

// backend is the part of go-keyring we use; tests swap it.
type backend interface {
	Set(service, account, secret string) error
	Get(service, account string) (string, error)
	Delete(service, account string) error
}

type goKeyring struct{}

func (goKeyring) Set(s, a, p string) error        { return keyring.Set(s, a, p) }
func (goKeyring) Get(s, a string) (string, error) { return keyring.Get(s, a) }
func (goKeyring) Delete(s, a string) error        { return keyring.Delete(s, a) }

// Store is the OS keychain. The zero value is ready to use.
type Store struct {
	// Timeout bounds one call, unlock prompt included; 0 means
	// DefaultTimeout. A call that times out may still finish later.
	Timeout time.Duration

	b backend // nil: the OS keychain
}

// Get reads the item of account. A missing item wraps ErrNotFound.
func (s Store) Get(account string) (Item, error) {
	var raw string
	err := s.do(func(b backend) (err error) {
		raw, err = b.Get(Service, account)
		return err
	})
	if err != nil {
		return Item{}, s.explain("read", account, err)
	}
	var it Item
	if err := json.Unmarshal([]byte(raw), &it); err != nil || it.AccessKeyID == "" || it.SecretAccessKey == "" {
		// The error of json would quote the secret: never return it.
		return Item{}, fmt.Errorf("the keychain item %q of service %q is not awsmfa's JSON with aws_access_key_id and aws_secret_access_key", account, Service)
	}
	return it, nil
}

// Set creates or replaces the item of account.
func (s Store) Set(account string, it Item) error {
	if it.AccessKeyID == "" || it.SecretAccessKey == "" {
		return errors.New("refusing to store incomplete keys in the keychain")
	}
	raw, err := json.Marshal(it)
	if err != nil {
		return fmt.Errorf("encode keychain item: %w", err)
	}
	err = s.do(func(b backend) error { return b.Set(Service, account, string(raw)) })
	if err != nil {
		return scrub(s.explain("write", account, err), it.AccessKeyID, it.SecretAccessKey)
	}
	return nil
}

// Delete removes the item of account. A missing item wraps ErrNotFound.
func (s Store) Delete(account string) error {
	if err := s.do(func(b backend) error { return b.Delete(Service, account) }); err != nil {
		return s.explain("delete", account, err)
	}
	return nil
}

// do runs one call with the timeout. go-keyring waits for an unlock prompt
// without any deadline, so the call runs aside and is abandoned on timeout.
func (s Store) do(call func(backend) error) error {
	b := s.b
	if b == nil {
		b = goKeyring{}
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	done := make(chan error, 1)
	go func() { done <- call(b) }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		return &timeoutError{after: timeout}
	}
}

type timeoutError struct{ after time.Duration }

func (e *timeoutError) Error() string {
	return fmt.Sprintf("the OS keychain did not answer within %s (is an unlock prompt waiting?)", e.after)
}

// explain turns a backend error into a sentence; hint adds what the OS
// needs (per-OS file).
func (s Store) explain(op, account string, err error) error {
	var te *timeoutError
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return fmt.Errorf("%s keychain item %q of service %q: %w", op, account, Service, ErrNotFound)
	case errors.As(err, &te):
		return fmt.Errorf("%s keychain item %q: %w", op, account, err)
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return fmt.Errorf("%s keychain item %q: the OS keychain refused it as too big", op, account)
	}
	h, known := hint(err)
	if known {
		// The cause is understood and h says what to do: the raw chain
		// (exec: "dbus-launch": executable file not found...) stays out of
		// the sentence, and in the chain for errors.Is.
		// Callers say which item; the sentence is what to do.
		return &explained{msg: h, cause: err}
	}
	return fmt.Errorf("%s keychain item %q: %s: %w", op, account, h, err)
}

// explained is an error whose text is its sentence alone.
type explained struct {
	msg   string
	cause error
}

func (e *explained) Error() string { return e.msg }
func (e *explained) Unwrap() error { return e.cause }

// scrub makes sure no secret leaves in an error text; the error chain is
// dropped when it would.
func scrub(err error, secrets ...string) error {
	msg := err.Error()
	leaked := false
	for _, s := range secrets {
		if s != "" && strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, "***")
			leaked = true
		}
	}
	if !leaked {
		return err
	}
	if errors.Is(err, ErrNotFound) {
		return fmt.Errorf("%s: %w", msg, ErrNotFound)
	}
	return errors.New(msg)
}
