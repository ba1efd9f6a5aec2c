package main

import (
	"io"
	"log"
	"log/slog"
)

// setupLogging logs to a size-capped file, and to stderr with --verbose.
// The standard logger (which fyne.io/systray writes to) goes there too.
// Nothing secret is ever logged: profile names, states, errors and paths
// only.
func setupLogging(path string, verbose bool, stderr io.Writer) (*slog.Logger, func(), error) {
	f, err := openLogFile(path, maxLogSize)
	if err != nil {
		return nil, nil, err
	}
	var w io.Writer = f
	level := slog.LevelInfo
	if verbose {
		w = io.MultiWriter(f, stderr)
		level = slog.LevelDebug
	}
	log.SetOutput(w)
	log.SetFlags(log.LstdFlags)
	logger := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
	return logger, func() { f.Close() }, nil
}
