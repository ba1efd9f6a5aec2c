package main

import (
	"testing"
	"time"
)

func TestParseBench(t *testing.T) {
	out := `goos: linux
BenchmarkSnapshot/profiles=1000-2         	       3	  10865488 ns/op	  45.94 MB/s	 6429589 B/op	   33979 allocs/op
BenchmarkLoginLoopback-2                	       3	   2315107 ns/op	  348632 B/op	    2277 allocs/op
BenchmarkBroken-2 	 3 	 nonsense
PASS`
	got := parseBench(out)
	want := map[string]benchResult{
		"Snapshot/profiles=1000": {nsPerOp: 10865488, bytesPerOp: 6429589, allocs: 33979},
		"LoginLoopback":          {nsPerOp: 2315107, bytesPerOp: 348632, allocs: 2277},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s: got %+v, want %+v", k, got[k], w)
		}
	}
}

func TestParseCallgrind(t *testing.T) {
	stderr := "==5791== Events    : Ir\n==5791== Collected : 7877471\n==5791== \n==5791== I   refs:      7,877,471\n"
	if n, ok := parseCallgrind(stderr); !ok || n != 7877471 {
		t.Errorf("got %d, %v; want 7877471", n, ok)
	}
	if _, ok := parseCallgrind("==1== Callgrind: threads.c:247 Assertion failed\n"); ok {
		t.Error("a crashed run gave a count")
	}
}

func TestMillions(t *testing.T) {
	for n, want := range map[int64]string{4846070: "4.85 M", 326597: "0.33 M", 3100000: "3.10 M", 12000000: "12.00 M"} {
		if got := millions(n); got != want {
			t.Errorf("millions(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestParseInitTrace(t *testing.T) {
	stderr := "init runtime @0.032 ms, 0.055 ms clock, 0 bytes, 0 allocs\n" +
		"init main @1.9 ms, 0.004 ms clock, 48 bytes, 1 allocs\n" +
		"awsmfa dev\n"
	got := parseInitTrace(stderr)
	if len(got) != 2 {
		t.Fatalf("got %d traces, want 2: %+v", len(got), got)
	}
	if got[1].pkg != "main" || got[1].at != 1900*time.Microsecond || got[1].clock != 4*time.Microsecond {
		t.Errorf("main: got %+v", got[1])
	}
}

func TestStats(t *testing.T) {
	s := samples{5 * time.Millisecond, time.Millisecond, 3 * time.Millisecond, 2 * time.Millisecond}
	if s.median() != 2500*time.Microsecond || s.min() != time.Millisecond || s.max() != 5*time.Millisecond {
		t.Errorf("median %v min %v max %v", s.median(), s.min(), s.max())
	}
	if g := growth([]float64{1, 2, 20}); g != "2.0x → 10.0x" {
		t.Errorf("growth: %q", g)
	}
	if thousands(10000) != "10,000" || thousands(100) != "100" {
		t.Error("thousands")
	}
}
