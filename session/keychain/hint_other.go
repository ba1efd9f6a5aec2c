//go:build !linux && !darwin && !windows

package keychain

// hint: on the BSDs go-keyring uses a Secret Service (with cgo only).
func hint(error) (string, bool) {
	return "the OS keychain refused (on this system it is a Secret Service on the session D-Bus)", false
}
