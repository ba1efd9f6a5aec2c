package ssofake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/awsmfa-tray/awsmfa-tray/internal/fakeserver"
)

const maxBody = 64 << 10

// apiError is an error reply in the restJson protocol: the code goes in
// the x-amzn-ErrorType header, which every SDK reads first; the body is
// the OAuth form for SSO OIDC ({"error", "error_description"}) and
// {"message"} for the portal, as the real services send them.
type apiError struct {
	status  int
	code    string
	message string
	oauth   bool
	reason  string // why, for Call.Reason; the real service does not say
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

// because records why the request was refused.
func (e *apiError) because(reason string) *apiError {
	e.reason = reason
	return e
}

// oauthCodes are the OAuth error names SSO OIDC puts in its bodies.
var oauthCodes = map[string]string{
	"AccessDeniedException":          "access_denied",
	"AuthorizationPendingException":  "authorization_pending",
	"ExpiredTokenException":          "expired_token",
	"InternalServerException":        "server_error",
	"InvalidClientException":         "invalid_client",
	"InvalidClientMetadataException": "invalid_client_metadata",
	"InvalidGrantException":          "invalid_grant",
	"InvalidRedirectUriException":    "invalid_redirect_uri",
	"InvalidRequestException":        "invalid_request",
	"InvalidScopeException":          "invalid_scope",
	"SlowDownException":              "slow_down",
	"UnauthorizedClientException":    "unauthorized_client",
	"UnsupportedGrantTypeException":  "unsupported_grant_type",
}

func oidcErr(status int, code, msg string) *apiError {
	return &apiError{status: status, code: code, message: msg, oauth: true}
}

func badRequest(code, msg string) *apiError { return oidcErr(http.StatusBadRequest, code, msg) }

func portalErr(status int, code, msg string) *apiError {
	return &apiError{status: status, code: code, message: msg}
}

// errUnauthorized is the portal's answer to a token it does not know, or
// one that expired or was logged out.
func errUnauthorized() *apiError {
	return portalErr(http.StatusUnauthorized, "UnauthorizedException", "Session token not found or invalid")
}

func writeJSON(w http.ResponseWriter, status int, requestID string, v any) {
	w.Header().Set("X-Amzn-Requestid", requestID)
	if v == nil {
		w.WriteHeader(status)
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "encode", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b) //nolint:errcheck // the client may have gone
}

func writeError(w http.ResponseWriter, requestID string, e *apiError) {
	w.Header().Set("X-Amzn-Errortype", e.code)
	var body any = map[string]string{"message": e.message}
	if e.oauth {
		oc := oauthCodes[e.code]
		if oc == "" {
			oc = "server_error"
		}
		body = map[string]string{"error": oc, "error_description": e.message}
	}
	writeJSON(w, e.status, requestID, body)
}

// route is one operation of the fake.
type route struct {
	method, path, op string
	html             bool // a browser page: replies are HTML, not restJson
	serve            func(s *Server, w http.ResponseWriter, r *http.Request, body []byte, requestID string) *apiError
}

var routes = []route{
	{http.MethodPost, "/client/register", "RegisterClient", false, (*Server).registerClient},
	{http.MethodPost, "/device_authorization", "StartDeviceAuthorization", false, (*Server).startDeviceAuthorization},
	{http.MethodPost, "/token", "CreateToken", false, (*Server).createToken},
	{http.MethodGet, "/authorize", "Authorize", true, (*Server).authorizePage},
	{http.MethodPost, "/authorize/decide", "AuthorizeDecision", true, (*Server).authorizeDecision},
	{http.MethodGet, "/device", "DevicePage", true, (*Server).devicePage},
	{http.MethodPost, "/device/decide", "DeviceDecision", true, (*Server).deviceDecision},
	{http.MethodGet, "/federation/credentials", "GetRoleCredentials", false, (*Server).getRoleCredentials},
	{http.MethodGet, "/assignment/accounts", "ListAccounts", false, (*Server).listAccounts},
	{http.MethodGet, "/assignment/roles", "ListAccountRoles", false, (*Server).listAccountRoles},
	{http.MethodPost, "/logout", "Logout", false, (*Server).logout},
}

// ServeHTTP answers one request of either service or a browser page.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := fakeserver.RequestID()
	var rt *route
	for i := range routes {
		if routes[i].path == r.URL.Path {
			rt = &routes[i]
			break
		}
	}
	s.mu.Lock()
	c := Call{Time: s.now(), Operation: "unknown"}
	delay := s.delay
	s.mu.Unlock()
	if rt == nil {
		writeJSON(w, http.StatusNotFound, requestID, map[string]string{"message": "Not Found"})
		s.finish(c, http.StatusNotFound, "")
		return
	}
	c.Operation = rt.op
	if !fakeserver.Hold(r, s.life.Closed(), delay) {
		s.finish(c, 0, "")
		panic(http.ErrAbortHandler) // drop the connection, never send an empty 200
	}
	if r.Method != rt.method {
		e := portalErr(http.StatusMethodNotAllowed, "InvalidRequestException", "Method not allowed")
		writeError(w, requestID, e)
		s.finish(c, e.status, e.code)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		e := badRequest("InvalidRequestException", "The request body could not be read.")
		writeError(w, requestID, e)
		s.finish(c, e.status, e.code)
		return
	}
	if rt.op == "CreateToken" {
		var g struct{ GrantType string }
		_ = json.Unmarshal(body, &g)
		c.GrantType = g.GrantType
	}
	if rt.op == "RegisterClient" {
		var g struct{ ClientName string }
		_ = json.Unmarshal(body, &g)
		c.ClientName = fakeserver.Safe(g.ClientName)
	}
	if e := s.takeFault(rt.op); e != nil {
		writeError(w, requestID, e)
		s.finish(c, e.status, e.code)
		return
	}
	rec := &statusRecorder{ResponseWriter: w}
	if e := rt.serve(s, rec, r, body, requestID); e != nil {
		if rt.html {
			writePage(w, e.status, "Sign-in failed", "<p class=\"error\">"+htmlEscape(e.code+": "+e.message)+"</p>")
		} else {
			writeError(w, requestID, e)
		}
		c.Reason = e.reason
		s.finish(c, e.status, e.code)
		return
	}
	s.finish(c, rec.status, "")
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (s *Server) finish(c Call, status int, code string) {
	c.Status, c.ErrorCode = status, code
	s.mu.Lock()
	s.calls = append(s.calls, c)
	s.mu.Unlock()
	if s.logf != nil {
		if status == 0 {
			s.logf("ssofake: %s: client left before the reply", c.Operation)
		} else {
			s.logf("ssofake: %s: %d %s", c.Operation, status, code)
		}
	}
}

func (s *Server) takeFault(op string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.op == "" || f.op == op {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			msg := map[string]string{
				"InternalServerException":   "An internal error occurred",
				"TooManyRequestsException":  "Rate exceeded",
				"SlowDownException":         "Client is polling too fast",
				"ServiceUnavailable":        "Service unavailable",
				"InvalidRequestException":   "Invalid request",
				"InvalidGrantException":     "Invalid grant provided",
				"UnauthorizedException":     "Session token not found or invalid",
				"AccessDeniedException":     "Access denied",
				"ExpiredTokenException":     "Token is expired",
				"InvalidClientException":    "Invalid client provided",
				"ThrottlingException":       "Rate exceeded",
				"ResourceNotFoundException": "Not found",
			}[f.code]
			if msg == "" {
				msg = "injected fault"
			}
			return &apiError{status: f.status, code: f.code, message: msg, oauth: isOIDC(op)}
		}
	}
	return nil
}

func isOIDC(op string) bool {
	switch op {
	case "RegisterClient", "StartDeviceAuthorization", "CreateToken":
		return true
	}
	return false
}

// decodeJSON reads a restJson request body into v.
func decodeJSON(body []byte, v any) *apiError {
	if len(strings.TrimSpace(string(body))) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return badRequest("InvalidRequestException", "The request body is not valid JSON.")
	}
	return nil
}

func missing(field string) *apiError {
	return badRequest("InvalidRequestException", fmt.Sprintf("Missing required parameter: %s", field))
}
