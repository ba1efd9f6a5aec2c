//go:build windows

package localchan

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"
)

// DefaultAddr is the tray's named pipe, named after the user's SID so each
// account on the machine has its own.
func DefaultAddr() (string, error) {
	sid, err := currentSID()
	if err != nil {
		return "", err
	}
	return `\\.\pipe\awsmfa-tray-` + sid, nil
}

// Listen creates the pipe at addr with an ACL that admits this user alone
// (no inherited entries, not even Administrators or SYSTEM). go-winio
// creates the first instance exclusively, so a pipe someone else created
// first under our name is refused rather than shared.
func Listen(addr string) (*Listener, error) {
	sid, err := currentSID()
	if err != nil {
		return nil, err
	}
	ln, err := winio.ListenPipe(addr, &winio.PipeConfig{
		SecurityDescriptor: "D:P(A;;GA;;;" + sid + ")",
		InputBufferSize:    maxLine,
		OutputBufferSize:   maxLine,
	})
	if errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_PIPE_BUSY) {
		return nil, ErrAlreadyListening
	}
	if err != nil {
		return nil, fmt.Errorf("localchan: listen: %w", err)
	}
	return &Listener{ln: ln, addr: addr, done: make(chan struct{})}, nil
}

// checkAddr has nothing to look at before connecting: the pipe's ACL and
// checkPeer do the work.
func checkAddr(string) error { return nil }

func dial(ctx context.Context, addr string) (net.Conn, error) {
	c, err := winio.DialPipeContext(ctx, addr)
	switch {
	case errors.Is(err, windows.ERROR_FILE_NOT_FOUND) || errors.Is(err, windows.ERROR_PATH_NOT_FOUND):
		return nil, ErrNotRunning
	case errors.Is(err, windows.ERROR_ACCESS_DENIED):
		return nil, fmt.Errorf("%w: the pipe %s does not admit you", ErrUntrusted, addr)
	case err != nil:
		return nil, ctxOr(ctx, fmt.Errorf("localchan: connect: %w", err))
	}
	return c, nil
}

// checkPeer refuses a peer whose process runs as another account: the
// server checks its client, the client the server (a pipe squatted by
// another user under our name fails here).
func checkPeer(c net.Conn, server bool) error {
	f, ok := c.(interface{ Fd() uintptr })
	if !ok {
		return fmt.Errorf("%w: not a named pipe", ErrUntrusted)
	}
	h := windows.Handle(f.Fd())
	var pid uint32
	var err error
	if server {
		err = windows.GetNamedPipeClientProcessId(h, &pid)
	} else {
		err = windows.GetNamedPipeServerProcessId(h, &pid)
	}
	if err != nil {
		return fmt.Errorf("%w: cannot tell who is at the other end: %v", ErrUntrusted, err)
	}
	peer, err := processSID(pid)
	if err != nil {
		return fmt.Errorf("%w: cannot tell who is at the other end: %v", ErrUntrusted, err)
	}
	me, err := currentSID()
	if err != nil {
		return err
	}
	if peer != me {
		return fmt.Errorf("%w: the other end runs as %s, not as you", ErrUntrusted, peer)
	}
	return nil
}

func currentSID() (string, error) {
	u, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return "", fmt.Errorf("localchan: read the current user: %w", err)
	}
	return u.User.Sid.String(), nil
}

func processSID(pid uint32) (string, error) {
	p, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, pid)
	if err != nil {
		return "", err
	}
	defer windows.CloseHandle(p)
	var tok windows.Token
	if err := windows.OpenProcessToken(p, windows.TOKEN_QUERY, &tok); err != nil {
		return "", err
	}
	defer tok.Close()
	u, err := tok.GetTokenUser()
	if err != nil {
		return "", err
	}
	return u.User.Sid.String(), nil
}
