package tray

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/awsmfa-tray/awsmfa-tray/internal/wine"
)

// startWatch runs WatchFiles and returns a channel that receives one value
// per debounced change.
func startWatch(t *testing.T, files ...string) <-chan struct{} {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan struct{}, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = WatchFiles(ctx, files, func() { ch <- struct{}{} }, slog.New(slog.DiscardHandler))
	}()
	t.Cleanup(func() { cancel(); <-done })
	return ch
}

func waitChange(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("no change seen after %s", what)
	}
}

func TestWatchFilesRenameOver(t *testing.T) {
	dir := t.TempDir()
	cred := filepath.Join(dir, "credentials")
	if err := os.WriteFile(cred, []byte("[a]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ch := startWatch(t, cred, filepath.Join(dir, "config"))
	armed(t, ch, cred)

	// Our writer's way: a temp file renamed over the target.
	tmp := filepath.Join(dir, ".credentials.tmp")
	if err := os.WriteFile(tmp, []byte("[b]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, cred); err != nil {
		t.Fatal(err)
	}
	waitChange(t, ch, "rename over credentials")

	// A config file created later is seen too.
	if err := os.WriteFile(filepath.Join(dir, "config"), []byte("[profile a]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	waitChange(t, ch, "creating config")
}

func TestWatchFilesIgnoresOtherFiles(t *testing.T) {
	dir := t.TempDir()
	cred := filepath.Join(dir, "credentials")
	if err := os.WriteFile(cred, []byte("[a]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ch := startWatch(t, cred)
	armed(t, ch, cred)
	// The core's sidecar lock file lives in the same folder: touching it
	// must not count as a change.
	if err := os.WriteFile(filepath.Join(dir, "credentials.lock"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ch:
		t.Fatal("a change was reported for an unrelated file")
	case <-time.After(4 * debounce):
	}
	if err := os.WriteFile(cred, []byte("[c]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	waitChange(t, ch, "writing credentials")
}

// armed appends to f until the watcher reports it, proving the watch is in
// place, then drains.
func armed(t *testing.T, ch <-chan struct{}, f string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if err := os.WriteFile(f, []byte("[a]\n# probe\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ch:
			// Drain a second debounced report of the same probe, if any.
			select {
			case <-ch:
			case <-time.After(2 * debounce):
			}
			return
		case <-time.After(500 * time.Millisecond):
		}
	}
	t.Fatal("watcher never reported a change")
}

// Issue 9: ~/.aws deleted and made again. The folder's return is seen at
// once (not at the next 30 s poll), and so are later edits in the new one.
func TestWatchFolderRecreated(t *testing.T) {
	wine.Skip(t, wine.DeletePending) // the watcher's handle holds the old ~/.aws
	home := t.TempDir()
	aws := filepath.Join(home, ".aws")
	if err := os.Mkdir(aws, 0o700); err != nil {
		t.Fatal(err)
	}
	cred := filepath.Join(aws, "credentials")
	if err := os.WriteFile(cred, []byte("[a]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ch := startWatch(t, cred, filepath.Join(aws, "config"))
	armed(t, ch, cred)

	if err := os.RemoveAll(aws); err != nil {
		t.Fatal(err)
	}
	waitChange(t, ch, "deleting ~/.aws")
	drain(ch)
	if err := os.Mkdir(aws, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cred, []byte("[b]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	waitChange(t, ch, "making ~/.aws again with a credentials file")
	drain(ch)
	if err := os.WriteFile(cred, []byte("[c]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	waitChange(t, ch, "an edit in the new ~/.aws")
}

// drain empties ch once the debounce of what caused it has passed.
func drain(ch <-chan struct{}) {
	time.Sleep(2 * debounce)
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

// The role credentials' cache: a folder entry (ending in a separator)
// counts any file in it, and its creation after the watch began.
func TestWatchFolderEntry(t *testing.T) {
	home := t.TempDir()
	cred := filepath.Join(home, "credentials")
	if err := os.WriteFile(cred, []byte("[a]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	roles := filepath.Join(home, "cache", "awsmfa", "roles")
	ch := startWatch(t, cred, roles+string(filepath.Separator))
	armed(t, ch, cred)
	if err := os.MkdirAll(roles, 0o700); err != nil {
		t.Fatal(err)
	}
	waitChange(t, ch, "making the roles folder")
	drain(ch)
	tmp := filepath.Join(roles, ".prod-admin.tmp")
	if err := os.WriteFile(tmp, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(roles, "prod-admin-x.json")); err != nil {
		t.Fatal(err)
	}
	waitChange(t, ch, "a role's credentials renamed into the folder")
}

// A folder that does not exist yet (no SSO sign-in, no role cache) needs
// no poll: the watch on the folder above it sees it made. Only a folder
// fsnotify refuses does. (The poll woke the idle tray twice a minute for
// a ~/.aws/sso/cache nobody had.)
func TestWatchMissingFolderNeedsNoPoll(t *testing.T) {
	home := t.TempDir()
	cred := filepath.Join(home, "credentials")
	if err := os.WriteFile(cred, []byte("[a]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		t.Skipf("fsnotify: %v", err)
	}
	defer fw.Close()
	w := &watcher{fs: fw, files: map[string]bool{cred: true}, trees: map[string]bool{}, dirs: map[string]bool{}, anc: map[string]bool{}, log: slog.New(slog.DiscardHandler)}
	w.dirs[filepath.Join(home, "sso", "cache")] = false
	w.resolve()
	w.arm()
	if w.unwatched() {
		t.Errorf("a missing folder under a watched one asks for the poll (dirs %v, above-missing %v)", w.dirs, w.anc)
	}
	if !w.anc[home] {
		t.Errorf("the folder above the missing one is not watched: %v", w.anc)
	}

	// A folder under a file: fsnotify refuses it (not a folder), so the
	// poll is back. Windows calls that path not found: the missing case.
	if runtime.GOOS == "windows" {
		return
	}
	w.dirs[filepath.Join(cred, "sub")] = false
	w.arm()
	if !w.unwatched() {
		t.Error("a folder fsnotify refused is left without the poll")
	}
}
