package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

// binVersion is stamped into the test binary to prove -ldflags -X works.
const binVersion = "v9.9.9-test"

var (
	binDir   string
	binPath  string
	binErr   error
	binBuild sync.Once
)

// binary builds awsmfa once per test run.
func binary(t *testing.T) string {
	t.Helper()
	binBuild.Do(func() {
		binDir, binErr = os.MkdirTemp("", "awsmfa-bin-")
		if binErr != nil {
			return
		}
		name := "awsmfa"
		if runtime.GOOS == "windows" {
			name += ".exe"
		}
		binPath = filepath.Join(binDir, name)
		cmd := exec.Command("go", "build", "-o", binPath, "-ldflags", "-X main.version="+binVersion, ".")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			binErr = &buildError{err, out.String()}
		}
	})
	if binErr != nil {
		t.Fatalf("build awsmfa: %v", binErr)
	}
	return binPath
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + "\n" + e.out }

func TestBinaryVersion(t *testing.T) {
	out, err := exec.Command(binary(t), "version").CombinedOutput()
	if err != nil || string(out) != "awsmfa "+binVersion+"\n" {
		t.Errorf("version: %v, %q", err, out)
	}
}
