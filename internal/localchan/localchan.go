// Package localchan is the channel between awsmfa processes and the running
// tray: "awsmfa credential-process" asks the tray to log an MFA profile in
// (the tray opens its code dialog) and waits for the answer. Only the user
// who runs the tray can open it: on Linux and macOS it is a Unix socket in a
// private folder under $XDG_RUNTIME_DIR, mode 0600, and each end checks the
// other's user id; on Windows it is a named pipe whose ACL admits the user
// alone, and each end checks the other's account.
//
// One request, one reply, as JSON lines. No secret ever crosses it: the tray
// writes the session into the credentials file as for any login, and the
// client reads it from there.
package localchan

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// Version is the protocol version a Request carries.
const Version = 1

// OpLogin asks the tray to log Profile in.
const OpLogin = "login"

// Request is what a client asks.
type Request struct {
	V       int    `json:"v"`
	Op      string `json:"op"`
	Profile string `json:"profile"`       // the MFA profile to log in
	For     string `json:"for,omitempty"` // the role profile that needs it, for the dialog's text
}

// Reply is the server's answer.
type Reply struct {
	OK       bool   `json:"ok,omitempty"`
	Canceled bool   `json:"canceled,omitempty"` // the user closed the dialog
	Error    string `json:"error,omitempty"`    // one sentence, no secret
}

// Handler answers one request. ctx ends when the client goes away (its
// wait timed out, or it was killed) or the server closes, so an open dialog
// can close with it.
type Handler func(ctx context.Context, req Request) Reply

var (
	// ErrNotRunning: nobody listens at the address (no tray, or a stale
	// socket left by one that died).
	ErrNotRunning = errors.New("the tray is not running")
	// ErrUntrusted: the address is not safely ours (wrong owner or mode,
	// or a peer running as another user); nothing was sent.
	ErrUntrusted = errors.New("the tray's channel is not safe to use")
	// ErrAlreadyListening: another server (a second tray) has the address.
	ErrAlreadyListening = errors.New("another awsmfa-tray is already listening")
)

// maxLine bounds a request or reply line.
const maxLine = 4096

// Listener serves the channel.
type Listener struct {
	ln   net.Listener
	addr string
	once sync.Once
	done chan struct{}
}

// Addr is the address the listener serves.
func (l *Listener) Addr() string { return l.addr }

// Close stops listening (and removes the socket); handlers in flight see
// their ctx end.
func (l *Listener) Close() error {
	var err error
	l.once.Do(func() {
		close(l.done)
		err = l.ln.Close()
	})
	return err
}

// Serve accepts clients until ctx ends or Close is called, answering each
// with h in its own goroutine. Peers that are not this user are dropped
// unanswered.
func (l *Listener) Serve(ctx context.Context, h Handler) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-ctx.Done():
			l.Close()
		case <-l.done:
		}
	}()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := l.ln.Accept()
		if err != nil {
			select {
			case <-l.done:
				cancel()
				return nil
			default:
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			cancel()
			return fmt.Errorf("localchan: accept: %w", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			serveConn(ctx, c, h)
		}()
	}
}

func serveConn(ctx context.Context, c net.Conn, h Handler) {
	defer c.Close()
	if err := checkPeer(c, true); err != nil {
		return
	}
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReaderSize(c, maxLine)
	req, err := readJSON[Request](r)
	if err != nil {
		return
	}
	c.SetReadDeadline(time.Time{})
	if req.V != Version || req.Op != OpLogin || req.Profile == "" {
		writeJSON(c, Reply{Error: fmt.Sprintf("the tray does not understand this request (version %d, %q): update awsmfa and awsmfa-tray together", req.V, req.Op)})
		return
	}
	// The client sends nothing more: a read that returns means it left.
	hctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		io.Copy(io.Discard, r)
		cancel()
	}()
	rep := h(hctx, req)
	writeJSON(c, rep)
}

// Ask sends req to the server at addr and waits for its reply until ctx
// ends. Before sending it checks that addr and the server belong to this
// user.
func Ask(ctx context.Context, addr string, req Request) (Reply, error) {
	req.V = Version
	if err := checkAddr(addr); err != nil {
		return Reply{}, err
	}
	c, err := dial(ctx, addr)
	if err != nil {
		return Reply{}, err
	}
	defer c.Close()
	if err := checkPeer(c, false); err != nil {
		return Reply{}, err
	}
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Now()) })
	defer stop()
	if err := writeJSON(c, req); err != nil {
		return Reply{}, ctxOr(ctx, fmt.Errorf("localchan: send: %w", err))
	}
	rep, err := readJSON[Reply](bufio.NewReaderSize(c, maxLine))
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Reply{}, ctxOr(ctx, errors.New("the tray closed the channel without answering"))
		}
		return Reply{}, ctxOr(ctx, fmt.Errorf("localchan: read the reply: %w", err))
	}
	return rep, nil
}

func ctxOr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func writeJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func readJSON[T any](r *bufio.Reader) (T, error) {
	var v T
	line, err := r.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return v, errors.New("line too long")
		}
		return v, err
	}
	if err := json.Unmarshal(line, &v); err != nil {
		return v, fmt.Errorf("not a message: %w", err)
	}
	return v, nil
}
