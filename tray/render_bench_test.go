package tray

import (
	"fmt"
	"testing"
	"time"
)

type discardTray struct{}

func (discardTray) Apply(Menu)            {}
func (discardTray) Clicks() <-chan string { return nil }

// BenchmarkTick is the loop's work for one minute tick with 1,000
// profiles, a third of them active: no file read, states moved on, the
// menu built and handed to the tray (which here discards it).
func BenchmarkTick(b *testing.B) {
	clock := &fakeClock{now: time.Date(2026, 11, 27, 9, 4, 0, 0, time.UTC)}
	var names []string
	for i := range 1000 {
		names = append(names, fmt.Sprintf("p%05d", i))
	}
	core := newFakeCore(clock, names...)
	for i, n := range names {
		if i%3 == 0 {
			core.sessions[n] = clock.Now().Add(6 * time.Hour)
		}
	}
	a := New(Config{Core: core, Dialogs: newFakeDialogs(), Tray: discardTray{}, Clock: clock, Locale: utf8, NotifyBefore: 10 * time.Minute})
	a.files = []string{"", ""}
	ev := ReadDone{Seq: 1}
	ev.Snap, ev.Keys, ev.Err = core.SnapshotAndKeys()
	a.reads.seq = 1
	a.finishRead(ev)
	t0 := clock.Now()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		clock.now = t0.Add(time.Duration(i%2) * time.Minute) // every label changes
		a.handle(b.Context(), Tick{})
	}
}

// BenchmarkTickSystray is BenchmarkTick with the real systray adapter (no
// bus connected, so nothing is sent): the whole of a tick's work in the
// process but the D-Bus write.
func BenchmarkTickSystray(b *testing.B) {
	clock := &fakeClock{now: time.Date(2026, 11, 27, 9, 4, 0, 0, time.UTC)}
	var names []string
	for i := range 1000 {
		names = append(names, fmt.Sprintf("p%05d", i))
	}
	core := newFakeCore(clock, names...)
	for i, n := range names {
		if i%3 == 0 {
			core.sessions[n] = clock.Now().Add(6 * time.Hour)
		}
	}
	a := New(Config{Core: core, Dialogs: newFakeDialogs(), Tray: NewSystrayAdapter(nil), Clock: clock, Locale: utf8, NotifyBefore: 10 * time.Minute})
	a.files = []string{"", ""}
	ev := ReadDone{Seq: 1}
	ev.Snap, ev.Keys, ev.Err = core.SnapshotAndKeys()
	a.reads.seq = 1
	a.finishRead(ev)
	t0 := clock.Now()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		clock.now = t0.Add(time.Duration(i%2) * time.Minute) // every active label changes
		a.handle(b.Context(), Tick{})
	}
}
