package tray

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// deepCopy copies a menu's items, so a later build in the same storage
// cannot change it.
func deepCopy(items []Item) []Item {
	out := make([]Item, len(items))
	for i, it := range items {
		out[i] = it
		if it.Children != nil {
			out[i].Children = deepCopy(it.Children)
		}
	}
	return out
}

// A menu built in reused storage is the menu built in new storage, for
// menus that shrink, grow, change shape between flat and submenus, and
// tick; and the storage is reused (the earlier menu's items change).
func TestBuildMenuReuse(t *testing.T) {
	snap := func(n int, at time.Duration) session.Snapshot {
		var sts []session.Status
		for i := range n {
			st := status(fmt.Sprintf("s%d", i), session.LoggedOut, 0)
			if i%3 == 0 {
				st = status(fmt.Sprintf("s%d", i), session.Active, 6*time.Hour-at)
			}
			sts = append(sts, st)
		}
		return session.Snapshot{Taken: t0.Add(at), Profiles: sts}
	}
	var bufs MenuBuffers
	var prev Menu
	var prevCopy []Item
	reused := false
	for step, tc := range []struct {
		n  int
		at time.Duration
	}{
		{1000, 0}, {1000, time.Minute}, {1000, 2 * time.Minute}, {3, 0}, {40, 0}, {1000, 3 * time.Minute}, {2000, 0}, {5, time.Minute},
	} {
		s := snap(tc.n, tc.at)
		want := BuildMenu(s, MenuOptions{Locale: utf8})
		got := BuildMenu(s, MenuOptions{Locale: utf8, Reuse: &bufs})
		if !reflect.DeepEqual(deepCopy(got.Items), deepCopy(want.Items)) || got.Tooltip != want.Tooltip || got.Icon != want.Icon {
			t.Fatalf("step %d (%d profiles at +%v): the menu built in reused storage differs from a new one", step, tc.n, tc.at)
		}
		if prev.Items != nil && !reflect.DeepEqual(deepCopy(prev.Items), prevCopy) {
			reused = true
		}
		prev, prevCopy = got, deepCopy(got.Items)
	}
	if !reused {
		t.Error("no earlier menu changed: the storage was not reused")
	}
}

// The app builds in reused storage only for a tray that copies.
func TestReuseOnlyForACopier(t *testing.T) {
	if _, ok := any(&SystrayAdapter{}).(MenuCopier); !ok {
		t.Error("the systray adapter does not say it copies the menu")
	}
	if _, ok := any(&fakeTray{}).(MenuCopier); ok {
		t.Error("the test tray, which keeps the menus it is given, says it copies")
	}
}
