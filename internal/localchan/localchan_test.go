package localchan

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// serve starts a server at a fresh address with h and stops it when the
// test ends.
func serve(t *testing.T, h Handler) *Listener {
	t.Helper()
	skipWithoutAccept(t)
	l, err := Listen(testAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- l.Serve(context.Background(), h) }()
	t.Cleanup(func() {
		l.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return l
}

func TestAskAndReply(t *testing.T) {
	var got Request
	l := serve(t, func(ctx context.Context, req Request) Reply {
		got = req
		switch req.Profile {
		case "myaccount":
			return Reply{OK: true}
		case "closed":
			return Reply{Canceled: true}
		}
		return Reply{Error: "no such profile"}
	})
	ctx := context.Background()
	rep, err := Ask(ctx, l.Addr(), Request{Op: OpLogin, Profile: "myaccount", For: "prod-admin"})
	if err != nil || !rep.OK {
		t.Fatalf("Ask = %+v, %v", rep, err)
	}
	if got != (Request{V: Version, Op: OpLogin, Profile: "myaccount", For: "prod-admin"}) {
		t.Errorf("server got %+v", got)
	}
	if rep, err := Ask(ctx, l.Addr(), Request{Op: OpLogin, Profile: "closed"}); err != nil || !rep.Canceled {
		t.Errorf("cancel: %+v, %v", rep, err)
	}
	if rep, err := Ask(ctx, l.Addr(), Request{Op: OpLogin, Profile: "x"}); err != nil || rep.Error != "no such profile" {
		t.Errorf("error: %+v, %v", rep, err)
	}
	// An unknown operation is answered, not handled.
	if rep, err := Ask(ctx, l.Addr(), Request{Op: "format-disk", Profile: "x"}); err != nil || rep.OK || rep.Error == "" {
		t.Errorf("unknown op: %+v, %v", rep, err)
	}
}

func TestNobodyListening(t *testing.T) {
	addr := testAddr(t)
	if _, err := Ask(context.Background(), addr, Request{Op: OpLogin, Profile: "a"}); !errors.Is(err, ErrNotRunning) {
		t.Errorf("no server: %v", err)
	}
	// A tray that stopped leaves nothing behind that a client trips over.
	l, err := Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if _, err := Ask(context.Background(), addr, Request{Op: OpLogin, Profile: "a"}); !errors.Is(err, ErrNotRunning) {
		t.Errorf("after Close: %v", err)
	}
}

func TestSecondListener(t *testing.T) {
	l := serve(t, func(context.Context, Request) Reply { return Reply{OK: true} })
	if _, err := Listen(l.Addr()); !errors.Is(err, ErrAlreadyListening) {
		t.Errorf("second Listen: %v", err)
	}
}

// The client's wait is bounded by its ctx, and the server's handler sees
// the client leave (so the tray can close its dialog).
func TestAskIsBounded(t *testing.T) {
	left := make(chan struct{})
	var calls atomic.Int32
	l := serve(t, func(ctx context.Context, req Request) Reply {
		calls.Add(1)
		<-ctx.Done()
		close(left)
		return Reply{OK: true}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := Ask(ctx, l.Addr(), Request{Op: OpLogin, Profile: "a"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Ask = %v, want the deadline", err)
	}
	select {
	case <-left:
	case <-time.After(30 * time.Second):
		t.Fatal("the handler never saw the client leave")
	}
	if calls.Load() != 1 {
		t.Errorf("%d handler calls", calls.Load())
	}
}
