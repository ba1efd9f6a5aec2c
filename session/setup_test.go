package session_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

func TestSetupMovesKeys(t *testing.T) {
	cred := "# team keys\n[work]\naws_access_key_id = KEYID\naws_secret_access_key = SECRET\nregion_hint = eu\n\n[other]\nk = v\n"
	e := newEnv(t, "[profile work]\nregion = eu-west-1\n", cred)
	res, err := e.m.Setup("work", testSerial)
	if err != nil {
		t.Fatal(err)
	}
	wantCred := "# team keys\n[work]\nregion_hint = eu\n\n[other]\nk = v\n\n[workPerm]\naws_access_key_id = " + e.user.AccessKeyID + "\naws_secret_access_key = " + e.user.SecretAccessKey + "\n"
	if got := readFile(t, e.credPath); got != wantCred {
		t.Errorf("credentials:\n%s\nwant\n%s", got, wantCred)
	}
	wantCfg := "[profile work]\nregion = eu-west-1\n\n[profile workPerm]\nmfa_serial = " + testSerial + "\n"
	if got := readFile(t, e.cfgPath); got != wantCfg {
		t.Errorf("config:\n%s\nwant\n%s", got, wantCfg)
	}
	want := []string{
		"Recorded mfa_serial = " + testSerial + " for work in [profile workPerm] of " + e.cfgPath,
		"Moved the long-term keys of [work] to [workPerm] in " + e.credPath,
	}
	if strings.Join(res.Changes, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes %q, want %q", res.Changes, want)
	}
	if _, err := e.m.Login(context.Background(), "work", session.LoginOptions{TokenCode: e.code()}); err != nil {
		t.Errorf("login after setup: %v", err)
	}
}

// Setup repairs a profile that cannot log in as it is, changing only what
// it needs, and leaves one that logs in (and that aws-sdk-go-v2 accepts).
func TestSetupRepairs(t *testing.T) {
	const keys = "aws_access_key_id = KEYID\naws_secret_access_key = SECRET\n"
	tests := []struct {
		name             string
		cfg, cred        string
		serial           string
		wantCfg, wantCrd string // "" means unchanged
		changes          int
	}{
		{name: "keys in Perm, no serial: setup adds just the serial",
			cfg: "[profile w]\nregion = eu-west-1\n", cred: "[wPerm]\n" + keys, serial: testSerial,
			wantCfg: "[profile w]\nregion = eu-west-1\n\n[profile wPerm]\nmfa_serial = " + testSerial + "\n", changes: 1},
		{name: "keys in Perm, bare [wPerm] in the config keeps its spelling",
			cfg: "[wPerm]\nuser_arn = arn:aws:iam::123456789012:user/alice\n", cred: "[wPerm]\n" + keys, serial: testSerial,
			wantCfg: "[wPerm]\nuser_arn = arn:aws:iam::123456789012:user/alice\nmfa_serial = " + testSerial + "\n", changes: 1},
		{name: "a bad serial on X is replaced where it is read",
			cfg: "[profile w]\nmfa_serial = GAHT1234\n[profile wPerm]\nmfa_serial = " + testSerial + "\n", cred: "[wPerm]\n" + keys, serial: testSerial,
			wantCfg: "[profile w]\nmfa_serial = " + testSerial + "\n[profile wPerm]\nmfa_serial = " + testSerial + "\n", changes: 1},
		{name: "aws_mfa_device in the credentials file is outranked by the config",
			cfg: "-", cred: "[w-long-term]\n" + keys + "aws_mfa_device = GAHT1234\n", serial: testSerial,
			wantCfg: "[profile w-long-term]\nmfa_serial = " + testSerial + "\n", changes: 1},
		{name: "source_profile to the Perm name is removed",
			cfg:     "[profile w]\nregion = eu-west-1\nsource_profile = wPerm\n[profile wPerm]\nmfa_serial = " + testSerial + "\n",
			cred:    "[wPerm]\n" + keys,
			wantCfg: "[profile w]\nregion = eu-west-1\n[profile wPerm]\nmfa_serial = " + testSerial + "\n", changes: 1},
		{name: "source_profile to another name moves to a bare section",
			cfg:     "[profile w]\nsource_profile = keys\nregion = eu-west-1\n[profile keys]\nmfa_serial = " + testSerial + "\n",
			cred:    "[keys]\n" + keys,
			wantCfg: "[profile w]\nregion = eu-west-1\n[profile keys]\nmfa_serial = " + testSerial + "\n\n[w]\nsource_profile = keys\n", changes: 1},
		{name: "the same keys in [w] and [wPerm]: the copy in [w] goes",
			cfg: "[profile wPerm]\nmfa_serial = " + testSerial + "\n", cred: "[w]\n" + keys + "[wPerm]\n" + keys,
			wantCrd: "[w]\n[wPerm]\n" + keys, changes: 1},
		{name: "keys in [w] with a config-only [profile wPerm]",
			cfg: "[profile wPerm]\nmfa_serial = " + testSerial + "\n", cred: "[w]\n" + keys,
			wantCrd: "[w]\n\n[wPerm]\n" + keys, changes: 1},
		{name: "everything at once",
			cfg:     "[profile w]\nsource_profile = wPerm\n",
			cred:    "[w]\n" + keys,
			serial:  testSerial,
			wantCfg: "[profile w]\n\n[profile wPerm]\nmfa_serial = " + testSerial + "\n", wantCrd: "[w]\n\n[wPerm]\n" + keys, changes: 3},
		{name: "a set-up profile: nothing to do",
			cfg: permConfig, cred: permCreds, changes: 0},
		{name: "a set-up profile given its own serial: nothing to do",
			cfg: permConfig, cred: permCreds, serial: testSerial, changes: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.cfg, tt.cred)
			cred := readFile(t, e.credPath)
			name := "w"
			if tt.cfg == permConfig {
				name = "myaccount"
			}
			res, err := e.m.Setup(name, tt.serial)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Changes) != tt.changes {
				t.Errorf("changes %q, want %d", res.Changes, tt.changes)
			}
			wantCfg, wantCrd := tt.wantCfg, tt.wantCrd
			if wantCfg == "" {
				wantCfg = tt.cfg
			}
			if wantCrd == "" {
				wantCrd = cred
			} else {
				wantCrd = strings.NewReplacer("KEYID", e.user.AccessKeyID, "SECRET", e.user.SecretAccessKey).Replace(wantCrd)
			}
			if wantCfg == "-" {
				wantCfg = ""
			}
			if got := readFile(t, e.cfgPath); tt.cfg != "-" && got != wantCfg || tt.cfg == "-" && got != tt.wantCfg {
				t.Errorf("config:\n%s\nwant\n%s", got, wantCfg)
			}
			if got := readFile(t, e.credPath); got != wantCrd {
				t.Errorf("credentials:\n%s\nwant\n%s", got, wantCrd)
			}
			p, err := e.m.Profile(name)
			if err != nil || p.Problem != nil || p.Warning != "" {
				t.Fatalf("after setup: %+v, %v", p, err)
			}
			if _, err := e.m.Login(context.Background(), name, session.LoginOptions{TokenCode: e.code()}); err != nil {
				t.Errorf("login after setup: %v", err)
			}
			for _, c := range res.Changes {
				e.assertNoSecrets(c)
			}
		})
	}
}

// TestSetupRefusesQuotedProfileHeader: botocore reads [profile "workPerm"]
// as profile workPerm, aws-sdk-go-v2 as "workPerm" (quotes included). Adding
// [profile workPerm] would make botocore keep only one of the two, and
// editing the quoted one would leave aws-sdk-go-v2 without the serial: setup
// refuses with the fix, and neither file changes.
func TestSetupRefusesQuotedProfileHeader(t *testing.T) {
	cfg := "[profile \"workPerm\"]\nregion = eu-west-1\noutput = json\n"
	cred := "[work]\naws_access_key_id = KEYID\naws_secret_access_key = SECRET\n"
	e := newEnv(t, cfg, cred)
	before := readFile(t, e.credPath)
	_, err := e.m.Setup("work", testSerial)
	if err == nil || !strings.Contains(err.Error(), `rename [profile "workPerm"] to [profile workPerm] by hand`) {
		t.Fatalf("err = %v", err)
	}
	if got := readFile(t, e.cfgPath); got != cfg {
		t.Errorf("config changed:\n%s", got)
	}
	if got := readFile(t, e.credPath); got != before {
		t.Errorf("credentials changed:\n%s", got)
	}
	e.assertNoSecrets(err.Error())
}

func TestSetupRefusals(t *testing.T) {
	tests := []struct {
		name, cfg, cred, profile, serial, want string
		needSerial                             bool
	}{
		{name: "no serial", cfg: "-", cred: "[w]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n", profile: "w", want: "pass --serial", needSerial: true},
		{name: "a bad serial in the files", cfg: "[profile w]\nmfa_serial = GAHT1234\n", cred: "[wPerm]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n", profile: "w", want: "pass the right one with --serial", needSerial: true},
		{name: "bad serial", cfg: "-", cred: "[w]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n", profile: "w", serial: "123456", want: "not an MFA device ARN"},
		{name: "no keys", cfg: "-", cred: "[w]\nregion = x\n", profile: "w", serial: testSerial, want: "has no long-term keys: add the IAM user's aws_access_key_id and aws_secret_access_key to [wPerm]"},
		{name: "no such profile", cfg: "-", cred: "-", profile: "w", serial: testSerial, want: "has no long-term keys: add"},
		{name: "only one key", cfg: "-", cred: "[w]\naws_access_key_id = AKIAX\n", profile: "w", serial: testSerial, want: "holds only one of"},
		{name: "a session, not keys", cfg: "-", cred: "[w]\naws_access_key_id = ASIAX\naws_secret_access_key = s\naws_session_token = t\n", profile: "w", serial: testSerial, want: "holds a session"},
		{name: "Perm holds other keys", cfg: "-", cred: "[w]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n[wPerm]\naws_access_key_id = AKIAY\naws_secret_access_key = s\n", profile: "w", serial: testSerial, want: "both hold long-term keys: keep the pair that works in [wPerm]"},
		{name: "Perm keys in the keychain", cfg: "-", cred: "[w]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n[wPerm]\nawsmfa_keychain = true\n", profile: "w", serial: testSerial, want: "are in the OS keychain: delete"},
		{name: "Perm holds a session", cfg: "-", cred: "[wPerm]\naws_access_key_id = ASIAX\naws_secret_access_key = s\naws_session_token = t\n", profile: "w", serial: testSerial, want: "holds session credentials"},
		{name: "Perm without keys", cfg: "[profile wPerm]\nregion = x\n", cred: "-", profile: "w", serial: testSerial, want: "no long-term keys for w: add"},
		{name: "duplicate section", cfg: "-", cred: "[w]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n[w]\nx = 1\n", profile: "w", serial: testSerial, want: "merge them into one section by hand"},
		{name: "role profile", cfg: "[profile w]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = b\n", cred: "[b]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n", profile: "w", serial: testSerial, want: "assumes a role"},
		{name: "long-term name", cfg: "-", cred: "[wPerm]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n", profile: "wPerm", serial: testSerial, want: `is the long-term profile of w: run "awsmfa --profile w setup" instead`},
		{name: "default with source_profile to another name", cfg: "[default]\nsource_profile = keys\n[profile keys]\nmfa_serial = " + testSerial + "\n", cred: "[keys]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n", profile: "default", want: "rename [keys] to [defaultPerm]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.cfg, tt.cred)
			cfg := ""
			if tt.cfg != "-" {
				cfg = readFile(t, e.cfgPath)
			}
			_, err := e.m.Setup(tt.profile, tt.serial)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if errors.Is(err, session.ErrSerialNeeded) != tt.needSerial {
				t.Errorf("errors.Is(err, ErrSerialNeeded) = %v", !tt.needSerial)
			}
			if tt.cred != "-" {
				if got := readFile(t, e.credPath); got != tt.cred {
					t.Errorf("credentials changed:\n%s", got)
				}
			}
			if tt.cfg != "-" {
				if got := readFile(t, e.cfgPath); got != cfg {
					t.Errorf("config changed:\n%s", got)
				}
			}
			e.assertNoSecrets(err.Error())
		})
	}
}
