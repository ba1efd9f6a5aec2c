package inifile

import (
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// leasePoll is how often a held lease is checked for a writer waiting on
// it; that writer (the AWS CLI opening the file to rewrite it) waits at
// most this long for us to step aside.
var leasePoll = 2 * time.Millisecond

// noLeases turns leases off, for tests of the fallback that other systems
// (and file systems without leases) use.
var noLeases bool

// lease is a Linux read lease (fcntl F_SETLEASE) on an open file. The
// kernel grants it only while no process has the file open for writing,
// and a process that then opens it for writing (or truncates it) waits
// until we release it, which lets us tell a quiet file from one the AWS
// CLI is rewriting in place, and know for certain whether anyone wrote it
// since we read it.
type lease struct {
	f      *os.File
	broken atomic.Bool // a writer asked for the file; we let go
	once   sync.Once
	stop   chan struct{}
	done   chan struct{}
}

// takeLease tries to lease f. busy reports that another process has the
// file open for writing; a nil lease with busy false means leases are not
// available here (another user's file without CAP_LEASE, NFS, leases
// switched off), and the caller falls back on comparing reads.
func takeLease(f *os.File) (l *lease, busy bool) {
	if noLeases {
		return nil, false
	}
	err := fcntl(f, unix.F_SETLEASE, unix.F_RDLCK)
	if err == nil {
		return &lease{f: f}, false
	}
	return nil, errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EWOULDBLOCK)
}

// watch starts letting go of the lease as soon as a writer wants the file,
// so a lease held across an STS call never holds up the AWS CLI.
func (l *lease) watch() {
	l.stop, l.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(l.done)
		t := time.NewTicker(leasePoll)
		defer t.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-t.C:
				if !l.held() {
					l.broken.Store(true)
					fcntl(l.f, unix.F_SETLEASE, unix.F_UNLCK)
					return
				}
			}
		}
	}()
}

// held reports whether the lease is still ours with no writer waiting.
func (l *lease) held() bool {
	v, err := fcntlGet(l.f, unix.F_GETLEASE)
	return err == nil && v == unix.F_RDLCK
}

// intact reports whether no process has opened the file for writing since
// the lease was taken.
func (l *lease) intact() bool {
	return l != nil && !l.broken.Load() && l.held()
}

// release drops the lease and closes its file; nil-safe and idempotent.
func (l *lease) release() {
	if l == nil {
		return
	}
	l.once.Do(func() {
		if l.stop != nil {
			close(l.stop)
			<-l.done
		}
		fcntl(l.f, unix.F_SETLEASE, unix.F_UNLCK)
		l.f.Close()
	})
}

func fcntl(f *os.File, cmd, arg int) error {
	_, err := fcntlGet2(f, cmd, arg)
	return err
}

func fcntlGet(f *os.File, cmd int) (int, error) { return fcntlGet2(f, cmd, 0) }

func fcntlGet2(f *os.File, cmd, arg int) (int, error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return 0, err
	}
	var v int
	var ferr error
	if err := rc.Control(func(fd uintptr) { v, ferr = unix.FcntlInt(fd, cmd, arg) }); err != nil {
		return 0, err
	}
	return v, ferr
}
