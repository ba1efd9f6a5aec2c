package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// binaries are built the way releases are: -trimpath -ldflags "-s -w",
// and on Linux without cgo (packaging/build.sh), which also keeps libc's
// pages out of the tray's memory.
type binaries struct {
	awsmfa, tray, nop, sdkinit string
}

var buildFlags = []string{"-trimpath", "-ldflags", "-s -w"}

func build(root, out string) (binaries, error) {
	b := binaries{
		awsmfa:  filepath.Join(out, "awsmfa"),
		tray:    filepath.Join(out, "awsmfa-tray"),
		nop:     filepath.Join(out, "nop"),
		sdkinit: filepath.Join(out, "sdkinit"),
	}
	for pkg, bin := range map[string]string{"./cmd/awsmfa": b.awsmfa, "./cmd/awsmfa-tray": b.tray, "./bench/nop": b.nop, "./bench/sdkinit": b.sdkinit} {
		args := append(append([]string{"build"}, buildFlags...), "-o", bin, pkg)
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		if runtime.GOOS == "linux" {
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			return b, fmt.Errorf("go build %s: %w\n%s", pkg, err, strings.TrimSpace(string(out)))
		}
	}
	return b, nil
}

// moduleRoot is the folder of go.mod, so the bench runs from anywhere in
// the repository.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the awsmfa-tray module")
	}
	return filepath.Dir(mod), nil
}

func sizesSection(b binaries) (*table, error) {
	t := newTable("Binary sizes", "binary", "size", "bytes")
	for _, p := range []struct{ name, path string }{{"awsmfa", b.awsmfa}, {"awsmfa-tray", b.tray}} {
		fi, err := os.Stat(p.path)
		if err != nil {
			return nil, err
		}
		t.add(p.name, mib(fi.Size()), thousands(int(fi.Size())))
	}
	t.note("Built with `CGO_ENABLED=0 go build %s` for linux/amd64, as packaging/build.sh does.", strings.Join([]string{"-trimpath", `-ldflags "-s -w"`}, " "))
	return t, nil
}
