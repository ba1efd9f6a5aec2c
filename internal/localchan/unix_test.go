//go:build !windows

package localchan

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

func testAddr(t *testing.T) string {
	return filepath.Join(t.TempDir(), "awsmfa", "tray.sock")
}

func skipWithoutAccept(*testing.T) {}

func TestDefaultAddr(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", "/run/user/1000")
	if got, _ := DefaultAddr(); got != "/run/user/1000/awsmfa/tray.sock" {
		t.Errorf("with XDG_RUNTIME_DIR: %s", got)
	}
	t.Setenv("XDG_RUNTIME_DIR", "")
	if got, _ := DefaultAddr(); got != filepath.Join(os.TempDir(), fmt.Sprintf("awsmfa-%d", os.Getuid()), "tray.sock") {
		t.Errorf("without: %s", got)
	}
}

func TestListenMakesItPrivate(t *testing.T) {
	l := serve(t, func(context.Context, Request) Reply { return Reply{OK: true} })
	for path, want := range map[string]os.FileMode{l.Addr(): 0o600, filepath.Dir(l.Addr()): 0o700} {
		fi, err := os.Stat(path)
		if err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, %v; want %04o", path, fi.Mode().Perm(), err, want)
		}
	}
}

// A client refuses a socket others could have made or opened, before it
// sends anything.
func TestClientRefusesUnsafeSocket(t *testing.T) {
	tests := []struct {
		name  string
		spoil func(t *testing.T, addr string)
		want  string
	}{
		{"socket readable by others", func(t *testing.T, addr string) { chmod(t, addr, 0o644) }, "others may open the socket"},
		{"socket open to all", func(t *testing.T, addr string) { chmod(t, addr, 0o666) }, "others may open the socket"},
		{"folder writable by others", func(t *testing.T, addr string) { chmod(t, filepath.Dir(addr), 0o777) }, "others may write to the folder"},
		{"not a socket", func(t *testing.T, addr string) {
			if err := os.Remove(addr); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(addr, nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}, "is not a socket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			l := serve(t, func(context.Context, Request) Reply { calls.Add(1); return Reply{OK: true} })
			tt.spoil(t, l.Addr())
			_, err := Ask(context.Background(), l.Addr(), Request{Op: OpLogin, Profile: "a"})
			if !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Ask = %v, want ErrUntrusted saying %q", err, tt.want)
			}
			if calls.Load() != 0 {
				t.Error("the request reached the server")
			}
		})
	}
}

func TestListenRefusesForeignFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "awsmfa")
	if err := os.Mkdir(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	chmod(t, dir, 0o777)
	if _, err := Listen(filepath.Join(dir, "tray.sock")); !errors.Is(err, ErrUntrusted) {
		t.Errorf("Listen in a folder all may write: %v", err)
	}
}

func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

// requireRoot skips where a second user cannot be made; CI runs as root,
// so there the test must run.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("CI must run the tests as root: this one creates a second user with useradd")
	}
	t.Skip("needs root to create a second user (useradd) and to chown; CI runs it")
}

const peerUser = "awsmfa-peer"

// otherUser returns the uid and gid of a second local user, creating it.
func otherUser(t *testing.T) (uint32, uint32) {
	t.Helper()
	requireRoot(t)
	if out, err := exec.Command("id", "-u", peerUser).Output(); err != nil || len(out) == 0 {
		if out, err := exec.Command("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", peerUser).CombinedOutput(); err != nil {
			t.Fatalf("useradd: %v\n%s", err, out)
		}
	}
	ids := make([]uint32, 2)
	for i, flag := range []string{"-u", "-g"} {
		out, err := exec.Command("id", flag, peerUser).Output()
		if err != nil {
			t.Fatalf("id %s %s: %v", flag, peerUser, err)
		}
		n, err := strconv.Atoi(strings.TrimSpace(string(out)))
		if err != nil {
			t.Fatal(err)
		}
		ids[i] = uint32(n)
	}
	return ids[0], ids[1]
}

func TestClientRefusesSocketOfAnotherUser(t *testing.T) {
	uid, gid := otherUser(t)
	var calls atomic.Int32
	l := serve(t, func(context.Context, Request) Reply { calls.Add(1); return Reply{OK: true} })
	if err := os.Chown(l.Addr(), int(uid), int(gid)); err != nil {
		t.Fatal(err)
	}
	_, err := Ask(context.Background(), l.Addr(), Request{Op: OpLogin, Profile: "a"})
	if !errors.Is(err, ErrUntrusted) || !strings.Contains(err.Error(), "belongs to user "+strconv.Itoa(int(uid))) {
		t.Errorf("Ask = %v", err)
	}
	if calls.Load() != 0 {
		t.Error("the request reached the server")
	}
}

// Another user who can reach the socket (its modes loosened by hand) is
// still refused: by its own client, which sees a socket not its own, and by
// the server, which checks the peer's uid and answers nothing.
func TestServerRefusesAnotherUser(t *testing.T) {
	uid, gid := otherUser(t)
	base, err := os.MkdirTemp("", "localchan-peer-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	chmod(t, base, 0o755)
	// The test binary, where the other user can run it.
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(base, "localchan.test")
	if err := os.WriteFile(bin, self, 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := Listen(filepath.Join(base, "chan", "tray.sock"))
	if err != nil {
		t.Fatal(err)
	}
	var calls atomic.Int32
	done := make(chan error, 1)
	go func() {
		done <- l.Serve(context.Background(), func(context.Context, Request) Reply { calls.Add(1); return Reply{OK: true} })
	}()
	t.Cleanup(func() { l.Close(); <-done })
	chmod(t, filepath.Dir(l.Addr()), 0o755)
	chmod(t, l.Addr(), 0o666)

	for _, mode := range []string{"ask", "raw"} {
		t.Run(mode, func(t *testing.T) {
			cmd := exec.Command(bin, "-test.run=^TestPeerChild$", "-test.v")
			cmd.Env = append(os.Environ(), "LOCALCHAN_PEER_MODE="+mode, "LOCALCHAN_PEER_ADDR="+l.Addr())
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: gid}}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("child as %s: %v\n%s", peerUser, err, out)
			}
			want := map[string]string{"ask": "REFUSED-BY-CLIENT", "raw": "NO-REPLY"}[mode]
			if !strings.Contains(string(out), want) {
				t.Errorf("child says:\n%s\nwant %s", out, want)
			}
		})
	}
	if calls.Load() != 0 {
		t.Errorf("the server handled %d requests from another user", calls.Load())
	}
	// The same socket still serves its own user.
	chmod(t, l.Addr(), 0o600)
	chmod(t, filepath.Dir(l.Addr()), 0o700)
	if rep, err := Ask(context.Background(), l.Addr(), Request{Op: OpLogin, Profile: "a"}); err != nil || !rep.OK {
		t.Errorf("own user: %+v, %v", rep, err)
	}
}

// TestPeerChild runs as the other user in TestServerRefusesAnotherUser.
func TestPeerChild(t *testing.T) {
	mode, addr := os.Getenv("LOCALCHAN_PEER_MODE"), os.Getenv("LOCALCHAN_PEER_ADDR")
	if mode == "" {
		t.Skip("child of TestServerRefusesAnotherUser")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	switch mode {
	case "ask":
		_, err := Ask(ctx, addr, Request{Op: OpLogin, Profile: "a"})
		if errors.Is(err, ErrUntrusted) {
			fmt.Println("REFUSED-BY-CLIENT")
			return
		}
		t.Fatalf("Ask as another user: %v", err)
	case "raw":
		// Skip the client's checks: connect and ask anyway.
		c, err := net.Dial("unix", addr)
		if err != nil {
			t.Fatalf("connect: %v", err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(20 * time.Second))
		fmt.Fprintf(c, `{"v":1,"op":"login","profile":"a"}`+"\n")
		line, err := bufio.NewReader(c).ReadString('\n')
		// The server hangs up unanswered: EOF, or a reset when our
		// request was still unread in its buffer.
		if line == "" && (errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)) {
			fmt.Println("NO-REPLY")
			return
		}
		t.Fatalf("the server answered another user: %q, %v", line, err)
	}
}
