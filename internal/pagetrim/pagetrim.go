// Package pagetrim gives back the pages of the program's own binary that
// start-up touched and the resident app no longer uses.
//
// A Go binary's code and read-only data are mapped from the file. The
// kernel maps every page of the page cache around a faulting one (64 KiB
// of fault-around), so after start-up most of the binary counts in the
// process's RSS: 10.7 of the tray's 14.2 MiB at 20 profiles, where its
// idle minute runs a small part of that. Release unmaps those clean pages
// from the process; they stay in the page cache, and a page used again is
// mapped back on its next touch, from memory, with nothing lost.
package pagetrim

// mapping is one line of /proc/self/smaps with what Release needs.
type mapping struct {
	lo, hi uintptr
	perms  string // "r-xp"
	path   string
	rss    int64 // bytes resident
	anon   int64 // bytes of the mapping that are anonymous (copy-on-write) pages
}

// releasable reports a mapping whose pages can all be dropped and read
// back from the file unchanged: the binary's own, never writable, and
// holding no copy-on-write page (a RELRO segment the loader patched and
// then made read-only would lose its relocations).
func releasable(m mapping, exe string) bool {
	return m.path == exe && exe != "" && len(m.perms) == 4 &&
		m.perms[0] == 'r' && m.perms[1] == '-' && m.perms[3] == 'p' && m.anon == 0
}
