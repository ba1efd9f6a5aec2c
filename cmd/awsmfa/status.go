package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

var statusCmd = &command{
	name:  "status",
	usage: "awsmfa [--profile P] status [--json]",
	run:   runStatus,
}

func runStatus(a *app, g globals, args []string) error {
	var asJSON bool
	f := cmdFlags{bools: map[string]*bool{"json": &asJSON}}
	if _, err := f.parse("status", &g, args); err != nil {
		return err
	}
	m := newManager()
	var list []session.Status
	if g.profileExplicit {
		// An explicit --profile narrows the report to that profile.
		st, err := m.Status(g.profile)
		if err != nil {
			return err
		}
		list = []session.Status{st}
	} else {
		snap, err := m.Snapshot()
		if err != nil {
			return err
		}
		list = snap.Profiles
	}
	if asJSON {
		return writeStatusJSON(a, list)
	}
	if len(list) == 0 {
		cfg, creds := m.Paths()
		fmt.Fprintf(a.stdout, "No MFA profiles in %s or %s\n", cfg, creds)
		fmt.Fprintln(a.stdout, "Add mfa_serial to a profile whose long-term keys are in [<name>Perm], or run 'awsmfa setup'.")
		return nil
	}
	// One write for the whole table: unbuffered, a thousand profiles cost
	// some fifteen thousand write calls.
	out := bufio.NewWriter(a.stdout)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tSTATE\tLEFT\tEXPIRES\tLONG-TERM\tMFA SERIAL\tPROBLEM")
	for _, st := range list {
		p := st.Profile
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n",
			p.Name, st.State, leftCell(st), expiresCell(st.Expiration),
			dash(p.LongTerm), dash(p.Serial), dash(problemText(p.Problem)))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, st := range list {
		if st.Profile.Warning != "" {
			fmt.Fprintf(out, "note: %s\n", st.Profile.Warning)
		}
	}
	return out.Flush()
}

func leftCell(st session.Status) string {
	if st.State == session.Active || st.State == session.Expiring {
		return session.FormatLeft(st.Left)
	}
	return "-"
}

func expiresCell(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return formatTime(t)
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
