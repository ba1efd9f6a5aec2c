package soak

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
)

// logRecorder keeps the tray's log lines: the soak waits on some of them
// ("login failed" says a failed flow has ended, so the next click counts)
// and prints the tail when something goes wrong.
type logRecorder struct {
	mu    sync.Mutex
	lines []string
	count map[string]int // by message
}

func newLogRecorder() *logRecorder { return &logRecorder{count: map[string]int{}} }

func (l *logRecorder) handler() slog.Handler { return &recHandler{rec: l} }

func (l *logRecorder) n(msg string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.count[msg]
}

func (l *logRecorder) tail(n int) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	from := max(0, len(l.lines)-n)
	return strings.Join(l.lines[from:], "\n")
}

type recHandler struct {
	rec   *logRecorder
	attrs []slog.Attr
}

func (h *recHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *recHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", r.Level, r.Message)
	for _, a := range h.attrs {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
	}
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value)
		return true
	})
	h.rec.mu.Lock()
	defer h.rec.mu.Unlock()
	h.rec.count[r.Message]++
	if len(h.rec.lines) > 2000 {
		h.rec.lines = h.rec.lines[1000:]
	}
	h.rec.lines = append(h.rec.lines, b.String())
	return nil
}

func (h *recHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &recHandler{rec: h.rec, attrs: append(append([]slog.Attr(nil), h.attrs...), as...)}
}

func (h *recHandler) WithGroup(string) slog.Handler { return h }
