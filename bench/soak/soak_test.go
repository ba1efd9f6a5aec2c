// Package soak runs the tray's event loop (tray.App) over the real core
// (session.Manager, session.Alerts, the inifile writer and the real STS
// client) for hundreds of login / expiry / logout cycles, with a fake
// clock, the STS fake on 127.0.0.1 injecting faults, and outside edits of
// the credentials file. Only the screen is faked: menu, dialogs and
// notifications. It checks outcomes, never speed.
//
//	go test ./bench/soak/                              # 200 cycles
//	AWSMFA_SOAK_CYCLES=2000 go test -timeout 30m ./bench/soak/
package soak

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/bench/profilegen"
	"github.com/awsmfa-tray/awsmfa-tray/internal/fakeclock"
	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/tray"
)

const (
	profiles   = 3
	sessionLen = 900 * time.Second // duration_seconds: STS's minimum
	warnBefore = 5 * time.Minute
	// stsTimeout bounds one login's STS call; the delay fault exceeds it.
	stsTimeout = 2 * time.Second
	faultDelay = 5 * time.Second
	waitLimit  = 15 * time.Second // for any one outcome; never a pass condition
)

func cycles(t *testing.T) int {
	v := os.Getenv("AWSMFA_SOAK_CYCLES")
	if v == "" {
		return 200
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		t.Fatalf("AWSMFA_SOAK_CYCLES=%q: want a positive number", v)
	}
	return n
}

// rig is the app under soak and everything around it.
type rig struct {
	t                 *testing.T
	dir               string
	cfgPath, credPath string
	clock             *fakeclock.Clock
	users             []stsfake.User
	srv               *stsfake.Server
	addr              string
	tray              *fakeTray
	dlg               *fakeDialogs
	notes             *fakeNotifier
	logs              *logRecorder
	app               *tray.App
	stop              context.CancelFunc
	done              chan error
	aws               string // the AWS CLI, or "" when not installed

	want     []notice // every notification expected so far, in order
	failures int      // logins expected to end in an error dialog
	wrong    int      // wrong codes typed
	longTerm []string // the exact bytes of every long-term section
	edits    int
}

func TestSoakTray(t *testing.T) {
	n := cycles(t)
	baseline := runtime.NumGoroutine()
	r := newRig(t)

	var heapEarly uint64
	var goEarly int
	start := time.Now()
	for i := range n {
		r.cycle(i)
		if i == min(20, n-1) {
			heapEarly, goEarly = heap(), runtime.NumGoroutine()
		}
		if i%50 == 49 {
			r.checkLongTerm(fmt.Sprintf("after cycle %d", i))
		}
	}
	heapLate, goLate := heap(), runtime.NumGoroutine()
	idle := stacksWith("net/http.(*persistConn).readLoop")
	t.Logf("%d cycles in %s: %d notifications, %d failed logins shown, %d wrong codes, %d outside edits",
		n, time.Since(start).Round(time.Millisecond), len(r.want), r.failures, r.wrong, r.edits)
	t.Logf("heap after GC: %.1f MiB at cycle %d, %.1f MiB at the end; goroutines: %d at start, %d at cycle %d, %d at the end",
		mb(heapEarly), min(20, n-1), mb(heapLate), baseline, goEarly, min(20, n-1), goLate)
	// Each login builds a new STS client with its own HTTP transport, and
	// each leaves its keep-alive connection idle (90 s in the SDK) with a
	// read and a write goroutine, plus the fake's side of it. They end with
	// the idle timeout or the server's close, so they are counted, not
	// failed on; the check after the close below is the leak test.
	t.Logf("of those at the end, %d are idle HTTP keep-alive connections left by STS clients (2 goroutines each, plus the fake's side)", idle)

	r.quit()
	r.checkNotices(true)
	asks, errs, hints := r.dlg.counts()
	if errs != r.failures {
		t.Errorf("%d error dialogs, want %d (last: %s)", errs, r.failures, r.dlg.lastError())
	}
	if got := countOf(hints, session.AskRejected.Hint()); got != r.wrong {
		t.Errorf("%d re-asks with %q, want %d", got, session.AskRejected.Hint(), r.wrong)
	}
	t.Logf("%d code dialogs", asks)
	r.checkLongTerm("at the end")
	if issued := len(r.srv.IssuedSessions()); issued == 0 {
		t.Error("the last STS fake issued no session")
	}
	// Generous: the heap may wobble, but must not grow with the cycles.
	if heapLate > 2*heapEarly+8<<20 {
		t.Errorf("heap grew from %.1f MiB to %.1f MiB over the soak", mb(heapEarly), mb(heapLate))
	}
	r.srv.Close()
	checkGoroutines(t, baseline)
}

func newRig(t *testing.T) *rig {
	dir := t.TempDir()
	r := &rig{
		t:        t,
		dir:      dir,
		cfgPath:  filepath.Join(dir, "aws", "config"),
		credPath: filepath.Join(dir, "aws", "credentials"),
		clock:    fakeclock.New(time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)),
		tray:     newFakeTray(),
		notes:    &fakeNotifier{},
		logs:     newLogRecorder(),
		done:     make(chan error, 1),
	}
	r.dlg = &fakeDialogs{clock: r.clock, wrong: map[string]int{}}
	for _, c := range []string{"/usr/bin/aws", "aws"} { // Debian's first, as in bench/
		if p, err := exec.LookPath(c); err == nil {
			r.aws = p
			break
		}
	}
	for i := range profiles {
		r.users = append(r.users, profilegen.User(i))
	}
	r.startSTS("127.0.0.1:0")
	t.Setenv("AWS_ENDPOINT_URL_STS", r.srv.URL)
	for _, k := range []string{"AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("AWS_CONFIG_FILE", r.cfgPath)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", r.credPath)
	t.Setenv("AWS_DEFAULT_REGION", "us-east-1")
	t.Setenv("HOME", dir)
	r.writeFiles()

	core := session.New(session.Config{
		ConfigFile: r.cfgPath, CredentialsFile: r.credPath,
		Clock: r.clock, WarnBefore: warnBefore, Timeout: stsTimeout, NewSTS: newQuickSTS,
	})
	r.app = tray.New(tray.Config{
		Core: core, Dialogs: r.dlg, Tray: r.tray, Notifier: r.notes, Clock: r.clock,
		Locale: locale.Locale{UTF8: true}, NotifyBefore: warnBefore, Location: time.UTC,
		WatchFiles: true,
		// Time moves only when the soak says so: it posts Tick itself.
		After:  func(time.Duration) <-chan time.Time { return nil },
		Logger: slog.New(r.logs.handler()),
	})
	ctx, stop := context.WithCancel(context.Background())
	r.stop = stop
	go func() { r.done <- r.app.Run(ctx) }()
	t.Cleanup(func() {
		stop()
		if t.Failed() {
			t.Logf("tray log, last lines:\n%s", r.logs.tail(40))
		}
	})
	r.waitFor("the first menu", func() bool { n, _ := r.tray.applied(); return n > 0 })
	return r
}

func (r *rig) startSTS(addr string) {
	r.t.Helper()
	// The same address after a Close, as a restarted service would have:
	// the core keeps its endpoint. The port may take a moment to free.
	deadline := time.Now().Add(waitLimit)
	for {
		srv := stsfake.New(stsfake.WithUsers(r.users...), stsfake.WithClock(r.clock.Now))
		err := srv.StartOn(addr)
		if err == nil {
			r.srv = srv
			r.addr = strings.TrimPrefix(srv.URL, "http://")
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("restart the STS fake on %s: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// writeFiles lays out three MFA profiles with no session yet, and an
// unrelated profile that the AWS CLI edits now and then.
func (r *rig) writeFiles() {
	var cfg, cred bytes.Buffer
	cfg.WriteString("# soak: config\n[default]\nregion = us-east-1\n\n")
	cred.WriteString("# soak: credentials; an editor touches this line\n\n")
	for i, u := range r.users {
		x := profilegen.Name(i)
		fmt.Fprintf(&cfg, "[profile %s]\nregion = us-east-1\nmfa_serial = %s\nduration_seconds = %d\n\n", x, u.MFASerial, int(sessionLen/time.Second))
		block := fmt.Sprintf("# %s: long-term keys ; keep = me\n[%sPerm]\naws_access_key_id = %s\naws_secret_access_key = %s\nregion = us-east-1 # a comment\n\n",
			x, x, u.AccessKeyID, u.SecretAccessKey)
		r.longTerm = append(r.longTerm, block)
		cred.WriteString(block)
	}
	cfg.WriteString("[profile soak-other]\nregion = eu-west-1\n")
	cred.WriteString("[soak-other]\naws_access_key_id = AKIAOTHER00000000000\naws_secret_access_key = other/secret\n")
	if err := os.MkdirAll(filepath.Dir(r.cfgPath), 0o700); err != nil {
		r.t.Fatal(err)
	}
	for p, b := range map[string][]byte{r.cfgPath: cfg.Bytes(), r.credPath: cred.Bytes()} {
		if err := os.WriteFile(p, b, 0o600); err != nil {
			r.t.Fatal(err)
		}
	}
}

// cycle is one login / expiry / logout of profile i mod 3, shaped by i:
// a fault on the way in, an outside edit in the middle, and one of four
// endings.
func (r *rig) cycle(i int) {
	x := profilegen.Name(i % profiles)
	r.loginThroughFault(i, x)
	if i%5 == 2 {
		r.editorRewrite(i%10 == 2)
	}
	if r.aws != "" && i%40 == 20 {
		r.awsConfigureSet(i)
	}
	switch {
	case i%25 == 12:
		// The user deletes the session by hand in an editor: no expiry or
		// logout notice may follow for it.
		r.advance(11 * time.Minute)
		r.expect(x, kExpiring)
		r.editorDeleteSession(x)
		// The tray learns of the edit from its file watcher, not from the
		// clock: let it see the edit before time moves on (Windows reports
		// a change later than inotify does).
		r.waitMenu(x, "logged out")
		r.advance(5 * time.Minute)
		r.waitMenu(x, "logged out")
	case i%4 == 2:
		// Logged out before the warning.
		r.advance(time.Minute)
		r.logout(x)
	case i%4 == 3:
		// Renewed inside the warning window: the new session gets its own
		// notices, the replaced one none.
		r.advance(11 * time.Minute)
		r.expect(x, kExpiring)
		r.click(tray.IDLoginPrefix + x)
		r.expect(x, kLogin)
		r.advance(11 * time.Minute)
		r.expect(x, kExpiring)
		r.advance(5 * time.Minute)
		r.expect(x, kExpired)
		r.logout(x)
	default:
		// The whole life: warning, expiry, then logout.
		r.advance(11 * time.Minute)
		r.expect(x, kExpiring)
		r.tick() // once more inside the window: no second warning
		r.advance(5 * time.Minute)
		r.expect(x, kExpired)
		r.tick()
		r.logout(x)
	}
	r.checkNotices(false)
}

// loginThroughFault logs x in; on some cycles STS misbehaves first.
func (r *rig) loginThroughFault(i int, x string) {
	switch {
	case i%50 == 5:
		// 5xx on every attempt: the error dialog, then the user retries.
		r.srv.FailNext(4, 503, "ServiceUnavailable")
		r.loginFails(x)
	case i%50 == 17:
		// STS unreachable: a closed port, then it comes back.
		r.srv.Close()
		r.loginFails(x)
		r.startSTS(r.addr)
	case i%50 == 27:
		// STS hangs past the core's timeout.
		r.srv.SetDelay(faultDelay)
		r.loginFails(x)
		r.srv.SetDelay(0)
	case i%50 == 37:
		// A wrong code: the dialog asks again with the hint.
		r.dlg.typeWrong(x)
		r.wrong++
	case i%10 == 1:
		// One 5xx: the client retries by itself.
		r.srv.FailNext(1, 500, "InternalFailure")
	case i%10 == 3:
		// Throttled twice: retried by the client.
		r.srv.FailNext(2, 400, "Throttling")
	}
	r.click(tray.IDLoginPrefix + x)
	r.expect(x, kLogin)
}

// loginFails clicks Login x and waits for the flow to end in an error
// dialog, with no notification.
func (r *rig) loginFails(x string) {
	r.t.Helper()
	before := r.logs.n("login failed")
	r.click(tray.IDLoginPrefix + x)
	r.failures++
	r.waitFor("a failed login to end", func() bool { return r.logs.n("login failed") > before })
}

func (r *rig) logout(x string) {
	r.click(tray.IDLogoutPrefix + x)
	r.expect(x, kLogout)
	r.waitMenu(x, "logged out")
}

// advance moves the clock and lets the app look (as its timer would).
func (r *rig) advance(d time.Duration) {
	r.clock.Advance(d)
	r.tick()
}

// tick posts a Tick and waits until the app has re-rendered its menu.
func (r *rig) tick() {
	r.t.Helper()
	n, _ := r.tray.applied()
	r.app.Post(tray.Tick{})
	r.waitFor("a re-render after Tick", func() bool { m, _ := r.tray.applied(); return m > n })
}

func (r *rig) click(id string) {
	r.t.Helper()
	select {
	case r.tray.clicks <- id:
	case <-time.After(waitLimit):
		r.t.Fatalf("the app did not take the click %q", id)
	}
}

// expect adds one notification to the expected list and waits for it.
func (r *rig) expect(profile, kind string) {
	r.t.Helper()
	r.want = append(r.want, notice{profile, kind})
	r.waitFor(fmt.Sprintf("notification %d: %s %s", len(r.want), profile, kind), func() bool {
		return len(r.notes.all()) >= len(r.want)
	})
	r.checkNotices(false)
}

// checkNotices compares what was shown with what was expected. Mid-run
// the list may still be short by in-flight ones; at the end it must match.
func (r *rig) checkNotices(final bool) {
	r.t.Helper()
	got := r.notes.all()
	if len(got) > len(r.want) || (final && len(got) != len(r.want)) || !slices.Equal(got, r.want[:len(got)]) {
		r.t.Fatalf("notifications differ from one per event:\n got %v\nwant %v", tailOf(got, 8), tailOf(r.want, 8))
	}
}

// waitMenu waits until x's status line says state.
func (r *rig) waitMenu(x, state string) {
	r.t.Helper()
	r.waitFor(fmt.Sprintf("%s %s in the menu", x, state), func() bool {
		_, m := r.tray.applied()
		it, ok := m.Item(tray.IDStatusPrefix + x)
		return ok && strings.HasSuffix(it.Label, state)
	})
}

func (r *rig) waitFor(what string, ok func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for !ok() {
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// editorRewrite saves the credentials file the two ways editors do: a new
// file renamed over it (vim, most IDEs), or truncated and written in place
// (nano, the AWS CLI). Only the first comment line changes.
func (r *rig) editorRewrite(inPlace bool) {
	r.t.Helper()
	b, err := os.ReadFile(r.credPath)
	if err != nil {
		r.t.Fatal(err)
	}
	first, rest, _ := bytes.Cut(b, []byte("\n"))
	r.edits++
	out := append([]byte(fmt.Sprintf("%s [edit %d]\n", bytes.SplitN(first, []byte(" [edit"), 2)[0], r.edits)), rest...)
	if inPlace {
		err = os.WriteFile(r.credPath, out, 0o600)
	} else {
		tmp := r.credPath + ".swp"
		if err = os.WriteFile(tmp, out, 0o600); err == nil {
			err = renameOver(tmp, r.credPath)
		}
	}
	if err != nil {
		r.t.Fatal(err)
	}
}

// editorDeleteSession removes [x] and its lines by hand.
func (r *rig) editorDeleteSession(x string) {
	r.t.Helper()
	b, err := os.ReadFile(r.credPath)
	if err != nil {
		r.t.Fatal(err)
	}
	var out []string
	skip := false
	for _, l := range strings.SplitAfter(string(b), "\n") {
		if strings.HasPrefix(l, "[") {
			skip = strings.TrimSpace(l) == "["+x+"]"
		}
		if !skip {
			out = append(out, l)
		}
	}
	if len(out) == len(strings.SplitAfter(string(b), "\n")) {
		r.t.Fatalf("no [%s] to delete in the credentials file", x)
	}
	r.edits++
	if err := os.WriteFile(r.credPath, []byte(strings.Join(out, "")), 0o600); err != nil {
		r.t.Fatal(err)
	}
}

// awsConfigureSet changes an unrelated profile's key with the real AWS
// CLI, which writes in place without a lock.
func (r *rig) awsConfigureSet(i int) {
	r.t.Helper()
	cmd := exec.Command(r.aws, "configure", "set", "aws_secret_access_key", fmt.Sprintf("other/secret/%d", i), "--profile", "soak-other")
	cmd.Env = os.Environ()
	if out, err := cmd.CombinedOutput(); err != nil {
		r.t.Fatalf("aws configure set: %v: %s", err, out)
	}
	r.edits++
	b, err := os.ReadFile(r.credPath)
	if err != nil {
		r.t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(fmt.Sprintf("aws_secret_access_key = other/secret/%d\n", i))) {
		r.t.Fatalf("aws configure set did not land in %s", r.credPath)
	}
}

// checkLongTerm: every long-term section is still there byte for byte.
func (r *rig) checkLongTerm(when string) {
	r.t.Helper()
	b, err := os.ReadFile(r.credPath)
	if err != nil {
		r.t.Fatal(err)
	}
	for _, block := range r.longTerm {
		if !bytes.Contains(b, []byte(block)) {
			r.t.Fatalf("%s, a long-term section changed; want it byte for byte:\n%s\nfile:\n%s", when, block, redact(b))
		}
	}
}

func (r *rig) quit() {
	r.t.Helper()
	r.click(tray.IDQuit)
	select {
	case err := <-r.done:
		if err != nil {
			r.t.Fatalf("app.Run: %v", err)
		}
	case <-time.After(waitLimit):
		r.t.Fatal("the app did not quit")
	}
	r.stop()
}

// checkGoroutines waits for the count to fall back to what it was before
// the rig existed; the STS fake and the app are closed by then.
func checkGoroutines(t *testing.T, baseline int) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for runtime.NumGoroutine() > baseline {
		if time.Now().After(deadline) {
			var b bytes.Buffer
			pprof.Lookup("goroutine").WriteTo(&b, 1)
			t.Fatalf("%d goroutines left, %d before the soak:\n%s", runtime.NumGoroutine(), baseline, b.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stacksWith counts goroutines whose stack holds fn.
func stacksWith(fn string) int {
	var b bytes.Buffer
	pprof.Lookup("goroutine").WriteTo(&b, 2)
	return strings.Count(b.String(), fn+"(")
}

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

func countOf(s []string, v string) int {
	n := 0
	for _, x := range s {
		if x == v {
			n++
		}
	}
	return n
}

func tailOf(n []notice, k int) []notice { return n[max(0, len(n)-k):] }

// redact hides the values of secret keys in a file shown in a failure.
func redact(b []byte) string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if k, _, ok := strings.Cut(l, "="); ok && (strings.Contains(k, "secret") || strings.Contains(k, "token") || strings.Contains(k, "key_id")) {
			l = k + "= <redacted>"
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
