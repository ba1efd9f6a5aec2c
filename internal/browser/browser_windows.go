package browser

import (
	"os"
	"os/exec"
	"path/filepath"
)

// platformCommand hands the URL to the registered http handler through
// url.dll, with no shell in between: "cmd /c start" would read the &s of
// the authorize URL as command separators.
func platformCommand(rawURL string) ([]string, error) {
	rundll := "rundll32.exe"
	if root := os.Getenv("SystemRoot"); root != "" {
		rundll = filepath.Join(root, "System32", "rundll32.exe")
	}
	return []string{rundll, "url.dll,FileProtocolHandler", rawURL}, nil
}

func detach(*exec.Cmd) {}
