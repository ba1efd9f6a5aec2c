package main

import (
	"log/slog"
	"runtime"
	"runtime/debug"
	"testing"
)

// Once settled, the tray runs Go code on one thread and paces the
// collector by heap growth (GOGC off), unless the environment says.
func TestSettle(t *testing.T) {
	t.Setenv("GOMAXPROCS", "")
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	prev := debug.SetGCPercent(100)
	defer debug.SetGCPercent(prev)
	settle(slog.New(slog.DiscardHandler))
	if n := runtime.GOMAXPROCS(0); n != 1 {
		t.Errorf("GOMAXPROCS is %d after settle, want 1", n)
	}
	if p := debug.SetGCPercent(100); p != -1 {
		t.Errorf("GOGC is %d after settle, want off", p)
	}
}
