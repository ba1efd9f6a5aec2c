package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

var statusCmd = &command{
	name:    "status",
	summary: "show every MFA profile and how long its session has left",
	usage:   "awsmfa [--profile P] status [--json]",
	help:    statusHelp,
	flags:   []flagSpec{{name: "json"}},
	run:     runStatus,
}

func runStatus(a *app, g globals, args []string) error {
	var asJSON bool
	f := cmdFlags{bools: map[string]*bool{"json": &asJSON}}
	if _, err := f.parse("status", &g, args); err != nil {
		return err
	}
	m := a.manager()
	// One read of the files for the whole report.
	var ov session.Overview
	switch {
	case g.profileExplicit:
		// An explicit --profile narrows the report to that profile.
		st, err := m.Status(g.profile)
		if err != nil {
			return err
		}
		ov.Profiles = []session.Status{st}
	case asJSON:
		snap, err := m.Snapshot()
		if err != nil {
			return err
		}
		ov.Snapshot = snap
	default:
		var err error
		if ov, err = m.Overview(); err != nil {
			return err
		}
	}
	list := ov.Profiles
	if asJSON {
		return writeStatusJSON(a, list)
	}
	sso, ssoNotes := ssoRows(session.SSOSnapshot{Taken: ov.Taken, Sessions: ov.Snapshot.SSO})
	if len(list) == 0 && len(sso) == 0 {
		return a.noProfiles(m, ov)
	}
	// One write for the whole table: unbuffered, a thousand profiles cost
	// some fifteen thousand write calls.
	out := bufio.NewWriter(a.stdout)
	color := a.colorStdout()
	// SOURCE goes first when long names would not fit the terminal, then
	// the names are cut, so that no row wraps.
	width := a.stdoutWidth()
	t := &table{header: statusHeader, maxWidth: width, keep: 4, cut: 0, minCut: minNameWidth}
	var notes []statusNote
	for _, st := range list {
		t.add(mfaRow(st)...)
		notes = append(notes, mfaNotes(st)...)
	}
	t.rows = append(t.rows, sso...)
	notes = append(notes, ssoNotes...)
	t.write(out, color)
	writeNotes(out, notes, color, width)
	return out.Flush()
}

// minNameWidth is as short as a cut profile name gets: enough to tell
// names apart, though on a very narrow terminal the rows then wrap.
const minNameWidth = 12

// writeNotes prints the notes under a table, wrapped to the terminal's
// width up to noteWidth, each after its profile's full name.
func writeNotes(out *bufio.Writer, notes []statusNote, color bool, width int) {
	if len(notes) > 0 {
		out.WriteByte('\n')
	}
	home, _ := os.UserHomeDir()
	for _, n := range notes {
		for i, line := range wrap(n.profile+": "+tildeHome(n.text, home), min(width, noteWidth)) {
			if i == 0 {
				writeColored(out, n.profile+":", n.color, color)
				line = strings.TrimPrefix(line, n.profile+":")
			} else {
				out.WriteString("  ")
			}
			out.WriteString(line + "\n")
		}
	}
}

// tildeHome writes paths under the home folder as ~/..., as a shell would
// take them: shorter, and the same on every machine.
func tildeHome(s, home string) string {
	if home == "" || home == string(filepath.Separator) {
		return s
	}
	return strings.ReplaceAll(s, home+string(filepath.Separator), "~"+string(filepath.Separator))
}

// noteWidth keeps the notes under the table within 80 columns on a wide
// terminal too: longer lines are harder to read.
const noteWidth = 80

// wrap breaks text into lines of at most width columns (the lines after the
// first are indented by two, which width allows for), at spaces, never
// inside a quoted command, so that a command is copied whole. A word longer
// than a line gets a line of its own.
func wrap(text string, width int) []string {
	var words []string
	for rest := text; rest != ""; {
		rest = strings.TrimLeft(rest, " ")
		end := strings.IndexByte(rest, ' ')
		if q := strings.IndexByte(rest, '"'); q >= 0 && (end < 0 || q < end) {
			if close := strings.IndexByte(rest[q+1:], '"'); close >= 0 {
				end = q + 1 + close + 1
				if sp := strings.IndexByte(rest[end:], ' '); sp >= 0 {
					end += sp
				} else {
					end = len(rest)
				}
			}
		}
		if end < 0 {
			end = len(rest)
		}
		if w := rest[:end]; w != "" {
			words = append(words, w)
		}
		rest = rest[end:]
	}
	var lines []string
	line, limit := "", width
	for _, w := range words {
		switch {
		case line == "":
			line = w
		case textWidth(line)+1+textWidth(w) <= limit:
			line += " " + w
		default:
			lines = append(lines, line)
			line, limit = w, width-2
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// The status table's columns. Each kind of profile (MFA sessions today;
// role profiles, SSO sessions) makes rows of these five cells and its own
// notes, so that they share one table that fits 80 columns: the MFA
// serial, which alone is 40 wide, is in --json, SOURCE is left out when
// long names leave no room for it, and names too long even then are cut
// with an ellipsis (the notes and --json name them whole).
var statusHeader = []string{"PROFILE", "STATE", "LEFT", "EXPIRES", "SOURCE"}

// statusNote is a line under the table: what stops a profile from logging
// in and how to fix it, or advice that does not stop it.
type statusNote struct {
	profile, text, color string
}

// mfaRow is the row of an MFA profile: its session's state, the time left,
// the expiry in the user's zone, and the long-term profile.
func mfaRow(st session.Status) []cell {
	state := cell{st.State.String(), stateColor(st.State)}
	left, expires := cell{text: "-"}, cell{text: "-"}
	switch st.State {
	case session.Active, session.Expiring:
		left.text = session.FormatLeft(st.Left)
	case session.ActiveUnknown:
		state.text, left.text, expires.text = "active", "?", "unknown"
	}
	if !st.Expiration.IsZero() {
		expires.text = formatTime(st.Expiration)
	}
	if st.Profile.Problem != nil && !st.HasSession {
		state = cell{"needs setup", colorRed}
	}
	return []cell{{text: st.Profile.Name}, state, left, expires, {text: dash(st.Profile.LongTerm)}}
}

func mfaNotes(st session.Status) []statusNote {
	var out []statusNote
	if st.Profile.Problem != nil {
		out = append(out, statusNote{st.Profile.Name, problemText(st.Profile.Problem), colorRed})
	}
	if st.Profile.Warning != "" {
		out = append(out, statusNote{st.Profile.Name, "note: " + st.Profile.Warning, colorYellow})
	}
	return out
}

func stateColor(s session.State) string {
	switch s {
	case session.Active, session.ActiveUnknown:
		return colorGreen
	case session.Expiring:
		return colorYellow
	case session.Expired:
		return colorRed
	}
	return ""
}

// noProfiles says how to get a first MFA profile: for each plain profile
// with keys, the advice "status --profile" gives it; else where to put
// keys, in the sentence that advice uses. ov is the report's one read.
func (a *app) noProfiles(m *session.Manager, ov session.Overview) error {
	cfg, creds := m.Paths()
	out := bufio.NewWriter(a.stdout)
	fmt.Fprintf(out, "No MFA profiles in %s or %s\n", cfg, creds)
	plain := ov.Plain
	var notes []statusNote
	for _, p := range plain {
		notes = append(notes, statusNote{profile: p, text: ov.Advice[p]})
	}
	switch {
	case len(plain) > 0:
	case creds == os.DevNull:
		// Keys cannot be added "to /dev/null".
		notes = append(notes, statusNote{profile: "To make one", text: "point AWS_SHARED_CREDENTIALS_FILE at your credentials file (or unset it), since " + creds + " holds no keys"})
	default:
		notes = append(notes, statusNote{profile: "To make one", text: session.AddKeysAdvice("NAME", creds)})
	}
	writeNotes(out, notes, a.colorStdout(), a.stdoutWidth())
	return out.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func problemText(err error) string {
	if err == nil {
		return ""
	}
	return oneLine(err.Error())
}

// statusJSON is one element of "status --json". Its fields and state names
// are a stable interface for scripts: add fields, never rename them.
type statusJSON struct {
	Profile         string  `json:"profile"`
	State           string  `json:"state"`
	Expiration      *string `json:"expiration"` // RFC 3339 UTC, null when unknown
	SecondsLeft     int64   `json:"seconds_left"`
	LongTermProfile string  `json:"long_term_profile"`
	MFASerial       string  `json:"mfa_serial"`
	Problem         *string `json:"problem"` // null when the profile can log in
	Warning         *string `json:"warning"` // advice that does not stop a login; null when none
}

// jsonState names states for scripts independently of State.String, which
// is worded for people.
func jsonState(s session.State) string {
	switch s {
	case session.Active:
		return "active"
	case session.Expiring:
		return "expiring"
	case session.Expired:
		return "expired"
	case session.ActiveUnknown:
		return "active_unknown_expiry"
	default:
		return "logged_out"
	}
}

func writeStatusJSON(a *app, list []session.Status) error {
	out := make([]statusJSON, 0, len(list))
	for _, st := range list {
		j := statusJSON{
			Profile:         st.Profile.Name,
			State:           jsonState(st.State),
			LongTermProfile: st.Profile.LongTerm,
			MFASerial:       st.Profile.Serial,
		}
		if !st.Expiration.IsZero() {
			s := st.Expiration.UTC().Format(time.RFC3339)
			j.Expiration = &s
		}
		if st.State == session.Active || st.State == session.Expiring {
			j.SecondsLeft = int64(st.Left / time.Second)
		}
		if st.Profile.Problem != nil {
			s := problemText(st.Profile.Problem)
			j.Problem = &s
		}
		if st.Profile.Warning != "" {
			s := st.Profile.Warning
			j.Warning = &s
		}
		out = append(out, j)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return fmt.Errorf("encode status: %w", err)
	}
	_, err = fmt.Fprintf(a.stdout, "%s\n", b)
	return err
}
