package main

import (
	"log/slog"
	"os"
	"runtime"
	"sync"

	"github.com/awsmfa-tray/awsmfa-tray/internal/gcpace"
	"github.com/awsmfa-tray/awsmfa-tray/internal/pagetrim"
)

var paceOnce sync.Once

// settle readies the process for idle hours after a read: it gives back
// the binary's pages that start-up or the read touched, and (once, after
// the first read, which grows the heap from nothing) paces the collector
// by the heap's growth only, giving the pages back again after each idle
// period's collection, so code run once an hour does not stay resident.
func settle(log *slog.Logger) {
	release := func() {
		if n, err := pagetrim.Release(); err != nil {
			log.Warn("could not give back the binary's pages", "err", err)
		} else {
			log.Debug("gave back the binary's pages", "resident_bytes", n)
		}
	}
	release()
	paceOnce.Do(func() {
		log.Info("collector paced by heap growth", "on", gcpace.Start(release))
		// One thread runs Go code from now on (unless GOMAXPROCS says
		// otherwise): the tray does one thing at a time, and an idle
		// minute then wakes one thread, not two, with no second collector
		// worker spinning on another core (45% of the idle CPU at 1,000
		// profiles). The first read, done by now, had every core.
		if os.Getenv("GOMAXPROCS") == "" {
			runtime.GOMAXPROCS(1)
		}
	})
}
