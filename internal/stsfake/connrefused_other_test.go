//go:build !windows

package stsfake

import "syscall"

// errConnRefused is what a dial to a closed port fails with.
var errConnRefused error = syscall.ECONNREFUSED
