package packaging

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/internal/plist"
	"github.com/awsmfa-tray/awsmfa-tray/tray/autostart"
)

// makeApp runs macos/make-app.sh on a stand-in binary. The script is plain
// bash, so the bundle is assembled and checked on every Unix, not only on a Mac.
func makeApp(t *testing.T, version string) (app string, bin []byte, err error) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("make-app.sh needs bash")
	}
	bash, lookErr := exec.LookPath("bash")
	if lookErr != nil {
		t.Skip("bash not found")
	}
	dir := t.TempDir()
	bin = []byte("stand-in for a darwin awsmfa-tray binary\n")
	binPath := filepath.Join(dir, "awsmfa-tray")
	if err := os.WriteFile(binPath, bin, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, "macos/make-app.sh", binPath, version, out)
	msg, err := cmd.CombinedOutput()
	if err != nil {
		t.Logf("make-app.sh %s: %v\n%s", version, err, msg)
	}
	return filepath.Join(out, "awsmfa-tray.app"), bin, err
}

func TestMacAppBundle(t *testing.T) {
	tests := []struct{ version, short string }{
		{"1.2.3", "1.2.3"},
		{"v0.10.0", "0.10.0"},
		{"2.0.0-rc.1", "2.0.0"},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			app, bin, err := makeApp(t, tt.version)
			if err != nil {
				t.Fatal(err)
			}
			plistData, err := os.ReadFile(filepath.Join(app, "Contents", "Info.plist"))
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(plistData, []byte("@")) {
				t.Errorf("Info.plist has an unfilled placeholder:\n%s", plistData)
			}
			p, err := plist.Parse(plistData)
			if err != nil {
				t.Fatalf("Info.plist: %v\n%s", err, plistData)
			}
			want := map[string]plist.Value{
				"CFBundleIdentifier":            {Kind: "string", Text: autostart.AppID},
				"CFBundleExecutable":            {Kind: "string", Text: "awsmfa-tray"},
				"CFBundleName":                  {Kind: "string", Text: "awsmfa-tray"},
				"CFBundlePackageType":           {Kind: "string", Text: "APPL"},
				"CFBundleIconFile":              {Kind: "string", Text: "awsmfa-tray.icns"},
				"CFBundleInfoDictionaryVersion": {Kind: "string", Text: "6.0"},
				"CFBundleShortVersionString":    {Kind: "string", Text: tt.short},
				"CFBundleVersion":               {Kind: "string", Text: tt.short},
				"LSMinimumSystemVersion":        {Kind: "string", Text: "12.0"},
				"LSUIElement":                   {Kind: "true"}, // no Dock icon: a menu-bar app
				"NSHighResolutionCapable":       {Kind: "true"},
			}
			for key, w := range want {
				if got, ok := p[key]; !ok || !reflect.DeepEqual(got, w) {
					t.Errorf("%s = %+v, want %+v", key, got, w)
				}
			}
			for key, v := range p {
				if v.Kind == "array" {
					t.Errorf("unexpected value <array> for %q: Info.plist is flat", key)
				}
			}

			// The files the plist names are in the bundle.
			exe := filepath.Join(app, "Contents", "MacOS", p["CFBundleExecutable"].Text)
			got, err := os.ReadFile(exe)
			if err != nil || !bytes.Equal(got, bin) {
				t.Errorf("bundle executable: %v, content %q", err, got)
			}
			if fi, err := os.Stat(exe); err != nil || fi.Mode().Perm()&0o111 == 0 {
				t.Errorf("bundle executable is not executable: %v", err)
			}
			icns, err := os.ReadFile(filepath.Join(app, "Contents", "Resources", p["CFBundleIconFile"].Text))
			if err != nil {
				t.Fatal(err)
			}
			wantIcns, err := os.ReadFile("../assets/app.icns")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(icns, wantIcns) || !bytes.HasPrefix(icns, []byte("icns")) {
				t.Error("bundle icon is not assets/app.icns")
			}
			if pkgInfo, err := os.ReadFile(filepath.Join(app, "Contents", "PkgInfo")); err != nil || string(pkgInfo) != "APPL????" {
				t.Errorf("PkgInfo = %q, %v", pkgInfo, err)
			}

			// On a Mac, Apple's own checker has the last word.
			if plutil, err := exec.LookPath("plutil"); err == nil {
				if out, err := exec.Command(plutil, "-lint", filepath.Join(app, "Contents", "Info.plist")).CombinedOutput(); err != nil {
					t.Errorf("plutil -lint: %v\n%s", err, out)
				}
			}
		})
	}
}

func TestMacAppRejectsBadVersion(t *testing.T) {
	for _, v := range []string{"1.2", "latest", "1.2.3; rm -rf /", "1.2.3/x", ""} {
		t.Run(v, func(t *testing.T) {
			app, _, err := makeApp(t, v)
			if err == nil {
				t.Errorf("make-app.sh accepted version %q", v)
			}
			if _, statErr := os.Stat(app); statErr == nil {
				t.Errorf("make-app.sh left a bundle for version %q", v)
			}
		})
	}
}

// TestInfoPlistTemplate checks the template itself: placeholders only where
// make-app.sh fills them in.
func TestInfoPlistTemplate(t *testing.T) {
	data, err := os.ReadFile("macos/Info.plist")
	if err != nil {
		t.Fatal(err)
	}
	for _, ph := range []string{"@SHORT_VERSION@", "@BUNDLE_VERSION@"} {
		if strings.Count(string(data), ph) != 1 {
			t.Errorf("template has %d %s, want 1", strings.Count(string(data), ph), ph)
		}
	}
}
