//go:build linux

package e2e

import (
	"bytes"
	"sync"
	"testing"
	"time"
)

// pollEvery is how often waiters re-check. Short, because each check is a
// cheap D-Bus call or file read.
const pollEvery = 50 * time.Millisecond

// eventually polls cond until it returns nil or the deadline passes, then
// fails the test with cond's last error. It is the only way tests wait:
// no fixed sleep ever stands in for an assertion.
func eventually(t *testing.T, within time.Duration, what string, cond func() error) {
	t.Helper()
	if err := poll(within, cond); err != nil {
		t.Fatalf("%s: not true within %v: %v", what, within, err)
	}
}

// poll is eventually without the test: it returns cond's last error.
func poll(within time.Duration, cond func() error) error {
	deadline := time.Now().Add(within)
	for {
		err := cond()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(pollEvery)
	}
}

// syncBuffer collects a child's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
