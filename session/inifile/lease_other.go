//go:build !linux

package inifile

import "os"

// lease is Linux only; elsewhere reads are compared instead.
type lease struct{}

func takeLease(*os.File) (*lease, bool) { return nil, false }

func (l *lease) watch()       {}
func (l *lease) intact() bool { return false }
func (l *lease) release()     {}
