package tray

import (
	"context"
	"errors"

	"github.com/awsmfa-tray/awsmfa-tray/internal/localchan"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// Other awsmfa processes ask the tray to log an MFA profile in over the
// local channel (internal/localchan): "awsmfa credential-process" with no
// live session. The tray opens its code dialog, naming the role profile
// that asked, and answers when the login ends. Requests for a profile
// whose login runs join it; a request whose process gave up closes the
// dialog it opened, unless a person asked for that login too.

// LoginRequested is a channel request, posted by RequestLogin.
type LoginRequested struct {
	Profile string
	For     string // the role profile that needs the session
	ID      uint64
	Reply   chan<- error // buffered: the loop never waits on it
}

// LoginRequestGone says the process behind request ID stopped waiting.
type LoginRequestGone struct {
	Profile string
	ID      uint64
}

func (LoginRequested) event()   {}
func (LoginRequestGone) event() {}

// RequestLogin logs profile in as "Login profile" does, for role profile
// forRole, and returns when the login ended: nil once the session is in
// the file, an error wrapping session.ErrCanceled when the user backed out
// (or ctx ended: the dialog then closes), else the login's error. Any
// goroutine may call it.
func (a *App) RequestLogin(ctx context.Context, profile, forRole string) error {
	reply := make(chan error, 1)
	id := a.waiters.Add(1)
	select {
	case a.events <- LoginRequested{Profile: profile, For: forRole, ID: id, Reply: reply}:
	case <-a.done:
		return errQuitting
	case <-ctx.Done():
		return session.ErrCanceled
	}
	select {
	case err := <-reply:
		return err
	case <-ctx.Done():
		a.Post(LoginRequestGone{Profile: profile, ID: id})
		return session.ErrCanceled
	case <-a.done:
		return errQuitting
	}
}

var errQuitting = errors.New("awsmfa-tray quit before the login ended")

// LocalHandler answers the local channel's requests with RequestLogin.
func (a *App) LocalHandler() localchan.Handler {
	return func(ctx context.Context, req localchan.Request) localchan.Reply {
		a.log.Info("login asked over the local channel", "profile", req.Profile, "for", req.For)
		err := a.RequestLogin(ctx, req.Profile, req.For)
		switch {
		case err == nil:
			return localchan.Reply{OK: true}
		case errors.Is(err, session.ErrCanceled):
			return localchan.Reply{Canceled: true}
		}
		return localchan.Reply{Error: capitalize(err.Error())}
	}
}

// loginRequested starts or joins the login; before the first read of the
// files the request waits for it, since only then are the profiles known.
func (a *App) loginRequested(ctx context.Context, ev LoginRequested) {
	if !a.reads.loaded {
		a.requests = append(a.requests, ev)
		return
	}
	a.startLogin(ctx, ev.Profile, loginOrigin{forRole: ev.For, id: ev.ID, reply: ev.Reply})
}

// startRequests handles the requests that came before the first read.
func (a *App) startRequests(ctx context.Context) {
	reqs := a.requests
	a.requests = nil
	for _, ev := range reqs {
		a.loginRequested(ctx, ev)
	}
}

// loginRequestGone drops a request whose process left. A login nobody
// else waits for closes its dialog; one already at STS ends as it will.
func (a *App) loginRequestGone(ev LoginRequestGone) {
	for i, r := range a.requests {
		if r.ID == ev.ID {
			a.requests = append(a.requests[:i], a.requests[i+1:]...)
			return
		}
	}
	run, ok := a.logins[ev.Profile]
	if !ok {
		return
	}
	if run.again != nil && run.again.reply != nil && run.again.id == ev.ID {
		run.again = nil
		return
	}
	if _, ok := run.waiters[ev.ID]; !ok {
		return
	}
	delete(run.waiters, ev.ID)
	if len(run.waiters) == 0 && !run.user && !run.auto && run.phase == phaseAsking {
		a.log.Info("the process that asked for the login gave up; closing its dialog", "profile", ev.Profile)
		run.closing = true
		run.cancel()
	}
}
