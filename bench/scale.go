package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/bench/profilegen"
	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
)

var scaleSizes = []int{10, 100, 1000, 10000}

// scaleProcesses times `awsmfa status`, `login` and `logout` as processes
// on files with each number of profiles. Each login is followed by a
// logout of the same profile, so every run sees the same file.
func scaleProcesses(bins binaries, tmp string, o options) (*table, error) {
	var users []stsfake.User
	for _, n := range scaleSizes {
		users = append(users, profilegen.User(profilegen.WithSession(n)))
	}
	fake, err := startFake(users...)
	if err != nil {
		return nil, err
	}
	defer fake.close()

	type row struct{ status, login, logout samples }
	rows := map[int]*row{}
	fileSize := map[int]int{}
	for _, n := range scaleSizes {
		home := filepath.Join(tmp, fmt.Sprintf("scale-%d", n))
		config, cred := profilegen.Files(n, time.Now())
		fileSize[n] = len(config) + len(cred)
		if err := writeAWSFiles(home, config, cred); err != nil {
			return nil, err
		}
		env := awsEnv(home, "AWS_ENDPOINT_URL_STS="+fake.URL)
		x := profilegen.Name(profilegen.WithSession(n))
		r := &row{}
		rows[n] = r
		// One untimed round first, for the page cache.
		for i := -1; i < o.runs; i++ {
			st, err := timed(env, bins.awsmfa, "status")
			if err != nil {
				return nil, err
			}
			if got := strings.Count(st.stdout, "\n"); got < n {
				return nil, fmt.Errorf("awsmfa status printed %d lines for %d profiles", got, n)
			}
			code, err := fake.nextCode()
			if err != nil {
				return nil, err
			}
			in, err := timed(env, bins.awsmfa, "--profile", x, "login", "--token-code", code, "--force")
			if err != nil {
				return nil, err
			}
			if err := checkToken(home, fake.lastToken()); err != nil {
				return nil, err
			}
			out, err := timed(env, bins.awsmfa, "--profile", x, "logout")
			if err != nil {
				return nil, err
			}
			if i >= 0 {
				r.status, r.login, r.logout = append(r.status, st.wall), append(r.login, in.wall), append(r.logout, out.wall)
			}
		}
		if err := os.RemoveAll(home); err != nil {
			return nil, err
		}
	}

	head := []string{"command (a process; median)"}
	for _, n := range scaleSizes {
		head = append(head, thousands(n)+" profiles")
	}
	head = append(head, "growth per 10×")
	t := newTable("Scale: awsmfa as a process on files with 10 to 10,000 profiles", head...)
	size := []string{"size of config + credentials"}
	for _, n := range scaleSizes {
		size = append(size, fmt.Sprintf("%.0f KiB", float64(fileSize[n])/1024))
	}
	t.add(append(size, "")...)
	for _, c := range []struct {
		name string
		get  func(*row) samples
	}{
		{"`awsmfa status`", func(r *row) samples { return r.status }},
		{"`awsmfa login --token-code N --force`", func(r *row) samples { return r.login }},
		{"`awsmfa logout`", func(r *row) samples { return r.logout }},
	} {
		cells := []string{c.name}
		var vals []float64
		for _, n := range scaleSizes {
			d := c.get(rows[n]).median()
			cells = append(cells, ms(d))
			vals = append(vals, float64(d))
		}
		t.add(append(cells, growth(vals))...)
	}
	t.note("%d runs per cell after one untimed round; login against the STS fake on 127.0.0.1.", o.runs)
	t.note("Growth per 10× is each size's median over the previous one's: 10× means linear in file size, under 10× means fixed costs still dominate.")
	return t, nil
}

// growth formats successive ratios: "1.1x → 2.3x → 9.8x".
func growth(vals []float64) string {
	var parts []string
	for i := 1; i < len(vals); i++ {
		parts = append(parts, ratio(vals[i], vals[i-1]))
	}
	return strings.Join(parts, " → ")
}

// scaleInProcess tabulates the session benchmarks.
func scaleInProcess(res map[string]benchResult, raw string, o options) *table {
	head := []string{"in-process (ns/op as ms)"}
	for _, n := range scaleSizes {
		head = append(head, thousands(n))
	}
	head = append(head, "growth per 10×", "B/op at 10,000", "allocs/op at 10,000")
	t := newTable("Scale: the core in-process (`go test -bench -benchmem ./session`)", head...)
	get := func(name string, n int) (benchResult, bool) {
		r, ok := res[fmt.Sprintf("%s/profiles=%d", name, n)]
		return r, ok
	}
	for _, b := range []struct{ name, desc string }{
		{"Snapshot", "Snapshot (status, tray refresh)"},
		{"LoginWrite", "Login, STS answered in memory"},
		{"Writer", "writer alone (inifile.Update, login's edit)"},
		{"Logout", "Logout"},
		{"ReadWrite", "floor: 1 read + 1 fsync'd write of the file"},
	} {
		cells := []string{b.desc}
		var vals []float64
		for _, n := range scaleSizes {
			r, ok := get(b.name, n)
			if !ok {
				cells = append(cells, "-")
				vals = append(vals, 0)
				continue
			}
			cells = append(cells, ms(time.Duration(r.nsPerOp)))
			vals = append(vals, r.nsPerOp)
		}
		last, _ := get(b.name, scaleSizes[len(scaleSizes)-1])
		t.add(append(cells, growth(vals), mib(last.bytesPerOp), thousands(int(last.allocs)))...)
	}
	for _, b := range []struct{ name, desc string }{
		{"Writer", "**writer ÷ floor** (target < 2×)"},
		{"LoginWrite", "**login ÷ floor**"},
	} {
		cells := []string{b.desc}
		for _, n := range scaleSizes {
			w, ok1 := get(b.name, n)
			f, ok2 := get("ReadWrite", n)
			if !ok1 || !ok2 {
				cells = append(cells, "-")
				continue
			}
			cells = append(cells, ratio(w.nsPerOp, f.nsPerOp))
		}
		t.add(append(cells, "", "", "")...)
	}
	benchtime := "1s"
	if o.quick {
		benchtime = "3x"
	}
	t.note("`go test -run '^$' -bench '%s' -benchmem -benchtime %s ./session`; its output:", benchPattern, benchtime)
	var lines []string
	for _, l := range strings.Split(raw, "\n") {
		if strings.HasPrefix(l, "Benchmark") {
			lines = append(lines, l)
		}
	}
	t.raw = strings.Join(lines, "\n")
	return t
}
