//go:build !windows

package session_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// TestHostileCredentialsPath: in-process, as the tray runs the core, a
// FIFO, a device, a folder or a huge file at the credentials path makes
// every call return at once with the reader's sentence, before STS.
func TestHostileCredentialsPath(t *testing.T) {
	layouts := map[string]func(t *testing.T, dir string) string{
		"fifo": func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "fifo")
			if err := syscall.Mkfifo(p, 0o600); err != nil {
				t.Fatal(err)
			}
			return p
		},
		"/dev/zero": func(*testing.T, string) string { return "/dev/zero" },
		"/dev/full": func(*testing.T, string) string { return "/dev/full" },
		"folder": func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "folder")
			os.Mkdir(p, 0o700)
			return p
		},
		"huge file": func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "huge")
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			f.Truncate(inifile.MaxSize + 1)
			return p
		},
	}
	calls := map[string]func(m *session.Manager, ctx context.Context) error{
		"Login": func(m *session.Manager, ctx context.Context) error {
			_, err := m.Login(ctx, "myaccount", session.LoginOptions{TokenCode: "123456"})
			return err
		},
		"Snapshot":  func(m *session.Manager, _ context.Context) error { _, err := m.Snapshot(); return err },
		"Logout":    func(m *session.Manager, _ context.Context) error { _, err := m.Logout("myaccount"); return err },
		"LogoutAll": func(m *session.Manager, _ context.Context) error { _, err := m.LogoutAll(); return err },
	}
	for name, mk := range layouts {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, permConfig, permCreds)
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", mk(t, t.TempDir()))
			for cname, call := range calls {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				done := make(chan error, 1)
				go func() { done <- call(e.m, ctx) }()
				var err error
				select {
				case err = <-done:
				case <-ctx.Done():
					t.Fatalf("%s did not return: it hangs", cname)
				}
				cancel()
				var ie *inifile.Error
				if !errors.As(err, &ie) || !errors.Is(err, inifile.ErrNotRegular) && !errors.Is(err, inifile.ErrTooLarge) {
					t.Errorf("%s: error = %v; want the reader's refusal", cname, err)
				} else if strings.Count(err.Error(), ": ") > 1 {
					t.Errorf("%s: not one sentence: %q", cname, err)
				}
			}
			if n := len(e.srv.Calls()); n != 0 {
				t.Errorf("STS saw %d calls", n)
			}
		})
	}
}
