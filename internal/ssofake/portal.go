package ssofake

import (
	"net/http"
	"strconv"
	"time"
)

// The access portal (the "sso" service): restJson with the access token
// in the x-amz-sso_bearer_token header.

const bearerHeader = "X-Amz-Sso_bearer_token"

// bearer authenticates a portal call. Called with s.mu held.
func (s *Server) bearer(r *http.Request) (*accessToken, *apiError) {
	tok := r.Header.Get(bearerHeader)
	if tok == "" {
		return nil, portalErr(http.StatusBadRequest, "InvalidRequestException", "Missing required header: x-amz-sso_bearer_token")
	}
	at := s.validAccess(tok)
	if at == nil {
		return nil, errUnauthorized()
	}
	return at, nil
}

func (s *Server) findAccount(id string) (Account, bool) {
	for _, a := range s.accounts {
		if a.ID == id {
			return a, true
		}
	}
	return Account{}, false
}

func (s *Server) getRoleCredentials(w http.ResponseWriter, r *http.Request, _ []byte, requestID string) *apiError {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	at, e := s.bearer(r)
	if e != nil {
		return e
	}
	acct, role := q.Get("account_id"), q.Get("role_name")
	switch {
	case role == "":
		return portalErr(http.StatusBadRequest, "InvalidRequestException", "Missing required parameter: role_name")
	case acct == "":
		return portalErr(http.StatusBadRequest, "InvalidRequestException", "Missing required parameter: account_id")
	}
	a, ok := s.findAccount(acct)
	if !ok || !contains(a.Roles, role) {
		return portalErr(http.StatusForbidden, "ForbiddenException", "No access").because("role not assigned to the user")
	}
	exp := s.now().Add(s.roleTTL)
	if at.signIn.ends.Before(exp) {
		exp = at.signIn.ends
	}
	rc := RoleCredentials{
		AccountID: acct, RoleName: role,
		AccessKeyID: newAccessKeyID(), SecretAccessKey: newSecretKey(), SessionToken: newSessionToken(),
		Expiration: exp.Truncate(time.Millisecond),
	}
	s.issued = append(s.issued, rc)
	writeJSON(w, http.StatusOK, requestID, map[string]any{
		"roleCredentials": map[string]any{
			"accessKeyId":     rc.AccessKeyID,
			"secretAccessKey": rc.SecretAccessKey,
			"sessionToken":    rc.SessionToken,
			"expiration":      rc.Expiration.UnixMilli(),
		},
	})
	return nil
}

// page cuts list at next_token and max_result (the portal pages by 20).
func page(n int, r *http.Request) (start, end int, next string) {
	q := r.URL.Query()
	start, _ = strconv.Atoi(q.Get("next_token"))
	if start < 0 || start > n {
		start = n
	}
	size := 20
	if v, err := strconv.Atoi(q.Get("max_result")); err == nil && v > 0 {
		size = v
	}
	end = min(start+size, n)
	if end < n {
		next = strconv.Itoa(end)
	}
	return start, end, next
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request, _ []byte, requestID string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, e := s.bearer(r); e != nil {
		return e
	}
	start, end, next := page(len(s.accounts), r)
	list := []map[string]string{}
	for _, a := range s.accounts[start:end] {
		list = append(list, map[string]string{"accountId": a.ID, "accountName": a.Name, "emailAddress": a.Email})
	}
	out := map[string]any{"accountList": list}
	if next != "" {
		out["nextToken"] = next
	}
	writeJSON(w, http.StatusOK, requestID, out)
	return nil
}

func (s *Server) listAccountRoles(w http.ResponseWriter, r *http.Request, _ []byte, requestID string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, e := s.bearer(r); e != nil {
		return e
	}
	acct := r.URL.Query().Get("account_id")
	if acct == "" {
		return portalErr(http.StatusBadRequest, "InvalidRequestException", "Missing required parameter: account_id")
	}
	a, ok := s.findAccount(acct)
	if !ok {
		return portalErr(http.StatusForbidden, "ForbiddenException", "No access")
	}
	start, end, next := page(len(a.Roles), r)
	list := []map[string]string{}
	for _, role := range a.Roles[start:end] {
		list = append(list, map[string]string{"accountId": a.ID, "roleName": role})
	}
	out := map[string]any{"roleList": list}
	if next != "" {
		out["nextToken"] = next
	}
	writeJSON(w, http.StatusOK, requestID, out)
	return nil
}

// logout ends the sign-in the token belongs to: its access tokens and
// refresh tokens stop working, as the real portal's Logout does.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, _ []byte, requestID string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, e := s.bearer(r)
	if e != nil {
		return e
	}
	at.signIn.loggedOut = true
	at.revoked = true
	writeJSON(w, http.StatusOK, requestID, nil)
	return nil
}
