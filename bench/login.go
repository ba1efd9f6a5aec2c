package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/bench/profilegen"
)

// The login comparison uses profile p00000 of a one-profile file: its
// long-term keys are in [p00000Perm], its MFA device in [profile p00000].
const loginIndex = 0

// findAWS picks the AWS CLI: -aws if given, else Debian's /usr/bin/aws
// (the one the issue names), else whatever "aws" is on PATH.
func findAWS(flagPath string) (path, version string) {
	candidates := []string{flagPath}
	if flagPath == "" {
		candidates = []string{"/usr/bin/aws", "aws"}
	}
	for _, c := range candidates {
		p, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		out, err := exec.Command(p, "--version").CombinedOutput()
		if err != nil {
			continue
		}
		return p, strings.Fields(string(out) + " ?")[0]
	}
	return "", ""
}

type loginResult struct {
	awsmfa, manual       samples
	awsmfaCPU, manualCPU samples
	awsPath, awsVersion  string
}

// loginSection runs awsmfa login and the manual AWS CLI process it
// replaces alternately, runs times each, against the same STS fake.
func loginSection(bins binaries, tmp string, o options) (*table, *loginResult, error) {
	fake, err := startFake(profilegen.User(loginIndex))
	if err != nil {
		return nil, nil, err
	}
	defer fake.close()
	config, cred := profilegen.Files(1, time.Now())
	homeA, homeM := filepath.Join(tmp, "login-awsmfa"), filepath.Join(tmp, "login-manual")
	for _, h := range []string{homeA, homeM} {
		if err := writeAWSFiles(h, config, cred); err != nil {
			return nil, nil, err
		}
	}
	res := &loginResult{}
	res.awsPath, res.awsVersion = findAWS(o.aws)

	x := profilegen.Name(loginIndex)
	envA := awsEnv(homeA, "AWS_ENDPOINT_URL_STS="+fake.srv.URL)
	awsmfaLogin := func() (result, error) {
		code, err := fake.nextCode()
		if err != nil {
			return result{}, err
		}
		r, err := timed(envA, bins.awsmfa, "--profile", x, "login", "--token-code", code, "--force")
		if err != nil {
			return r, err
		}
		return r, checkToken(homeA, fake.lastToken())
	}
	envM := awsEnv(homeM)
	manualLogin := func() (result, error) {
		code, err := fake.nextCode()
		if err != nil {
			return result{}, err
		}
		return manual(envM, res.awsPath, fake.srv.URL, x, profilegen.Serial(loginIndex), code, homeM, fake)
	}

	// One untimed run of each first, so both start from a warm page cache.
	if _, err := awsmfaLogin(); err != nil {
		return nil, nil, err
	}
	if res.awsPath != "" && !o.quick {
		if _, err := manualLogin(); err != nil {
			return nil, nil, err
		}
	}
	for range o.runs {
		r, err := awsmfaLogin()
		if err != nil {
			return nil, nil, err
		}
		res.awsmfa, res.awsmfaCPU = append(res.awsmfa, r.wall), append(res.awsmfaCPU, r.cpu)
		if res.awsPath == "" {
			continue
		}
		r, err = manualLogin()
		if err != nil {
			return nil, nil, err
		}
		res.manual, res.manualCPU = append(res.manual, r.wall), append(res.manualCPU, r.cpu)
	}

	t := newTable("Login end to end: awsmfa vs the manual AWS CLI process",
		"process", "runs", "median", "min", "max", "CPU (median)")
	t.add("`awsmfa login --token-code N --force`", fmt.Sprint(len(res.awsmfa)),
		ms(res.awsmfa.median()), ms(res.awsmfa.min()), ms(res.awsmfa.max()), ms(res.awsmfaCPU.median()))
	manualName := "`aws sts get-session-token` + 3 × `aws configure set`"
	if res.awsPath == "" {
		t.add(manualName, "0", "not measured: no aws binary found", "", "", "")
	} else {
		t.add(manualName, fmt.Sprint(len(res.manual)),
			ms(res.manual.median()), ms(res.manual.min()), ms(res.manual.max()), ms(res.manualCPU.median()))
		t.add("**manual ÷ awsmfa (medians)**", "", "**"+ratio(float64(res.manual.median()), float64(res.awsmfa.median()))+"**", "", "", "")
		t.note("AWS CLI: %s (%s).", res.awsVersion, res.awsPath)
	}
	t.note("STS: the fake (internal/stsfake) on 127.0.0.1 in the bench process, SigV4 and TOTP checked; each run types a fresh code.")
	t.note("Runs alternate between the two; wall time from fork to exit; CPU is user+sys of the process(es).")
	return t, res, nil
}

// manual is what the original awsmfa script did by hand: one STS call,
// then three writes with the AWS CLI, each a new Python process.
func manual(env []string, aws, url, x, serial, code, home string, fake *fakeSTS) (result, error) {
	total := result{}
	r, err := timed(env, aws, "sts", "get-session-token", "--serial-number", serial, "--token-code", code,
		"--endpoint-url", url, "--profile", x+"Perm", "--output", "json")
	if err != nil {
		return r, err
	}
	total.wall, total.cpu = r.wall, r.cpu
	var out struct {
		Credentials struct{ AccessKeyId, SecretAccessKey, SessionToken string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.Credentials.SessionToken == "" {
		return total, fmt.Errorf("aws sts get-session-token printed no credentials (%v)", err)
	}
	for _, kv := range [][2]string{
		{"aws_access_key_id", out.Credentials.AccessKeyId},
		{"aws_secret_access_key", out.Credentials.SecretAccessKey},
		{"aws_session_token", out.Credentials.SessionToken},
	} {
		r, err := timed(env, aws, "configure", "set", kv[0], kv[1], "--profile", x)
		if err != nil {
			return total, err
		}
		total.wall += r.wall
		total.cpu += r.cpu
	}
	return total, checkToken(home, fake.lastToken())
}

// checkToken makes sure the login really wrote the session STS issued.
func checkToken(home, token string) error {
	b, err := os.ReadFile(filepath.Join(home, ".aws", "credentials"))
	if err != nil {
		return err
	}
	if token == "" || !strings.Contains(string(b), "aws_session_token = "+token+"\n") {
		return fmt.Errorf("the credentials file in %s does not hold the session just issued", home)
	}
	return nil
}

// initTrace is one package's init cost from GODEBUG=inittrace=1.
type initTrace struct {
	pkg   string
	clock time.Duration
	bytes int
}

// startupSection splits awsmfa login's time: a Go process that does
// nothing, awsmfa's start-up (package init, from GODEBUG=inittrace=1),
// and the in-process login over loopback from the Go benchmark.
func startupSection(bins binaries, tmp string, o options, login *loginResult, inproc map[string]benchResult) (*table, error) {
	home := filepath.Join(tmp, "startup")
	if err := os.MkdirAll(home, 0o700); err != nil {
		return nil, err
	}
	env := awsEnv(home)
	var nop, version samples
	perPkg := map[string]*initTrace{}
	var initTotal samples
	n := max(o.runs, 5)
	for range n {
		r, err := timed(env, bins.nop, "x")
		if err != nil {
			return nil, err
		}
		nop = append(nop, r.wall)
		if r, err = timed(env, bins.awsmfa, "--version"); err != nil {
			return nil, err
		}
		version = append(version, r.wall)
		if r, err = timed(append(env, "GODEBUG=inittrace=1"), bins.awsmfa, "--version"); err != nil {
			return nil, err
		}
		var sum time.Duration
		for _, tr := range parseInitTrace(r.stderr) {
			sum += tr.clock
			p := perPkg[tr.pkg]
			if p == nil {
				p = &initTrace{pkg: tr.pkg}
				perPkg[tr.pkg] = p
			}
			p.clock += tr.clock / time.Duration(n)
			p.bytes += tr.bytes / n
		}
		initTotal = append(initTotal, sum)
	}
	t := newTable("Where `awsmfa login`'s time goes", "part", "median", "share of login")
	total := login.awsmfa.median()
	share := func(d time.Duration) string {
		if total == 0 {
			return "-"
		}
		return fmt.Sprintf("%.0f%%", 100*float64(d)/float64(total))
	}
	t.add("an empty Go program: fork, exec, runtime start, exit", ms(nop.median()), share(nop.median()))
	t.add("`awsmfa --version`: the same plus awsmfa's package init", ms(version.median()), share(version.median()))
	t.add("of which package init (GODEBUG=inittrace=1, sum)", ms(initTotal.median()), share(initTotal.median()))
	if r, ok := inproc["LoginLoopback"]; ok {
		d := time.Duration(r.nsPerOp)
		t.add("in-process Login over loopback (SDK client, SigV4, HTTP round trip, XML, locked fsync'd write; BenchmarkLoginLoopback)", ms(d), share(d))
		rest := total - version.median() - d
		t.add("left: flag parsing, TLS-free HTTP client set-up, GC, exit", ms(max(rest, 0)), share(max(rest, 0)))
	}
	t.add("**`awsmfa login` end to end**", "**"+ms(total)+"**", "100%")
	pkgs := make([]*initTrace, 0, len(perPkg))
	for _, p := range perPkg {
		pkgs = append(pkgs, p)
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].clock > pkgs[j].clock })
	var top []string
	for _, p := range pkgs[:min(6, len(pkgs))] {
		top = append(top, fmt.Sprintf("%s %s", p.pkg, ms(p.clock)))
	}
	t.note("Slowest package inits (mean of %d runs): %s.", n, strings.Join(top, ", "))
	return t, nil
}

// parseInitTrace reads lines like
// "init net/http @1.2 ms, 0.31 ms clock, 12345 bytes, 67 allocs".
func parseInitTrace(stderr string) []initTrace {
	var out []initTrace
	for _, l := range strings.Split(stderr, "\n") {
		f := strings.Fields(l)
		if len(f) < 8 || f[0] != "init" || f[5] != "clock," {
			continue
		}
		clock, err := strconv.ParseFloat(f[3], 64)
		if err != nil {
			continue
		}
		bytes, _ := strconv.Atoi(f[6])
		out = append(out, initTrace{pkg: f[1], clock: time.Duration(clock * float64(time.Millisecond)), bytes: bytes})
	}
	return out
}
