package packaging

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// The tests in this file build real packages with build.sh: slow, so they
// run only with AWSMFA_PACKAGING=1 (CI sets it).

// testVersion has a pre-release part, which deb and rpm spell differently.
const testVersion = "1.2.3-rc.1"

func requirePackaging(t *testing.T) {
	t.Helper()
	if os.Getenv("AWSMFA_PACKAGING") != "1" {
		t.Skip("slow packaging test; set AWSMFA_PACKAGING=1")
	}
	if runtime.GOOS != "linux" {
		t.Skip("packages are built on Linux")
	}
}

// build runs build.sh VERSION into a fresh dist folder and returns it.
func build(t *testing.T, targets, arches string) string {
	t.Helper()
	dist := t.TempDir()
	cmd := exec.Command("bash", "build.sh", testVersion)
	cmd.Env = append(os.Environ(), "DIST="+dist, "TARGETS="+targets, "ARCHES="+arches)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("build.sh: %v\n%s", err, out)
	}
	return dist
}

// only returns the one file in dir matching pattern.
func only(t *testing.T, dir, pattern string) string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, pattern))
	if err != nil || len(m) != 1 {
		t.Fatalf("want one %s in %s, got %v (%v)", pattern, dir, m, err)
	}
	return m[0]
}

// debFiles is every entry of the .deb: mode, owner and path.
var debFiles = []string{
	"drwxr-xr-x root/root ./usr/",
	"drwxr-xr-x root/root ./usr/bin/",
	"-rwxr-xr-x root/root ./usr/bin/awsmfa",
	"-rwxr-xr-x root/root ./usr/bin/awsmfa-tray",
	"drwxr-xr-x root/root ./usr/share/",
	"drwxr-xr-x root/root ./usr/share/applications/",
	"-rw-r--r-- root/root ./usr/share/applications/awsmfa-tray.desktop",
	"drwxr-xr-x root/root ./usr/share/bash-completion/",
	"drwxr-xr-x root/root ./usr/share/bash-completion/completions/",
	"-rw-r--r-- root/root ./usr/share/bash-completion/completions/awsmfa",
	"drwxr-xr-x root/root ./usr/share/doc/",
	"drwxr-xr-x root/root ./usr/share/doc/awsmfa-tray/",
	"-rw-r--r-- root/root ./usr/share/doc/awsmfa-tray/copyright",
	"drwxr-xr-x root/root ./usr/share/fish/",
	"drwxr-xr-x root/root ./usr/share/fish/vendor_completions.d/",
	"-rw-r--r-- root/root ./usr/share/fish/vendor_completions.d/awsmfa.fish",
	"drwxr-xr-x root/root ./usr/share/icons/",
	"drwxr-xr-x root/root ./usr/share/icons/hicolor/",
	"drwxr-xr-x root/root ./usr/share/icons/hicolor/128x128/",
	"drwxr-xr-x root/root ./usr/share/icons/hicolor/128x128/apps/",
	"-rw-r--r-- root/root ./usr/share/icons/hicolor/128x128/apps/awsmfa-tray.png",
	"drwxr-xr-x root/root ./usr/share/icons/hicolor/256x256/",
	"drwxr-xr-x root/root ./usr/share/icons/hicolor/256x256/apps/",
	"-rw-r--r-- root/root ./usr/share/icons/hicolor/256x256/apps/awsmfa-tray.png",
	"drwxr-xr-x root/root ./usr/share/icons/hicolor/48x48/",
	"drwxr-xr-x root/root ./usr/share/icons/hicolor/48x48/apps/",
	"-rw-r--r-- root/root ./usr/share/icons/hicolor/48x48/apps/awsmfa-tray.png",
	"drwxr-xr-x root/root ./usr/share/man/",
	"drwxr-xr-x root/root ./usr/share/man/man1/",
	"-rw-r--r-- root/root ./usr/share/man/man1/awsmfa.1.gz",
	"drwxr-xr-x root/root ./usr/share/zsh/",
	"drwxr-xr-x root/root ./usr/share/zsh/vendor-completions/",
	"-rw-r--r-- root/root ./usr/share/zsh/vendor-completions/_awsmfa",
}

// installedFiles are the regular files the .deb puts on the system, and
// the source each must equal byte for byte ("" for the binaries; the man
// page is compared after gunzip).
var installedFiles = map[string]string{
	"/usr/bin/awsmfa":                                       "",
	"/usr/bin/awsmfa-tray":                                  "",
	"/usr/share/applications/awsmfa-tray.desktop":           "linux/awsmfa-tray.desktop",
	"/usr/share/doc/awsmfa-tray/copyright":                  "linux/copyright",
	"/usr/share/icons/hicolor/48x48/apps/awsmfa-tray.png":   "../assets/app-48.png",
	"/usr/share/icons/hicolor/128x128/apps/awsmfa-tray.png": "../assets/app-128.png",
	"/usr/share/icons/hicolor/256x256/apps/awsmfa-tray.png": "../assets/app-256.png",
	"/usr/share/man/man1/awsmfa.1.gz":                       "linux/awsmfa.1",
	"/usr/share/bash-completion/completions/awsmfa":         "linux/completions/awsmfa",
	"/usr/share/zsh/vendor-completions/_awsmfa":             "linux/completions/_awsmfa",
	"/usr/share/fish/vendor_completions.d/awsmfa.fish":      "linux/completions/awsmfa.fish",
}

// rpmFiles are the .rpm's: the same, but zsh's folder on Fedora and
// openSUSE is site-functions.
func rpmFiles() []string {
	var out []string
	for path := range installedFiles {
		if path == "/usr/share/zsh/vendor-completions/_awsmfa" {
			path = "/usr/share/zsh/site-functions/_awsmfa"
		}
		out = append(out, path)
	}
	slices.Sort(out)
	return out
}

// gunzip returns the content of a gzip file.
func gunzip(t *testing.T, data []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// treeState sums up the commit and the uncommitted changes, to tell a
// non-reproducible build from a tree that someone changed meanwhile.
func treeState(t *testing.T) string {
	t.Helper()
	var state []byte
	for _, args := range [][]string{
		{"rev-parse", "HEAD"},
		{"status", "--porcelain", "--untracked-files=all"},
		{"diff", "HEAD"},
	} {
		out, err := exec.Command("git", args...).Output()
		if err != nil {
			return "" // not a git checkout: assume it did not change
		}
		state = append(state, out...)
	}
	sum := sha256.Sum256(state)
	return string(sum[:])
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestDebPackage(t *testing.T) {
	requirePackaging(t)
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("dpkg-deb not found: not a Debian system")
	}
	arch := runtime.GOARCH
	treeBefore := treeState(t)
	dist := build(t, "deb", arch)
	deb := only(t, dist, "awsmfa-tray_*.deb")
	// nfpm spells a semver pre-release with ~, which sorts before 1.2.3.
	if want := "awsmfa-tray_1.2.3~rc.1-1_" + arch + ".deb"; filepath.Base(deb) != want {
		t.Errorf("package file %s, want %s", filepath.Base(deb), want)
	}

	t.Run("fields", func(t *testing.T) {
		want := map[string]string{
			"Package":      "awsmfa-tray",
			"Version":      "1.2.3~rc.1-1",
			"Architecture": arch,
			"Recommends":   "zenity",
		}
		for field, w := range want {
			if got := strings.TrimSpace(run(t, "dpkg-deb", "-f", deb, field)); got != w {
				t.Errorf("%s: %q, want %q", field, got, w)
			}
		}
	})

	t.Run("contents", func(t *testing.T) {
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(run(t, "dpkg-deb", "-c", deb)), "\n") {
			f := strings.Fields(line) // mode owner size date time path
			if len(f) != 6 {
				t.Fatalf("unexpected dpkg-deb -c line %q", line)
			}
			got = append(got, f[0]+" "+f[1]+" "+f[5])
		}
		if !slices.Equal(got, debFiles) {
			t.Errorf("dpkg-deb -c:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(debFiles, "\n"))
		}
	})

	t.Run("reproducible", func(t *testing.T) {
		// Same commit and version, another folder and a later clock.
		again := only(t, build(t, "deb", arch), "awsmfa-tray_*.deb")
		a, _ := os.ReadFile(deb)
		b, _ := os.ReadFile(again)
		if len(a) == 0 || !bytes.Equal(a, b) {
			if treeAfter := treeState(t); treeAfter != treeBefore {
				t.Skip("the working tree changed between the two builds; nothing to compare")
			}
			t.Errorf("two builds differ: %d and %d bytes", len(a), len(b))
		}
	})

	t.Run("install and remove", func(t *testing.T) {
		if os.Geteuid() != 0 {
			if os.Getenv("CI") == "true" {
				t.Fatal("dpkg -i needs root")
			}
			t.Skip("dpkg -i needs root")
		}
		if exec.Command("dpkg-query", "-W", "-f=${Status}", "awsmfa-tray").Run() == nil {
			st, _ := exec.Command("dpkg-query", "-W", "-f=${Status}", "awsmfa-tray").Output()
			if strings.Contains(string(st), "installed") && !strings.Contains(string(st), "not-installed") {
				t.Skipf("awsmfa-tray is already installed here (%s); not touching it", st)
			}
		}
		t.Cleanup(func() { exec.Command("dpkg", "--purge", "awsmfa-tray").Run() })

		run(t, "dpkg", "-i", deb)
		for path, src := range installedFiles {
			got, err := os.ReadFile(path)
			if err != nil {
				t.Errorf("installed file: %v", err)
				continue
			}
			if src == "" {
				continue
			}
			want, err := os.ReadFile(src)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(path, ".gz") {
				got = gunzip(t, got)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s", path, src)
			}
		}
		listed := strings.Fields(run(t, "dpkg", "-L", "awsmfa-tray"))
		for path := range installedFiles {
			if !slices.Contains(listed, path) {
				t.Errorf("dpkg -L does not list %s", path)
			}
		}
		validateDesktop(t, "/usr/share/applications/awsmfa-tray.desktop")
		checkInstalledDocs(t)

		// Both binaries report the stamped version. A scratch HOME and no
		// display or session bus, so nothing reads the user's files or
		// shows a window; the deadline only stops a hung binary.
		for _, argv := range [][]string{
			{"/usr/bin/awsmfa", "version"},
			{"/usr/bin/awsmfa-tray", "--version"},
		} {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
			cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
			out, err := cmd.CombinedOutput()
			cancel()
			if err != nil {
				t.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, out)
			}
			if !strings.Contains(string(out), testVersion) {
				t.Errorf("%s printed %q, want the version %s", strings.Join(argv, " "), out, testVersion)
			}
		}

		run(t, "dpkg", "-r", "awsmfa-tray")
		for path := range installedFiles {
			if _, err := os.Lstat(path); !os.IsNotExist(err) {
				t.Errorf("%s is still there after dpkg -r: %v", path, err)
			}
		}
		if _, err := os.Lstat("/usr/share/doc/awsmfa-tray"); !os.IsNotExist(err) {
			t.Errorf("/usr/share/doc/awsmfa-tray is still there after dpkg -r: %v", err)
		}
		st, _ := exec.Command("dpkg-query", "-W", "-f=${db:Status-Status}", "awsmfa-tray").Output()
		if s := string(st); s != "" && s != "not-installed" && s != "config-files" {
			t.Errorf("after dpkg -r the package status is %q", s)
		}
	})
}

func TestRPMPackage(t *testing.T) {
	requirePackaging(t)
	arch := runtime.GOARCH
	rpmArch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[arch]
	if rpmArch == "" {
		t.Skipf("no rpm architecture for %s", arch)
	}
	treeBefore := treeState(t)
	dist := build(t, "rpm", arch)
	pkg := only(t, dist, "*.rpm")
	if want := "awsmfa-tray-1.2.3~rc.1-1." + rpmArch + ".rpm"; filepath.Base(pkg) != want {
		t.Errorf("package file %s, want %s", filepath.Base(pkg), want)
	}
	data, err := os.ReadFile(pkg)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte{0xed, 0xab, 0xee, 0xdb}) {
		t.Fatal("not an RPM file (lead magic)")
	}
	again, _ := os.ReadFile(only(t, build(t, "rpm", arch), "*.rpm"))
	if !bytes.Equal(data, again) && treeState(t) == treeBefore {
		t.Errorf("two rpm builds differ: %d and %d bytes", len(data), len(again))
	}
	rpm, err := exec.LookPath("rpm")
	if err != nil {
		t.Skip("rpm not found (package rpm); only the file was checked")
	}
	want := rpmFiles()
	got := strings.Fields(run(t, rpm, "-qlp", pkg))
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("rpm -qlp:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// checkInstalledDocs: man finds the installed page, and bash, with
// bash-completion, loads the installed completion for awsmfa on its own.
func checkInstalledDocs(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("man"); err == nil {
		cmd := exec.Command("man", "-P", "cat", "awsmfa")
		cmd.Env = append(os.Environ(), "MANWIDTH=80", "MANPATH=/usr/share/man")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "awsmfa exec") {
			t.Errorf("man awsmfa: %v\n%.400s", err, out)
		}
	}
	const lib = "/usr/share/bash-completion/bash_completion"
	if _, err := os.Stat(lib); err == nil {
		// bash-completion loads a command's completion the first time it
		// is needed, from its completions folder.
		script := "source " + lib + "\n_completion_loader awsmfa\ncomplete -p awsmfa\n"
		out, err := exec.Command("bash", "--norc", "-c", script).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "complete -F _awsmfa awsmfa") {
			t.Errorf("bash does not load the installed completion: %v\n%s", err, out)
		}
	}
}
