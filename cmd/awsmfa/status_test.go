package main

import (
	"encoding/json"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// statusNow is the fixed instant the status golden files were taken at.
var statusNow = time.Date(2026, 11, 27, 9, 4, 0, 0, time.UTC)

// statusFiles has one profile in each state, in both the and the
// original script's layouts. The session keys are made up: status never
// calls STS.
func statusFiles(e *testEnv) (cfg, creds string) {
	cfg = `# MFA profiles in every state
[profile active]
source_profile = activePerm
mfa_serial = arn:aws:iam::123456789012:mfa/active

[profile expiring]
mfa_serial = arn:aws:iam::123456789012:mfa/expiring

[profile expired]
mfa_serial = arn:aws:iam::123456789012:mfa/expired

[profile out]
mfa_serial = arn:aws:iam::123456789012:mfa/out

[legacyPerm]
mfa_serial = arn:aws:iam::123456789012:mfa/legacy
user_arn = arn:aws:iam::123456789012:user/legacy

[profile legacy]
source_profile = legacyPerm

[profile noserial]
source_profile = noserialPerm

[profile unknown]
mfa_serial = arn:aws:iam::123456789012:mfa/unknown

[profile plain]
region = eu-west-1
`
	var b strings.Builder
	keys := func(name string) {
		b.WriteString("[" + name + "]\naws_access_key_id = AKIAEXAMPLE" + strings.ToUpper(name) + "\naws_secret_access_key = longterm-secret-" + name + "\n\n")
	}
	sess := func(name, exp string) {
		b.WriteString("[" + name + "]\naws_access_key_id = ASIAEXAMPLE" + strings.ToUpper(name) +
			"\naws_secret_access_key = session-secret-" + name + "\naws_session_token = session-token-" + name + "\n")
		if exp != "" {
			b.WriteString("expiration = " + exp + "\n")
		}
		b.WriteString("\n")
	}
	for _, p := range []string{"active", "expiring", "expired", "out", "legacy", "noserial", "unknown"} {
		keys(p + "Perm")
	}
	keys("plain")
	sess("active", "2026-11-27T12:16:30Z")
	sess("expiring", "2026-11-27T09:09:00Z")
	sess("expired", "2026-11-27T08:00:00Z")
	sess("legacy", "2026-11-27 21:04:00") // aws-mfa's format, UTC
	sess("unknown", "")
	return cfg, b.String()
}

func TestStatus(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		golden string
	}{
		{"table", []string{"status"}, "status/table.golden"},
		{"json", []string{"status", "--json"}, "status/all.json.golden"},
		{"one profile", []string{"--profile", "active", "status", "--json"}, "status/active.json.golden"},
		{"one profile after", []string{"status", "--profile", "expired"}, "status/expired.golden"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			cfg, creds := statusFiles(e)
			e.write(t, cfg, creds)
			withManager(t, session.Config{Clock: fixedClock(statusNow)})
			withZone(t, time.UTC)
			r := cli(t, tt.args...)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			// The problem sentences name the temp config file, with the
			// OS's separators (escaped in JSON), under ~ when it is there.
			got := strings.ReplaceAll(r.stdout, strings.ReplaceAll(e.cfg, `\`, `\\`), "$DIR/aws/config")
			got = strings.ReplaceAll(got, e.cfg, "$DIR/aws/config")
			golden(t, tt.golden, strings.ReplaceAll(got, filepath.FromSlash("~/aws/config"), "~/aws/config"))
			for _, leak := range []string{"secret", "token-", "AKIA", "ASIA"} {
				if strings.Contains(r.stdout, leak) {
					t.Errorf("status shows %q", leak)
				}
			}
			if e.readCreds(t) != creds || readFile(t, e.cfg) != cfg {
				t.Errorf("status changed a file")
			}
			if n := e.calls(); n != 0 {
				t.Errorf("status made %d STS calls", n)
			}
		})
	}
}

// The JSON shape is an interface for scripts: check it field by field, not
// only against the golden file.
func TestStatusJSONShape(t *testing.T) {
	e := newEnv(t)
	cfg, creds := statusFiles(e)
	e.write(t, cfg, creds)
	withManager(t, session.Config{Clock: fixedClock(statusNow)})
	r := cli(t, "status", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, r.stdout)
	}
	byName := map[string]map[string]any{}
	for _, p := range list {
		if len(p) != 8 {
			t.Errorf("%v has %d fields, want 8", p["profile"], len(p))
		}
		byName[p["profile"].(string)] = p
	}
	want := map[string]struct {
		state      string
		expiration any
		left       float64
		longTerm   string
		problem    bool
	}{
		"active":   {"active", "2026-11-27T12:16:30Z", 3*3600 + 12*60 + 30, "activePerm", false},
		"expiring": {"expiring", "2026-11-27T09:09:00Z", 300, "expiringPerm", false},
		"expired":  {"expired", "2026-11-27T08:00:00Z", 0, "expiredPerm", false},
		"out":      {"logged_out", nil, 0, "outPerm", false},
		"legacy":   {"active", "2026-11-27T21:04:00Z", 12 * 3600, "legacyPerm", false},
		"unknown":  {"active_unknown_expiry", nil, 0, "unknownPerm", false},
		"noserial": {"logged_out", nil, 0, "noserialPerm", true},
	}
	for name, w := range want {
		p, ok := byName[name]
		if !ok {
			t.Errorf("%s missing from status --json", name)
			continue
		}
		if p["state"] != w.state || p["expiration"] != w.expiration || p["seconds_left"] != w.left || p["long_term_profile"] != w.longTerm {
			t.Errorf("%s: got %v", name, p)
		}
		if (p["problem"] != nil) != w.problem {
			t.Errorf("%s: problem %v, want set=%v", name, p["problem"], w.problem)
		}
		if serial, _ := p["mfa_serial"].(string); !w.problem && serial != "arn:aws:iam::123456789012:mfa/"+name {
			t.Errorf("%s: mfa_serial %q", name, serial)
		}
	}
	if _, ok := byName["plain"]; ok {
		t.Errorf("a plain profile without MFA is listed")
	}
}

func TestStatusEmpty(t *testing.T) {
	e := newEnv(t)
	e.write(t, "[profile plain]\nregion = eu-west-1\n", "[plain]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = x\n")
	r := cli(t, "status", "--json")
	if r.code != 0 || r.stdout != "[]\n" {
		t.Errorf("status --json with no MFA profile: exit %d, stdout %q, want []", r.code, r.stdout)
	}
	// What plain status says instead, and that following it works, is
	// TestPlainStatusAdviceLeadsToAWorkingProfile.
	r = cli(t, "status")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "No MFA profiles in "+e.cfg+" or "+e.creds+"\n\nplain: not an MFA profile yet") {
		t.Errorf("status with no MFA profile: exit %d, stdout %q", r.code, r.stdout)
	}
}

// withTTY makes the CLI take every stream for a terminal in this test.
func withTTY(t *testing.T) {
	t.Helper()
	prev := isTerminal
	isTerminal = func(io.Writer) bool { return true }
	t.Cleanup(func() { isTerminal = prev })
}

func TestTextWidth(t *testing.T) {
	for _, tt := range []struct {
		s    string
		want int
	}{
		{"admin", 5}, {"équipe", 6}, {"e\u0301quipe", 6}, {"本番", 4}, {"ｐｒｏｄ", 8},
		{"한국", 4}, {"🔥", 2}, {"a\u200bb", 2}, {"…", 1}, {"→", 1},
	} {
		if got := textWidth(tt.s); got != tt.want {
			t.Errorf("textWidth(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

// A name in wide characters is measured in columns, not runes: its row
// lines up with the others and the table still fits 80 columns, the name
// cut by columns (one column short where a wide character would cross the
// cut).
func TestStatusWideNames(t *testing.T) {
	const name = "本番環境-管理者-読み取り専用-東京リージョン" // 25 runes, 48 columns
	r := statusOfActive(t, name, "",
		"[profile dev]\nmfa_serial = arn:aws:iam::123456789012:mfa/dev\n",
		"[devPerm]\naws_access_key_id = AKIAEXAMPLEDEV\naws_secret_access_key = x\n")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	col := -1
	for _, line := range lines[:min(3, len(lines))] {
		if n := textWidth(line); n > 80 {
			t.Errorf("%d columns: %s", n, line)
		}
		// STATE starts in the same column on every row.
		i := strings.Index(line, "STATE")
		if i < 0 {
			i = strings.Index(line, "active")
		}
		if i < 0 {
			i = strings.Index(line, "logged out")
		}
		if i < 0 {
			t.Fatalf("no state in %q", line)
		}
		c := textWidth(line[:i])
		if col >= 0 && c != col {
			t.Errorf("the state column starts at %d here and at %d above:\n%s", c, col, r.stdout)
		}
		col = c
	}
	// 48 columns leave no room for the rest: cut in the middle, by columns.
	if !strings.Contains(r.stdout, "本番環境-管理者-読…専用-東京リージョン   active") {
		t.Errorf("the 48-column name was not cut to fit:\n%s", r.stdout)
	}
}

// The table and the notes under it fit 80 columns, with realistic names.
func TestStatusFits80Columns(t *testing.T) {
	e := newEnv(t)
	cfg, creds := statusFiles(e)
	// Long but plausible names: a 20-character profile, its Perm section.
	cfg += "[profile platform-prod-admin]\nmfa_serial = arn:aws:iam::123456789012:mfa/platform-prod-admin\n"
	creds += "[platform-prod-adminPerm]\naws_access_key_id = AKIAEXAMPLEPPA\naws_secret_access_key = x\n\n" +
		"[platform-prod-admin]\naws_access_key_id = ASIAEXAMPLEPPA\naws_secret_access_key = s\naws_session_token = t\nexpiration = 2026-11-27T20:00:00Z\n"
	e.write(t, cfg, creds)
	withManager(t, session.Config{Clock: fixedClock(statusNow)})
	withZone(t, time.FixedZone("", 5*3600+1800)) // a zone without a name shows its offset
	r := cli(t, "status")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, line := range strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n") {
		if n := utf8.RuneCountInString(line); n > 80 {
			t.Errorf("%d columns: %s", n, line)
		}
	}
	// SOURCE made way for the long name.
	if !strings.Contains(r.stdout, "platform-prod-admin  active       10h56m  2026-11-28 01:30 +0530\n") || strings.Contains(r.stdout, "SOURCE") {
		t.Errorf("no row for platform-prod-admin with the zone's offset, and no SOURCE:\n%s", r.stdout)
	}
}

// Colour only on a terminal, and never with NO_COLOR or TERM=dumb; the
// text is the same either way.
func TestStatusColour(t *testing.T) {
	e := newEnv(t)
	cfg, creds := statusFiles(e)
	e.write(t, cfg, creds)
	withManager(t, session.Config{Clock: fixedClock(statusNow)})
	withZone(t, time.UTC)
	plain := cli(t, "status").stdout
	if strings.Contains(plain, "\x1b[") {
		t.Fatalf("colour codes when stdout is no terminal:\n%q", plain)
	}
	withTTY(t)
	t.Setenv("TERM", "xterm-256color")
	colored := cli(t, "status").stdout
	for _, want := range []string{"\x1b[32mactive\x1b[0m", "\x1b[33mexpiring\x1b[0m", "\x1b[31mexpired\x1b[0m", "\x1b[31mneeds setup\x1b[0m", "\x1b[1mPROFILE\x1b[0m"} {
		if !strings.Contains(colored, want) {
			t.Errorf("on a terminal, no %q in\n%s", want, colored)
		}
	}
	if stripANSI(colored) != plain {
		t.Errorf("the coloured table says something else:\n%s\nvs\n%s", stripANSI(colored), plain)
	}
	for _, env := range [][2]string{{"NO_COLOR", "1"}, {"TERM", "dumb"}} {
		t.Run(env[0], func(t *testing.T) {
			t.Setenv(env[0], env[1])
			if out := cli(t, "status").stdout; out != plain {
				t.Errorf("%s=%s: got colour:\n%q", env[0], env[1], out)
			}
		})
	}
	if out := cli(t, "status", "--json").stdout; strings.Contains(out, "\x1b[") {
		t.Errorf("colour in --json")
	}
}

var ansiRE = regexp.MustCompile("\x1b\\[[0-9;]*m")

func stripANSI(s string) string { return ansiRE.ReplaceAllString(s, "") }

func TestWrap(t *testing.T) {
	tests := []struct {
		text  string
		width int
		want  []string
	}{
		{"short", 80, []string{"short"}},
		{"a b c d", 3, []string{"a b", "c", "d"}},
		{`x: run "awsmfa --profile p setup" now`, 12, []string{"x: run", `"awsmfa --profile p setup"`, "now"}},
		{`x: "quoted,"then more`, 10, []string{"x:", `"quoted,"then`, "more"}},
		{`unclosed "quote here`, 10, []string{"unclosed", `"quote`, "here"}},
	}
	for _, tt := range tests {
		if got := wrap(tt.text, tt.width); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}

// A name too long for the terminal is cut with an ellipsis, so that no
// row wraps; a wide terminal shows it whole, and SOURCE beside it.
func TestStatusCutsLongNames(t *testing.T) {
	const name = "acme-platform-engineering-production-eu-west-1-breakglass-ro"
	if n := utf8.RuneCountInString(name); n != 60 {
		t.Fatalf("the name is %d runes, want 60", n)
	}
	tests := []struct {
		name, columns string
		width         int
		row           string // the profile's row, exactly
	}{
		{"COLUMNS=80", "80", 80, "acme-platform-enginee…-west-1-breakglass-ro  active  3h12m  2026-11-27 12:16 UTC"},
		{"no terminal and no COLUMNS", "", 80, "acme-platform-enginee…-west-1-breakglass-ro  active  3h12m  2026-11-27 12:16 UTC"},
		{"COLUMNS=60", "60", 60, "acme-platfo…eakglass-ro  active  3h12m  2026-11-27 12:16 UTC"},
		{"a wide terminal", "200", 200, name + "  active  3h12m  2026-11-27 12:16 UTC  " + name + "Perm"},
		{"COLUMNS that is no number", "wide", 80, "acme-platform-enginee…-west-1-breakglass-ro  active  3h12m  2026-11-27 12:16 UTC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := statusOfActive(t, name, tt.columns, "", "")
			lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			for _, line := range lines {
				if n := utf8.RuneCountInString(line); n > tt.width {
					t.Errorf("%d columns, more than %d: %s", n, tt.width, line)
				}
			}
			if len(lines) != 2 || lines[1] != tt.row {
				t.Errorf("want the header and the row\n%s\ngot\n%s", tt.row, r.stdout)
			}
			// Scripts still get the whole name.
			if j := cli(t, "status", "--json").stdout; !strings.Contains(j, `"profile": "`+name+`"`) {
				t.Errorf("--json lost the name:\n%s", j)
			}
		})
	}
}

// statusOfActive runs `awsmfa status` (COLUMNS=columns unless empty) on
// files where name has an active session, plus more of each file.
func statusOfActive(t *testing.T, name, columns, moreConfig, moreCreds string) result {
	t.Helper()
	e := newEnv(t)
	e.write(t, "[profile "+name+"]\nmfa_serial = arn:aws:iam::123456789012:mfa/ro\n"+moreConfig,
		"["+name+"Perm]\naws_access_key_id = AKIAEXAMPLELONG\naws_secret_access_key = x\n\n"+
			"["+name+"]\naws_access_key_id = ASIAEXAMPLELONG\naws_secret_access_key = s\naws_session_token = t\nexpiration = 2026-11-27T12:16:30Z\n"+moreCreds)
	if columns != "" {
		t.Setenv("COLUMNS", columns)
	}
	withManager(t, session.Config{Clock: fixedClock(statusNow)})
	withZone(t, time.UTC)
	r := cli(t, "status")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	return r
}

func TestEllipsize(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
	}{
		{"team-prod-admin", 15, "team-prod-admin"},
		{"team-prod-admin", 30, "team-prod-admin"},
		{"team-prod-admin", 9, "team…dmin"},
		{"team-prod-readonly", 10, "team-…only"},
		{"équipe-prod-ünï", 8, "équi…ünï"},
		{"ab", 1, "…"},
		// Wide characters take two columns each; one that would cross the
		// cut is left out.
		{"本番環境-管理者", 15, "本番環境-管理者"},
		{"本番環境-管理者", 9, "本番…理者"},
		{"本番環境-管理者", 8, "本番…者"},
		{"prod-🔥-admin", 8, "prod…min"},
		{"café-prod", 6, "caf…od"}, // a combining accent takes none
	}
	for _, tt := range tests {
		got := ellipsize(tt.s, tt.n)
		if got != tt.want || textWidth(got) > max(tt.n, 1) {
			t.Errorf("ellipsize(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
	}
}
