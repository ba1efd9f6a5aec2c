// Command awsmfa logs in to AWS with an MFA code and keeps the temporary
// session in the shared credentials file, where every AWS tool finds it.
// It is the command-line twin of the awsmfa-tray app and shares its core.
package main

import "os"

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
