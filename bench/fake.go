package main

import (
	"fmt"
	"sync"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/bench/profilegen"
	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
)

// fakeSTS is the STS fake on 127.0.0.1, in this process, with its own
// clock. Like STS, it accepts each TOTP step of a device once, so every
// login moves the clock a step (30 s) on and types the code for then;
// awsmfa and the AWS CLI run as separate processes and only see the codes.
type fakeSTS struct {
	srv *stsfake.Server
	mu  sync.Mutex
	now time.Time
}

func startFake(users ...stsfake.User) (*fakeSTS, error) {
	f := &fakeSTS{now: time.Now()}
	f.srv = stsfake.New(stsfake.WithUsers(users...), stsfake.WithClock(f.clock))
	if err := f.srv.Start(); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *fakeSTS) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// nextCode moves the fake's clock to the next TOTP step and returns the
// code valid then.
func (f *fakeSTS) nextCode() (string, error) {
	f.mu.Lock()
	f.now = f.now.Add(30 * time.Second)
	now := f.now
	f.mu.Unlock()
	code, err := totp.Code(profilegen.TOTPSecret, now)
	if err != nil {
		return "", fmt.Errorf("totp: %w", err)
	}
	return code, nil
}

// lastToken is the session token the fake issued last, to check that a
// login really landed in the file.
func (f *fakeSTS) lastToken() string {
	s := f.srv.IssuedSessions()
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1].SessionToken
}

func (f *fakeSTS) close() { f.srv.Close() }
