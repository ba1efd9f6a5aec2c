package ssofake

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/fakeserver"
)

// The grant types CreateToken knows.
const (
	grantAuthCode = "authorization_code"
	grantRefresh  = "refresh_token"
	grantDevice   = "urn:ietf:params:oauth:grant-type:device_code"
)

// knownScopes are scopes the fake grants; anything else is InvalidScope.
var knownScopes = map[string]bool{
	"sso:account:access":            true,
	"codewhisperer:completions":     true,
	"codewhisperer:analysis":        true,
	"codewhisperer:conversations":   true,
	"codewhisperer:transformations": true,
	"codewhisperer:taskassist":      true,
}

func errInvalidGrant(reason string) *apiError {
	return badRequest("InvalidGrantException", "Invalid grant provided").because(reason)
}

func errInvalidClient(reason string) *apiError {
	return oidcErr(http.StatusUnauthorized, "InvalidClientException", "Invalid client provided").because(reason)
}

type registerInput struct {
	ClientName   string   `json:"clientName"`
	ClientType   string   `json:"clientType"`
	Scopes       []string `json:"scopes"`
	GrantTypes   []string `json:"grantTypes"`
	RedirectURIs []string `json:"redirectUris"`
	IssuerURL    string   `json:"issuerUrl"`
}

func (s *Server) registerClient(w http.ResponseWriter, r *http.Request, body []byte, requestID string) *apiError {
	var in registerInput
	if e := decodeJSON(body, &in); e != nil {
		return e
	}
	switch {
	case in.ClientName == "":
		return missing("clientName")
	case in.ClientType == "":
		return missing("clientType")
	case in.ClientType != "public":
		return badRequest("InvalidClientMetadataException", "Invalid client type").because("clientType must be public")
	}
	for _, sc := range in.Scopes {
		if !knownScopes[sc] {
			return badRequest("InvalidScopeException", "Invalid scope requested").because("unknown scope " + fakeserver.Safe(sc))
		}
	}
	authCode := false
	for _, g := range in.GrantTypes {
		switch g {
		case grantAuthCode:
			authCode = true
		case grantRefresh, grantDevice, "device_code":
		default:
			return badRequest("InvalidClientMetadataException", "Invalid grant type").because("unknown grant type " + fakeserver.Safe(g))
		}
	}
	if authCode {
		if len(in.RedirectURIs) == 0 {
			return badRequest("InvalidRedirectUriException", "Redirect URI is required for authorization_code grant")
		}
		for _, u := range in.RedirectURIs {
			if !isLoopbackRedirect(u) {
				return badRequest("InvalidRedirectUriException", "Invalid redirect URI").because("not an http loopback URI: " + fakeserver.Safe(u))
			}
		}
		if in.IssuerURL == "" {
			return missing("issuerUrl")
		}
	}
	s.mu.Lock()
	if in.IssuerURL != "" && !s.knownStartURL(in.IssuerURL) {
		s.mu.Unlock()
		return badRequest("InvalidRequestException", "Invalid issuer URL").because("unknown issuer " + fakeserver.Safe(in.IssuerURL))
	}
	now := s.now().UTC().Truncate(time.Second)
	c := &client{
		Client: Client{
			ID:           newClientID(),
			Name:         in.ClientName,
			Type:         in.ClientType,
			GrantTypes:   in.GrantTypes,
			RedirectURIs: in.RedirectURIs,
			IssuerURL:    in.IssuerURL,
			Scopes:       in.Scopes,
			IssuedAt:     now,
			ExpiresAt:    now.Add(s.registrationTTL),
		},
		secret: newClientSecret(),
	}
	s.clients[c.ID] = c
	s.mu.Unlock()
	out := map[string]any{
		"clientId":              c.ID,
		"clientSecret":          c.secret,
		"clientIdIssuedAt":      c.IssuedAt.Unix(),
		"clientSecretExpiresAt": c.ExpiresAt.Unix(),
	}
	if authCode {
		base := baseURL(r)
		out["authorizationEndpoint"] = base + "/authorize"
		out["tokenEndpoint"] = base + "/token"
	}
	writeJSON(w, http.StatusOK, requestID, out)
	return nil
}

// authClient checks a client id and secret. Called with s.mu held.
func (s *Server) authClient(id, secret string) (*client, *apiError) {
	if id == "" {
		return nil, missing("clientId")
	}
	if secret == "" {
		return nil, missing("clientSecret")
	}
	c, ok := s.clients[id]
	if !ok || subtle.ConstantTimeCompare([]byte(c.secret), []byte(secret)) != 1 {
		return nil, errInvalidClient("unknown client or wrong secret")
	}
	if !s.now().Before(c.ExpiresAt) {
		return nil, errInvalidClient("the client registration has expired")
	}
	return c, nil
}

func (s *Server) startDeviceAuthorization(w http.ResponseWriter, r *http.Request, body []byte, requestID string) *apiError {
	var in struct {
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
		StartURL     string `json:"startUrl"`
	}
	if e := decodeJSON(body, &in); e != nil {
		return e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.authClient(in.ClientID, in.ClientSecret)
	if e != nil {
		return e
	}
	if in.StartURL == "" {
		return missing("startUrl")
	}
	if !c.allows(grantDevice) {
		return badRequest("UnauthorizedClientException", "Client is not authorized to use this grant type").because("registered without the device-code grant")
	}
	if !s.knownStartURL(in.StartURL) {
		return badRequest("InvalidRequestException", "Invalid start URL").because("unknown start URL " + fakeserver.Safe(in.StartURL))
	}
	d := &deviceAuth{
		client:    c,
		userCode:  newUserCode(),
		startURL:  in.StartURL,
		expiresAt: s.now().Add(deviceAuthTTL),
	}
	code := newDeviceCode()
	s.devices[code] = d
	s.userCodes[d.userCode] = d
	base := baseURL(r)
	writeJSON(w, http.StatusOK, requestID, map[string]any{
		"deviceCode":              code,
		"userCode":                d.userCode,
		"verificationUri":         base + "/device",
		"verificationUriComplete": base + "/device?user_code=" + url.QueryEscape(d.userCode),
		"expiresIn":               int(deviceAuthTTL / time.Second),
		"interval":                s.interval,
	})
	return nil
}

type createTokenInput struct {
	ClientID     string   `json:"clientId"`
	ClientSecret string   `json:"clientSecret"`
	GrantType    string   `json:"grantType"`
	DeviceCode   string   `json:"deviceCode"`
	Code         string   `json:"code"`
	RedirectURI  string   `json:"redirectUri"`
	CodeVerifier string   `json:"codeVerifier"`
	RefreshToken string   `json:"refreshToken"`
	Scope        []string `json:"scope"`
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request, body []byte, requestID string) *apiError {
	if r.URL.Query().Has("aws_iam") {
		return badRequest("InvalidRequestException", "CreateTokenWithIAM is not supported by this fake")
	}
	var in createTokenInput
	if e := decodeJSON(body, &in); e != nil {
		return e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, e := s.authClient(in.ClientID, in.ClientSecret)
	if e != nil {
		return e
	}
	switch in.GrantType {
	case "":
		return missing("grantType")
	case grantDevice, grantAuthCode, grantRefresh:
	default:
		return badRequest("UnsupportedGrantTypeException", "Unsupported grant type").because("unknown grant type " + fakeserver.Safe(in.GrantType))
	}
	if !c.allows(in.GrantType) {
		return badRequest("UnauthorizedClientException", "Client is not authorized to use this grant type").because("the registration does not allow " + in.GrantType)
	}
	now := s.now()
	var si *signIn
	var scopes []string
	switch in.GrantType {
	case grantDevice:
		if in.DeviceCode == "" {
			return missing("deviceCode")
		}
		d, ok := s.devices[in.DeviceCode]
		switch {
		case !ok || d.client != c:
			return errInvalidGrant("unknown device code")
		case d.used:
			return errInvalidGrant("the device code was already exchanged")
		case !now.Before(d.expiresAt):
			return badRequest("ExpiredTokenException", "Device code has expired")
		case !d.decided:
			return badRequest("AuthorizationPendingException", "Authorization is still pending")
		case d.denied:
			return badRequest("AccessDeniedException", "Access denied").because("the user denied the request")
		}
		d.used = true
		si, scopes = d.signIn, c.Scopes
	case grantAuthCode:
		switch {
		case in.Code == "":
			return missing("code")
		case in.RedirectURI == "":
			return missing("redirectUri")
		case in.CodeVerifier == "":
			return missing("codeVerifier")
		}
		ac, ok := s.codes[in.Code]
		switch {
		case !ok || ac.client != c:
			return errInvalidGrant("unknown authorization code")
		case ac.used:
			return errInvalidGrant("the authorization code was already exchanged")
		case !now.Before(ac.expiresAt):
			return errInvalidGrant("the authorization code has expired")
		case in.RedirectURI != ac.redirectURI:
			return errInvalidGrant("redirectUri differs from the one the code was issued for")
		case !validVerifier(in.CodeVerifier):
			return badRequest("InvalidRequestException", "Invalid code verifier").because("code_verifier is not 43 to 128 unreserved characters")
		case !pkceMatches(in.CodeVerifier, ac.challenge):
			ac.used = true // a failed exchange burns the code, as OAuth servers do
			return errInvalidGrant("code_verifier does not match code_challenge")
		}
		ac.used = true
		si, scopes = ac.signIn, ac.scopes
	case grantRefresh:
		if in.RefreshToken == "" {
			return missing("refreshToken")
		}
		rt, ok := s.refresh[in.RefreshToken]
		switch {
		case !ok || rt.client != c:
			return errInvalidGrant("unknown refresh token")
		case rt.used:
			return errInvalidGrant("the refresh token was already used (tokens rotate)")
		case !rt.signIn.live(now):
			return errInvalidGrant("the sign-in has ended")
		}
		rt.used = true
		si, scopes = rt.signIn, rt.scopes
	}
	if !si.live(now) {
		return errInvalidGrant("the sign-in has ended")
	}
	refreshable := c.allows(grantRefresh) && len(scopes) > 0
	exp := si.ends
	if refreshable && now.Add(s.accessTTL).Before(exp) {
		exp = now.Add(s.accessTTL)
	}
	exp = exp.Truncate(time.Second)
	tok := newAccessToken()
	s.access[tok] = &accessToken{client: c, signIn: si, expiresAt: exp}
	out := map[string]any{
		"accessToken": tok,
		"tokenType":   "Bearer",
		"expiresIn":   int(exp.Sub(now.Truncate(time.Second)) / time.Second),
	}
	if refreshable {
		rt := newRefreshToken()
		s.refresh[rt] = &refreshToken{client: c, signIn: si, scopes: scopes}
		out["refreshToken"] = rt
	}
	writeJSON(w, http.StatusOK, requestID, out)
	return nil
}

// validVerifier applies RFC 7636 4.1: 43 to 128 unreserved characters.
func validVerifier(v string) bool {
	if len(v) < 43 || len(v) > 128 {
		return false
	}
	for _, r := range v {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~", r)) {
			return false
		}
	}
	return true
}

// pkceMatches checks S256: BASE64URL(SHA256(verifier)) == challenge,
// padding ignored (the AWS CLI trims it).
func pkceMatches(verifier, challenge string) bool {
	sum := sha256.Sum256([]byte(verifier))
	want := base64.RawURLEncoding.EncodeToString(sum[:])
	got := strings.TrimRight(challenge, "=")
	return subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// isLoopbackRedirect accepts http URIs on a loopback host, the only
// redirects a native app may register (RFC 8252 7.3).
func isLoopbackRedirect(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.User != nil || u.Fragment != "" {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// redirectRegistered reports whether uri matches a registered redirect:
// same scheme, host and path; any port, since loopback clients pick one
// at run time (RFC 8252 7.3).
func redirectRegistered(c *client, uri string) bool {
	u, err := url.Parse(uri)
	if err != nil || !isLoopbackRedirect(uri) {
		return false
	}
	for _, reg := range c.RedirectURIs {
		ru, err := url.Parse(reg)
		if err == nil && ru.Scheme == u.Scheme && ru.Hostname() == u.Hostname() && ru.Path == u.Path {
			return true
		}
	}
	return false
}

func baseURL(r *http.Request) string {
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}
