package session

import "testing"

// SetKeychainHook runs f at each step of a keychain import or export until
// the test ends; the crash tests stop the process there.
func SetKeychainHook(t testing.TB, f func(stage string)) {
	keychainHook = f
	t.Cleanup(func() { keychainHook = nil })
}
