package stsfake

import (
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/fakeserver"
	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
)

const (
	maxBody     = 64 << 10
	minDuration = 900
	maxDuration = 129600
	defDuration = 43200
	totpSkew    = 1 // steps either side, as authenticators drift
)

var serialPattern = regexp.MustCompile(`^[\w+=/:,.@-]*$`)

// ServeHTTP answers one STS Query protocol request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.active.Add(1)
	defer s.active.Add(-1)
	requestID := fakeserver.RequestID()
	s.mu.Lock()
	c := Call{Time: s.now()}
	delay := s.delay
	s.mu.Unlock()

	again := reused(r)
	inj := s.takeInjected()
	if inj != nil {
		c.Fault = inj.name
		if inj.drop && again {
			s.finish(c, 0, "")
			dropConn(w)
			return
		}
	}
	body, form, perr := readForm(w, r)
	c.Action = form.Get("Action")
	c.SerialNumber = form.Get("SerialNumber")
	if d, err := strconv.ParseInt(form.Get("DurationSeconds"), 10, 32); err == nil {
		c.DurationSeconds = int32(d)
	}
	c.SessionToken = r.Header.Get("X-Amz-Security-Token") != ""
	auth, authErr := parseAuth(r.Header.Get("Authorization"))
	c.AccessKeyID = auth.accessKeyID

	if !fakeserver.Hold(r, s.life.Closed(), delay) {
		s.finish(c, 0, "")
		panic(http.ErrAbortHandler) // drop the connection, never send an empty 200
	}

	var reply any
	apiErr := s.takeFault()
	if apiErr == nil && inj != nil && inj.before != nil {
		apiErr = inj.before(body)
	}
	if apiErr == nil {
		apiErr = perr
	}
	if apiErr == nil {
		if r.Header.Get("Authorization") == "" {
			apiErr = &apiError{http.StatusForbidden, "MissingAuthenticationToken", msgMissingAuth}
		} else if authErr != nil {
			apiErr = authErr
		} else {
			reply, apiErr = s.dispatch(r, body, form, auth, requestID)
		}
	}
	if apiErr != nil {
		c.BodySent = s.send(w, r, inj, apiErr.status, requestID, errorBody(requestID, apiErr))
		s.finish(c, apiErr.status, apiErr.code)
		return
	}
	c.BodySent = s.send(w, r, inj, http.StatusOK, requestID, reply)
	s.finish(c, http.StatusOK, "")
}

// send writes the reply, or lets an injected fault break it.
func (s *Server) send(w http.ResponseWriter, r *http.Request, inj *Fault, status int, requestID string, v any) int64 {
	if inj == nil || inj.send == nil {
		return writeXML(w, status, requestID, v)
	}
	body, err := xml.Marshal(v)
	if err != nil {
		return writeXML(w, status, requestID, v)
	}
	return inj.send(w, r, status, requestID, body)
}

func (s *Server) finish(c Call, status int, code string) {
	c.Status, c.ErrorCode = status, code
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
	if s.logf != nil {
		action := c.Action
		if !isKnownAction(action) {
			action = "unknown action" // never echo arbitrary client input
		}
		if status == 0 {
			s.logf("stsfake: %s: client left before the reply", action)
		} else {
			s.logf("stsfake: %s: %d %s", action, status, code)
		}
	}
}

func isKnownAction(a string) bool {
	return a == "GetSessionToken" || a == "GetCallerIdentity" || a == "AssumeRole"
}

func (s *Server) takeFault() *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.faults) == 0 {
		return nil
	}
	f := s.faults[0]
	s.faults = s.faults[1:]
	return faultError(f)
}

// readForm reads the body and the Query protocol parameters: the
// form-encoded POST body, plus any URL query (STS also takes GET).
func readForm(w http.ResponseWriter, r *http.Request) ([]byte, url.Values, *apiError) {
	form, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, url.Values{}, errValidation("The query string is malformed.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return nil, form, errValidation("The request body could not be read.")
	}
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return body, form, &apiError{http.StatusMethodNotAllowed, "InvalidAction", "Only GET and POST are supported."}
	}
	if r.Method == http.MethodPost && len(body) > 0 {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if mt != "application/x-www-form-urlencoded" {
			return body, form, errValidation("The request must be application/x-www-form-urlencoded.")
		}
		bf, err := url.ParseQuery(string(body))
		if err != nil {
			return body, form, errValidation("The request body is malformed.")
		}
		for k, v := range bf {
			form[k] = append(form[k], v...)
		}
	}
	return body, form, nil
}

// caller is who signed a request.
type caller struct {
	user    *userState
	session *Session // nil for a long-term key
}

// dispatch authenticates the request and runs its action.
func (s *Server) dispatch(r *http.Request, body []byte, form url.Values, a authHeader, requestID string) (any, *apiError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	who, secret, err := s.authenticate(r, a)
	if err != nil {
		return nil, err
	}
	if err := verifySig(r, body, a, secret, time.Now()); err != nil {
		return nil, err
	}
	action := form.Get("Action")
	if v := form.Get("Version"); v != versionSTS {
		return nil, &apiError{http.StatusBadRequest, "InvalidAction",
			fmt.Sprintf("Could not find operation %s for version %s", fakeserver.Safe(action), fakeserver.Safe(v))}
	}
	switch action {
	case "GetSessionToken":
		return s.getSessionToken(form, who, requestID)
	case "AssumeRole":
		return s.assumeRole(form, who, requestID)
	case "GetCallerIdentity":
		arn, id := who.user.arn(), userID(who.user.arn())
		if who.session != nil && who.session.AssumedRoleARN != "" {
			arn, id = who.session.AssumedRoleARN, who.session.AssumedRoleID
		}
		return getCallerIdentityResponse{
			Xmlns: xmlns, Arn: arn, UserID: id, Account: account(arn),
			Metadata: responseMetadata{requestID},
		}, nil
	default:
		return nil, &apiError{http.StatusBadRequest, "InvalidAction",
			fmt.Sprintf("Could not find operation %s for version %s", fakeserver.Safe(action), versionSTS)}
	}
}

// authenticate finds the signer's secret. Called with s.mu held.
func (s *Server) authenticate(r *http.Request, a authHeader) (caller, string, *apiError) {
	token := r.Header.Get("X-Amz-Security-Token")
	if u, ok := s.users[a.accessKeyID]; ok {
		if token != "" {
			// A long-term key with a session token is not a valid pair.
			return caller{}, "", errInvalidToken()
		}
		if s.expired[a.accessKeyID] {
			return caller{}, "", errExpiredToken()
		}
		return caller{user: u}, u.SecretAccessKey, nil
	}
	sess, ok := s.sessions[a.accessKeyID]
	if !ok {
		return caller{}, "", errInvalidToken()
	}
	u, ok := s.users[sess.UserAccessKeyID]
	if !ok || token == "" || token != sess.SessionToken {
		return caller{}, "", errInvalidToken()
	}
	if s.expired[a.accessKeyID] || !s.now().Before(sess.Expiration.Add(sess.grace)) {
		return caller{}, "", errExpiredToken()
	}
	return caller{user: u, session: sess}, sess.SecretAccessKey, nil
}

// getSessionToken checks the parameters and the MFA code and issues a
// session. Called with s.mu held.
func (s *Server) getSessionToken(form url.Values, who caller, requestID string) (any, *apiError) {
	if who.session != nil {
		return nil, errAccessDenied(msgSessionCreds)
	}
	serial, code := form.Get("SerialNumber"), form.Get("TokenCode")

	// Constraint checks, worded and counted like STS's own.
	var problems []string
	duration, problems, bad := durationParam(form, defDuration, maxDuration, problems)
	if bad != nil {
		return nil, bad
	}
	problems = append(problems, mfaParamProblems(form)...)
	if len(problems) > 0 {
		return nil, errValidationProblems(problems)
	}

	u := who.user
	now := s.now()
	mfa := serial != "" || code != ""
	if mfa {
		if err := s.checkCode(u, serial, code, now); err != nil {
			return nil, err
		}
	}

	life := time.Duration(duration) * time.Second
	if s.sessionCap > 0 && life > s.sessionCap {
		life = s.sessionCap
	}
	sess := newSession(u, now, life, mfa)
	if mfa {
		sess.SerialNumber = serial
	}
	s.sessions[sess.AccessKeyID] = sess
	s.issued = append(s.issued, sess)
	return getSessionTokenResponse{
		Xmlns:       xmlns,
		Credentials: sess.credentialsXML(),
		Metadata:    responseMetadata{requestID},
	}, nil
}

// durationParam reads DurationSeconds (def when absent), adding to
// problems the constraint it fails, as STS words it; an unreadable number
// is an error of its own.
func durationParam(form url.Values, def, max int64, problems []string) (int64, []string, *apiError) {
	v := form.Get("DurationSeconds")
	if v == "" {
		return def, problems, nil
	}
	d, err := strconv.ParseInt(v, 10, 32)
	switch {
	case err != nil:
		return 0, nil, errValidation(fmt.Sprintf("Value for parameter DurationSeconds is invalid: %s", fakeserver.Safe(v)))
	case d < minDuration:
		problems = append(problems, fmt.Sprintf("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to %d", d, minDuration))
	case d > max:
		problems = append(problems, fmt.Sprintf("Value '%d' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to %d", d, max))
	}
	return d, problems, nil
}

// errValidationProblems is STS's one error for all the constraints a
// request fails.
func errValidationProblems(problems []string) *apiError {
	noun := "error"
	if len(problems) > 1 {
		noun = "errors"
	}
	return errValidation(fmt.Sprintf("%d validation %s detected: %s", len(problems), noun, strings.Join(problems, "; ")))
}

// checkCode checks an MFA serial and code against u's device, and refuses
// a code at or before the last step accepted. Called with s.mu held.
func (s *Server) checkCode(u *userState, serial, code string, now time.Time) *apiError {
	if serial == "" || u.MFASerial == "" || serial != u.MFASerial {
		return errAccessDenied(msgMFASerial)
	}
	if s.codeNow != nil {
		now = s.codeNow()
	}
	step, ok := totp.Verify(u.TOTPSecret, code, now, s.skew)
	if !ok || (u.hasStep && step <= u.lastStep) {
		return errAccessDenied(msgMFACode)
	}
	u.lastStep, u.hasStep = step, true
	return nil
}

// newSession is a fresh set of credentials for u, issued at now (to the
// second, as STS does) for life.
func newSession(u *userState, now time.Time, life time.Duration, mfa bool) *Session {
	now = now.UTC().Truncate(time.Second)
	return &Session{
		AccessKeyID:     newSessionKeyID(),
		SecretAccessKey: NewSecretAccessKey(),
		SessionToken:    newSessionToken(),
		IssuedAt:        now,
		Expiration:      now.Add(life),
		UserAccessKeyID: u.AccessKeyID,
		UserARN:         u.arn(),
		MFA:             mfa,
	}
}

func (sess *Session) credentialsXML() credentialsXML {
	return credentialsXML{
		AccessKeyID:     sess.AccessKeyID,
		SecretAccessKey: sess.SecretAccessKey,
		SessionToken:    sess.SessionToken,
		Expiration:      sess.Expiration.Format(rfc3339UTCSeconds),
	}
}

// account is the account id field of an ARN.
func account(arn string) string {
	f := strings.Split(arn, ":")
	if len(f) < 5 {
		return ""
	}
	return f[4]
}
