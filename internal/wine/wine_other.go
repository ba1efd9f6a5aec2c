//go:build !windows

package wine

// Running reports whether this process runs under wine: never, here.
func Running() bool { return false }

// Version is wine's version, "" when not under wine.
func Version() string { return "" }

// startFailed: only wine fails to start a process this way.
func startFailed(error) bool { return false }

// startFailedText: only wine fails to start a process this way.
func startFailedText(string) bool { return false }
