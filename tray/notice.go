package tray

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// Notice is one desktop notification, as plain data. Every notice the app
// shows goes through one Notices, so a profile's warning, its "Touch your
// security key" and its "logged in" replace one another instead of
// stacking, and an SSO session's notices do the same under their own key.
type Notice struct {
	// Key says what the notice is about (ProfileKey, SSOSessionKey, or a
	// fixed key of its own): a notice replaces the one still shown with
	// the same key. "" never replaces anything.
	Key   string
	Title string
	Body  string
	// Stay: the notice stays until the user dismisses it (or the app
	// replaces or closes it), for what must not be missed: an expiry
	// warning, an expired session, a key waiting for a touch.
	Stay bool
	// Actions are the notice's buttons; one with ID ActionDefault is a
	// click on the notice's body. Where the platform has no actions they
	// are left out, and the body should say where else to act.
	Actions []NoticeAction
}

// NoticeAction is one button of a notice, and the event the app's loop
// handles when it is invoked.
type NoticeAction struct {
	ID    string // ActionDefault for a click on the body
	Label string
	Then  Event
}

// ActionDefault is the freedesktop spec's id for a click on the body.
const ActionDefault = "default"

// ActionRenew is the "Renew" button of an expiry notice.
const ActionRenew = "renew"

// LabelRenew is the label of the Renew button.
const LabelRenew = "Renew"

// RenewActions are a "Renew" button and a click on the body, both doing
// then (e.g. LoginClicked{Profile: X}: the code dialog opens at once).
func RenewActions(then Event) []NoticeAction {
	return []NoticeAction{{ID: ActionDefault, Label: LabelRenew, Then: then}, {ID: ActionRenew, Label: LabelRenew, Then: then}}
}

// ProfileKey is the notice key of an MFA profile's notices.
func ProfileKey(profile string) string { return "profile:" + profile }

// SSOSessionKey is the notice key of an IAM Identity Center session's
// notices.
func SSOSessionKey(session string) string { return "sso:" + session }

// Notices shows notices and reports what the user does with them. Show
// and Dismiss may block (a slow notification service): the app calls them
// off its loop, one at a time and in order, each bounded by ctx.
type Notices interface {
	// Show shows n, replacing the notice still shown under n.Key.
	Show(ctx context.Context, n Notice) error
	// Dismiss takes down the notice shown under key, if any.
	Dismiss(ctx context.Context, key string) error
	// Events delivers NoticeActed and NoticeClosed; nil when the platform
	// reports nothing back.
	Events() <-chan Event
}

// NoticeActed is posted when the user invoked one of a notice's actions;
// the loop then handles Then.
type NoticeActed struct {
	Key    string
	Action string
	Then   Event
}

// NoticeClosed is posted when a notice went away: dismissed by the user,
// expired, or closed by us (Reason as the freedesktop spec numbers them).
type NoticeClosed struct {
	Key    string
	Reason uint32
}

func (NoticeActed) event()  {}
func (NoticeClosed) event() {}

// PlainNotices shows notices through a title-and-body Notifier (beeep's
// banners and balloons): no replacing, no actions, nothing reported back.
type PlainNotices struct{ N session.Notifier }

// Show shows n's title and body.
func (p PlainNotices) Show(_ context.Context, n Notice) error { return p.N.Notify(n.Title, n.Body) }

// Dismiss does nothing: a banner goes away on its own.
func (PlainNotices) Dismiss(context.Context, string) error { return nil }

// Events is nil: a banner reports nothing back.
func (PlainNotices) Events() <-chan Event { return nil }

// noticeQueue runs the app's notice calls one at a time, in the order
// they were asked for (a "logged in" must never be overtaken by the
// warning it replaces), each bounded by a timeout so a hung service only
// delays the notices, never the menu.
type noticeQueue struct {
	mu   sync.Mutex
	ops  []func(ctx context.Context) error
	wake chan struct{}
}

func newNoticeQueue() *noticeQueue { return &noticeQueue{wake: make(chan struct{}, 1)} }

func (q *noticeQueue) push(op func(ctx context.Context) error) {
	q.mu.Lock()
	q.ops = append(q.ops, op)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *noticeQueue) pop() (func(ctx context.Context) error, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.ops) == 0 {
		return nil, false
	}
	op := q.ops[0]
	q.ops[0] = nil
	q.ops = q.ops[1:]
	return op, true
}

// run serves the queue until ctx ends. An op that has not returned after
// timeout is left behind (its own ctx ends then) and the next one runs.
func (q *noticeQueue) run(ctx context.Context, timeout time.Duration, failed func(error)) {
	for {
		op, ok := q.pop()
		if !ok {
			select {
			case <-q.wake:
				continue
			case <-ctx.Done():
				return
			}
		}
		octx, cancel := context.WithTimeout(ctx, timeout)
		res := make(chan error, 1)
		go func() { res <- op(octx) }()
		select {
		case err := <-res:
			if err != nil {
				failed(err)
			}
		case <-octx.Done():
			if ctx.Err() == nil {
				failed(errNoticeTimeout)
			}
		}
		cancel()
	}
}

var errNoticeTimeout = errors.New("the notification service did not answer in time")
