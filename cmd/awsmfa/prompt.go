package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// errNoTerminal says how to log in when nobody can be asked.
var errNoTerminal = errors.New("no terminal to type it on: pass --token-code")

// terminal is where the CLI asks its questions: the controlling terminal,
// never stdout, so prompts do not end up in piped output.
type terminal interface {
	io.Writer
	// ReadLine returns one line without its end. End of input is
	// session.ErrCanceled; a canceled ctx returns ctx.Err().
	ReadLine(ctx context.Context) (string, error)
	Close() error
}

// fileTerminal reads lines from in and writes prompts to out.
type fileTerminal struct {
	in     *os.File
	out    io.Writer
	closer func() error
	lines  chan lineResult
	r      *bufio.Reader
}

type lineResult struct {
	line string
	err  error
}

func newFileTerminal(in *os.File, out io.Writer, closer func() error) *fileTerminal {
	return &fileTerminal{in: in, out: out, closer: closer, r: bufio.NewReader(in)}
}

func (t *fileTerminal) Write(p []byte) (int, error) { return t.out.Write(p) }

func (t *fileTerminal) Close() error {
	if t.closer == nil {
		return nil
	}
	return t.closer()
}

// ReadLine reads in a goroutine so Ctrl-C is not stuck behind a blocked
// read; a read still pending after a cancel is picked up by the next call.
func (t *fileTerminal) ReadLine(ctx context.Context) (string, error) {
	if t.lines == nil {
		t.lines = make(chan lineResult, 1)
		go t.readOne()
	}
	select {
	case <-ctx.Done():
		fmt.Fprintln(t.out) // leave the shell prompt on a fresh line
		return "", ctx.Err()
	case res := <-t.lines:
		t.lines = nil
		return res.line, res.err
	}
}

func (t *fileTerminal) readOne() {
	line, err := t.r.ReadString('\n')
	if err != nil && (line == "" || !errors.Is(err, io.EOF)) {
		if errors.Is(err, io.EOF) {
			err = session.ErrCanceled
		}
		t.lines <- lineResult{err: err}
		return
	}
	t.lines <- lineResult{line: strings.TrimRight(line, "\r\n")}
}

// stdinTerminal uses stdin when it is a character device, with prompts on
// stderr: the fallback when the terminal device cannot be opened.
func stdinTerminal(stdin io.Reader, stderr io.Writer) (terminal, bool) {
	f, ok := stdin.(*os.File)
	if !ok || f == nil {
		return nil, false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return nil, false
	}
	// /dev/null is a character device too, but nobody answers there.
	if null, err := os.Stat(os.DevNull); err == nil && os.SameFile(fi, null) {
		return nil, false
	}
	return newFileTerminal(f, stderr, nil), true
}

// terminal opens the terminal once per run; it returns errNoTerminal when
// there is none.
func (a *app) terminal() (terminal, error) {
	if !a.opened {
		a.opened = true
		a.term, a.termErr = openTerminal(a.stdin, a.stderr)
	}
	return a.term, a.termErr
}

func (a *app) closeTerminal() {
	if a.term != nil {
		a.term.Close()
	}
}

// ask writes question on the terminal and returns the trimmed answer.
func (a *app) ask(question string) (string, error) {
	t, err := a.terminal()
	if err != nil {
		return "", err
	}
	fmt.Fprint(t, question)
	line, err := t.ReadLine(a.ctx)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(line), nil
}

// confirm asks a yes/no question; anything but y/yes is no.
func (a *app) confirm(question string) (bool, error) {
	ans, err := a.ask(question + " [y/N] ")
	if err != nil {
		return false, err
	}
	switch strings.ToLower(ans) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}
