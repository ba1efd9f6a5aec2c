package pagetrim

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Release drops the binary's clean pages from the process and reports how
// many of its bytes were resident before.
func Release() (int64, error) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return 0, fmt.Errorf("find the binary: %w", err)
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return 0, fmt.Errorf("read the mappings: %w", err)
	}
	var n int64
	for _, m := range parseSmaps(smaps) {
		if !releasable(m, exe) {
			continue
		}
		// By address: the pages are no Go memory, so no slice is made of them.
		if _, _, e := syscall.Syscall(syscall.SYS_MADVISE, m.lo, m.hi-m.lo, syscall.MADV_DONTNEED); e != 0 {
			return n, fmt.Errorf("release %x-%x: %w", m.lo, m.hi, e)
		}
		n += m.rss
	}
	return n, nil
}

// parseSmaps reads the mapping lines of /proc/PID/smaps ("lo-hi perms
// offset dev inode path") and each one's "Rss:" and "Anonymous:" fields.
func parseSmaps(b []byte) []mapping {
	var out []mapping
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if k, v, ok := strings.Cut(line, ":"); ok && !strings.Contains(k, " ") && len(out) > 0 {
			last := &out[len(out)-1]
			switch k {
			case "Rss":
				last.rss = kB(v)
			case "Anonymous":
				last.anon = kB(v)
			}
			continue
		}
		f := strings.Fields(line)
		if len(f) < 5 || strings.HasSuffix(f[0], ":") {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		if !ok {
			continue
		}
		l, err1 := strconv.ParseUint(lo, 16, 64)
		h, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || h <= l {
			continue
		}
		m := mapping{lo: uintptr(l), hi: uintptr(h), perms: f[1], anon: -1, path: pathField(line)}
		out = append(out, m)
	}
	return out
}

// pathField is what follows the fifth field (the inode): the path, which
// may hold spaces, or "" for an anonymous mapping.
func pathField(line string) string {
	rest := line
	for range 5 {
		rest = strings.TrimLeft(rest, " ")
		i := strings.IndexByte(rest, ' ')
		if i < 0 {
			return ""
		}
		rest = rest[i:]
	}
	return strings.TrimLeft(rest, " ")
}

// kB reads " 5472 kB"; anything else is -1, which no check accepts.
func kB(v string) int64 {
	f := strings.Fields(v)
	if len(f) != 2 || f[1] != "kB" {
		return -1
	}
	n, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return -1
	}
	return n * 1024
}
