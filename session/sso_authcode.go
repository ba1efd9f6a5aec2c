package session

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
)

// callbackResult is what the browser brought back to the loopback server.
type callbackResult struct {
	code      string
	errCode   string // an OAuth error, such as access_denied
	errDetail string
}

// loopback is the one-shot server on 127.0.0.1 that the browser is sent
// back to. It takes the first redirect whose state matches and refuses the
// others (a page on the same machine could forge one).
type loopback struct {
	ln       net.Listener
	srv      *http.Server
	state    string
	session  string
	result   chan callbackResult
	once     sync.Once
	mu       sync.Mutex
	badState int
}

func startLoopback(state, session string) (*loopback, error) {
	// 127.0.0.1 only, never all interfaces; the port is the system's pick.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on 127.0.0.1 for the browser's redirect: %w", err)
	}
	lb := &loopback{ln: ln, state: state, session: session, result: make(chan callbackResult, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("/oauth/callback", lb.serve)
	lb.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go lb.srv.Serve(ln) //nolint:errcheck // ErrServerClosed on close
	return lb, nil
}

func (lb *loopback) redirectURI() string {
	return fmt.Sprintf("http://127.0.0.1:%d/oauth/callback", lb.ln.Addr().(*net.TCPAddr).Port)
}

func (lb *loopback) close() { lb.srv.Close() }

func (lb *loopback) badStates() int {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	return lb.badState
}

const callbackPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>%s</title>
<style>body{font-family:sans-serif;margin:4em auto;max-width:36em;text-align:center}</style></head>
<body><h1>%s</h1><p>%s</p></body></html>
`

func page(w http.ResponseWriter, status int, title, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	fmt.Fprintf(w, callbackPage, html.EscapeString(title), html.EscapeString(title), html.EscapeString(text))
}

func (lb *loopback) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		page(w, http.StatusMethodNotAllowed, "Not allowed", "")
		return
	}
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(lb.state)) != 1 {
		lb.mu.Lock()
		lb.badState++
		lb.mu.Unlock()
		page(w, http.StatusBadRequest, "Sign-in refused", "This sign-in was not started by awsmfa, or belongs to an older attempt. Start it again from awsmfa.")
		return
	}
	res := callbackResult{code: q.Get("code"), errCode: q.Get("error"), errDetail: q.Get("error_description")}
	if res.code == "" && res.errCode == "" {
		page(w, http.StatusBadRequest, "Sign-in incomplete", "The redirect carried neither a code nor an error.")
		return
	}
	if res.errCode != "" {
		page(w, http.StatusOK, "Sign-in did not complete", "IAM Identity Center said: "+res.errCode+". You can close this tab.")
	} else {
		page(w, http.StatusOK, "Signed in", "awsmfa has your sign-in to "+lb.session+". You can close this tab.")
	}
	lb.once.Do(func() { lb.result <- res })
}

// authorizeURL is the AWS CLI's: its parameters in its order, spaces as
// %20, and the challenge appended last.
func authorizeURL(base, clientID, redirect, state string, scopes []string, challenge string) string {
	enc := func(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }
	sc := ssoDefaultScope
	if len(scopes) > 0 {
		sc = strings.Join(scopes, " ")
	}
	return base + "/authorize?response_type=code&client_id=" + enc(clientID) +
		"&redirect_uri=" + enc(redirect) + "&state=" + enc(state) +
		"&code_challenge_method=S256&scopes=" + enc(sc) + "&code_challenge=" + challenge
}

// ssoAuthCodeLogin is the authorization-code grant with PKCE. When the
// browser cannot be opened it falls back to the device-code grant.
func (m *Manager) ssoAuthCodeLogin(ctx context.Context, l *ssoLogin) (ssoToken, SSOFlow, error) {
	oidc := m.oidc(l)
	reg, write, err := m.registration(ctx, oidc, l, true, false)
	if err != nil {
		return ssoToken{}, 0, err
	}
	base, err := oidcBase(ctx, l.region, l.oidcURL)
	if err != nil {
		return ssoToken{}, 0, err
	}
	verifier, challenge := newPKCE()
	state := newState()
	lb, err := startLoopback(state, l.s.Name)
	if err != nil {
		return ssoToken{}, 0, err
	}
	defer lb.close()
	redirect := lb.redirectURI()
	authURL := authorizeURL(base, reg.ClientID, redirect, state, l.s.Scopes, challenge)

	wait := m.loginWait()
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	prompt := SSOPrompt{Session: l.s.Name, URL: authURL}
	if l.opts.Open != nil {
		if err := l.opts.Open(wctx, authURL); err != nil {
			lb.close()
			why := fmt.Sprintf("no browser could be opened (%v)", err)
			tok, err := m.ssoDeviceLogin(ctx, l, why)
			return tok, SSODeviceCode, err
		}
		prompt.Opened = true
	}
	if l.opts.Show != nil {
		l.opts.Show(prompt)
	}
	var res callbackResult
	select {
	case res = <-lb.result:
	case <-wctx.Done():
		if ctx.Err() != nil {
			return ssoToken{}, 0, ErrCanceled
		}
		msg := fmt.Sprintf("no sign-in came back from the browser within %s, so nothing was written: run \"awsmfa sso login --session %s\" again (with --use-device-code to sign in on another device)", formatWait(wait), l.s.Name)
		if n := lb.badStates(); n > 0 {
			if n == 1 {
				msg += "; 1 redirect with a state that did not match was refused"
			} else {
				msg += fmt.Sprintf("; %d redirects with a state that did not match were refused", n)
			}
		}
		return ssoToken{}, 0, errors.New(msg)
	}
	if res.errCode != "" {
		if res.errCode == "access_denied" {
			return ssoToken{}, 0, fmt.Errorf("the sign-in to %s was denied in the browser, so nothing was written", l.s.Name)
		}
		return ssoToken{}, 0, fmt.Errorf("IAM Identity Center did not complete the sign-in to %s (%s%s), so nothing was written: check %s", l.s.Name, res.errCode, detail(res.errDetail), l.where)
	}
	out, err := oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId:     aws.String(reg.ClientID),
		ClientSecret: aws.String(reg.ClientSecret),
		GrantType:    aws.String(grantAuthCode),
		RedirectUri:  aws.String(redirect),
		CodeVerifier: aws.String(verifier),
		Code:         aws.String(res.code),
	})
	if err != nil {
		return ssoToken{}, 0, m.explainSSO(err, "CreateToken", l, reg.ClientSecret, res.code, verifier)
	}
	tok, err := m.newToken(l, reg, out)
	if err != nil {
		return ssoToken{}, 0, err
	}
	if write {
		if err := writeRegistration(m.registrationPath(l.s, l.region), reg); err != nil {
			return ssoToken{}, 0, err
		}
	}
	return tok, SSOAuthCode, nil
}

func detail(s string) string {
	if s == "" {
		return ""
	}
	if len(s) > 120 {
		s = s[:120] + "..."
	}
	return ": " + s
}
