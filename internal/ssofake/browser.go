package ssofake

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
)

// Browser is a scripted user at a web browser, for tests: Open follows an
// authorize or device-code URL the way a person would, clicks Allow (or
// Deny) on the page the fake serves, and follows the redirect back to the
// application's loopback address. Its Open has the signature of a browser
// opener, so it can stand in for the real one.
type Browser struct {
	// Deny clicks Deny instead of Allow.
	Deny bool
	// Close stops after loading the page, as a user who closes the tab.
	Close bool
	// Tamper, when set, may change the redirect back to the application
	// before the browser follows it (a forged state, a lost code).
	Tamper func(callback *url.URL)
	// Client fetches the pages; nil means a client that follows no
	// redirect by itself.
	Client *http.Client

	mu       sync.Mutex
	opened   []string
	callback string // the last page the application served us
}

var (
	formRE   = regexp.MustCompile(`(?s)<form method="post" action="([^"]+)">(.*?)</form>`)
	hiddenRE = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// Opened returns the URLs Open was given, in order.
func (b *Browser) Opened() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.opened...)
}

// CallbackPage returns the body of the last page the application's
// loopback server answered with.
func (b *Browser) CallbackPage() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.callback
}

func (b *Browser) client() *http.Client {
	if b.Client != nil {
		return b.Client
	}
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Open loads rawURL and answers its form. It returns when the approval
// (or denial) has been posted and, for the authorization-code grant, the
// redirect to the application has been followed.
func (b *Browser) Open(ctx context.Context, rawURL string) error {
	b.mu.Lock()
	b.opened = append(b.opened, rawURL)
	b.mu.Unlock()
	c := b.client()
	page, status, err := get(ctx, c, rawURL)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("browser: %s answered HTTP %d: %s", hostOf(rawURL), status, text(page))
	}
	if b.Close {
		return nil
	}
	m := formRE.FindStringSubmatch(page)
	if m == nil {
		return fmt.Errorf("browser: no form on the page: %s", text(page))
	}
	action, err := url.Parse(html.UnescapeString(m[1]))
	if err != nil {
		return err
	}
	base, _ := url.Parse(rawURL)
	form := url.Values{}
	for _, h := range hiddenRE.FindAllStringSubmatch(m[2], -1) {
		form.Set(html.UnescapeString(h[1]), html.UnescapeString(h[2]))
	}
	form.Set("decision", "allow")
	if b.Deny {
		form.Set("decision", "deny")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base.ResolveReference(action).String(), strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("browser: post the decision: %w", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return nil // the device page: nothing to follow
	case http.StatusFound, http.StatusSeeOther:
	default:
		return fmt.Errorf("browser: the decision got HTTP %d: %s", resp.StatusCode, text(string(body)))
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		return err
	}
	if ip := net.ParseIP(loc.Hostname()); loc.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("browser: refusing to follow a redirect off loopback to %s", loc.Host)
	}
	if b.Tamper != nil {
		b.Tamper(loc)
	}
	cb, _, err := get(ctx, c, loc.String())
	if err != nil {
		return fmt.Errorf("browser: follow the redirect to the application: %w", err)
	}
	b.mu.Lock()
	b.callback = cb
	b.mu.Unlock()
	return nil
}

func get(ctx context.Context, c *http.Client, u string) (string, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", 0, fmt.Errorf("browser: load %s: %w", hostOf(u), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil && !errors.Is(err, io.EOF) {
		return "", resp.StatusCode, err
	}
	return string(b), resp.StatusCode, nil
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// text is a page without its markup, on one line, for error messages.
func text(page string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tagRE.ReplaceAllString(page, " "))), " ")
}

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Host
	}
	return "the page"
}
