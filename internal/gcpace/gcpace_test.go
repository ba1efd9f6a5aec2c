package gcpace

import (
	"math"
	"runtime"
	"runtime/debug"
	"sync/atomic"
	"testing"
	"time"
)

func TestLimit(t *testing.T) {
	for _, tc := range []struct {
		live, beside uint64
		want         int64
	}{
		{0, 1 << 20, 1<<20 + minGrowth + 1<<20},
		{1 << 20, 2 << 20, 3<<20 + minGrowth + 1<<20},
		{100 << 20, 3 << 20, 3<<20 + 200<<20 + 6<<20},
	} {
		if got := limit(tc.live, tc.beside); got != tc.want {
			t.Errorf("limit(%d, %d) = %d, want %d", tc.live, tc.beside, got, tc.want)
		}
	}
}

var keep [][]byte

var sink []byte // makes the garbage escape to the heap

// TestPacing: with pacing on, garbage still gets collected (the limit
// starts collections, and each one sets the next limit from the new live
// heap), the heap stays near twice the live data, and the limit follows
// the live heap up when more is kept.
func TestPacing(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	started.Store(false) // -count=N: each run starts afresh
	if !Start(nil) {
		t.Fatal("Start refused with neither GOGC nor GOMEMLIMIT set")
	}
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Fatalf("GOGC is %d after Start, want off", p)
	}
	// A collection now sets the limit from what is live now.
	runtime.GC()
	waitLimit(t, "with little live", func(l int64) bool { return l < 16<<20 })
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	gcs := ms.NumGC
	// 64 MiB of garbage, 64 KiB at a time: with GOGC off and no limit it
	// would all stay.
	var peak uint64
	for i := 0; i < 1024; i++ {
		sink = make([]byte, 64<<10)
		if i%64 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
		}
	}
	runtime.ReadMemStats(&ms)
	if ms.NumGC < gcs+4 {
		t.Errorf("%d collections for 64 MiB of garbage, want several", ms.NumGC-gcs)
	}
	if peak > 24<<20 {
		t.Errorf("the heap reached %d MiB with about %d MiB live", peak>>20, ms.HeapAlloc>>20)
	}
	// Keep 32 MiB: the limit must follow, or every allocation would
	// start a collection.
	for i := 0; i < 512; i++ {
		keep = append(keep, make([]byte, 64<<10))
	}
	runtime.GC()
	waitLimit(t, "with 32 MiB live", func(l int64) bool { return l >= 64<<20 && l < 80<<20 })
	keep = nil
}

// waitLimit waits for the memory limit to satisfy ok: the finalizer that
// sets it runs after the collection.
func waitLimit(t *testing.T, what string, ok func(int64) bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for l := debug.SetMemoryLimit(-1); !ok(l); l = debug.SetMemoryLimit(-1) {
		if time.Now().After(deadline) {
			t.Fatalf("%s the limit is %d MiB", what, l>>20)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A heap that does not grow is still collected, once per period.
func TestCollectWhenIdle(t *testing.T) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.NumGC
	stop := make(chan struct{})
	defer close(stop)
	var idles atomic.Int32
	go collectWhenIdle(20*time.Millisecond, func() { idles.Add(1) }, stop)
	deadline := time.Now().Add(10 * time.Second)
	for ms.NumGC < before+2 || idles.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("%d collections and %d idle calls in 10 s with a period of 20 ms", ms.NumGC-before, idles.Load())
		}
		time.Sleep(20 * time.Millisecond)
		runtime.ReadMemStats(&ms)
	}
}

func TestEnvironmentWins(t *testing.T) {
	t.Setenv("GOGC", "50")
	if Start(nil) {
		t.Error("Start paced the collector though GOGC is set")
	}
}
