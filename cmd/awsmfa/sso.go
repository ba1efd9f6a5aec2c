package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/browser"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// openBrowser is the browser opener; tests put the scripted one here.
var openBrowser = browser.Open

var ssoCmd = &command{
	name:    "sso",
	summary: "log in to IAM Identity Center sessions (login, logout, status)",
	usage:   "awsmfa sso login|logout|status [--session S | --profile P] [options]",
	help:    ssoHelp,
	flags: []flagSpec{{name: "session", arg: "S"}, {name: "force"}, {name: "use-device-code"},
		{name: "no-browser"}, {name: "json"}},
	words: []string{"login", "logout", "status"},
	run:   runSSO,
}

const ssoHelp = `Usage: awsmfa sso login  [--session S | --profile P] [--force] [--use-device-code] [--no-browser]
       awsmfa sso logout [--session S | --profile P]
       awsmfa sso status [--json]

Log in to IAM Identity Center (SSO) the way "aws sso login" does, and keep
the token where the AWS CLI and every SDK read it (~/.aws/sso/cache), so
that every profile of the session works.

  login    open the browser to sign in (authorization code with PKCE); a token
           that is still valid is kept, one that is about to expire is
           renewed with its refresh token, with no browser
  logout   end the sign-in at the access portal and remove the token, and the
           AWS CLI's cached role credentials of the session's profiles
  status   show every SSO session: state, time left, whether it renews itself,
           and the profiles that use it

Options:
  --session S         the [sso-session S] of the config file, or the start URL
                      of legacy profiles (default: the session of --profile P)
  -p, --profile P     a profile with sso_session (or a legacy sso_start_url)
  --force             sign in again even while the token is valid
  --use-device-code   sign in with a code on any device instead of a browser
                      on this one (used by itself where no browser can open)
  --no-browser        print the sign-in address instead of opening a browser
  --json              status as a JSON array for scripts
  -h, --help          show this help
`

func runSSO(a *app, g globals, args []string) error {
	if len(args) == 0 {
		return usagef("sso", "sso needs login, logout or status")
	}
	verb, rest := args[0], args[1:]
	if verb == "-h" || verb == "--help" {
		return &helpRequest{cmd: "sso"}
	}
	var name string
	var force, device, noBrowser, asJSON bool
	seen := map[string]bool{}
	f := cmdFlags{strs: map[string]*string{"session": &name}, seen: seen,
		bools: map[string]*bool{"force": &force, "use-device-code": &device, "no-browser": &noBrowser, "json": &asJSON}}
	if _, err := f.parse("sso", &g, rest); err != nil {
		return err
	}
	// Each option belongs to some of the actions; the parser takes them
	// all, so --help works after any.
	allowed := map[string][]string{
		"login":  {"session", "force", "use-device-code", "no-browser"},
		"logout": {"session"},
		"status": {"json"},
	}[verb]
	if allowed == nil {
		return usagef("sso", "unknown sso command %q: use login, logout or status", verb)
	}
	for opt := range seen {
		if opt == "profile" || opt == "p" || contains(allowed, opt) {
			continue
		}
		return usagef("sso", "--%s is not an option of sso %s", opt, verb)
	}
	m := a.manager()
	if verb == "status" {
		if g.profileExplicit {
			return usagef("sso", "sso status shows every session; leave out --profile")
		}
		return runSSOStatus(a, m, asJSON)
	}
	name, err := ssoSessionName(m, g, name)
	if err != nil {
		return err
	}
	if verb == "logout" {
		return runSSOLogout(a, m, name)
	}
	opts := session.SSOLoginOptions{
		Force:         force,
		UseDeviceCode: device,
		Show:          func(p session.SSOPrompt) { showSSOPrompt(a.stderr, p) },
		Waiting: func(s string) {
			fmt.Fprintf(a.stderr, "awsmfa: another login of %s is running (the tray or another terminal); waiting for it to finish\n", s)
		},
	}
	if g.profileExplicit {
		opts.Profile = g.profile
	}
	if !noBrowser {
		opts.Open = openBrowser
	}
	tok, err := m.SSOLogin(a.ctx, name, opts)
	var active *session.SSOActiveError
	if errors.As(err, &active) {
		fmt.Fprintf(a.stdout, "%s is still logged in for %s (until %s); use --force to log in again\n",
			active.Session, session.FormatLeft(active.Left), formatTime(active.Until))
		return nil
	}
	if err != nil {
		return err
	}
	left := session.FormatLeft(tok.Duration)
	switch tok.Flow {
	case session.SSORefreshed:
		fmt.Fprintf(a.stdout, "Renewed %s without a browser, until %s (%s)\n", tok.Session, formatTime(tok.Expiration), left)
	case session.SSOByOtherLogin:
		fmt.Fprintf(a.stdout, "Logged in to %s by the other login, until %s (%s)\n", tok.Session, formatTime(tok.Expiration), left)
	default:
		fmt.Fprintf(a.stdout, "Logged in to %s until %s (%s)\n", tok.Session, formatTime(tok.Expiration), left)
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// ssoSessionName is --session, else the session of --profile (or of
// $AWS_PROFILE), else the only session there is.
func ssoSessionName(m *session.Manager, g globals, name string) (string, error) {
	if name != "" {
		if g.profileExplicit {
			return "", usagef("sso", "give either --session or --profile, not both")
		}
		return name, nil
	}
	if g.profileExplicit {
		return m.SSOSessionOf(g.profile)
	}
	if n, err := m.SSOSessionOf(session.DefaultProfile()); err == nil {
		return n, nil
	}
	snap, err := m.SSOSessions()
	if err != nil {
		return "", err
	}
	switch len(snap.Sessions) {
	case 0:
		cfg, _ := m.Paths()
		return "", fmt.Errorf("there is no SSO session in %s: add an [sso-session] section (\"aws configure sso-session\" writes one)", cfg)
	case 1:
		return snap.Sessions[0].Session.Name, nil
	}
	var names []string
	for _, s := range snap.Sessions {
		names = append(names, s.Session.Name)
	}
	return "", usagef("sso", "name the session with --session: %s", strings.Join(names, ", "))
}

// showSSOPrompt tells the user where to sign in, on stderr: stdout keeps
// the one result line for scripts.
func showSSOPrompt(w io.Writer, p session.SSOPrompt) {
	switch {
	case p.UserCode != "":
		if p.Fallback != "" {
			fmt.Fprintf(w, "awsmfa: %s; signing in with a code instead, which works from any device.\n", p.Fallback)
		}
		if p.Opened {
			fmt.Fprintf(w, "Opening your browser to sign in to %s. If it does not open, or to use another device, open\n\n  %s\n\n", p.Session, p.URL)
		} else {
			fmt.Fprintf(w, "To sign in to %s, open this page on any device:\n\n  %s\n\n", p.Session, p.URL)
		}
		fmt.Fprintf(w, "and check that it shows the code\n\n  %s\n\n", p.UserCode)
	case p.Opened:
		fmt.Fprintf(w, "Opened your browser to sign in to %s. If it did not open, open this page on this machine:\n\n  %s\n\nIf you cannot open it here, run this again with --use-device-code.\n\n", p.Session, p.URL)
	default:
		fmt.Fprintf(w, "To sign in to %s, open this page in a browser on this machine:\n\n  %s\n\nOn another device? Run this again with --use-device-code.\n\n", p.Session, p.URL)
	}
	fmt.Fprintln(w, "Waiting for the sign-in...")
}

func runSSOLogout(a *app, m *session.Manager, name string) error {
	res, err := m.SSOLogout(a.ctx, name)
	if err != nil {
		return err
	}
	if !res.Removed {
		fmt.Fprintf(a.stdout, "%s is not logged in; nothing to log out\n", name)
	} else {
		fmt.Fprintf(a.stdout, "Logged out of %s\n", name)
	}
	if res.CLICredentials > 0 {
		fmt.Fprintf(a.stdout, "Removed %d role credential(s) the AWS CLI had cached for its profiles\n", res.CLICredentials)
	}
	if res.PortalErr != nil {
		fmt.Fprintf(a.stderr, "awsmfa: note: %s\n", oneLine(res.PortalErr.Error()))
	}
	return nil
}

func runSSOStatus(a *app, m *session.Manager, asJSON bool) error {
	snap, err := m.SSOSessions()
	if err != nil {
		return err
	}
	if asJSON {
		return writeSSOJSON(a.stdout, snap)
	}
	if len(snap.Sessions) == 0 {
		cfg, _ := m.Paths()
		fmt.Fprintf(a.stdout, "No SSO sessions in %s\n", cfg)
		return nil
	}
	return writeSSOTable(a, snap)
}

// ssoRows are the SSO profiles' rows for the status table: one per
// profile, its session's state, and "sso NAME" as the source; a session no
// profile uses gets a row of its own. Their notes say what to fix.
func ssoRows(snap session.SSOSnapshot) ([][]cell, []statusNote) {
	var rows [][]cell
	var notes []statusNote
	for _, st := range snap.Sessions {
		state := cell{st.State.String(), stateColor(st.State)}
		left, expires := cell{text: ssoLeftCell(st)}, cell{text: ssoExpires(st)}
		problem := ssoProblem(st)
		if problem != nil && !st.HasToken {
			state = cell{"needs setup", colorRed}
		}
		source := cell{text: "sso " + st.Session.Name}
		if st.Session.Legacy {
			source.text = "sso " + hostOf(st.Session.StartURL)
		}
		if len(st.Session.Profiles) == 0 {
			rows = append(rows, []cell{{text: "(sso-session " + st.Session.Name + ")"}, state, left, expires, source})
		}
		for _, p := range st.Session.Profiles {
			rows = append(rows, []cell{{text: p.Name}, state, left, expires, source})
			if p.Problem != nil {
				notes = append(notes, statusNote{p.Name, problemText(p.Problem), colorRed})
			}
		}
		if problem != nil {
			notes = append(notes, statusNote{"sso " + st.Session.Name, problemText(problem), colorRed})
		}
	}
	return rows, notes
}

// ssoProblem is what stops a session: its token file, else its config.
func ssoProblem(st session.SSOStatus) error {
	if st.Problem != nil {
		return st.Problem
	}
	return st.Session.Problem
}

func ssoExpires(st session.SSOStatus) string {
	if st.Expiration.IsZero() {
		return "-"
	}
	return formatTime(st.Expiration)
}

func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return u.Host
	}
	return raw
}

// writeSSOTable is "sso status": one row per session, with whether it
// renews itself and the profiles that use it.
func writeSSOTable(a *app, snap session.SSOSnapshot) error {
	out := bufio.NewWriter(a.stdout)
	color := a.colorStdout()
	t := &table{header: []string{"SSO SESSION", "STATE", "LEFT", "EXPIRES", "RENEWS", "PROFILES"}}
	var notes []statusNote
	for _, st := range snap.Sessions {
		renews := "no"
		if st.Refreshable {
			renews = "yes"
		}
		var profiles []string
		for _, p := range st.Session.Profiles {
			profiles = append(profiles, p.Name)
			if p.Problem != nil {
				notes = append(notes, statusNote{p.Name, problemText(p.Problem), colorRed})
			}
		}
		if problem := ssoProblem(st); problem != nil {
			notes = append(notes, statusNote{st.Session.Name, problemText(problem), colorRed})
		}
		t.add(cell{text: st.Session.Name}, cell{st.State.String(), stateColor(st.State)}, cell{text: ssoLeftCell(st)},
			cell{text: ssoExpires(st)}, cell{text: renews}, cell{text: dash(strings.Join(profiles, ","))})
	}
	t.write(out, color)
	writeNotes(out, notes, color, a.stdoutWidth())
	return out.Flush()
}

func ssoLeftCell(st session.SSOStatus) string {
	if st.State == session.Active || st.State == session.Expiring {
		return session.FormatLeft(st.Left)
	}
	return "-"
}

// ssoJSON is one element of "sso status --json": add fields, never rename.
type ssoJSON struct {
	Session                string        `json:"session"`
	Legacy                 bool          `json:"legacy"`
	StartURL               string        `json:"start_url"`
	Region                 string        `json:"region"`
	State                  string        `json:"state"`
	Expiration             *string       `json:"expiration"`
	SecondsLeft            int64         `json:"seconds_left"`
	Refreshable            bool          `json:"refreshable"`
	RegistrationExpiration *string       `json:"registration_expiration"`
	TokenFile              string        `json:"token_file"`
	Profiles               []ssoProfJSON `json:"profiles"`
	Problem                *string       `json:"problem"`
}

type ssoProfJSON struct {
	Profile   string  `json:"profile"`
	AccountID string  `json:"account_id"`
	RoleName  string  `json:"role_name"`
	Problem   *string `json:"problem"`
}

func rfc3339OrNil(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func errOrNil(err error) *string {
	if err == nil {
		return nil
	}
	s := problemText(err)
	return &s
}

func writeSSOJSON(w io.Writer, snap session.SSOSnapshot) error {
	out := make([]ssoJSON, 0, len(snap.Sessions))
	for _, st := range snap.Sessions {
		j := ssoJSON{
			Session: st.Session.Name, Legacy: st.Session.Legacy, StartURL: st.Session.StartURL, Region: st.Session.Region,
			State: jsonState(st.State), Expiration: rfc3339OrNil(st.Expiration), Refreshable: st.Refreshable,
			RegistrationExpiration: rfc3339OrNil(st.RegistrationExpiration), TokenFile: st.Session.TokenFile,
			Profiles: []ssoProfJSON{},
		}
		if st.State == session.Active || st.State == session.Expiring {
			j.SecondsLeft = int64(st.Left / time.Second)
		}
		j.Problem = errOrNil(ssoProblem(st))
		for _, p := range st.Session.Profiles {
			j.Profiles = append(j.Profiles, ssoProfJSON{Profile: p.Name, AccountID: p.AccountID, RoleName: p.RoleName, Problem: errOrNil(p.Problem)})
		}
		out = append(out, j)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("encode status: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
