package tray

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// The core owns the login conversation (session/conversation.go): when to
// ask for a code, why, and when to give up. The tray only shows the
// question, with the core's reason and the role profiles that need the
// session, and returns what was typed, so it asks again exactly as the
// CLI does.

// loginRun is one profile's login flow while it runs.
type loginRun struct {
	phase  loginPhase
	cancel context.CancelFunc
	// user: a person asked for it (a click, a notice's Renew), so it runs
	// on when the processes that asked over the local channel leave.
	user bool
	// auto: an mfa_process session renewed before it expires, unasked.
	auto bool
	// waiters are the channel requests to answer when it ends.
	waiters map[uint64]chan<- error
	roles   *roleNames
	// closing: its dialog is being closed (the process that asked left);
	// then, if a person asked meanwhile, again starts a fresh login.
	closing bool
	again   *loginOrigin
}

// roleNames are the role profiles a login is for; the dialog names them.
// Requests that join a running login add theirs while its flow runs.
type roleNames struct {
	mu    sync.Mutex
	names []string
}

func (r *roleNames) add(name string) {
	if name == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !slices.Contains(r.names, name) {
		r.names = append(r.names, name)
	}
}

func (r *roleNames) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.names)
}

// loginOrigin is who asked for a login.
type loginOrigin struct {
	user    bool
	auto    bool
	forRole string
	id      uint64       // a channel request's id
	reply   chan<- error // a channel request's answer; nil otherwise
}

// startLogin runs X's login flow in its own goroutine, or joins the one
// running: a click raises its open dialog (dialogs never stack), a
// channel request waits for its end.
func (a *App) startLogin(ctx context.Context, name string, o loginOrigin) {
	if run, ok := a.logins[name]; ok {
		if run.closing || run.phase == phaseClosing {
			// Its dialog is gone or going: this asker gets a new one.
			if run.again == nil || o.user {
				o := o
				run.again = &o
			}
			return
		}
		run.roles.add(o.forRole)
		switch {
		case o.reply != nil:
			a.log.Info("login requested while one runs; joining it", "profile", name, "for", o.forRole)
			run.waiters[o.id] = o.reply
		case o.user && run.phase == phaseAsking:
			run.user = true
			a.raise(name)
		case o.user:
			run.user = true
			a.log.Info("login already at STS; click ignored", "profile", name)
		}
		return
	}
	st, ok := a.status(name)
	if !ok {
		a.log.Warn("login asked for an unknown profile", "profile", name)
		if o.reply != nil {
			cfg, _ := a.cfg.Core.Paths()
			o.reply <- fmt.Errorf("awsmfa-tray finds no MFA profile %s in %s: log in with awsmfa login --profile %s", name, cfg, name)
		}
		return
	}
	lctx, cancel := context.WithCancel(ctx)
	run := &loginRun{phase: phaseAsking, cancel: cancel, user: o.user, auto: o.auto,
		waiters: map[uint64]chan<- error{}, roles: &roleNames{}}
	run.roles.add(o.forRole)
	if o.reply != nil {
		run.waiters[o.id] = o.reply
	}
	// mfa_process asks nobody: the login is at work from the start.
	if st.Profile.HasMFAProcess && st.Profile.Problem == nil {
		run.phase = phaseCalling
	}
	a.logins[name] = run
	if run.phase == phaseCalling {
		a.rerender = true // "logging in…" at once
	}
	a.goPost(func() Event { return a.loginFlow(lctx, st, run) })
}

// loginFlow logs X in through the core, which asks through the dialog as
// its conversation decides; errors are shown here (a renewal's become a
// notice when it ends).
func (a *App) loginFlow(ctx context.Context, st session.Status, run *loginRun) LoginDone {
	name := st.Profile.Name
	done := LoginDone{Profile: name, Auto: run.auto}
	title := a.cfg.Locale.Text("awsmfa" + a.cfg.Locale.Dash() + name)
	if p := st.Profile.Problem; p != nil {
		if !run.auto {
			a.showError(ctx, title, p.Error())
		}
		done.Err = p
		return done
	}
	var dialogErr error
	prompt := func(ctx context.Context, req session.CodeRequest) (string, error) {
		a.Post(LoginProgress{Profile: name, Phase: phaseAsking})
		code, err := a.cfg.Dialogs.AskCode(ctx, req.Profile, req.Serial, a.cfg.Locale.Text(a.codeHint(req, run.roles.list())))
		if err != nil {
			// The dialog is gone: a click from now on is for a new one.
			a.Post(LoginProgress{Profile: name, Phase: phaseClosing})
			if !errors.Is(err, session.ErrCanceled) && ctx.Err() == nil {
				dialogErr = err
			}
			return "", err
		}
		// Only to say "logging in…": what the code is worth is the core's
		// to decide, with the same two functions.
		if session.ValidateTokenCode(session.NormalizeCode(code)) == nil {
			a.Post(LoginProgress{Profile: name, Phase: phaseCalling})
		}
		return code, nil
	}
	opts := session.LoginOptions{Prompt: prompt, Force: true, Touch: a.touch}
	if run.auto {
		opts.Prompt = nil // mfa_process, or nothing: a renewal asks nobody
	}
	sess, err := a.cfg.Core.LoginKey(ctx, session.ProfileKey(name), opts)
	switch {
	case errors.Is(err, session.ErrCanceled) || ctx.Err() != nil:
		done.Canceled = true
	case dialogErr != nil:
		// No zenity, or no display: an error dialog would fail too.
		a.show(Notice{Key: ProfileKey(name), Title: name + ": cannot ask for the MFA code", Body: dialogErr.Error()})
		done.Err = fmt.Errorf("code dialog: %w", dialogErr)
	case err != nil && run.auto:
		done.Err = err
	case err != nil:
		a.showError(ctx, title, err.Error())
		done.Err = err
	default:
		done.Session = sess
	}
	return done
}

// finishLogin answers the requests that waited for the login and says
// how it went.
func (a *App) finishLogin(ev LoginDone) {
	run := a.logins[ev.Profile]
	delete(a.logins, ev.Profile)
	if run != nil {
		run.cancel()
		if a := run.again; a != nil && !ev.Canceled && a.reply != nil {
			run.waiters[a.id] = a.reply // it ended well after all
		}
		var answer error
		switch {
		case ev.Canceled:
			answer = session.ErrCanceled
		case ev.Err != nil:
			answer = ev.Err
		}
		for _, w := range run.waiters {
			w <- answer
		}
	}
	name := ev.Profile
	if run != nil && run.again != nil && ev.Canceled {
		a.log.Info("asked again while the dialog closed; opening a new one", "profile", name)
		a.startLogin(a.runCtx, name, *run.again)
		return
	}
	switch {
	case ev.Err != nil && ev.Auto:
		a.log.Warn("renewing without asking failed", "profile", name, "err", ev.Err)
		a.show(Notice{Key: ProfileKey(name), Title: name + ": the session could not be renewed",
			Body: capitalize(ev.Err.Error()) + ". " + a.renewHint(name),
			Stay: true, Actions: RenewActions(LoginClicked{Profile: name})})
	case ev.Err != nil:
		a.log.Info("login failed", "profile", name, "err", ev.Err)
	case ev.Canceled:
		a.log.Info("login canceled", "profile", name)
	case ev.Auto:
		a.log.Info("renewed without asking", "profile", name, "until", ev.Session.Expiration.UTC().Format(time.RFC3339))
		a.show(Notice{Key: ProfileKey(name), Title: fmt.Sprintf("%s: renewed until %s", name, a.clockTime(ev.Session.Expiration)),
			Body: "mfa_process supplied the code."})
	default:
		a.log.Info("logged in", "profile", name, "until", ev.Session.Expiration.UTC().Format(time.RFC3339))
		a.show(Notice{Key: ProfileKey(name), Title: fmt.Sprintf("%s: logged in until %s", name, a.clockTime(ev.Session.Expiration)),
			Body: a.loginHint(name)})
	}
}

// renewHint says where else to renew X.
func (a *App) renewHint(x string) string {
	return fmt.Sprintf("Renew it: \"Login %s\" in the tray menu, or awsmfa login --profile %s", x, x)
}

// codeHint is the dialog's extra text: why the core asks again, which
// role profiles need the session, and the demo's code.
func (a *App) codeHint(req session.CodeRequest, roles []string) string {
	if req.For != "" && !slices.Contains(roles, req.For) {
		roles = append(roles, req.For)
	}
	var lines []string
	if h := req.Reason.Hint(); h != "" {
		lines = append(lines, h)
	}
	if len(roles) > 0 {
		lines = append(lines, NeededBy(roles))
	}
	if a.cfg.CodeHint != nil {
		if h := a.cfg.CodeHint(req.Profile); h != "" {
			lines = append(lines, h)
		}
	}
	return strings.Join(lines, "\n")
}

// NeededBy is the code dialog's line naming the role profiles that wait
// for the session.
func NeededBy(roles []string) string {
	if len(roles) == 1 {
		return "Needed by " + roles[0] + ": its role is assumed with this session."
	}
	return "Needed by " + strings.Join(roles[:len(roles)-1], ", ") + " and " + roles[len(roles)-1] +
		": their roles are assumed with this session."
}

// touch shows "Touch your security key for X" while X's mfa_process runs
// longer than a second; the core calls it off the loop.
func (a *App) touch(profile string) func() {
	key := ProfileKey(profile)
	a.show(Notice{Key: key, Title: "Touch your security key for " + profile,
		Body: "mfa_process is waiting for your security key to give the MFA code.", Stay: true})
	return func() { a.dismiss(key) }
}

// roleClicked is a click on a role profile's row: "Login X" for its MFA
// profile X, whose dialog then names the role, or the role's problem.
func (a *App) roleClicked(ctx context.Context, name string) {
	for _, r := range a.snap.Roles {
		if r.Role.Name != name {
			continue
		}
		if r.Role.Problem != nil {
			a.log.Info("role clicked; it needs setup", "role", name)
			title := a.cfg.Locale.Text("awsmfa" + a.cfg.Locale.Dash() + name)
			problem := r.Role.Problem.Error()
			a.work.Add(1)
			go func() {
				defer a.work.Done()
				a.showError(ctx, title, problem)
			}()
			return
		}
		a.log.Info("role clicked", "role", name, "profile", r.Role.MFAProfile)
		a.startLogin(ctx, r.Role.MFAProfile, loginOrigin{user: true, forRole: name})
		return
	}
	a.log.Warn("click on an unknown role profile", "role", name)
}
