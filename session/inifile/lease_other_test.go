//go:build !linux

package inifile

// noLeases mirrors the Linux switch for the tests; there are no leases
// here anyway.
var noLeases bool
