package inifile

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSettleWaitEndsWithContext: a wait for a file that another program
// holds torn (empty) ends as soon as ctx does (Ctrl-C), not at the bound
// (here an hour: within gives up after 20 s), for a read alone and for a
// write, which then writes nothing.
func TestSettleWaitEndsWithContext(t *testing.T) {
	leaseModes(t, func(t *testing.T) {
		shortSettle(t, time.Hour)
		justEmptied(t)
		path := filepath.Join(t.TempDir(), "credentials")
		writeFile(t, path, tornOrig, 0o600)
		holdOpen(t, path, os.O_TRUNC)
		for _, op := range []struct {
			name string
			run  func(ctx context.Context) error
		}{
			{"Load", func(ctx context.Context) error { _, err := LoadContext(ctx, path); return err }},
			{"Update", func(ctx context.Context) error {
				return UpdateContext(ctx, path, setKey("alice", "aws_session_token", "SESSION"))
			}},
		} {
			t.Run(op.name, func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				hook(t, &beforeRead, func(_ string, n int) {
					if n == 2 { // the wait is under way
						cancel()
					}
				})
				err := within(t, op.name+" of a torn file, canceled", func() error { return op.run(ctx) })
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("err = %v; want context.Canceled", err)
				}
				if got := readString(t, path); got != "" {
					t.Errorf("the file was written: %q", got)
				}
			})
		}
		t.Run("already canceled", func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			err := within(t, "a Load under a canceled context", func() error { _, err := LoadContext(ctx, path); return err })
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v; want context.Canceled", err)
			}
		})
	})
}
