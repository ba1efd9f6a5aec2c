package main

import (
	"bufio"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
)

// benchResult is one line of `go test -bench -benchmem` output.
type benchResult struct {
	nsPerOp            float64
	bytesPerOp, allocs int64
}

// The in-process benchmarks, in session/scale_bench_test.go.
const benchPattern = "^Benchmark(Snapshot|LoginWrite|Writer|ReadWrite|Logout|LoginLoopback)$"

// goBench runs the session benchmarks and returns them by name without
// the Benchmark prefix and the -GOMAXPROCS suffix, e.g.
// "Snapshot/profiles=1000", together with the raw output.
func goBench(root string, o options) (map[string]benchResult, string, error) {
	benchtime := "1s"
	if o.quick {
		benchtime = "3x"
	}
	args := []string{"test", "-run", "^$", "-bench", benchPattern, "-benchmem", "-benchtime", benchtime, "-count", "1", "./session"}
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, string(out), fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	res := parseBench(string(out))
	if len(res) == 0 {
		return nil, string(out), fmt.Errorf("go test printed no benchmark results:\n%s", out)
	}
	return res, string(out), nil
}

func parseBench(out string) map[string]benchResult {
	res := map[string]benchResult{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := strings.TrimPrefix(f[0], "Benchmark")
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		var r benchResult
		ok := false
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			switch f[i+1] {
			case "ns/op":
				r.nsPerOp, ok = v, true
			case "B/op":
				r.bytesPerOp = int64(v)
			case "allocs/op":
				r.allocs = int64(v)
			}
		}
		if ok {
			res[name] = r
		}
	}
	return res
}
