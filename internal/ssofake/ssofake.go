// Package ssofake is an in-process fake of AWS IAM Identity Center: the
// SSO OIDC service (RegisterClient, StartDeviceAuthorization, CreateToken
// with the device-code, authorization-code and refresh-token grants), its
// browser pages (the authorize page and the device-code page, where a user
// approves or denies), and the access portal (GetRoleCredentials,
// ListAccounts, ListAccountRoles, Logout). It speaks the real restJson wire
// format with the real error codes, verifies PKCE (S256), and can inject
// faults. Point the SDKs at it with AWS_ENDPOINT_URL_SSO_OIDC and
// AWS_ENDPOINT_URL_SSO. It listens on loopback only and never logs a token,
// a secret or a code.
package ssofake

import (
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/fakeserver"
)

// Defaults, as IAM Identity Center sets them.
const (
	DefaultStartURL        = "https://acme.awsapps.com/start"
	DefaultRegion          = "eu-west-1"
	DefaultAccessTokenTTL  = time.Hour
	DefaultSessionDuration = 8 * time.Hour
	DefaultRegistrationTTL = 90 * 24 * time.Hour
	DefaultRoleCredsTTL    = time.Hour
	deviceAuthTTL          = 10 * time.Minute
	authCodeTTL            = 10 * time.Minute
)

// Account is an AWS account the user may sign in to, with the permission
// sets (role names) assigned to the user there.
type Account struct {
	ID    string
	Name  string
	Email string
	Roles []string
}

// DefaultAccounts are the assignments of a fresh fake: the example of the
// README and the issue.
func DefaultAccounts() []Account {
	return []Account{
		{ID: "222233334444", Name: "dev", Email: "dev@example.com", Roles: []string{"Developer", "ReadOnly"}},
		{ID: "555566667777", Name: "prod", Email: "prod@example.com", Roles: []string{"ReadOnly"}},
	}
}

// Call records one request as the fake saw it. It holds no secret.
type Call struct {
	Time       time.Time
	Operation  string // RegisterClient, CreateToken, Authorize, GetRoleCredentials, ...
	GrantType  string // CreateToken only
	ClientName string // RegisterClient only
	Status     int
	ErrorCode  string
	Reason     string // why the fake refused, e.g. "code_verifier does not match"
}

// Client is a registered OIDC client, without its secret.
type Client struct {
	ID           string
	Name         string
	Type         string
	GrantTypes   []string
	RedirectURIs []string
	IssuerURL    string
	Scopes       []string
	IssuedAt     time.Time
	ExpiresAt    time.Time
}

// RoleCredentials are credentials GetRoleCredentials issued.
type RoleCredentials struct {
	AccountID       string
	RoleName        string
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// Option configures a Server.
type Option func(*Server)

// WithClock sets the clock for every expiry the fake keeps.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithStartURLs sets the start URLs of the Identity Center instance (the
// issuer URLs the fake accepts); the default is DefaultStartURL.
func WithStartURLs(urls ...string) Option {
	return func(s *Server) { s.startURLs = append([]string(nil), urls...) }
}

// WithAccessTokenTTL sets how long an access token lasts when the client
// can refresh it (1 hour by default). Tokens without a refresh token last
// the whole session, as legacy device-code logins do.
func WithAccessTokenTTL(d time.Duration) Option { return func(s *Server) { s.accessTTL = d } }

// WithSessionDuration sets how long a sign-in lasts (8 hours by default):
// after it, refresh tokens are refused and a real login is needed.
func WithSessionDuration(d time.Duration) Option { return func(s *Server) { s.sessionTTL = d } }

// WithRegistrationTTL sets how long a client registration lasts (90 days).
func WithRegistrationTTL(d time.Duration) Option { return func(s *Server) { s.registrationTTL = d } }

// WithAccounts replaces the user's account assignments.
func WithAccounts(accts ...Account) Option {
	return func(s *Server) { s.accounts = append([]Account(nil), accts...) }
}

// WithDeviceInterval sets the polling interval StartDeviceAuthorization
// announces, in seconds (1 by default, as the real service says).
func WithDeviceInterval(secs int32) Option { return func(s *Server) { s.interval = secs } }

// WithLogf sets a logger for one line per request (operation, status and
// error code); it never receives a token, secret or code.
func WithLogf(logf func(format string, args ...any)) Option {
	return func(s *Server) { s.logf = logf }
}

// Server is the fake. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base endpoint, like http://127.0.0.1:PORT, once started.
	URL string

	logf            func(format string, args ...any)
	startURLs       []string
	accessTTL       time.Duration
	sessionTTL      time.Duration
	registrationTTL time.Duration
	roleTTL         time.Duration
	interval        int32

	mu        sync.Mutex
	now       func() time.Time
	accounts  []Account
	clients   map[string]*client // by client id
	devices   map[string]*deviceAuth
	userCodes map[string]*deviceAuth
	requests  map[string]*authRequest // authorize pages shown, by request id
	codes     map[string]*authCode
	sessions  []*signIn
	access    map[string]*accessToken
	refresh   map[string]*refreshToken
	issued    []RoleCredentials
	calls     []Call
	faults    []fault
	delay     time.Duration

	life fakeserver.Lifecycle
}

type client struct {
	Client
	secret string
}

// grants is what the client may do: a registration without grant types
// is the legacy device-code client, refreshable only with scopes.
func (c *client) allows(grant string) bool {
	if len(c.GrantTypes) == 0 {
		return grant == grantDevice || (grant == grantRefresh && len(c.Scopes) > 0)
	}
	for _, g := range c.GrantTypes {
		if g == grant || (g == "device_code" && grant == grantDevice) {
			return true
		}
	}
	return false
}

// signIn is one user sign-in: what the browser approval creates and what
// access and refresh tokens live on.
type signIn struct {
	started   time.Time
	ends      time.Time
	loggedOut bool
}

func (si *signIn) live(now time.Time) bool { return !si.loggedOut && now.Before(si.ends) }

type deviceAuth struct {
	client    *client
	userCode  string
	startURL  string
	expiresAt time.Time
	decided   bool
	denied    bool
	used      bool
	signIn    *signIn
}

type authRequest struct {
	client      *client
	redirectURI string
	state       string
	challenge   string
	scopes      []string
	expiresAt   time.Time
}

type authCode struct {
	client      *client
	redirectURI string
	challenge   string
	scopes      []string
	expiresAt   time.Time
	used        bool
	signIn      *signIn
}

type accessToken struct {
	client    *client
	signIn    *signIn
	expiresAt time.Time
	revoked   bool
}

type refreshToken struct {
	client *client
	signIn *signIn
	scopes []string
	used   bool
}

type fault struct {
	op     string // "" for any operation
	status int
	code   string
}

// New returns a server that is not yet listening; see Start, or use it as
// an http.Handler.
func New(opts ...Option) *Server {
	s := &Server{
		now:             time.Now,
		startURLs:       []string{DefaultStartURL},
		accessTTL:       DefaultAccessTokenTTL,
		sessionTTL:      DefaultSessionDuration,
		registrationTTL: DefaultRegistrationTTL,
		roleTTL:         DefaultRoleCredsTTL,
		interval:        1,
		accounts:        DefaultAccounts(),
		clients:         map[string]*client{},
		devices:         map[string]*deviceAuth{},
		userCodes:       map[string]*deviceAuth{},
		requests:        map[string]*authRequest{},
		codes:           map[string]*authCode{},
		access:          map[string]*accessToken{},
		refresh:         map[string]*refreshToken{},
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Start listens on a random loopback port.
func (s *Server) Start() error { return s.StartOn("127.0.0.1:0") }

// StartOn listens on addr, which must be a loopback address: the fake
// approves whatever its scripted browser asks and must never be reachable
// from the network.
func (s *Server) StartOn(addr string) error {
	ln, err := fakeserver.Listen("ssofake", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	if err := s.life.Serve("ssofake", srv, ln); err != nil {
		return err
	}
	s.URL = "http://" + ln.Addr().String()
	return nil
}

// Close stops listening and drops open connections, so later requests get
// "connection refused".
func (s *Server) Close() { s.life.Close() }

// TB is the part of testing.TB that NewTest needs, so this package does
// not import testing into the demo build.
type TB = fakeserver.TB

// NewTest starts a server on a loopback port and closes it when the test
// ends.
func NewTest(t TB, opts ...Option) *Server {
	t.Helper()
	return fakeserver.StartTest(t, "sso fake", New(opts...))
}

// SetClock replaces the clock.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// SetDelay delays every later reply by d.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// FailNext makes the next n requests of operation op ("" for any) fail
// with this HTTP status and error code, before any other check; e.g.
// (500, "InternalServerException") or (429, "TooManyRequestsException").
func (s *Server) FailNext(n int, op string, status int, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults = append(s.faults, fault{op, status, code})
	}
}

// EndSessions ends every sign-in, as an administrator revoking the user's
// sessions does (or the session duration running out): refresh tokens and
// access tokens stop working, and only a new login helps.
func (s *Server) EndSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, si := range s.sessions {
		if si.ends.After(now) {
			si.ends = now
		}
	}
}

// ExpireRegistrations makes every client registration expire now, so its
// client id and secret are refused.
func (s *Server) ExpireRegistrations() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	for _, c := range s.clients {
		c.ExpiresAt = now
	}
}

// Calls returns a copy of the requests seen so far, oldest first.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls...)
}

// CountCalls counts the calls of one operation (and grant type, when set).
func (s *Server) CountCalls(op, grant string) int {
	n := 0
	for _, c := range s.Calls() {
		if c.Operation == op && (grant == "" || c.GrantType == grant) {
			n++
		}
	}
	return n
}

// Clients returns the registered clients, oldest first, without secrets.
func (s *Server) Clients() []Client {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Client, 0, len(s.clients))
	for _, c := range s.clients {
		out = append(out, c.Client)
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].IssuedAt.Before(out[j].IssuedAt) || out[i].IssuedAt.Equal(out[j].IssuedAt) && out[i].ID < out[j].ID
	})
	return out
}

// IssuedRoleCredentials returns the role credentials issued so far.
func (s *Server) IssuedRoleCredentials() []RoleCredentials {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]RoleCredentials(nil), s.issued...)
}

// AccessTokenValid reports whether the portal would accept tok now.
func (s *Server) AccessTokenValid(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.validAccess(tok) != nil
}

// RefreshTokenValid reports whether CreateToken would accept tok now.
func (s *Server) RefreshTokenValid(tok string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt, ok := s.refresh[tok]
	return ok && !rt.used && rt.signIn.live(s.now())
}

// validAccess finds a live access token. Called with s.mu held.
func (s *Server) validAccess(tok string) *accessToken {
	at, ok := s.access[tok]
	if !ok || at.revoked || !s.now().Before(at.expiresAt) || !at.signIn.live(s.now()) {
		return nil
	}
	return at
}

func (s *Server) knownStartURL(u string) bool {
	for _, x := range s.startURLs {
		if x == u {
			return true
		}
	}
	return false
}
