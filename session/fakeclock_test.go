package session

import (
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/fakeclock"
)

// FakeClock is the tests' clock (internal/fakeclock), here under the name
// the core's tests use.
type FakeClock = fakeclock.Clock

// NewFakeClock starts a FakeClock at t.
func NewFakeClock(t time.Time) *FakeClock { return fakeclock.New(t) }
