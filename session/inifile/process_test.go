package inifile

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/wine"
)

// Child processes: the test binary re-executes itself with -test.run set to
// TestChildProcess and the mode in this environment variable.
const (
	childEnv     = "INIFILE_TEST_CHILD"
	childPathEnv = "INIFILE_TEST_PATH"
	childIDEnv   = "INIFILE_TEST_ID"
	perChild     = 50
)

func childCmd(t *testing.T, mode, path, id string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, childPathEnv+"="+path, childIDEnv+"="+id)
	return cmd
}

func TestChildProcess(t *testing.T) {
	mode := os.Getenv(childEnv)
	if mode == "" {
		t.Skip("helper process for TestConcurrentProcesses and TestCrashNeverTearsFile")
	}
	path := os.Getenv(childPathEnv)
	switch mode {
	case "concurrent":
		id := os.Getenv(childIDEnv)
		for i := range perChild {
			sec := fmt.Sprintf("w%s-%02d", id, i)
			if err := Update(path, func(f *File) error {
				for _, k := range sessionKeys {
					if err := f.Set(sec, k, sessionValue(sec, k)); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				t.Fatalf("update %d: %v", i, err)
			}
		}
	case "crash":
		contents := [2][]byte{crashContent('A'), crashContent('B')}
		fmt.Println("ready")
		for i := 0; ; i++ {
			want := contents[i%2]
			if err := Update(path, func(f *File) error {
				*f = *Parse(want)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
	default:
		t.Fatalf("unknown child mode %q", mode)
	}
}

var sessionKeys = []string{"aws_access_key_id", "aws_secret_access_key", "aws_session_token", "expiration"}

func sessionValue(sec, key string) string {
	return fmt.Sprintf("%s/%s+value=", sec, key)
}

// TestConcurrentProcesses: two processes each log in 50 profiles into the
// same file at once; the lock must keep every section.
func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	const head = "# my keys\n[perm]\naws_access_key_id = AKIAPERM\naws_secret_access_key = permsecret\n"
	writeFile(t, path, head, 0o600)
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for id := range 2 {
		out := &bytes.Buffer{}
		cmd, err := wine.Start(t, func() *exec.Cmd {
			cmd := childCmd(t, "concurrent", path, fmt.Sprint(id))
			out.Reset()
			cmd.Stdout, cmd.Stderr = out, out
			return cmd
		})
		if err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("child %d: %v\n%s", i, err, outs[i])
		}
	}
	data := []byte(readString(t, path))
	if !bytes.HasPrefix(data, []byte(head)) {
		t.Errorf("the original content was not kept at the top")
	}
	f := Parse(data)
	if n := len(f.Sections()); n != 2*perChild+1 {
		t.Errorf("%d sections; want %d", n, 2*perChild+1)
	}
	for id := range 2 {
		for i := range perChild {
			sec := fmt.Sprintf("w%d-%02d", id, i)
			if c := f.Count(sec); c != 1 {
				t.Errorf("[%s] appears %d times", sec, c)
				continue
			}
			for _, k := range sessionKeys {
				if got, _ := f.Get(sec, k); got != sessionValue(sec, k) {
					t.Errorf("[%s] %s = %q (section lost or damaged)", sec, k, got)
				}
			}
		}
	}
	noTemps(t, dir, "credentials", "credentials.lock")
}

// crashContent is a ~200 KB file, different for each letter.
func crashContent(letter byte) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < 200<<10; i++ {
		fmt.Fprintf(&b, "[profile%04d]\naws_session_token = %s%d\n\n", i, strings.Repeat(string(letter), 64), i)
	}
	return b.Bytes()
}

// TestCrashNeverTearsFile kills a writer at random moments: the file must
// always be the old content or a complete new one, never torn or empty.
func TestCrashNeverTearsFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGKILL semantics; Windows is covered by vet only")
	}
	if testing.Short() {
		t.Skip("spawns processes")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "credentials")
	orig := crashContent('O')
	writeFile(t, path, string(orig), 0o600)
	valid := map[string]string{string(orig): "original", string(crashContent('A')): "A", string(crashContent('B')): "B"}
	seen := map[string]int{}
	const kills = 30
	for k := range kills {
		cmd := childCmd(t, "crash", path, "")
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil || line != "ready\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child did not start: %q %v\n%s", line, err, stderr.String())
		}
		// Jitter, not a wait: it picks the random point of the kill.
		time.Sleep(time.Duration(rand.IntN(40_000)) * time.Microsecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("kill %d: %v", k, err)
		}
		name, ok := valid[string(data)]
		if !ok {
			t.Fatalf("kill %d: the file is torn (%d bytes)", k, len(data))
		}
		seen[name]++
	}
	t.Logf("file states after %d kills: %v", kills, seen)

	// A SIGKILL can leave a temp file; only ours, recognisably named.
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	stray := 0
	for _, e := range entries {
		name := e.Name()
		if name == "credentials" || name == "credentials.lock" {
			continue
		}
		if !strings.HasPrefix(name, ".credentials.awsmfa-") || !strings.HasSuffix(name, ".tmp") {
			t.Errorf("unexpected file left behind: %s", name)
			continue
		}
		stray++
	}
	t.Logf("%d stray temp files from kills", stray)
	// The next Update sweeps them: under the lock, no writer is alive.
	if err := Update(path, setKey("after", "k", "v")); err != nil {
		t.Fatal(err)
	}
	noTemps(t, dir, "credentials", "credentials.lock")
}
