package inifile

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// The real botocore, in one long-running Python process that reads many
// inputs (testdata/botocore/reader.py), so a fuzz run is not one Python
// start per input. Debian's python3-botocore is the one tested: CI
// installs it (scripts/setup-debian.sh); elsewhere the tests skip.

// pyPython is the interpreter whose botocore is tested: Debian's, not
// whatever python3 comes first on PATH.
var pyPython = "/usr/bin/python3"

type pyBotocore struct {
	mu       sync.Mutex
	cache    map[string]*boView // by content: an edit's after is the next one's before
	cmd      *exec.Cmd
	in       *bufio.Writer
	out      *bufio.Scanner
	version  string
	services bool // build_profile_map has the services map
}

var (
	pyOnce sync.Once
	pyProc *pyBotocore
	pyErr  error
)

// realBotocore returns the shared helper process, starting it on first use.
func realBotocore(tb testing.TB) *pyBotocore {
	tb.Helper()
	pyOnce.Do(func() { pyProc, pyErr = startBotocore() })
	if pyErr != nil {
		if os.Getenv("CI") == "true" && runtime.GOOS == "linux" {
			tb.Fatalf("botocore is required in CI (apt-get install -y python3-botocore): %v", pyErr)
		}
		tb.Skipf("botocore not available: %v", pyErr)
	}
	return pyProc
}

func startBotocore() (*pyBotocore, error) {
	if _, err := os.Stat(pyPython); err != nil {
		return nil, err
	}
	script, err := filepath.Abs(filepath.Join("testdata", "botocore", "reader.py"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(pyPython, "-I", script)
	// UTF-8 as on any Linux or macOS desktop, whatever this machine's locale.
	cmd.Env = append(os.Environ(), "PYTHONUTF8=1", "PYTHONDONTWRITEBYTECODE=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &pyBotocore{cmd: cmd, in: bufio.NewWriter(stdin), out: bufio.NewScanner(stdout)}
	p.out.Buffer(make([]byte, 1<<20), 64<<20)
	if !p.out.Scan() {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("reader.py did not start (is python3-botocore installed?): %v", p.out.Err())
	}
	var hello struct {
		Botocore string
		Services bool
	}
	if err := json.Unmarshal(p.out.Bytes(), &hello); err != nil {
		return nil, err
	}
	p.version, p.services = hello.Botocore, hello.Services
	return p, nil
}

// read asks botocore what it reads from data.
func (p *pyBotocore) read(tb testing.TB, data []byte) *boView {
	tb.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if v, ok := p.cache[string(data)]; ok {
		return v
	}
	if p.cache == nil || len(p.cache) > 4096 {
		p.cache = map[string]*boView{}
	}
	v := p.ask(tb, data)
	p.cache[string(data)] = v
	return v
}

func (p *pyBotocore) ask(tb testing.TB, data []byte) *boView {
	tb.Helper()
	req, _ := json.Marshal(map[string]string{"data": base64.StdEncoding.EncodeToString(data)})
	p.in.Write(req)
	p.in.WriteByte('\n')
	if err := p.in.Flush(); err != nil {
		tb.Fatalf("botocore helper: %v", err)
	}
	if !p.out.Scan() {
		tb.Fatalf("botocore helper died: %v", p.out.Err())
	}
	var raw struct {
		Error    string
		Lines    []int
		Raw      [][2]json.RawMessage
		Flat     [][2]json.RawMessage
		Profiles [][3]json.RawMessage
		Creds    [][2]json.RawMessage
	}
	if err := json.Unmarshal(p.out.Bytes(), &raw); err != nil {
		tb.Fatalf("botocore helper answer %q: %v", p.out.Bytes(), err)
	}
	v := &boView{err: raw.Error, errLines: raw.Lines}
	if raw.Error != "" {
		return v
	}
	secs := func(in [][2]json.RawMessage) []boViewSec {
		var out []boViewSec
		for _, s := range in {
			var name string
			mustJSON(tb, s[0], &name)
			out = append(out, boViewSec{name: name, opts: viewOpts(tb, s[1])})
		}
		return out
	}
	v.raw, v.flat = secs(raw.Raw), secs(raw.Flat)
	for _, e := range raw.Profiles {
		var kind, name string
		mustJSON(tb, e[0], &kind)
		mustJSON(tb, e[1], &name)
		v.profiles = append(v.profiles, boViewEntry{boEntry{kind, name}, viewOpts(tb, e[2])})
	}
	for _, c := range raw.Creds {
		var name string
		mustJSON(tb, c[0], &name)
		cr := boViewCreds{section: name}
		var s string
		var vals []json.RawMessage
		switch {
		case string(c[1]) == "null":
		case json.Unmarshal(c[1], &s) == nil:
			cr.partial = true
		default:
			mustJSON(tb, c[1], &vals)
			cr.found = true
			for i, x := range vals {
				cr.vals[i] = viewValue(tb, x)
			}
		}
		v.creds = append(v.creds, cr)
	}
	return v
}

func viewOpts(tb testing.TB, m json.RawMessage) []boViewOpt {
	var pairs [][2]json.RawMessage
	mustJSON(tb, m, &pairs)
	var out []boViewOpt
	for _, p := range pairs {
		var k string
		mustJSON(tb, p[0], &k)
		out = append(out, boViewOpt{key: k, val: viewValue(tb, p[1])})
	}
	return out
}

func viewValue(tb testing.TB, m json.RawMessage) boViewVal {
	if string(m) == "null" {
		return boViewVal{none: true}
	}
	var s string
	if json.Unmarshal(m, &s) == nil {
		return boViewVal{str: s}
	}
	var n struct{ Nested [][2]string }
	mustJSON(tb, m, &n)
	return boViewVal{nested: n.Nested, isNested: true}
}

func mustJSON(tb testing.TB, m json.RawMessage, v any) {
	tb.Helper()
	if err := json.Unmarshal(m, v); err != nil {
		tb.Fatalf("botocore helper answer %s: %v", m, err)
	}
}
