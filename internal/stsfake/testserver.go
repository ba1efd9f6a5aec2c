package stsfake

// TB is the part of testing.TB that NewTest needs. It is an interface so that
// this package does not import testing into the demo build.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// NewTest starts a server on a loopback port and closes it when the test
// ends.
func NewTest(t TB, opts ...Option) *Server {
	t.Helper()
	s := New(opts...)
	if err := s.Start(); err != nil {
		t.Fatalf("start sts fake: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}
