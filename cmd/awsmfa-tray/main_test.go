package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/tray/autostart"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr string
		check   func(options) bool
	}{
		{nil, "", func(o options) bool { return o.notifyBefore == 10*time.Minute && !o.notifySet }},
		{[]string{"--notify-before", "0"}, "", func(o options) bool { return o.notifyBefore == 0 && o.notifySet }},
		{[]string{"--demo", "--verbose"}, "", func(o options) bool { return o.demo && o.verbose }},
		{[]string{"--autostart", "status"}, "", func(o options) bool { return o.autostart == "status" }},
		{[]string{"--autostart", "maybe"}, "on, off or status", nil},
		{[]string{"--notify-before", "-1m"}, "negative", nil},
		{[]string{"extra"}, "unexpected argument", nil},
	}
	for _, tt := range tests {
		o, err := parseFlags(tt.args, &bytes.Buffer{})
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: err %v, want %q", tt.args, err, tt.wantErr)
			}
		case err != nil:
			t.Errorf("%v: %v", tt.args, err)
		case !tt.check(o):
			t.Errorf("%v: options %+v", tt.args, o)
		}
	}
}

func TestRunVersionAndUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if rc := run([]string{"--version"}, &out, &errb); rc != 0 || out.String() != "awsmfa-tray dev\n" {
		t.Errorf("--version: rc %d, %q", rc, out.String())
	}
	if rc := run([]string{"--bogus"}, &out, &errb); rc != 2 {
		t.Errorf("--bogus: rc %d", rc)
	}
}

func TestSingleInstance(t *testing.T) {
	dir := t.TempDir()
	unlock, ok, err := lockInstance(dir, "x.lock")
	if err != nil || !ok {
		t.Fatalf("first lock: %v %v", ok, err)
	}
	if _, ok, err := lockInstance(dir, "x.lock"); err != nil || ok {
		t.Fatalf("second lock taken: %v %v", ok, err)
	}
	unlock()
	unlock2, ok, err := lockInstance(dir, "x.lock")
	if err != nil || !ok {
		t.Fatalf("lock after unlock: %v %v", ok, err)
	}
	unlock2()
}

func TestLogFileRotates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "awsmfa-tray.log")
	l, err := openLogFile(path, 100)
	if err != nil {
		t.Fatal(err)
	}
	line := []byte(strings.Repeat("x", 39) + "\n")
	for range 10 {
		if _, err := l.Write(line); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()
	cur, _ := os.Stat(path)
	old, err := os.Stat(path + ".1")
	if err != nil {
		t.Fatal(err)
	}
	if cur.Size() > 100 || old.Size() > 100 {
		t.Errorf("sizes %d and %d exceed the cap", cur.Size(), old.Size())
	}
	// Windows has no permission bits: Go reports 0666 for every file.
	if fi, _ := os.Stat(path); runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
		t.Errorf("log mode %v", fi.Mode().Perm())
	}
}

type stubAutostart struct {
	st      autostart.Status
	err     error
	enabled string
}

func (s *stubAutostart) Status() (autostart.Status, error) { return s.st, s.err }
func (s *stubAutostart) Enable(exe string) error {
	s.enabled = exe
	s.st = autostart.Status{Enabled: true, Path: "/home/u/.config/autostart/awsmfa-tray.desktop", Target: exe}
	return nil
}
func (s *stubAutostart) Disable() error { s.st = autostart.Status{}; return nil }

func TestRunAutostart(t *testing.T) {
	var out, errb bytes.Buffer
	m := &stubAutostart{}
	if rc := runAutostart(m, "status", &out, &errb); rc != 0 || out.String() != "Start at login: off\n" {
		t.Errorf("status: rc %d %q", rc, out.String())
	}
	out.Reset()
	if rc := runAutostart(m, "on", &out, &errb); rc != 0 || m.enabled == "" ||
		!strings.HasPrefix(out.String(), "Start at login: on\nEntry: /home/u/.config/autostart/awsmfa-tray.desktop\nStarts: ") {
		t.Errorf("on: rc %d %q", rc, out.String())
	}
	out.Reset()
	m.st.Stale = true
	runAutostart(m, "status", &out, &errb)
	if !strings.Contains(out.String(), "--autostart on to fix it") {
		t.Errorf("stale: %q", out.String())
	}
	out.Reset()
	if rc := runAutostart(m, "off", &out, &errb); rc != 0 || out.String() != "Start at login: off\n" {
		t.Errorf("off: rc %d %q", rc, out.String())
	}
	m.err = errors.New("boom")
	if rc := runAutostart(m, "status", &out, &errb); rc != 1 {
		t.Errorf("error: rc %d", rc)
	}
}
