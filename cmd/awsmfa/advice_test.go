package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// Every piece of advice awsmfa gives must lead to a profile that works. For
// each broken layout the test asks status (or login) what is wrong, does
// exactly what the sentence says, the way a person would (runs the command
// it quotes, or makes the edit it names), and asks again, until nothing is
// left; then the profile must log in against the STS fake, and
// aws-sdk-go-v2 and botocore must both read the session. A sentence that
// names neither a command nor an edit the follower knows fails the test.
func TestAdviceLeadsToAWorkingProfile(t *testing.T) {
	const keys = "aws_access_key_id = KEYID\naws_secret_access_key = SECRET\n"
	tests := []struct {
		name    string
		profile string // "" is p
		cfg     string
		creds   string
		advice  []string // what each round's advice says, in order
	}{
		{name: "the issue's dead end: source_profile to a name of its own",
			cfg:    "[profile p]\nsource_profile = keys\nregion = eu-west-1\n\n[profile keys]\nmfa_serial = SERIAL\n",
			creds:  "[keys]\n" + keys,
			advice: []string{`refuse the profile: run "awsmfa --profile p setup" to move it to a bare [p] section`}},
		{name: "source_profile to the Perm name",
			cfg:    "[profile pPerm]\nmfa_serial = SERIAL\n\n[profile p]\nregion = eu-west-1\nsource_profile = pPerm\n",
			creds:  "[pPerm]\n" + keys,
			advice: []string{`run "awsmfa --profile p setup" to remove it`}},
		{name: "needs setup: keys in Perm, no serial",
			cfg: "[profile p]\nregion = eu-west-1\n", creds: "[pPerm]\n" + keys,
			advice: []string{`no MFA device for p: run "awsmfa --profile p setup --serial ` + session.SerialTemplate + `"`}},
		{name: "needs setup and source_profile, both fixed by one setup",
			cfg: "[profile p]\nsource_profile = pPerm\n", creds: "[pPerm]\n" + keys,
			advice: []string{`no MFA device for p`}},
		{name: "a plain profile with keys in [p]",
			cfg: "[profile p]\nregion = eu-west-1\n", creds: "# mine\n[p]\n" + keys,
			advice: []string{`not an MFA profile yet: its long-term keys are in [p]`}},
		{name: "a plain profile whose serial is known",
			cfg: "[profile p]\nmfa_serial = SERIAL\n", creds: "[p]\n" + keys,
			advice: []string{`run "awsmfa --profile p setup" to move them to [pPerm]`}},
		{name: "a profile in neither file",
			cfg: "[profile other]\nregion = eu-west-1\n", creds: "",
			advice: []string{`it is in neither`}},
		{name: "a profile with no keys anywhere",
			cfg: "[profile p]\nregion = eu-west-1\n", creds: "",
			advice: []string{`it has no long-term keys; add the IAM user's aws_access_key_id and aws_secret_access_key to [pPerm]`}},
		{name: "the same keys in [p] and [pPerm]",
			cfg: "[profile pPerm]\nmfa_serial = SERIAL\n", creds: "[p]\n" + keys + "\n[pPerm]\n" + keys,
			advice: []string{`holds the same long-term keys as [pPerm]`}},
		{name: "other keys in [p] than in [pPerm]",
			cfg: "[profile pPerm]\nmfa_serial = SERIAL\n", creds: "[p]\naws_access_key_id = AKIAOLDOLDOLDOLD\naws_secret_access_key = old\n\n[pPerm]\n" + keys,
			advice: []string{`delete aws_access_key_id and aws_secret_access_key from [p]`}},
		{name: "only a key id in [p]",
			cfg: "[profile p]\nmfa_serial = SERIAL\n", creds: "[p]\naws_access_key_id = KEYID\n",
			advice: []string{`run "awsmfa --profile p setup" to move them`, `holds only one of aws_access_key_id and aws_secret_access_key`}},
		{name: "a session where the long-term keys belong",
			cfg: "[profile pPerm]\nmfa_serial = SERIAL\n", creds: "[pPerm]\naws_access_key_id = ASIAOLDOLDOLDOLD\naws_secret_access_key = s\naws_session_token = t\n",
			advice: []string{`holds session credentials`}},
		{name: "source_profile that does not exist",
			cfg: "[profile p]\nsource_profile = keys\nmfa_serial = SERIAL\n", creds: "",
			advice: []string{`source_profile "keys" of p does not exist`, `to move it to a bare [p] section`}},
		{name: "no keys in the Perm section",
			cfg: "[profile pPerm]\nmfa_serial = SERIAL\n", creds: "[pPerm]\nregion = x\n",
			advice: []string{`no long-term keys for p: add`}},
		{name: "a serial that is no MFA ARN",
			cfg: "[profile pPerm]\nmfa_serial = GAHT12345678\n", creds: "[pPerm]\n" + keys,
			advice: []string{`is not an MFA device ARN`}},
		{name: "aws-mfa's layout with a bad aws_mfa_device",
			cfg: "", creds: "[p-long-term]\n" + keys + "aws_mfa_device = arn:aws:iam::123456789012:user/p\n",
			advice: []string{`(aws_mfa_device in [p-long-term]`}},
		{name: "[p] twice",
			cfg:    "[profile pPerm]\nmfa_serial = SERIAL\n",
			creds:  "[pPerm]\n" + keys + "\n[p]\nregion_hint = eu\n\n[ p ]\noutput_hint = json\n",
			advice: []string{`appears 2 times`}},
		{name: "a byte-order mark",
			cfg: "[profile pPerm]\nmfa_serial = SERIAL\n", creds: "\ufeff[pPerm]\n" + keys,
			advice: []string{`byte-order mark`}},
		{name: "a line botocore cannot parse in the credentials file",
			cfg: "[profile pPerm]\nmfa_serial = SERIAL\n", creds: "[pPerm]\n" + keys + "this line is junk\n",
			advice: []string{filepath.Join("aws", "credentials") + `: line 4, in [pPerm], is not "key = value"`}},
		{name: "a key twice in the config file",
			cfg: "[profile pPerm]\nmfa_serial = SERIAL\nregion = eu-west-1\nREGION = eu-west-2\n", creds: "[pPerm]\n" + keys,
			advice: []string{`line 4 sets region a second time in [profile pPerm] (the first is on line 3): delete the line you do not want`}},
		{name: "a continuation at the top of the credentials file",
			cfg: "[profile pPerm]\nmfa_serial = SERIAL\n", creds: "  region = eu-west-1\n[pPerm]\n" + keys,
			advice: []string{`line 1 comes before the first [section] header: delete it`}},
		{name: "duration_seconds out of range",
			cfg: "[profile pPerm]\nmfa_serial = SERIAL\nduration_seconds = 60\n", creds: "[pPerm]\n" + keys,
			advice: []string{`out of range`}},
		{name: "duration_seconds that is no number",
			cfg: "[profile p]\nduration_seconds = 12h\n[profile pPerm]\nmfa_serial = SERIAL\n", creds: "[pPerm]\n" + keys,
			advice: []string{`not a whole number of seconds`}},
		{name: "the default profile with source_profile to a name of its own",
			profile: "default",
			cfg:     "[default]\nsource_profile = keys\nregion = eu-west-1\n\n[profile keys]\nmfa_serial = SERIAL\n",
			creds:   "[keys]\n" + keys,
			advice:  []string{`rename [keys] to [defaultPerm]`}},
	}
	// botocore is checked in one Python run at the end, on copies of each
	// case's files: Python takes a second or two just to start.
	var boto botocoreChecks
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			name := tt.profile
			if name == "" {
				name = "p"
			}
			u := e.addUser(name)
			fill := strings.NewReplacer("KEYID", u.AccessKeyID, "SECRET", u.SecretAccessKey, "SERIAL", u.MFASerial)
			e.write(t, fill.Replace(tt.cfg), fill.Replace(tt.creds))
			fol := &follower{t: t, e: e, profile: name}

			var got []string
			for round := 0; ; round++ {
				advice := fol.ask()
				if advice == "" {
					break
				}
				if round == len(tt.advice)+1 {
					t.Fatalf("still advice after %d rounds: %s\nadvice so far:\n%s", round, advice, strings.Join(got, "\n"))
				}
				got = append(got, advice)
				if round < len(tt.advice) && !strings.Contains(advice, tt.advice[round]) {
					t.Errorf("round %d: advice %q, want it to say %q", round+1, advice, tt.advice[round])
				}
				if next := fol.follow(advice); next != "" {
					// The command it named said what to do first: a
					// person would do that, so it is the next round.
					got = append(got, next)
					round++
					if round < len(tt.advice) && !strings.Contains(next, tt.advice[round]) {
						t.Errorf("round %d: advice %q, want it to say %q", round+1, next, tt.advice[round])
					}
					fol.follow(next)
				}
			}
			if len(got) < len(tt.advice) {
				t.Errorf("%d rounds of advice, want %d: %q", len(got), len(tt.advice), got)
			}
			// The profile now logs in, and both readers see the session.
			r := cli(t, "--profile", name, "login", "--token-code", e.code(t, name))
			if r.code != 0 || !loggedIn.MatchString(r.stdout) || r.stderr != "" {
				t.Fatalf("login after the advice: exit %d, stdout %q, stderr %q\nadvice:\n%s", r.code, r.stdout, r.stderr, strings.Join(got, "\n"))
			}
			s := lastSession(t, e)
			checkSDKReads(t, name, s.AccessKeyID)
			boto.add(t, tt.name, e, name, s.AccessKeyID)
			e.assertNoSecrets(t, got...)
		})
	}
	boto.run(t)
}

// Plain "awsmfa status", when no profile uses MFA yet, gives each plain
// profile the advice "status --profile" gives it, word for word, and
// following it leads to a profile that works, as above.
func TestPlainStatusAdviceLeadsToAWorkingProfile(t *testing.T) {
	const keys = "aws_access_key_id = KEYID\naws_secret_access_key = SECRET\n"
	tests := []struct {
		name       string
		cfg, creds string
		note       string // the note's name: the profile, or the generic hint's
		advice     string // what the note says
	}{
		{name: "keys in [p], no device yet",
			cfg: "[profile p]\nregion = eu-west-1\n", creds: "# mine\n[p]\n" + keys, note: "p",
			advice: `run "awsmfa --profile p setup --serial ` + session.SerialTemplate + `" to move them to [pPerm]`},
		{name: "keys in [p], the device known",
			cfg: "[profile p]\nmfa_serial = SERIAL\n", creds: "[p]\n" + keys, note: "p",
			advice: `run "awsmfa --profile p setup" to move them to [pPerm]`},
		{name: "no keys anywhere",
			cfg: "", creds: "", note: "To make one",
			advice: `add the IAM user's aws_access_key_id and aws_secret_access_key to [NAMEPerm] in `},
	}
	var boto botocoreChecks
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			u := e.addUser("p")
			fill := strings.NewReplacer("KEYID", u.AccessKeyID, "SECRET", u.SecretAccessKey, "SERIAL", u.MFASerial)
			e.write(t, fill.Replace(tt.cfg), fill.Replace(tt.creds))
			r := cli(t, "status")
			if r.code != 0 || !strings.HasPrefix(r.stdout, "No MFA profiles in "+e.cfg+" or "+e.creds+"\n\n") {
				t.Fatalf("status: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			notes := unwrapNotes(r.stdout, e.dir)
			advice, ok := notes[tt.note]
			if !ok || !strings.Contains(advice, tt.advice) {
				t.Fatalf("no note for %s saying %q:\n%s", tt.note, tt.advice, r.stdout)
			}
			if tt.note == "p" {
				// The advice path: status --profile p says the same.
				if r := cli(t, "--profile", "p", "status"); r.stderr != "awsmfa: profile \"p\": "+advice+"\n" {
					t.Errorf("status --profile p says\n%s\nplain status says\n%s", r.stderr, advice)
				}
			} else {
				// A person puts their own name for NAME.
				advice = strings.ReplaceAll(advice, "NAME", "p")
			}
			fol := &follower{t: t, e: e, profile: "p"}
			got := []string{advice}
			for round := 0; advice != ""; round++ {
				if round == 4 {
					t.Fatalf("still advice after %d rounds:\n%s", round, strings.Join(got, "\n"))
				}
				if next := fol.follow(advice); next != "" {
					got = append(got, next)
					fol.follow(next)
				}
				if advice = fol.ask(); advice != "" {
					got = append(got, advice)
				}
			}
			r = cli(t, "--profile", "p", "login", "--token-code", e.code(t, "p"))
			if r.code != 0 || !loggedIn.MatchString(r.stdout) || r.stderr != "" {
				t.Fatalf("login after the advice: exit %d, stdout %q, stderr %q\nadvice:\n%s", r.code, r.stdout, r.stderr, strings.Join(got, "\n"))
			}
			s := lastSession(t, e)
			checkSDKReads(t, "p", s.AccessKeyID)
			boto.add(t, tt.name, e, "p", s.AccessKeyID)
			e.assertNoSecrets(t, append(got, r.stdout)...)
		})
	}
	boto.run(t)
}

// unwrapNotes reads the notes under a status table back into one line
// each, by the name before them, with ~/ as a shell would expand it.
func unwrapNotes(out, home string) map[string]string {
	notes := map[string]string{}
	var last string
	for _, line := range strings.Split(out, "\n") {
		// Notes shorten the home folder to ~, as status --profile does not.
		sep := string(filepath.Separator)
		line = strings.ReplaceAll(line, "~"+sep, home+sep)
		if rest, ok := strings.CutPrefix(line, "  "); ok && last != "" {
			notes[last] += " " + rest
			continue
		}
		if name, text, ok := strings.Cut(line, ": "); ok {
			last, notes[name] = name, text
		} else {
			last = ""
		}
	}
	return notes
}

// follower does what one advice sentence says.
type follower struct {
	t       *testing.T
	e       *testEnv
	profile string
}

// ask returns what status says is wrong with the profile (its error, its
// problem, then its warning), or "" when nothing is.
func (f *follower) ask() string {
	f.t.Helper()
	r := cli(f.t, "--profile", f.profile, "status", "--json")
	if r.code != 0 {
		msg, ok := strings.CutPrefix(strings.TrimSuffix(r.stderr, "\n"), "awsmfa: ")
		if !ok || strings.Contains(msg, "\n") {
			f.t.Fatalf("status: exit %d, stderr %q", r.code, r.stderr)
		}
		return msg
	}
	var list []statusJSON
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != 1 {
		f.t.Fatalf("status --json: %v\n%s", err, r.stdout)
	}
	switch {
	case list[0].Problem != nil:
		// login refuses with the same sentence.
		l := cli(f.t, "--profile", f.profile, "login", "--token-code", "123456")
		if want := "awsmfa: " + *list[0].Problem + "\n"; l.code != 1 || l.stderr != want {
			f.t.Errorf("login says %q, status %q", l.stderr, want)
		}
		return *list[0].Problem
	case list[0].Warning != nil:
		return *list[0].Warning
	}
	return ""
}

// pathRE is a path in a sentence, without the comma or full stop after it.
const pathRE = `(\S+?)[,.]?(?:\s|$)`

var (
	quotedCmd   = regexp.MustCompile(`"(awsmfa [^"]+)"`)
	addKeys     = regexp.MustCompile(`add (?:the IAM user's aws_access_key_id and aws_secret_access_key to \[([^\]]+)\] in|\[([^\]]+)\] with the IAM user's long-term keys to) ` + pathRE)
	deleteKeys  = regexp.MustCompile(`delete aws_access_key_id and aws_secret_access_key from \[([^\]]+)\]`)
	sessionHere = regexp.MustCompile(`\[([^\]]+)\] in (\S+) holds session credentials.*put the IAM user's long-term keys \(AKIA\.\.\.\) there`)
	oneKey      = regexp.MustCompile(`\[([^\]]+)\] in (\S+) holds only one of aws_access_key_id and aws_secret_access_key: add the other one`)
	duplicate   = regexp.MustCompile(`\[([^\]]+)\] appears \d+ times in (\S+): merge them into one section by hand`)
	bom         = regexp.MustCompile(`(\S+) starts with a byte-order mark.*save it as UTF-8 without BOM`)
	duration    = regexp.MustCompile(`duration_seconds .*of (\S+) in (\S+?):? .*(?:set it within that range|set it to seconds from 900 to 129600), or delete it`)
	badLine     = regexp.MustCompile(`cannot read (\S+?): line (\d+)\b.*(?:fix or delete that line|delete the line you do not want|: delete it,)`)
	renameTo    = regexp.MustCompile(`rename \[([^\]]+)\] to \[([^\]]+)\] in (\S+) \(and in (\S+), if it is there\), then delete source_profile from \[([^\]]+)\]`)
)

// follow makes the edits advice names, in the order it names them, then
// runs the command it quotes with the device's real ARN in place of the
// template. When that command fails, its one-line error is returned: the
// advice to follow next.
func (f *follower) follow(advice string) (next string) {
	f.t.Helper()
	u := f.e.users[f.profile]
	did := false
	edit := func(path string, fn func(*inifile.File) error) {
		f.t.Helper()
		if err := inifile.Update(path, fn); err != nil {
			f.t.Fatalf("edit %s for %q: %v", path, advice, err)
		}
		did = true
	}
	if m := addKeys.FindStringSubmatch(advice); m != nil {
		sec := m[1] + m[2]
		edit(m[3], func(file *inifile.File) error {
			if err := file.Set(sec, "aws_access_key_id", u.AccessKeyID); err != nil {
				return err
			}
			return file.Set(sec, "aws_secret_access_key", u.SecretAccessKey)
		})
	}
	if m := deleteKeys.FindStringSubmatch(advice); m != nil {
		edit(f.e.creds, func(file *inifile.File) error {
			for _, k := range []string{"aws_access_key_id", "aws_secret_access_key"} {
				if _, err := file.Delete(m[1], k); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if m := sessionHere.FindStringSubmatch(advice); m != nil {
		edit(m[2], func(file *inifile.File) error {
			if _, err := file.Delete(m[1], "aws_session_token"); err != nil {
				return err
			}
			if err := file.Set(m[1], "aws_access_key_id", u.AccessKeyID); err != nil {
				return err
			}
			return file.Set(m[1], "aws_secret_access_key", u.SecretAccessKey)
		})
	}
	if m := oneKey.FindStringSubmatch(advice); m != nil {
		edit(m[2], func(file *inifile.File) error { return file.Set(m[1], "aws_secret_access_key", u.SecretAccessKey) })
	}
	if m := duplicate.FindStringSubmatch(advice); m != nil {
		mergeSections(f.t, m[2], m[1])
		did = true
	}
	if m := bom.FindStringSubmatch(advice); m != nil {
		b := []byte(readFile(f.t, m[1]))
		if err := os.WriteFile(m[1], []byte(strings.TrimPrefix(string(b), "\ufeff")), 0o600); err != nil {
			f.t.Fatal(err)
		}
		did = true
	}
	if m := badLine.FindStringSubmatch(advice); m != nil {
		lines := strings.SplitAfter(readFile(f.t, m[1]), "\n")
		n, _ := strconv.Atoi(m[2])
		if err := os.WriteFile(m[1], []byte(strings.Join(slices.Delete(lines, n-1, n), "")), 0o600); err != nil {
			f.t.Fatal(err)
		}
		did = true
	}
	if m := duration.FindStringSubmatch(advice); m != nil {
		edit(m[2], func(file *inifile.File) error {
			for _, sec := range []string{"profile " + m[1], m[1]} {
				if _, err := file.Delete(sec, "duration_seconds"); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if m := renameTo.FindStringSubmatch(advice); m != nil {
		from, to := m[1], m[2]
		for _, path := range []string{m[3], m[4]} {
			text := readFile(f.t, path)
			text = strings.ReplaceAll(text, "["+from+"]\n", "["+to+"]\n")
			text = strings.ReplaceAll(text, "[profile "+from+"]\n", "[profile "+to+"]\n")
			if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
				f.t.Fatal(err)
			}
		}
		edit(f.e.cfg, func(file *inifile.File) error { _, err := file.Delete(m[5], "source_profile"); return err })
	}
	if m := quotedCmd.FindStringSubmatch(advice); m != nil {
		line := strings.ReplaceAll(m[1], session.SerialTemplate, u.MFASerial)
		args := strings.Fields(line)[1:]
		r := cli(f.t, args...)
		msg, ok := strings.CutPrefix(strings.TrimSuffix(r.stderr, "\n"), "awsmfa: ")
		switch {
		case r.code == 1 && ok && !strings.Contains(msg, "\n"):
			return msg
		case r.code != 0:
			f.t.Fatalf("%s (from %q): exit %d, stderr %q", line, advice, r.code, r.stderr)
		}
		did = true
	}
	if !did {
		f.t.Fatalf("advice names no command or edit to follow: %q", advice)
	}
	return ""
}

// mergeSections moves the lines of every later [name] block into the first
// one, as a person merging them by hand would.
func mergeSections(t *testing.T, path, name string) {
	t.Helper()
	lines := strings.SplitAfter(readFile(t, path), "\n")
	// block gives each line's place: 1 in the first [name], 2 in a later
	// one (its header included), 0 elsewhere.
	block := make([]int, len(lines))
	state, seen := 0, false
	var moved []string
	for i, line := range lines {
		if sec, ok := inifile.NormalizeSection(strings.TrimRight(line, "\r\n")); ok {
			switch {
			case sec == name && !seen:
				seen, state = true, 1
			case sec == name:
				state = 2
			default:
				state = 0
			}
			block[i] = state
			continue
		}
		block[i] = state
		if state == 2 && strings.TrimSpace(line) != "" {
			moved = append(moved, line)
		}
	}
	var out []string
	for i, line := range lines {
		if block[i] == 2 {
			continue
		}
		out = append(out, line)
		// After the first block's last line, the moved ones.
		if block[i] == 1 && (i+1 == len(lines) || block[i+1] != 1) {
			out = append(out, moved...)
		}
	}
	if err := os.WriteFile(path, []byte(strings.Join(out, "")), 0o600); err != nil {
		t.Fatal(err)
	}
}

// checkSDKReads: aws-sdk-go-v2's config loader resolves profile to the
// session with key id want (Go tools, Terraform).
func checkSDKReads(t *testing.T, profile, want string) {
	t.Helper()
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithSharedConfigProfile(profile))
	if err != nil {
		t.Errorf("aws-sdk-go-v2 refuses %s: %v", profile, err)
		return
	}
	c, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || c.AccessKeyID != want {
		t.Errorf("aws-sdk-go-v2 resolves %s to %q (%v), want the session", profile, c.AccessKeyID, err)
	}
}

// botocoreChecks are profiles that botocore (the AWS CLI, boto3) must
// resolve to a session, each with copies of its files.
type botocoreChecks struct {
	dir    string
	checks []botocoreCheck
}

type botocoreCheck struct {
	Name    string `json:"name"`
	Config  string `json:"config"`
	Creds   string `json:"credentials"`
	Profile string `json:"profile"`
	Want    string `json:"want"`
}

func (b *botocoreChecks) add(t *testing.T, name string, e *testEnv, profile, want string) {
	if b.dir == "" {
		var err error
		if b.dir, err = os.MkdirTemp("", "awsmfa-boto-"); err != nil {
			t.Fatal(err)
		}
	}
	c := botocoreCheck{Name: name, Profile: profile, Want: want,
		Config: filepath.Join(b.dir, fmt.Sprintf("%d-config", len(b.checks))),
		Creds:  filepath.Join(b.dir, fmt.Sprintf("%d-credentials", len(b.checks)))}
	for _, cp := range [][2]string{{e.cfg, c.Config}, {e.creds, c.Creds}} {
		data, err := os.ReadFile(cp[0])
		if errors.Is(err, os.ErrNotExist) {
			data, err = nil, nil
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(cp[1], data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	b.checks = append(b.checks, c)
}

const botocoreScript = `
import json, os, sys
import botocore.session
for c in json.load(sys.stdin):
    os.environ["AWS_CONFIG_FILE"] = c["config"]
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = c["credentials"]
    try:
        got = botocore.session.Session(profile=c["profile"]).get_credentials().access_key
    except Exception as e:
        got = "error: %s" % e
    if got != c["want"]:
        print("%s: botocore resolves %s to %s, want the session" % (c["name"], c["profile"], got))
`

// run checks them all in one Python process.
func (b *botocoreChecks) run(t *testing.T) {
	t.Helper()
	if b.dir == "" {
		return
	}
	defer os.RemoveAll(b.dir)
	if exec.Command("python3", "-c", "import botocore").Run() != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3-botocore is missing (scripts/setup-debian.sh installs it)")
		}
		t.Skip("python3-botocore is not installed; botocore's reading was not checked")
	}
	in, err := json.Marshal(b.checks)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("python3", "-c", botocoreScript)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Env = append(os.Environ(), "AWS_EC2_METADATA_DISABLED=true")
	out, err := cmd.CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("botocore: %v\n%s", err, out)
	}
}
