package keychain

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
)

// memBackend is an in-memory keychain that can fail or block.
type memBackend struct {
	mu    sync.Mutex
	items map[string]string
	err   error         // returned by every call when set
	block chan struct{} // calls wait on it when set
}

func (m *memBackend) wait() {
	if m.block != nil {
		<-m.block
	}
}

func (m *memBackend) Set(s, a, p string) error {
	m.wait()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	if m.items == nil {
		m.items = map[string]string{}
	}
	m.items[s+"/"+a] = p
	return nil
}

func (m *memBackend) Get(s, a string) (string, error) {
	m.wait()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return "", m.err
	}
	v, ok := m.items[s+"/"+a]
	if !ok {
		return "", errNotFoundFromBackend
	}
	return v, nil
}

func (m *memBackend) Delete(s, a string) error {
	m.wait()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return m.err
	}
	if _, ok := m.items[s+"/"+a]; !ok {
		return errNotFoundFromBackend
	}
	delete(m.items, s+"/"+a)
	return nil
}

const (
	testID     = "AKIAIOSFODNN7EXAMPLE"
	testSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

func TestRoundTripAndFormat(t *testing.T) {
	b := &memBackend{}
	s := Store{b: b}
	if err := s.Set("myaccountPerm", Item{AccessKeyID: testID, SecretAccessKey: testSecret}); err != nil {
		t.Fatal(err)
	}
	// The documented item layout: service awsmfa, account L, JSON secret.
	want := `{"aws_access_key_id":"` + testID + `","aws_secret_access_key":"` + testSecret + `"}`
	if got := b.items["awsmfa/myaccountPerm"]; got != want {
		t.Errorf("stored secret = %q, want %q", got, want)
	}
	got, err := s.Get("myaccountPerm")
	if err != nil {
		t.Fatal(err)
	}
	if got.AccessKeyID != testID || got.SecretAccessKey != testSecret {
		t.Error("Get did not return what Set stored")
	}
	if err := s.Delete("myaccountPerm"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get("myaccountPerm"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v, want ErrNotFound", err)
	}
	if err := s.Delete("myaccountPerm"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: %v, want ErrNotFound", err)
	}
}

func TestErrorsNeverHoldSecrets(t *testing.T) {
	tests := []struct {
		name   string
		stored string // raw secret in the backend, for Get
		err    error
		call   func(Store) error
		want   string
	}{
		{name: "backend echoes the secret on Set", err: errors.New("cannot store " + testSecret + " for " + testID),
			call: func(s Store) error {
				return s.Set("p", Item{AccessKeyID: testID, SecretAccessKey: testSecret})
			}, want: "write keychain item"},
		{name: "item is not JSON", stored: "secret=" + testSecret,
			call: func(s Store) error { _, err := s.Get("p"); return err }, want: "is not awsmfa's JSON"},
		{name: "item lacks the secret", stored: `{"aws_access_key_id":"` + testID + `"}`,
			call: func(s Store) error { _, err := s.Get("p"); return err }, want: "is not awsmfa's JSON"},
		{name: "incomplete keys are refused", call: func(s Store) error { return s.Set("p", Item{AccessKeyID: testID}) },
			want: "incomplete keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &memBackend{items: map[string]string{}}
			if tt.stored != "" {
				b.items["awsmfa/p"] = tt.stored
			}
			b.err = tt.err
			err := tt.call(Store{b: b})
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if strings.Contains(msg, testSecret) || strings.Contains(msg, testID) {
				t.Errorf("error holds a key: %s", msg)
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not say %q", msg, tt.want)
			}
		})
	}
}

func TestTimeout(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	s := Store{b: &memBackend{block: block}, Timeout: time.Millisecond}
	_, err := s.Get("p")
	if err == nil || !strings.Contains(err.Error(), "did not answer within") {
		t.Fatalf("Get on a stuck keychain: %v", err)
	}
	if errors.Is(err, ErrNotFound) {
		t.Error("a timeout must not read as a missing item")
	}
}

func TestHintNamesTheFix(t *testing.T) {
	cause := errors.New("The name org.freedesktop.secrets was not provided by any .service files")
	err := Store{b: &memBackend{err: cause}}.Delete("myaccountPerm")
	h, known := hint(cause)
	if err == nil || !errors.Is(err, cause) {
		t.Fatalf("Delete = %v: want the cause in the chain", err)
	}
	if known && err.Error() != h || !known && (!strings.Contains(err.Error(), `"myaccountPerm"`) || !strings.Contains(err.Error(), h)) {
		t.Fatalf("Delete = %v: want the per-OS hint alone when it knows the cause, else the item, the hint and the cause", err)
	}
}
