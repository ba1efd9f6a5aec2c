// Package buildinfo names the version a binary reports.
package buildinfo

import "runtime/debug"

// Version is stamped when the build sets it with -ldflags -X (packaging);
// a `go install …@v1.2.3` build has no stamp, so the module version that Go
// recorded is used instead, and "dev" for a plain checkout build.
func Version(stamped string) string {
	if stamped != "" && stamped != "dev" {
		return stamped
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}
