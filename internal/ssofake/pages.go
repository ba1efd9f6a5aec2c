package ssofake

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
)

// The browser side of a login: the authorize page (authorization-code
// grant) and the device page (device-code grant). Each shows one form with
// Allow and Deny, which a person can click in --demo and Browser posts in
// tests.

func htmlEscape(s string) string { return html.EscapeString(s) }

func writePage(w http.ResponseWriter, status int, title, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head>\n<body><h1>%s</h1>\n%s\n</body></html>\n",
		htmlEscape(title), htmlEscape(title), body)
}

func decisionForm(action string, hidden map[string]string, what string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<p>%s</p>\n<form method=\"post\" action=\"%s\">\n", htmlEscape(what), htmlEscape(action))
	for k, v := range hidden {
		fmt.Fprintf(&b, "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n", htmlEscape(k), htmlEscape(v))
	}
	b.WriteString("<button type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\n")
	b.WriteString("<button type=\"submit\" name=\"decision\" value=\"deny\">Deny</button>\n</form>")
	return b.String()
}

// redirectWith sends the browser back to the client's loopback redirect.
func redirectWith(w http.ResponseWriter, redirectURI string, params url.Values) {
	u, _ := url.Parse(redirectURI)
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Location", u.String())
	w.WriteHeader(http.StatusFound)
}

func (s *Server) authorizePage(w http.ResponseWriter, r *http.Request, _ []byte, _ string) *apiError {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[q.Get("client_id")]
	if !ok || !s.now().Before(c.ExpiresAt) {
		// Never redirect for an unknown client: the redirect is not trusted.
		return badRequest("InvalidClientException", "Invalid client").because("unknown or expired client_id")
	}
	redirect := q.Get("redirect_uri")
	if !redirectRegistered(c, redirect) {
		return badRequest("InvalidRedirectUriException", "Invalid redirect URI").because("redirect_uri does not match a registered loopback redirect")
	}
	fail := func(code, desc string) *apiError {
		redirectWith(w, redirect, url.Values{"error": {code}, "error_description": {desc}, "state": {q.Get("state")}})
		return nil
	}
	if !c.allows(grantAuthCode) {
		return fail("unauthorized_client", "the client is not registered for the authorization_code grant")
	}
	if q.Get("response_type") != "code" {
		return fail("unsupported_response_type", "response_type must be code")
	}
	if q.Get("code_challenge") == "" || q.Get("code_challenge_method") != "S256" {
		return fail("invalid_request", "PKCE with code_challenge_method S256 is required")
	}
	if q.Get("state") == "" {
		return fail("invalid_request", "state is required")
	}
	scopes := strings.Fields(q.Get("scopes"))
	for _, sc := range scopes {
		if !contains(c.Scopes, sc) {
			return fail("invalid_scope", "scope not registered for the client")
		}
	}
	if len(scopes) == 0 {
		scopes = c.Scopes
	}
	ref := newRequestRef()
	s.requests[ref] = &authRequest{
		client: c, redirectURI: redirect, state: q.Get("state"),
		challenge: q.Get("code_challenge"), scopes: scopes,
		expiresAt: s.now().Add(authCodeTTL),
	}
	writePage(w, http.StatusOK, "Allow "+c.Name+" to access your data?",
		decisionForm("/authorize/decide", map[string]string{"request": ref},
			"Scopes: "+strings.Join(scopes, ", ")))
	return nil
}

func (s *Server) authorizeDecision(w http.ResponseWriter, r *http.Request, body []byte, _ string) *apiError {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return badRequest("InvalidRequestException", "The form is malformed.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ref := form.Get("request")
	req, ok := s.requests[ref]
	if !ok || !s.now().Before(req.expiresAt) {
		return badRequest("InvalidRequestException", "This sign-in request has expired; start again from the application").because("unknown or expired request")
	}
	delete(s.requests, ref)
	if form.Get("decision") != "allow" {
		redirectWith(w, req.redirectURI, url.Values{"error": {"access_denied"}, "error_description": {"The user denied the request"}, "state": {req.state}})
		return nil
	}
	si := s.newSignIn()
	code := newAuthCode()
	s.codes[code] = &authCode{
		client: req.client, redirectURI: req.redirectURI, challenge: req.challenge,
		scopes: req.scopes, expiresAt: s.now().Add(authCodeTTL), signIn: si,
	}
	redirectWith(w, req.redirectURI, url.Values{"code": {code}, "state": {req.state}})
	return nil
}

func (s *Server) devicePage(w http.ResponseWriter, r *http.Request, _ []byte, _ string) *apiError {
	code := r.URL.Query().Get("user_code")
	if code == "" {
		writePage(w, http.StatusOK, "Enter the code", "<form method=\"get\" action=\"/device\"><input name=\"user_code\"><button type=\"submit\">Next</button></form>")
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.userCodes[code]
	if !ok || d.decided || !s.now().Before(d.expiresAt) {
		return badRequest("InvalidRequestException", "This code is not valid or has expired").because("unknown, used or expired user code")
	}
	writePage(w, http.StatusOK, "Authorize request",
		decisionForm("/device/decide", map[string]string{"user_code": code},
			"Allow "+d.client.Name+" to access your data? Code: "+code))
	return nil
}

func (s *Server) deviceDecision(w http.ResponseWriter, _ *http.Request, body []byte, _ string) *apiError {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return badRequest("InvalidRequestException", "The form is malformed.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.userCodes[form.Get("user_code")]
	if !ok || d.decided || !s.now().Before(d.expiresAt) {
		return badRequest("InvalidRequestException", "This code is not valid or has expired").because("unknown, used or expired user code")
	}
	d.decided = true
	if form.Get("decision") != "allow" {
		d.denied = true
		writePage(w, http.StatusOK, "Request denied", "<p>You can close this window.</p>")
		return nil
	}
	d.signIn = s.newSignIn()
	writePage(w, http.StatusOK, "Request approved", "<p>You can close this window.</p>")
	return nil
}

// newSignIn starts a sign-in of the session length. Called with s.mu held.
func (s *Server) newSignIn() *signIn {
	now := s.now()
	si := &signIn{started: now, ends: now.Add(s.sessionTTL)}
	s.sessions = append(s.sessions, si)
	return si
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
