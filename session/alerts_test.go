package session_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

func snap(now time.Time, exps map[string]time.Time) session.Snapshot {
	s := session.Snapshot{Taken: now}
	for name, exp := range exps {
		s.Profiles = append(s.Profiles, session.Status{Profile: session.Profile{Name: name}, HasSession: true, Expiration: exp})
	}
	return s
}

func TestAlertsFireOncePerSessionAsTheClockMoves(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	clock := session.NewFakeClock(t0)
	exp := t0.Add(30 * time.Minute)
	a := session.NewAlerts(10 * time.Minute)
	type step struct {
		advance time.Duration
		exps    map[string]time.Time
		want    []string // "kind:profile" of notices due
	}
	steps := []step{
		{0, map[string]time.Time{"a": exp}, nil},
		{19 * time.Minute, map[string]time.Time{"a": exp}, nil},
		{time.Minute, map[string]time.Time{"a": exp}, []string{"0:a"}}, // 10m left
		{time.Minute, map[string]time.Time{"a": exp}, nil},             // once only
		{10 * time.Minute, map[string]time.Time{"a": exp}, []string{"1:a"}},
		{time.Hour, map[string]time.Time{"a": exp}, nil},
		// A renewal is a new session: it may warn and expire again.
		{0, map[string]time.Time{"a": clock.Now().Add(71 * time.Minute).Add(5 * time.Minute)}, []string{"0:a"}},
	}
	for i, s := range steps {
		clock.Advance(s.advance)
		if i == len(steps)-1 {
			s.exps["a"] = clock.Now().Add(5 * time.Minute)
		}
		var got []string
		for _, n := range a.Due(snap(clock.Now(), s.exps)) {
			got = append(got, string(rune('0'+n.Kind))+":"+n.Profile)
		}
		if strings.Join(got, ",") != strings.Join(s.want, ",") {
			t.Errorf("step %d at +%v: due %v, want %v", i, clock.Now().Sub(t0), got, s.want)
		}
	}
}

func TestAlertsSleepPastBothOnlyExpired(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	a := session.NewAlerts(10 * time.Minute)
	exps := map[string]time.Time{"a": t0.Add(time.Hour)}
	if n := a.Due(snap(t0, exps)); len(n) != 0 {
		t.Fatalf("due at start: %v", n)
	}
	// The laptop slept through the warning window and the expiry.
	n := a.Due(snap(t0.Add(3*time.Hour), exps))
	if len(n) != 1 || n[0].Kind != session.NoticeExpired || !strings.Contains(n[0].Title, "a: session expired") {
		t.Errorf("after sleep: %+v", n)
	}
}

func TestAlertsStartupSummary(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	a := session.NewAlerts(10 * time.Minute)
	exps := map[string]time.Time{"old1": t0.Add(-time.Hour), "old2": t0.Add(-time.Minute), "soon": t0.Add(5 * time.Minute), "later": t0.Add(5 * time.Hour)}
	n := a.Due(snap(t0, exps))
	if len(n) != 2 {
		t.Fatalf("notices %+v, want a warning and a summary", n)
	}
	if n[0].Kind != session.NoticeExpiring || n[0].Profile != "soon" || n[0].Title != "soon: session expires in 5m" {
		t.Errorf("first notice %+v", n[0])
	}
	if n[1].Kind != session.NoticeSummary || n[1].Title != "2 expired MFA sessions" || !strings.HasPrefix(n[1].Body, "old1, old2:") {
		t.Errorf("summary %+v", n[1])
	}
	if again := a.Due(snap(t0.Add(time.Minute), exps)); len(again) != 0 {
		t.Errorf("repeated: %+v", again)
	}
}

// One stale session is "1 expired MFA session", never "session(s)".
func TestAlertsSummaryPlural(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		stale int
		title string
	}{{1, "1 expired MFA session"}, {2, "2 expired MFA sessions"}, {11, "11 expired MFA sessions"}} {
		exps := map[string]time.Time{}
		for i := range tt.stale {
			exps[fmt.Sprintf("p%02d", i)] = t0.Add(-time.Hour)
		}
		n := session.NewAlerts(10 * time.Minute).Due(snap(t0, exps))
		if len(n) != 1 || n[0].Kind != session.NoticeSummary || n[0].Title != tt.title {
			t.Errorf("%d stale sessions: %+v, want one summary titled %q", tt.stale, n, tt.title)
		}
	}
}

func TestAlertsWarningOff(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	a := session.NewAlerts(0)
	exps := map[string]time.Time{"a": t0.Add(time.Minute)}
	if n := a.Due(snap(t0, exps)); len(n) != 0 {
		t.Errorf("warning with window 0: %+v", n)
	}
	if n := a.Due(snap(t0.Add(2*time.Minute), exps)); len(n) != 1 || n[0].Kind != session.NoticeExpired {
		t.Errorf("expiry must still fire: %+v", n)
	}
}

type recordingNotifier struct {
	titles []string
	err    error
}

func (r *recordingNotifier) Notify(title, body string) error {
	r.titles = append(r.titles, title)
	return r.err
}

func TestAlertsSendKeepsGoingOnError(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	a := session.NewAlerts(10 * time.Minute)
	a.Due(snap(t0, nil))
	r := &recordingNotifier{err: errors.New("no daemon")}
	err := a.Send(r, snap(t0, map[string]time.Time{"a": t0.Add(time.Minute), "b": t0.Add(2 * time.Minute)}))
	if err == nil || len(r.titles) != 2 {
		t.Errorf("Send = %v, notified %v", err, r.titles)
	}
}

func TestNextChange(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		exps map[string]time.Time
		want time.Time
	}{
		{"nothing", nil, time.Time{}},
		{"warning first", map[string]time.Time{"a": t0.Add(time.Hour)}, t0.Add(50 * time.Minute)},
		{"inside window: the expiry", map[string]time.Time{"a": t0.Add(5 * time.Minute)}, t0.Add(5 * time.Minute)},
		{"earliest of several", map[string]time.Time{"a": t0.Add(time.Hour), "b": t0.Add(15 * time.Minute)}, t0.Add(5 * time.Minute)},
		{"expired: nothing pending", map[string]time.Time{"a": t0.Add(-time.Minute)}, time.Time{}},
	}
	for _, tt := range tests {
		if got := session.NextChange(snap(t0, tt.exps), 10*time.Minute); !got.Equal(tt.want) {
			t.Errorf("%s: NextChange = %v, want %v", tt.name, got, tt.want)
		}
	}
}
