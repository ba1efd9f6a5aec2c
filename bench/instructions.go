package main

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/bench/profilegen"
)

// callgrindTotal is callgrind's closing count of instructions executed.
var callgrindTotal = regexp.MustCompile(`Collected : ([0-9]+)`)

// instructionsSection counts, under valgrind's callgrind, the instructions
// an empty Go program, the SDK's service packages' init, `awsmfa version`
// and `awsmfa login` execute. Unlike wall times on a shared machine, the
// counts repeat within about 1% whatever else runs, so they show what a
// change saves.
func instructionsSection(bins binaries, tmp string, o options) (*table, error) {
	t := newTable("Instructions executed (callgrind)", "process", "instructions (median)", "share of login")
	vg, err := exec.LookPath("valgrind")
	if err != nil {
		t.add("not measured: valgrind not found", "", "")
		return t, nil
	}
	fake, err := startFake(profilegen.User(loginIndex))
	if err != nil {
		return nil, err
	}
	defer fake.close()
	home := filepath.Join(tmp, "instructions")
	config, cred := profilegen.Files(1, time.Now())
	if err := writeAWSFiles(home, config, cred); err != nil {
		return nil, err
	}
	// callgrind aborts on the runtime's preemption signal.
	env := awsEnv(home, "AWS_ENDPOINT_URL_STS="+fake.URL, "GODEBUG=asyncpreemptoff=1")
	out := filepath.Join(tmp, "callgrind.out")
	count := func(args ...string) (int64, error) {
		r, err := timed(env, vg, append([]string{"--tool=callgrind", "--callgrind-out-file=" + out}, args...)...)
		if err != nil {
			return 0, err
		}
		n, ok := parseCallgrind(r.stderr)
		if !ok {
			return 0, fmt.Errorf("callgrind printed no instruction count for %s", filepath.Base(args[0]))
		}
		return n, nil
	}
	x := profilegen.Name(loginIndex)
	runs := 3
	if o.quick {
		runs = 1
	}
	var nop, sdk, version, login []int64
	for range runs {
		for _, c := range []struct {
			into *[]int64
			args []string
		}{
			{&nop, []string{bins.nop, "x"}},
			{&sdk, []string{bins.sdkinit}},
			{&version, []string{bins.awsmfa, "version"}},
		} {
			n, err := count(c.args...)
			if err != nil {
				return nil, err
			}
			*c.into = append(*c.into, n)
		}
		code, err := fake.nextCode()
		if err != nil {
			return nil, err
		}
		n, err := count(bins.awsmfa, "--profile", x, "login", "--token-code", code, "--force")
		if err != nil {
			return nil, err
		}
		if err := checkToken(home, fake.lastToken()); err != nil {
			return nil, err
		}
		login = append(login, n)
	}
	total := medianInt(login)
	row := func(name string, n int64) {
		t.add(name, millions(n), fmt.Sprintf("%.0f%%", 100*float64(n)/float64(total)))
	}
	row("**`awsmfa login --token-code N --force`**", total)
	row("`awsmfa version`: start-up, package init and exit", medianInt(version))
	row("the login's own work (the two above, subtracted)", total-medianInt(version))
	row("for scale: an empty Go program", medianInt(nop))
	row("for scale: an empty program linking the SDK's STS, SSO and SSO OIDC packages (`bench/sdkinit`)", medianInt(sdk))
	row("of which those packages' init (the two above, subtracted), paid by every awsmfa process", medianInt(sdk)-medianInt(nop))
	t.note("Counted with `valgrind --tool=callgrind` (GODEBUG=asyncpreemptoff=1), %d run(s) each; callgrind slows a process about 50×, so only the counts mean anything here.", runs)
	t.note("Package init runs for every package a binary links, whatever the command: the SDK's service packages' share of start-up is what `bench/sdkinit` adds to the empty program.")
	return t, nil
}

// parseCallgrind reads the instruction count from callgrind's summary
// on stderr ("==PID== Collected : N").
func parseCallgrind(stderr string) (int64, bool) {
	m := callgrindTotal.FindStringSubmatch(stderr)
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	return n, err == nil
}

func medianInt(s []int64) int64 {
	c := append([]int64(nil), s...)
	sort.Slice(c, func(i, j int) bool { return c[i] < c[j] })
	return c[len(c)/2]
}

// millions prints n as "4.85 M".
func millions(n int64) string {
	return fmt.Sprintf("%.2f M", float64(n)/1e6)
}
