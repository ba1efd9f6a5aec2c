package packaging

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// desktopKeys reads the [Desktop Entry] group of a desktop file.
func desktopKeys(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	keys := map[string]string{}
	inEntry := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "[") {
			inEntry = line == "[Desktop Entry]"
			continue
		}
		if k, v, ok := strings.Cut(line, "="); ok && inEntry {
			keys[k] = v
		}
	}
	return keys
}

// validateDesktop runs desktop-file-validate; CI installs it (package
// desktop-file-utils) and sets CI=true, so there its absence fails.
func validateDesktop(t *testing.T, path string) {
	t.Helper()
	validator, err := exec.LookPath("desktop-file-validate")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("desktop-file-validate not found; install desktop-file-utils")
		}
		t.Skip("desktop-file-validate not found (package desktop-file-utils)")
	}
	out, err := exec.Command(validator, path).CombinedOutput()
	if err != nil || strings.Contains(string(out), "error:") || strings.Contains(string(out), "warning:") {
		t.Errorf("desktop-file-validate %s: %v\n%s", path, err, out)
	}
}

func TestApplicationsDesktopFile(t *testing.T) {
	path := "linux/awsmfa-tray.desktop"
	keys := desktopKeys(t, path)
	want := map[string]string{
		"Type": "Application",
		"Name": "awsmfa-tray",
		// Found on PATH (/usr/bin), and named like the hicolor icons in nfpm.yaml.
		"Exec":     "awsmfa-tray",
		"Icon":     "awsmfa-tray",
		"Terminal": "false",
	}
	for k, v := range want {
		if keys[k] != v {
			t.Errorf("%s=%q, want %q", k, keys[k], v)
		}
	}
	nfpm, err := os.ReadFile("nfpm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []string{"48", "128", "256"} {
		icon := "/usr/share/icons/hicolor/" + size + "x" + size + "/apps/" + keys["Icon"] + ".png"
		if !strings.Contains(string(nfpm), "dst: "+icon+"\n") {
			t.Errorf("nfpm.yaml installs no %s", icon)
		}
	}
	validateDesktop(t, path)
}

func TestWinresConfig(t *testing.T) {
	data, err := os.ReadFile("windows/winres.json")
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]map[string]map[string]json.RawMessage
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("winres.json: %v", err)
	}
	for _, typ := range []string{"RT_GROUP_ICON", "RT_MANIFEST", "RT_VERSION"} {
		if len(cfg[typ]) == 0 {
			t.Errorf("winres.json has no %s", typ)
		}
	}
	var icon string
	if err := json.Unmarshal(cfg["RT_GROUP_ICON"]["APP"]["0000"], &icon); err != nil {
		t.Fatalf("icon entry: %v", err)
	}
	// go-winres resolves paths from the JSON file's folder.
	if _, err := os.Stat(filepath.Join("windows", icon)); err != nil {
		t.Errorf("winres.json icon: %v", err)
	}
}

func TestBuildScriptRejectsBadVersion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not found")
	}
	for _, v := range []string{"1.2", "latest", "1.2.3 4", "$(id)"} {
		dist := t.TempDir()
		cmd := exec.Command(bash, "build.sh", v)
		cmd.Env = append(os.Environ(), "DIST="+dist)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
			t.Errorf("build.sh %q: %v, want exit status 2\n%s", v, err, out)
		}
		if entries, _ := os.ReadDir(dist); len(entries) != 0 {
			t.Errorf("build.sh %q wrote to dist", v)
		}
	}
}
