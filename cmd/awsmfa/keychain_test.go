package main

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// memKeychain is a fake OS keychain.
type memKeychain struct {
	mu    sync.Mutex
	items map[string]session.Keys
}

func (k *memKeychain) Get(l string) (session.Keys, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.items[l]
	if !ok {
		return session.Keys{}, fmt.Errorf("no item for %s: %w", l, session.ErrKeychainNotFound)
	}
	return v, nil
}

func (k *memKeychain) Set(l string, v session.Keys) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.items[l] = v
	return nil
}

func (k *memKeychain) Delete(l string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.items[l]; !ok {
		return session.ErrKeychainNotFound
	}
	delete(k.items, l)
	return nil
}

func TestKeychainImportLoginExport(t *testing.T) {
	e := newEnv(t)
	e.standard(t, "myaccount")
	kc := &memKeychain{items: map[string]session.Keys{}}
	withManager(t, session.Config{Keychain: kc, Clock: e.clock})
	original := e.readCreds(t)
	user := e.users["myaccount"]

	steps := []struct {
		args   []string
		stdout string
	}{
		{[]string{"--profile", "myaccount", "keychain", "import"}, "Moved the long-term keys of myaccount into the OS keychain"},
		{[]string{"keychain", "import", "--profile", "myaccount"}, "already in the OS keychain"},
		{[]string{"keychain", "status"}, "myaccount  myaccountPerm  keychain  -"},
		{[]string{"--profile", "myaccount", "login", "--token-code", "CODE"}, "Logged in myaccount until"},
		{[]string{"--profile", "myaccount", "logout"}, "Logged out myaccount"},
		{[]string{"--profile", "myaccount", "keychain", "export"}, "back into"},
		{[]string{"--profile", "myaccount", "keychain", "export"}, "not in the OS keychain"},
	}
	var outputs []string
	for _, s := range steps {
		args := make([]string, len(s.args))
		for i, a := range s.args {
			args[i] = strings.ReplaceAll(a, "CODE", e.code(t, "myaccount"))
		}
		r := cli(t, args...)
		outputs = append(outputs, r.stdout, r.stderr)
		if r.code != 0 || !strings.Contains(r.stdout, s.stdout) {
			t.Fatalf("%v: exit %d, stdout %q, stderr %q; want %q", s.args, r.code, r.stdout, r.stderr, s.stdout)
		}
		if strings.Contains(strings.Join(s.args, " "), "import") || strings.Contains(strings.Join(s.args, " "), "login") {
			creds := e.readCreds(t)
			if strings.Contains(creds, user.SecretAccessKey) || strings.Contains(creds, user.AccessKeyID) {
				t.Fatalf("after %v the long-term key is still in the file", s.args)
			}
		}
	}
	if got := e.readCreds(t); got != original {
		t.Errorf("after import, login, logout, export:\n%s\nwant\n%s", got, original)
	}
	if len(kc.items) != 0 {
		t.Errorf("keychain still holds %v", len(kc.items))
	}
	e.assertNoSecrets(t, outputs...)
}

func TestKeychainUsage(t *testing.T) {
	for _, args := range [][]string{{"keychain"}, {"keychain", "burn"}, {"keychain", "import", "extra"}} {
		newEnv(t)
		r := cli(t, args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "usage: awsmfa [--profile P] keychain import|export|status") {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
	}
}
