package stsfake

import "github.com/awsmfa-tray/awsmfa-tray/internal/fakeserver"

// TB is the part of testing.TB that NewTest needs. It is an interface so that
// this package does not import testing into the demo build.
type TB = fakeserver.TB

// NewTest starts a server on a loopback port and closes it when the test
// ends.
func NewTest(t TB, opts ...Option) *Server {
	t.Helper()
	return fakeserver.StartTest(t, "sts fake", New(opts...))
}
