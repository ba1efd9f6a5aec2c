package session_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// fakeKeychain is a map keychain. With dir set, every item is also a file
// there, so a child process and its parent share it (crash tests).
type fakeKeychain struct {
	mu                     sync.Mutex
	dir                    string
	items                  map[string]session.Keys
	setErr, getErr, delErr error
	mangle                 bool // Get answers other keys than Set stored
	sets, gets, deletes    int
	// stop, when set, runs after Set stores an item and before Delete
	// removes one, with "set" or "delete": the crash tests kill the
	// process there.
	stop func(op string)
}

func newFakeKeychain() *fakeKeychain { return &fakeKeychain{items: map[string]session.Keys{}} }

func (k *fakeKeychain) path(l string) string { return filepath.Join(k.dir, l+".json") }

func (k *fakeKeychain) Get(l string) (session.Keys, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.gets++
	if k.getErr != nil {
		return session.Keys{}, k.getErr
	}
	keys, ok := k.items[l]
	if k.dir != "" {
		b, err := os.ReadFile(k.path(l))
		ok = err == nil && json.Unmarshal(b, &keys) == nil
	}
	if !ok {
		return session.Keys{}, fmt.Errorf("fake keychain: %w", session.ErrKeychainNotFound)
	}
	if k.mangle {
		keys.SecretAccessKey += "x"
	}
	return keys, nil
}

func (k *fakeKeychain) Set(l string, keys session.Keys) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.sets++
	if k.setErr != nil {
		return k.setErr
	}
	k.items[l] = keys
	if k.dir != "" {
		b, _ := json.Marshal(keys)
		tmp := k.path(l) + ".tmp"
		if err := os.WriteFile(tmp, b, 0o600); err != nil {
			return err
		}
		if err := os.Rename(tmp, k.path(l)); err != nil {
			return err
		}
	}
	if k.stop != nil {
		k.stop("set")
	}
	return nil
}

func (k *fakeKeychain) Delete(l string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.deletes++
	if k.delErr != nil {
		return k.delErr
	}
	if k.stop != nil {
		k.stop("delete")
	}
	_, ok := k.items[l]
	delete(k.items, l)
	if k.dir != "" {
		err := os.Remove(k.path(l))
		ok = err == nil
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	if !ok {
		return fmt.Errorf("fake keychain: %w", session.ErrKeychainNotFound)
	}
	return nil
}

// has reports whether the keychain holds exactly keys for l.
func (k *fakeKeychain) has(l string, keys session.Keys) bool {
	k.mu.Lock()
	mangle := k.mangle
	k.mangle = false
	getErr := k.getErr
	k.getErr = nil
	k.mu.Unlock()
	got, err := k.Get(l)
	k.mu.Lock()
	k.mangle, k.getErr = mangle, getErr
	k.gets--
	k.mu.Unlock()
	return err == nil && got == keys
}
