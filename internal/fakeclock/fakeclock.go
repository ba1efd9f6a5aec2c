// Package fakeclock is a clock that moves only when a test says so, for
// tests of expiry logic across packages. Only tests import it.
package fakeclock

import (
	"sync"
	"time"
)

// Clock only moves when told. It satisfies session.Clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// New starts a Clock at t.
func New(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's current time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}
