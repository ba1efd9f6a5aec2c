package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// sessionArgs are the options env and exec share: what a login needs when
// the session has to be renewed first.
type sessionArgs struct {
	tokenCode string
	duration  time.Duration
}

// sessionFlags adds --token-code and --duration to f.
func sessionFlags(f *cmdFlags, code, duration *string) {
	if f.strs == nil {
		f.strs = map[string]*string{}
	}
	f.strs["token-code"], f.strs["duration"] = code, duration
}

var sessionFlagSpecs = []flagSpec{{name: "token-code", arg: "N"}, {name: "duration", arg: "D"}}

func parseSessionArgs(cmd, code, duration string, seen map[string]bool) (sessionArgs, error) {
	sa := sessionArgs{tokenCode: code}
	if seen["token-code"] {
		if err := session.ValidateTokenCode(code); err != nil {
			return sa, usagef(cmd, "--token-code: %s", err.Error())
		}
	}
	if duration != "" {
		d, err := session.ParseDuration(duration)
		if err != nil {
			return sa, usagef(cmd, "--duration: %s", err.Error())
		}
		sa.duration = d
	}
	return sa, nil
}

// sessionFor returns the active session of name. Without one it logs in
// first, as "awsmfa login" would, saying so on stderr (stdout is the
// caller's). A session inside its warning window is renewed when a code
// can be had, and used as it is otherwise.
func (a *app) sessionFor(m *session.Manager, name string, sa sessionArgs) (session.SessionCredentials, error) {
	// One read gives the state and, for a session that can be used, its
	// keys: only a login reads the files again.
	st, c, err := m.StatusAndCredentials(name)
	if err != nil {
		return session.SessionCredentials{}, err
	}
	_, noTerm := a.terminal()
	canAsk := sa.tokenCode != "" || noTerm == nil
	switch {
	case st.State == session.Active:
		return c, nil
	case st.State == session.Expiring && !canAsk:
		fmt.Fprintf(a.stderr, "awsmfa: note: the session of %s expires in %s; pass --token-code to renew it\n", name, session.FormatLeft(st.Left))
		return c, nil
	default:
		sess, err := a.login(m, name, session.LoginOptions{TokenCode: sa.tokenCode, Prompt: a.prompter(), Duration: sa.duration})
		var active *session.ActiveError
		switch {
		case errors.As(err, &active):
		case err != nil:
			return session.SessionCredentials{}, err
		default:
			fmt.Fprintf(a.stderr, "awsmfa: logged in %s until %s (%s)\n", sess.Profile, formatTime(sess.Expiration), session.FormatLeft(sess.Duration))
		}
	}
	return m.Credentials(name)
}

// envVar is one variable a session sets.
type envVar struct{ name, value string }

// sessionVars are the variables env prints and exec sets, in that order.
// Both region variables get the region aws-sdk-go-v2 would pick for the
// profile (AWS_REGION, else AWS_DEFAULT_REGION, else the profile's config),
// so that tools reading either agree once AWS_PROFILE is gone.
func sessionVars(c session.SessionCredentials) []envVar {
	vars := []envVar{
		{"AWS_ACCESS_KEY_ID", c.AccessKeyID},
		{"AWS_SECRET_ACCESS_KEY", c.SecretAccessKey},
		{"AWS_SESSION_TOKEN", c.SessionToken},
		// The older name, which boto 2 and some tools still read first: a
		// stale one would win over the new session.
		{"AWS_SECURITY_TOKEN", c.SessionToken},
	}
	if !c.Expiration.IsZero() {
		vars = append(vars, envVar{"AWS_CREDENTIAL_EXPIRATION", c.Expiration.UTC().Format(time.RFC3339)})
	}
	region := c.Region
	for _, env := range []string{"AWS_DEFAULT_REGION", "AWS_REGION"} {
		if v := os.Getenv(env); v != "" {
			region = v
		}
	}
	if region != "" {
		vars = append(vars, envVar{"AWS_REGION", region}, envVar{"AWS_DEFAULT_REGION", region})
	}
	return vars
}

// execUnset are the variables exec removes, as aws-vault does: credentials
// and profile choices that would compete with the session.
var execUnset = []string{
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
	"AWS_CREDENTIAL_EXPIRATION", "AWS_SESSION_EXPIRATION", "AWS_CREDENTIAL_FILE",
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SDK_LOAD_CONFIG",
}

// execEnv is environ with the competing variables removed and the
// session's set, plus AWSMFA_PROFILE naming the profile.
func execEnv(environ []string, c session.SessionCredentials) []string {
	set := sessionVars(c)
	set = append(set, envVar{"AWSMFA_PROFILE", c.Profile})
	drop := func(name string) bool {
		for _, n := range execUnset {
			if sameEnvName(n, name) {
				return true
			}
		}
		for _, v := range set {
			if sameEnvName(v.name, name) {
				return true
			}
		}
		return false
	}
	out := make([]string, 0, len(environ)+len(set))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if name != "" && drop(name) {
			continue
		}
		out = append(out, kv)
	}
	for _, v := range set {
		out = append(out, v.name+"="+v.value)
	}
	return out
}

// sameEnvName compares variable names the way the OS does: Windows ignores
// case.
func sameEnvName(a, b string) bool {
	if runtime.GOOS == "windows" {
		return strings.EqualFold(a, b)
	}
	return a == b
}
