package wine

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestStart(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-program")
	// Windows says exec.ErrNotFound for a full path that is not there.
	notFound := func(err error) bool { return errors.Is(err, fs.ErrNotExist) || errors.Is(err, exec.ErrNotFound) }
	never := func(error) bool { return false }
	tests := []struct {
		name      string
		failFirst int // how many starts fail before one works
		failed    func(error) bool
		wantTries int
		wantErr   bool
	}{
		{"starts at once", 0, notFound, 1, false},
		{"started again after a failed start", 2, notFound, 3, false},
		{"gives up after maxStarts", 5, notFound, maxStarts, true},
		{"any other error is returned at once", 2, never, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tries := 0
			cmd, err := start(t, func() *exec.Cmd {
				tries++
				if tries <= tt.failFirst {
					return exec.Command(missing)
				}
				return exec.Command(os.Args[0], "-test.run=^$")
			}, tt.failed)
			if err == nil {
				err = cmd.Wait()
			}
			if tries != tt.wantTries || (err != nil) != tt.wantErr {
				t.Errorf("%d starts, err %v; want %d starts, error %v", tries, err, tt.wantTries, tt.wantErr)
			}
		})
	}
}

// Outside wine no start failure is wine's.
func TestStartFailedOnlyUnderWine(t *testing.T) {
	if Running() {
		t.Skip("under wine")
	}
	_, err := exec.Command(filepath.Join(t.TempDir(), "missing")).CombinedOutput()
	if err == nil || startFailed(err) {
		t.Errorf("startFailed(%v) outside wine", err)
	}
}

// Again runs an attempt once more only when its words name wine's failed
// start, so outside wine it runs once whatever its error says.
func TestAgain(t *testing.T) {
	tries := 0
	err := Again(t, "the attempt", func() error {
		tries++
		return errors.New("exit status 1: Internal error.") // ERROR_INTERNAL_ERROR's text
	})
	want := 1
	if Running() {
		want = maxStarts
	}
	if err == nil || tries != want {
		t.Errorf("%d tries, err %v; want %d tries and the error", tries, err, want)
	}
}
