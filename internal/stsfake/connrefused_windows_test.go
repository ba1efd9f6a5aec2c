package stsfake

import "golang.org/x/sys/windows"

// errConnRefused is what a dial to a closed port fails with: Winsock's
// own code, which Go's syscall.ECONNREFUSED (a Unix number) never matches.
var errConnRefused error = windows.WSAECONNREFUSED
