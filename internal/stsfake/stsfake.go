// Package stsfake is an in-process fake of AWS STS. It speaks the real AWS
// Query protocol (form-encoded POST in, XML out), verifies SigV4 signatures
// and TOTP codes, issues session credentials that it accepts back, and can
// inject delays, 5xx, throttling and hostile replies (cut, endless, huge,
// altered, echoing; see Fault), over HTTP or HTTPS. The tests use it, and so does the tray's
// --demo mode, so it is a normal package: it listens on loopback only and never
// logs a secret or an access key id.
package stsfake

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/fakeserver"
)

// User is an IAM user with one long-term access key and, optionally, one
// virtual MFA device.
type User struct {
	AccessKeyID     string
	SecretAccessKey string
	MFASerial       string // e.g. arn:aws:iam::000000000000:mfa/alice; empty: no MFA device
	TOTPSecret      string // base32, used to check TokenCode
	UserARN         string // e.g. arn:aws:iam::000000000000:user/alice; derived from MFASerial if empty
}

// Name returns the user name: the last path element of the user ARN.
func (u User) Name() string {
	arn := u.arn()
	return arn[strings.LastIndex(arn, "/")+1:]
}

// arn returns UserARN, or one derived from the MFA serial (same account and
// name, as for a virtual device named after its user).
func (u User) arn() string {
	if u.UserARN != "" {
		return u.UserARN
	}
	if p, ok := strings.CutPrefix(u.MFASerial, "arn:aws:iam::"); ok {
		if acct, name, ok := strings.Cut(p, ":mfa/"); ok {
			return "arn:aws:iam::" + acct + ":user/" + name
		}
	}
	return "arn:aws:iam::000000000000:user/stsfake"
}

// Call records one request as the fake saw it. It holds no secret.
type Call struct {
	Time            time.Time // the fake's clock when the request arrived
	Action          string
	AccessKeyID     string // from the Authorization header, even if unknown
	SerialNumber    string
	DurationSeconds int32 // 0 when absent or not a number
	SessionToken    bool  // an X-Amz-Security-Token header was present
	Status          int   // HTTP status sent; 0 if the client left (or Close ran) before a reply
	ErrorCode       string
	Fault           string // the injected Fault's name, if one met this request
	BodySent        int64  // reply body bytes written before the reply ended or broke
}

// Session is a set of temporary credentials issued by GetSessionToken, or by
// AssumeRole (then RoleARN is set).
type Session struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
	IssuedAt        time.Time
	UserAccessKeyID string // the long-term key that asked for it
	UserARN         string
	SerialNumber    string // empty when issued without MFA
	MFA             bool   // issued after a valid MFA code (or, for a role, with MFA context)

	// Role sessions only.
	RoleARN           string
	RoleSessionName   string
	AssumedRoleARN    string // arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION
	AssumedRoleID     string // AROA...:SESSION
	ExternalID        string
	SourceAccessKeyID string // the session that assumed it; empty for a long-term key

	grace time.Duration // accepted this long past Expiration (WithRoleSessionCap)
}

// Option configures a Server.
type Option func(*Server)

// WithUsers adds users at creation.
func WithUsers(users ...User) Option {
	return func(s *Server) {
		for _, u := range users {
			s.addUser(u)
		}
	}
}

// WithClock sets the clock used for TOTP checks, expirations and expiry of
// issued sessions. SigV4 request dates are still checked against the real
// time, since real SDKs sign with the real time.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithCodeClock sets the clock TOTP codes are checked against, apart from
// the one sessions are issued and expire by (WithClock). A test that logs
// in many times a second moves it a step per login (a step is accepted
// once), while the sessions it gets keep the real time.
func WithCodeClock(now func() time.Time) Option {
	return func(s *Server) { s.codeNow = now }
}

// WithSessionCap caps the lifetime of issued sessions, the way STS caps root
// sessions at one hour: a valid DurationSeconds is accepted, the Expiration
// is min(duration, cap). The demo uses it to show expiry within minutes.
func WithSessionCap(d time.Duration) Option {
	return func(s *Server) { s.sessionCap = d }
}

// WithTOTPSkew accepts codes up to steps 30-second steps either side of
// now (1 by default, as real authenticators drift). The demo widens it, so
// the code its dialog showed still works minutes later; a code at or before
// the last one accepted is refused as ever.
func WithTOTPSkew(steps int) Option {
	return func(s *Server) { s.skew = steps }
}

// WithLogf sets a logger for one line per request: action, status and error
// code. It never receives secrets or access key ids.
func WithLogf(logf func(format string, args ...any)) Option {
	return func(s *Server) { s.logf = logf }
}

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base endpoint, like http://127.0.0.1:PORT, once started.
	URL string

	logf       func(format string, args ...any)
	sessionCap time.Duration
	roleCap    time.Duration    // see WithRoleSessionCap
	skew       int              // TOTP steps accepted either side of now
	codeNow    func() time.Time // the TOTP checks' clock, if not now's

	mu       sync.Mutex
	now      func() time.Time
	users    map[string]*userState // by long-term access key id
	sessions map[string]*Session   // by session access key id
	issued   []*Session            // in issue order
	roles    map[string]Role       // by role ARN
	assumed  []*Session            // role sessions, in issue order
	expired  map[string]bool       // access key ids reported as ExpiredToken
	calls    []Call
	delay    time.Duration
	faults   []fault
	injected []Fault                     // see Inject
	conns    map[net.Conn]http.ConnState // see CloseIdleConnections

	active atomic.Int32 // requests being served, for tests

	life fakeserver.Lifecycle
}

type userState struct {
	User
	lastStep int64 // last TOTP step accepted; reuse of it or older is refused
	hasStep  bool
}

type fault struct {
	status int
	code   string
}

// New returns a server that is not yet listening; see Start, or use it as an
// http.Handler.
func New(opts ...Option) *Server {
	s := &Server{
		now:      time.Now,
		users:    map[string]*userState{},
		sessions: map[string]*Session{},
		expired:  map[string]bool{},
		skew:     totpSkew,
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Start listens on a random loopback port.
func (s *Server) Start() error { return s.StartOn("127.0.0.1:0") }

// StartOn listens on addr, which must be a loopback address: the fake accepts
// any code its users hold and must never be reachable from the network.
func (s *Server) StartOn(addr string) error { return s.startOn(addr, nil) }

func (s *Server) startOn(addr string, tlsCfg *tls.Config) error {
	ln, err := fakeserver.Listen("stsfake", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ConnState: s.trackConn, ConnContext: s.connContext,
		ErrorLog: log.New(io.Discard, "", 0)} // refused TLS handshakes are what the TLS tests expect
	url := "http://" + ln.Addr().String()
	if tlsCfg != nil {
		// HTTP/1.1 only, like the STS endpoints' Query protocol; it also
		// lets the faults take over the connection.
		srv.TLSNextProto = map[string]func(*http.Server, *tls.Conn, http.Handler){}
		ln = tls.NewListener(ln, tlsCfg)
		url = "https://" + ln.Addr().String()
	}
	if err := s.life.Serve("stsfake", srv, ln); err != nil {
		return err
	}
	s.URL = url
	return nil
}

// Close stops listening and drops open connections, so later requests get
// "connection refused". Delayed requests in flight are abandoned.
func (s *Server) Close() { s.life.Close() }

// AddUser adds or replaces a user (keyed by its access key id).
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addUser(u)
}

func (s *Server) addUser(u User) {
	s.users[u.AccessKeyID] = &userState{User: u}
	delete(s.expired, u.AccessKeyID)
}

// DeleteUser deletes the user of a long-term key, as if the key was deleted
// in IAM: the key and the sessions it issued then get InvalidClientTokenId.
func (s *Server) DeleteUser(accessKeyID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.users, accessKeyID)
}

// SetKeyExpired makes requests signed with this access key id (long-term or
// session) fail with 403 ExpiredToken, or stops doing so.
func (s *Server) SetKeyExpired(accessKeyID string, expired bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if expired {
		s.expired[accessKeyID] = true
	} else {
		delete(s.expired, accessKeyID)
	}
}

// SetDelay delays every later reply by d. A client that gives up first (its
// context ends) is recorded with Status 0.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// FailNext makes the next n requests fail with this HTTP status and AWS error
// code, before any other check. Known codes get AWS's message, e.g.
// (400, "Throttling") "Rate exceeded", (500, "InternalFailure"),
// (503, "ServiceUnavailable").
func (s *Server) FailNext(n int, status int, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, fault{status, code})
	}
}

// SetClock replaces the clock (see WithClock).
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// Calls returns a copy of the requests seen so far, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// IssuedSessions returns copies of the sessions issued so far, oldest first.
func (s *Server) IssuedSessions() []Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copies(s.issued)
}

func copies(sessions []*Session) []Session {
	out := make([]Session, 0, len(sessions))
	for _, v := range sessions {
		out = append(out, *v)
	}
	return out
}
