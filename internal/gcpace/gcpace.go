// Package gcpace paces the garbage collector of a process that idles for
// hours. The heap may grow to twice what was live after the last
// collection, as GOGC=100 allows, but no collection is forced every two
// minutes, the runtime's rule for a heap that is not growing: with 1,000
// profiles those forced collections were 60% of the idle tray's CPU.
//
// It works with the runtime's own knobs: GOGC off, and a memory limit,
// set after every collection to the memory the process holds beside its
// heap, plus the live heap, plus room for the heap to grow by as much
// again (at least minGrowth), so the limit is what starts the next
// collection. The runtime gives free heap memory back to the system to
// stay under the limit; the limit is not counted from that memory, so it
// cannot ratchet up. And where the heap grows slowly (20 profiles: a few
// kilobytes a minute), a collection every idleCollect, if none came,
// gives the garbage back rather than letting the heap creep up to the
// limit over hours.
package gcpace

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// minGrowth is the least the heap may grow between collections: enough
// that a limit set a little late (the finalizer runs after the
// collection) does not start collection after collection while a read of
// the files makes the live heap grow.
const minGrowth = 3 << 20

// idleCollect is how long the heap may go without a collection.
var idleCollect = 10 * time.Minute

// Start turns the pacing on and reports whether it did: a GOGC or
// GOMEMLIMIT in the environment is the user's choice and wins. idle, when
// set, runs after each collection of an idle period (the tray gives back
// its binary's pages there too).
func Start(idle func()) bool {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return false
	}
	if !started.CompareAndSwap(false, true) {
		return true
	}
	setLimit()
	debug.SetGCPercent(-1)
	arm()
	go collectWhenIdle(idleCollect, idle, nil)
	return true
}

// collectWhenIdle collects, and gives the free memory back, after each
// period in which no collection ran, until stop is closed (never, but in
// tests).
func collectWhenIdle(period time.Duration, idle func(), stop <-chan struct{}) {
	s := []metrics.Sample{{Name: "/gc/cycles/total:gc-cycles"}}
	cycles := func() uint64 { metrics.Read(s); return s[0].Value.Uint64() }
	last := cycles()
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		if n := cycles(); n != last {
			last = n
			continue
		}
		if idle != nil {
			idle()
		}
		debug.FreeOSMemory()
		last = cycles()
	}
}

var started atomic.Bool

// sentinel is garbage whose finalizer marks the end of a collection. It
// is larger than the tiny allocator's 16 bytes, so it is an object of
// its own and its finalizer runs.
type sentinel struct{ _ [32]byte }

func arm() {
	runtime.SetFinalizer(new(sentinel), func(*sentinel) {
		setLimit()
		arm()
	})
}

var samples = []metrics.Sample{
	{Name: "/gc/heap/live:bytes"},
	{Name: "/memory/classes/total:bytes"},
	{Name: "/memory/classes/heap/released:bytes"},
	{Name: "/memory/classes/heap/objects:bytes"},
	{Name: "/memory/classes/heap/free:bytes"},
}

// limit is the memory limit after a collection that left live bytes of
// heap, with beside bytes held outside the heap's objects and free spans
// (stacks, the runtime's own structures, fragments of spans in use: what
// the runtime subtracts from the limit to find the heap's goal). The goal
// is the live heap plus as much again (at least minGrowth), and the
// runtime keeps headroom below the limit (3%, at least 1 MiB), so that is
// added too.
func limit(live, beside uint64) int64 {
	goal := live + max(live, minGrowth)
	return int64(beside + goal + max(goal*3/100, 1<<20))
}

func setLimit() {
	s := make([]metrics.Sample, len(samples))
	copy(s, samples)
	metrics.Read(s)
	v := func(i int) uint64 {
		if s[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return s[i].Value.Uint64()
	}
	live, total, released := v(0), v(1), v(2)
	heap := v(3) + v(4) // objects, free spans held
	var beside uint64
	if held := total - min(released, total); held > heap {
		beside = held - heap
	}
	debug.SetMemoryLimit(limit(live, beside))
}
