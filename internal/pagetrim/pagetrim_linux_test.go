package pagetrim

import (
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"os"
	"testing"
	"unsafe"
)

const sampleSmaps = `00400000-00a28000 r-xp 00000000 fe:01 1234                               /opt/awsmfa tray/awsmfa-tray
Size:               6304 kB
Rss:                5472 kB
Anonymous:             0 kB
00a28000-010d5000 r--p 00628000 fe:01 1234                               /opt/awsmfa tray/awsmfa-tray
Rss:                5172 kB
Anonymous:             0 kB
010d5000-0113a000 rw-p 00cd5000 fe:01 1234                               /opt/awsmfa tray/awsmfa-tray
Anonymous:           200 kB
0113a000-01200000 r--p 00d3a000 fe:01 1234                               /opt/awsmfa tray/awsmfa-tray
Anonymous:             8 kB
01200000-01300000 r--p 00e00000 fe:01 1234                               /opt/awsmfa tray/awsmfa-tray
Rss:                   4 kB
3f6756800000-3f6757000000 rw-p 00000000 00:00 0 
Anonymous:          2208 kB
7ffa42ee0000-7ffa43100000 r-xp 00000000 fe:01 99                         /usr/lib/x86_64-linux-gnu/libc.so.6
Anonymous:             0 kB
VmFlags: rd ex mr mw me sd
`

func TestParseSmaps(t *testing.T) {
	ms := parseSmaps([]byte(sampleSmaps))
	if len(ms) != 7 {
		t.Fatalf("parsed %d mappings, want 7: %+v", len(ms), ms)
	}
	exe := "/opt/awsmfa tray/awsmfa-tray"
	for i, tc := range []struct {
		lo, hi uintptr
		path   string
		anon   int64
		want   bool
		why    string
	}{
		{0x400000, 0xa28000, exe, 0, true, "code"},
		{0xa28000, 0x10d5000, exe, 0, true, "read-only data"},
		{0x10d5000, 0x113a000, exe, 200 << 10, false, "writable data"},
		{0x113a000, 0x1200000, exe, 8 << 10, false, "read-only now, patched before (RELRO)"},
		{0x1200000, 0x1300000, exe, -1, false, "no Anonymous line: unknown"},
		{0x3f6756800000, 0x3f6757000000, "", 2208 << 10, false, "the heap"},
		{0x7ffa42ee0000, 0x7ffa43100000, "/usr/lib/x86_64-linux-gnu/libc.so.6", 0, false, "a library"},
	} {
		m := ms[i]
		if m.lo != tc.lo || m.hi != tc.hi || m.path != tc.path || m.anon != tc.anon {
			t.Errorf("mapping %d (%s): got %x-%x %q anon %d, want %x-%x %q anon %d", i, tc.why, m.lo, m.hi, m.path, m.anon, tc.lo, tc.hi, tc.path, tc.anon)
		}
		if got := releasable(m, exe); got != tc.want {
			t.Errorf("mapping %d (%s): releasable = %v, want %v", i, tc.why, got, tc.want)
		}
	}
	if releasable(ms[0], "/usr/bin/other") || releasable(ms[0], "") {
		t.Error("another binary's mapping is releasable")
	}
}

// bulk is 1 MiB in the binary's read-only data that nothing but this
// test reads.
//
//go:embed testdata/bulk.txt
var bulk string

// present counts the pages of [lo, hi) mapped in this process, from
// /proc/self/pagemap (bit 63 of each page's entry).
func present(t *testing.T, lo, hi uintptr) (n, of int) {
	t.Helper()
	f, err := os.Open("/proc/self/pagemap")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	page := uintptr(os.Getpagesize())
	lo, hi = lo/page, (hi+page-1)/page
	b := make([]byte, 8*(hi-lo))
	if _, err := f.ReadAt(b, int64(lo*8)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])>>63 == 1 {
			n++
		}
	}
	return n, len(b) / 8
}

// TestReleaseDropsTheBinarysPages reads a megabyte of the test binary's
// read-only data, releases the binary's pages, and finds that megabyte
// gone from the process (but for the edges, where the kernel maps pages
// around code that runs meanwhile), then reads it back unchanged.
func TestReleaseDropsTheBinarysPages(t *testing.T) {
	lo := uintptr(unsafe.Pointer(unsafe.StringData(bulk)))
	hi := lo + uintptr(len(bulk))
	sum := sha256.Sum256([]byte(bulk))
	if n, of := present(t, lo, hi); n < of {
		t.Fatalf("after reading it, %d of the %d pages of the data are mapped", n, of)
	}
	released, err := Release()
	if err != nil {
		t.Fatal(err)
	}
	n, of := present(t, lo, hi)
	if n > of/2 {
		t.Errorf("after Release, %d of the %d pages of the data are still mapped", n, of)
	}
	if released < int64(len(bulk)) {
		t.Errorf("Release says %d bytes were resident, fewer than the %d read", released, len(bulk))
	}
	if sha256.Sum256([]byte(bulk)) != sum {
		t.Error("the data reads back differently after Release")
	}
	if n, of := present(t, lo, hi); n < of {
		t.Errorf("after reading it again, %d of the %d pages are mapped", n, of)
	}
}
