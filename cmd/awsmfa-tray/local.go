package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/localchan"
	"github.com/awsmfa-tray/awsmfa-tray/tray"
)

// serveLocal answers "awsmfa credential-process" over the local channel
// until ctx ends. A channel another tray holds, or one that is not safely
// ours, is left alone: the app runs on without it.
func serveLocal(ctx context.Context, app *tray.App, log *slog.Logger) {
	addr, err := localchan.DefaultAddr()
	if err != nil {
		log.Warn("no address for the local channel; credential-process cannot ask the tray", "err", err)
		return
	}
	l, err := localchan.Listen(addr)
	switch {
	case errors.Is(err, localchan.ErrAlreadyListening):
		log.Warn("another awsmfa-tray serves the local channel; leaving it to that one", "addr", addr)
		return
	case errors.Is(err, localchan.ErrUntrusted):
		log.Warn("the local channel's folder is not safely ours; credential-process cannot ask the tray", "addr", addr, "err", err)
		return
	case err != nil:
		log.Warn("cannot serve the local channel; credential-process cannot ask the tray", "addr", addr, "err", err)
		return
	}
	log.Info("serving the local channel", "addr", addr)
	go func() {
		defer l.Close()
		if err := l.Serve(ctx, app.LocalHandler()); err != nil {
			log.Warn("local channel stopped", "err", err)
		}
	}()
}

// closeNotices takes down the notices that stay: their Renew would reach
// nobody once the app is gone.
func closeNotices(n tray.Notices) {
	if c, ok := n.(interface{ Close(context.Context) }); ok {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		c.Close(ctx)
	}
}
