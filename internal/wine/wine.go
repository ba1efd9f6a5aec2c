// Package wine tells the Windows tests that they run under wine, so that
// they skip, naming wine, only what wine itself cannot do; a run on real
// Windows never skips. Only tests import it.
package wine

import (
	"os/exec"
	"testing"
)

// Skip skips t when it runs under wine, saying what wine cannot do.
func Skip(t testing.TB, what string) {
	t.Helper()
	if Running() {
		t.Skipf("wine %s: %s (real Windows runs this test)", Version(), what)
	}
}

// What wine cannot do, as Skip's reason.
const (
	// Symlinks: wine 8.0's CreateSymbolicLink reports success and creates
	// nothing, so os.Symlink "works" and the link is missing.
	Symlinks = "CreateSymbolicLink reports success but creates no link"
	// NamedPipes: a client connects, but go-winio's overlapped
	// ConnectNamedPipe never completes, so a server's Accept never returns.
	NamedPipes = "named pipes never complete go-winio's Accept"
	// DeletePending: wine 8.0 has no POSIX-style delete (the same missing
	// FileDispositionInformationEx as scripts/wine/deleteat_test.go.in),
	// so a deleted folder keeps its name while any handle to it is open,
	// a file watcher's included, and cannot be made again meanwhile.
	DeletePending = "a deleted folder keeps its name while a handle is open (no POSIX delete)"
	// TwoDialogThreads: wine 8.0's Uniscribe, which EDIT controls lay out
	// their text with, frees a font cache it leaves in its process-wide
	// list when two threads make one for the same font at once
	// (init_script_cache in dlls/gdi32/uniscribe/usp10.c removes the other
	// thread's entry instead of its own). Two code dialogs on two threads
	// are two such EDIT controls: in 5 of 20 runs the test process then
	// hung in that list's walk (found with gdb: the list head points at a
	// freed entry whose links are the heap's free list) or died of a page
	// fault in ntdll's heap with exit status 5 (0xC0000005 & 0xff) and no
	// word, since wine cannot unwind through Go's stack to report it
	// (WINEDEBUG=+seh: "Exception frame is not in stack limits"). Without
	// Go or windows, scripts/wine/usp10race.c fails the same way in 9 of
	// 10 runs with two threads, and in none of 5 with one.
	TwoDialogThreads = "Uniscribe frees a font cache still in its list when two threads' EDIT controls make one at once (scripts/wine/usp10race.c)"
)

// ProcessStart: wine 8.0's CreateProcess now and then fails with
// ERROR_INTERNAL_ERROR ("Internal error.") when the new process dies in
// wine's own start-up, before its entry point: NtCreateUserProcess
// (dlls/ntdll/unix/process.c) returns STATUS_INTERNAL_ERROR when the
// server says the process never finished initialising and left no exit
// code. It was seen once in about 5,000 starts under stress-ng (stress
// run 16: one of TestBinaryConcurrentLogins' 100 logins), never in 1,000
// started side by side on a loaded machine, and never on Windows.
const ProcessStart = "CreateProcess fails with ERROR_INTERNAL_ERROR when the new process dies in wine's own start-up"

// maxStarts bounds how often a start is tried: a process wine cannot
// start three times in a row is a real failure.
const maxStarts = 3

// Start starts the command mk makes. Where wine fails to start it
// (ProcessStart), nothing of the program has run, so it starts a fresh
// one that mk makes, logging why, at most maxStarts times in all.
// Elsewhere, and for any other error, it is mk().Start().
func Start(t testing.TB, mk func() *exec.Cmd) (*exec.Cmd, error) {
	t.Helper()
	return start(t, mk, startFailed)
}

// start is Start, with failed saying which errors to start again after.
func start(t testing.TB, mk func() *exec.Cmd, failed func(error) bool) (*exec.Cmd, error) {
	t.Helper()
	var cmd *exec.Cmd
	err := again(t, func() error { cmd = mk(); return cmd.Start() }, failed, func() string { return cmd.Path + " is started" })
	return cmd, err
}

// Again runs attempt, a run of a child that starts a process of its own
// under wine, once more each time its error's words name wine failing to
// start that process (startFailedText), at most maxStarts times in all.
// what names the attempt in the log. Elsewhere it is attempt().
func Again(t testing.TB, what string, attempt func() error) error {
	t.Helper()
	return again(t, attempt, func(err error) bool { return startFailedText(err.Error()) }, func() string { return what + " runs" })
}

// again is the one retry loop behind Start and Again: attempt until it
// works, fails otherwise than failed says, or has run maxStarts times,
// logging each retry with what names.
func again(t testing.TB, attempt func() error, failed func(error) bool, what func() string) error {
	t.Helper()
	for try := 1; ; try++ {
		err := attempt()
		if err == nil || try == maxStarts || !failed(err) {
			return err
		}
		t.Logf("wine %s: %s, so %s again: %v", Version(), ProcessStart, what(), err)
	}
}

// Run is Start, then Wait.
func Run(t testing.TB, mk func() *exec.Cmd) (*exec.Cmd, error) {
	t.Helper()
	cmd, err := Start(t, mk)
	if err != nil {
		return cmd, err
	}
	return cmd, cmd.Wait()
}
