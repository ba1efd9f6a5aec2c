//go:build !windows && !linux && !darwin && !freebsd

package localchan

import "errors"

// sockPeerUID is not implemented here, so the channel refuses every peer.
func sockPeerUID(int) (int, error) {
	return -1, errors.New("peer credentials are not supported on this system")
}
