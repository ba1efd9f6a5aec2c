package stsfake

import (
	"crypto/sha256"
	"encoding/base32"
	"encoding/xml"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/fakeserver"
)

// Role is an IAM role the fake lets its users assume.
type Role struct {
	ARN string // arn:aws:iam::222233334444:role/admin (a path is allowed)
	// Trusted are the principals of the trust policy: user ARNs, role ARNs
	// or "arn:aws:iam::ACCOUNT:root" for a whole account. Empty trusts
	// every user the fake knows.
	Trusted []string
	// RequireMFA is the usual "aws:MultiFactorAuthPresent": true condition:
	// only a caller with MFA context (a GetSessionToken session issued with
	// a code, or SerialNumber and TokenCode in the request) may assume it.
	RequireMFA bool
	// ExternalID, when set, must be passed as ExternalId.
	ExternalID string
	// MaxSessionDuration is the role's limit; 0 means IAM's default, 1 hour.
	MaxSessionDuration time.Duration
}

func (r Role) maxDuration() int64 {
	if r.MaxSessionDuration == 0 {
		return 3600
	}
	return int64(r.MaxSessionDuration / time.Second)
}

// roleName is the last element of the role ARN's path.
func (r Role) roleName() string { return r.ARN[strings.LastIndex(r.ARN, "/")+1:] }

// WithRoles adds roles at creation.
func WithRoles(roles ...Role) Option {
	return func(s *Server) {
		for _, r := range roles {
			s.addRole(r)
		}
	}
}

// WithRoleSessionCap caps the lifetime of role sessions the way
// WithSessionCap caps GetSessionToken's: a valid DurationSeconds is
// accepted and the Expiration is min(duration, cap). Tests use seconds, to
// see clients renew role credentials without waiting an hour. A capped
// session is still accepted for RoleCapGrace past its Expiration: a client
// that renews right at expiry (aws-sdk-go-v2 does by default) may send a
// request it signed just before, and with hour-long sessions that race is
// rare enough to ignore, with seconds-long ones it would be the test's.
func WithRoleSessionCap(d time.Duration) Option {
	return func(s *Server) { s.roleCap = d }
}

// RoleCapGrace is how long past its Expiration a capped role session is
// still accepted.
const RoleCapGrace = 10 * time.Second

// AddRole adds or replaces a role (keyed by its ARN).
func (s *Server) AddRole(r Role) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addRole(r)
}

func (s *Server) addRole(r Role) {
	if s.roles == nil {
		s.roles = map[string]Role{}
	}
	s.roles[r.ARN] = r
}

// AssumedRoles returns copies of the role sessions issued so far, oldest
// first.
func (s *Server) AssumedRoles() []Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copies(s.assumed)
}

// The texts real STS sends for AssumeRole's refusals.
const (
	msgChainingCap = "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."
	msgMaxDuration = "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
	msgBadRoleARN  = "Request ARN is invalid"
	maxRoleDur     = 43200
	defRoleDur     = 3600
)

var (
	roleARNPattern     = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+$`)
	sessionNamePattern = regexp.MustCompile(`^[\w+=,.@-]*$`)
	externalIDPattern  = regexp.MustCompile(`^[\w+=,.@:/-]*$`)
)

// callerARN is the principal a request is signed as: the IAM user, or the
// assumed-role session.
func (c caller) arn() string {
	if c.session != nil && c.session.AssumedRoleARN != "" {
		return c.session.AssumedRoleARN
	}
	return c.user.arn()
}

// principal is the ARN a trust policy names for the caller: the user, or
// the role behind an assumed-role session.
func (c caller) principal() string {
	if c.session != nil && c.session.RoleARN != "" {
		return c.session.RoleARN
	}
	return c.user.arn()
}

// assumeRole checks the parameters, the caller's right to the role and its
// MFA context, and issues a role session. Called with s.mu held.
func (s *Server) assumeRole(form url.Values, who caller, requestID string) (any, *apiError) {
	roleARN, name := form.Get("RoleArn"), form.Get("RoleSessionName")
	serial, code := form.Get("SerialNumber"), form.Get("TokenCode")
	extID := form.Get("ExternalId")

	var problems []string
	if !form.Has("RoleArn") {
		problems = append(problems, "Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
	} else if len(roleARN) < 20 {
		problems = append(problems, fmt.Sprintf("Value '%s' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20", fakeserver.Safe(roleARN)))
	} else if len(roleARN) > 2048 {
		problems = append(problems, "Value at 'roleArn' failed to satisfy constraint: Member must have length less than or equal to 2048")
	}
	switch {
	case !form.Has("RoleSessionName"):
		problems = append(problems, "Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null")
	case len(name) < 2:
		problems = append(problems, fmt.Sprintf("Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2", fakeserver.Safe(name)))
	case len(name) > 64:
		problems = append(problems, fmt.Sprintf("Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64", fakeserver.Safe(name)))
	case !sessionNamePattern.MatchString(name):
		problems = append(problems, fmt.Sprintf("Value '%s' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", fakeserver.Safe(name)))
	}
	duration, problems, bad := durationParam(form, defRoleDur, maxRoleDur, problems)
	if bad != nil {
		return nil, bad
	}
	if form.Has("ExternalId") {
		switch {
		case len(extID) < 2:
			problems = append(problems, fmt.Sprintf("Value '%s' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2", fakeserver.Safe(extID)))
		case len(extID) > 1224:
			problems = append(problems, "Value at 'externalId' failed to satisfy constraint: Member must have length less than or equal to 1224")
		case !externalIDPattern.MatchString(extID):
			problems = append(problems, fmt.Sprintf("Value '%s' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*", fakeserver.Safe(extID)))
		}
	}
	problems = append(problems, mfaParamProblems(form)...)
	if len(problems) > 0 {
		return nil, errValidationProblems(problems)
	}
	if !roleARNPattern.MatchString(roleARN) {
		return nil, errValidation(msgBadRoleARN)
	}
	// Any temporary credentials make this role chaining, capped at 1 hour
	// whatever the role allows.
	if who.session != nil && duration > 3600 {
		return nil, errValidation(msgChainingCap)
	}

	denied := errAccessDenied(fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", who.arn(), fakeserver.Safe(roleARN)))
	role, ok := s.roles[roleARN]
	if !ok || !role.trusts(who.principal()) {
		return nil, denied
	}

	u := who.user
	now := s.now()
	mfa := who.session != nil && who.session.MFA
	if serial != "" || code != "" {
		if err := s.checkCode(u, serial, code, now); err != nil {
			return nil, err
		}
		mfa = true
	}
	if role.RequireMFA && !mfa {
		return nil, denied
	}
	if role.ExternalID != "" && extID != role.ExternalID {
		return nil, denied
	}
	if who.session == nil && duration > role.maxDuration() {
		return nil, errValidation(msgMaxDuration)
	}

	life := time.Duration(duration) * time.Second
	var grace time.Duration
	if s.roleCap > 0 && life > s.roleCap {
		life, grace = s.roleCap, RoleCapGrace
	}
	sess := newSession(u, now, life, mfa)
	sess.RoleARN, sess.RoleSessionName, sess.ExternalID, sess.grace = roleARN, name, extID, grace
	sess.AssumedRoleARN = "arn:aws:sts::" + account(roleARN) + ":assumed-role/" + role.roleName() + "/" + name
	sess.AssumedRoleID = roleID(roleARN) + ":" + name
	if who.session != nil {
		sess.SourceAccessKeyID = who.session.AccessKeyID
	}
	if mfa && serial != "" {
		sess.SerialNumber = serial
	} else if mfa {
		sess.SerialNumber = who.session.SerialNumber
	}
	s.sessions[sess.AccessKeyID] = sess
	s.assumed = append(s.assumed, sess)
	return assumeRoleResponse{
		Xmlns:           xmlns,
		Credentials:     sess.credentialsXML(),
		AssumedRoleUser: assumedRoleUserXML{AssumedRoleID: sess.AssumedRoleID, Arn: sess.AssumedRoleARN},
		Metadata:        responseMetadata{requestID},
	}, nil
}

// mfaParamProblems are the constraint failures of SerialNumber and
// TokenCode, shared by GetSessionToken's and AssumeRole's checks.
func mfaParamProblems(form url.Values) []string {
	var problems []string
	serial, code := form.Get("SerialNumber"), form.Get("TokenCode")
	if form.Has("SerialNumber") {
		switch {
		case len(serial) < 9:
			problems = append(problems, fmt.Sprintf("Value '%s' at 'serialNumber' failed to satisfy constraint: Member must have length greater than or equal to 9", fakeserver.Safe(serial)))
		case len(serial) > 256:
			problems = append(problems, "Value at 'serialNumber' failed to satisfy constraint: Member must have length less than or equal to 256")
		case !serialPattern.MatchString(serial):
			problems = append(problems, fmt.Sprintf("Value '%s' at 'serialNumber' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=/:,.@-]*", fakeserver.Safe(serial)))
		}
	}
	if form.Has("TokenCode") {
		// The code is left out of the message: it is a secret while valid.
		switch {
		case len(code) < 6:
			problems = append(problems, "Value at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6")
		case len(code) > 6:
			problems = append(problems, "Value at 'tokenCode' failed to satisfy constraint: Member must have length less than or equal to 6")
		case strings.Trim(code, "0123456789") != "":
			problems = append(problems, "Value at 'tokenCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\d]*")
		}
	}
	return problems
}

// trusts reports whether the trust policy names principal, directly or
// through its account's root.
func (r Role) trusts(principal string) bool {
	if len(r.Trusted) == 0 {
		return strings.Contains(principal, ":user/")
	}
	for _, t := range r.Trusted {
		if t == principal || t == "arn:aws:iam::"+account(principal)+":root" {
			return true
		}
	}
	return false
}

// roleID derives a stable role unique id (AROA...) from the role ARN.
func roleID(arn string) string {
	sum := sha256.Sum256([]byte("role:" + arn))
	return "AROA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
}

type assumedRoleUserXML struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string `xml:"Arn"`
}

type assumeRoleResponse struct {
	XMLName         xml.Name           `xml:"AssumeRoleResponse"`
	Xmlns           string             `xml:"xmlns,attr"`
	Credentials     credentialsXML     `xml:"AssumeRoleResult>Credentials"`
	AssumedRoleUser assumedRoleUserXML `xml:"AssumeRoleResult>AssumedRoleUser"`
	Metadata        responseMetadata   `xml:"ResponseMetadata"`
}
