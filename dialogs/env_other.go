//go:build !linux

package dialogs

// PrepareEnv has nothing to do on this system.
func PrepareEnv() {}
