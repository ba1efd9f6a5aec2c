//go:build !windows

package localchan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// DefaultAddr is the tray's socket: $XDG_RUNTIME_DIR/awsmfa/tray.sock (a
// per-user folder the system creates 0700 and clears at logout), else a
// private awsmfa-UID folder in the temp folder (per-user on macOS).
func DefaultAddr() (string, error) {
	if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "awsmfa", "tray.sock"), nil
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("awsmfa-%d", os.Getuid()), "tray.sock"), nil
}

// Listen creates the socket at addr: its folder 0700 (made if missing, and
// refused if it belongs to someone else or others may write it), the
// socket 0600. A socket left by a tray that died is replaced; a live one is
// ErrAlreadyListening.
func Listen(addr string) (*Listener, error) {
	dir := filepath.Dir(addr)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("localchan: create %s: %w", dir, err)
	}
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	if fi, err := os.Lstat(addr); err == nil {
		if fi.Mode()&fs.ModeSocket == 0 {
			return nil, fmt.Errorf("localchan: %s exists and is not a socket; remove it", addr)
		}
		if c, err := net.DialTimeout("unix", addr, time.Second); err == nil {
			c.Close()
			return nil, ErrAlreadyListening
		}
		os.Remove(addr)
	}
	ln, err := net.Listen("unix", addr)
	if err != nil {
		return nil, fmt.Errorf("localchan: listen: %w", err)
	}
	// The folder is private, so nobody can reach the socket before this.
	if err := os.Chmod(addr, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("localchan: %w", err)
	}
	return &Listener{ln: ln, addr: addr, done: make(chan struct{})}, nil
}

// checkDir refuses a folder that is not a real folder of ours that only we
// may write.
func checkDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("localchan: %w", err)
	}
	uid, ok := owner(fi)
	switch {
	case !fi.IsDir():
		return fmt.Errorf("%w: %s is not a folder", ErrUntrusted, dir)
	case !ok || uid != os.Getuid():
		return fmt.Errorf("%w: the folder %s belongs to user %d, not to you", ErrUntrusted, dir, uid)
	case fi.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("%w: others may write to the folder %s (mode %04o)", ErrUntrusted, dir, fi.Mode().Perm())
	}
	return nil
}

// checkAddr is the client's look before it connects: a socket of ours,
// mode 0600 or stricter, in a folder of ours.
func checkAddr(addr string) error {
	fi, err := os.Lstat(addr)
	if errors.Is(err, fs.ErrNotExist) {
		return ErrNotRunning
	}
	if err != nil {
		return fmt.Errorf("localchan: %w", err)
	}
	uid, ok := owner(fi)
	switch {
	case fi.Mode()&fs.ModeSocket == 0:
		return fmt.Errorf("%w: %s is not a socket", ErrUntrusted, addr)
	case !ok || uid != os.Getuid():
		return fmt.Errorf("%w: the socket %s belongs to user %d, not to you", ErrUntrusted, addr, uid)
	case fi.Mode().Perm()&0o077 != 0:
		return fmt.Errorf("%w: others may open the socket %s (mode %04o, want 0600)", ErrUntrusted, addr, fi.Mode().Perm())
	}
	return checkDir(filepath.Dir(addr))
}

func owner(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return -1, false
	}
	return int(st.Uid), true
}

func dial(ctx context.Context, addr string) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", addr)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, fs.ErrNotExist):
		return nil, ErrNotRunning
	case err != nil:
		return nil, ctxOr(ctx, fmt.Errorf("localchan: connect: %w", err))
	}
	return c, nil
}

// peerUID is the user id of the process at the other end.
func peerUID(c *net.UnixConn) (int, error) {
	raw, err := c.SyscallConn()
	if err != nil {
		return -1, err
	}
	uid, uerr := -1, error(nil)
	if err := raw.Control(func(fd uintptr) { uid, uerr = sockPeerUID(int(fd)) }); err != nil {
		return -1, err
	}
	return uid, uerr
}

// checkPeer refuses a peer that runs as another user.
func checkPeer(c net.Conn, _ bool) error {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return fmt.Errorf("%w: not a Unix socket", ErrUntrusted)
	}
	uid, err := peerUID(uc)
	if err != nil {
		return fmt.Errorf("%w: cannot tell who is at the other end: %v", ErrUntrusted, err)
	}
	if uid != os.Getuid() {
		return fmt.Errorf("%w: the other end runs as user %d, not as you", ErrUntrusted, uid)
	}
	return nil
}
