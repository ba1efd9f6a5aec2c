// Command bench measures awsmfa and awsmfa-tray and prints Markdown tables:
// login end to end against the manual AWS CLI process, scale from 10 to
// 10,000 profiles (as processes and in-process), the tray at rest, and
// binary sizes. Run it from the repository: go run ./bench [-quick].
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

type options struct {
	quick      bool
	runs       int
	aws        string
	only       map[string]bool
	traySettle time.Duration
	trayIdle   time.Duration
	trayEnv    []string
	trayN      []int
	keep       bool
}

var sections = []string{"sizes", "gobench", "login", "roles", "scale", "tray"}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.quick, "quick", false, "few iterations, for CI: under a minute, same tables")
	fs.IntVar(&o.runs, "runs", 0, "runs per process measurement (default 10, -quick 3)")
	fs.StringVar(&o.aws, "aws", "", "AWS CLI for the manual login (default /usr/bin/aws, else aws on PATH)")
	only := fs.String("only", "", "comma-separated sections to run: "+strings.Join(sections, ","))
	fs.DurationVar(&o.traySettle, "tray-settle", 0, "tray: read RSS this long after start (default 60s, -quick 5s)")
	fs.DurationVar(&o.trayIdle, "tray-idle", 0, "tray: idle window for CPU time (default 5m, -quick 10s)")
	trayEnv := fs.String("tray-env", "", "tray: extra KEY=VALUE settings, space-separated (e.g. GOGC=50)")
	trayN := fs.String("tray-profiles", "20,1000", "tray: numbers of MFA profiles in its files, comma-separated (one run each)")
	fs.BoolVar(&o.keep, "keep", false, "keep the temp folder (binaries, files, tray log)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	def := func(v *time.Duration, full, quick time.Duration) {
		if *v == 0 {
			*v = full
			if o.quick {
				*v = quick
			}
		}
	}
	def(&o.traySettle, time.Minute, 5*time.Second)
	def(&o.trayIdle, 5*time.Minute, 10*time.Second)
	if o.runs == 0 {
		o.runs = 10
		if o.quick {
			o.runs = 3
		}
	}
	o.only = map[string]bool{}
	for _, s := range strings.Split(*only, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		known := false
		for _, k := range sections {
			known = known || k == s
		}
		if !known {
			return o, fmt.Errorf("-only: unknown section %q (have %s)", s, strings.Join(sections, ","))
		}
		o.only[s] = true
	}
	o.trayEnv = strings.Fields(*trayEnv)
	for _, f := range strings.Split(*trayN, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return o, fmt.Errorf("-tray-profiles: %q is not a number of profiles", f)
		}
		o.trayN = append(o.trayN, n)
	}
	return o, nil
}

func (o options) want(s string) bool { return len(o.only) == 0 || o.only[s] }

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err == flag.ErrHelp {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 2
	}
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	tmp, err := os.MkdirTemp("", "awsmfa-bench-")
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	if o.keep {
		fmt.Fprintln(stderr, "bench: keeping", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	m := readMachine(tmp)
	began := time.Now()
	mode := "full"
	if o.quick {
		mode = "quick (-quick: few iterations; for CI, not for the README)"
	}
	fmt.Fprintf(stdout, "## awsmfa benchmarks\n\nMode: %s.\n", mode)

	passed, failed, skipped := 0, 0, 0
	report := func(name string, t *table, err error) {
		switch {
		case err != nil:
			failed++
			fmt.Fprintf(stdout, "\n### %s\n\nFAILED: %v\n", name, err)
		case t == nil:
			skipped++
		default:
			passed++
			t.print(stdout, m)
		}
	}
	step := func(name string) {
		fmt.Fprintf(stderr, "bench: %s (%s so far)\n", name, time.Since(began).Round(time.Second))
	}

	step("build")
	bins, err := build(root, tmp)
	if err != nil {
		report("build", nil, err)
		fmt.Fprintf(stdout, "\nbench: %d passed, %d failed\n", passed, failed)
		return 1
	}
	if o.want("sizes") {
		t, err := sizesSection(bins)
		report("Binary sizes", t, err)
	}
	var inproc map[string]benchResult
	if o.want("gobench") || o.want("login") {
		step("go test -bench ./session")
		res, raw, err := goBench(root, o)
		inproc = res
		if o.want("gobench") {
			var t *table
			if err == nil {
				t = scaleInProcess(res, raw, o)
			}
			report("Scale in-process", t, err)
		}
	}
	if o.want("login") {
		step("login")
		t, res, err := loginSection(bins, tmp, o)
		report("Login end to end", t, err)
		if err == nil {
			t, err := startupSection(bins, tmp, o, res, inproc)
			report("Where the time goes", t, err)
		}
		step("login under callgrind")
		t, err = instructionsSection(bins, tmp, o)
		report("Instructions executed", t, err)
	}
	if o.want("roles") {
		step("roles")
		t, err := rolesSection(bins, tmp, o)
		report("credential-process", t, err)
	}
	if o.want("scale") {
		step("scale")
		t, err := scaleProcesses(bins, tmp, o)
		report("Scale as processes", t, err)
	}
	if o.want("tray") {
		step("tray")
		for _, n := range o.trayN {
			step(fmt.Sprintf("tray with %d profiles", n))
			t, err := traySection(bins, tmp, o, n)
			report(fmt.Sprintf("Tray at rest, %d profiles", n), t, err)
		}
	}
	fmt.Fprintf(stdout, "\nReproduce: `go run ./bench%s` from the repository root (took %s).\n", argsText(args), time.Since(began).Round(time.Second))
	// A plain closing line that CI can read as a test summary.
	fmt.Fprintf(stdout, "bench: %d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if failed > 0 {
		return 1
	}
	return 0
}

func argsText(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return " " + strings.Join(args, " ")
}
