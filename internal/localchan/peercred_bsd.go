//go:build darwin || freebsd

package localchan

import "golang.org/x/sys/unix"

// sockPeerUID is the user id of the process at the other end of socket fd
// (LOCAL_PEERCRED).
func sockPeerUID(fd int) (int, error) {
	cred, err := unix.GetsockoptXucred(fd, unix.SOL_LOCAL, unix.LOCAL_PEERCRED)
	if err != nil {
		return -1, err
	}
	return int(cred.Uid), nil
}
