//go:build ((!linux && !freebsd && !openbsd && !netbsd) || android) && (!darwin || cgo)

package systray

// Batch runs f. awsmfa: only the D-Bus side batches; the native menus of
// Windows and macOS take each change at once.
func Batch(f func()) { f() }
