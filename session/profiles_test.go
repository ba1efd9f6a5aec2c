package session_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

func TestProfilesDiscovery(t *testing.T) {
	type want struct {
		name, longTerm, serial, region, problem string
	}
	tests := []struct {
		name         string
		config, cred string
		want         []want
	}{
		{"perm convention, [profile XPerm]", permConfig, permCreds,
			[]want{{"myaccount", "myaccountPerm", testSerial, "eu-west-1", ""}}},
		{"original script layout: bare [XPerm] with user_arn, source_profile",
			"[myaccountPerm]\nmfa_serial = " + testSerial + "\nuser_arn = arn:aws:iam::123456789012:user/alice\n[myaccount]\nsource_profile = myaccountPerm\n",
			permCreds, []want{{"myaccount", "myaccountPerm", testSerial, "us-east-1", ""}}},
		{"no [X] anywhere: the Perm section alone makes the profile", "-", "[workPerm]\naws_access_key_id = AKIAX\naws_secret_access_key = s\nmfa_serial = " + testSerial + "\n",
			[]want{{"work", "workPerm", testSerial, "us-east-1", ""}}},
		{"source_profile names any long-term profile",
			"[profile dev]\nsource_profile = keys\nregion = ap-south-1\n[profile keys]\nmfa_serial = " + testSerial + "\n",
			"[keys]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n",
			[]want{{"dev", "keys", testSerial, "ap-south-1", ""}}},
		{"aws-mfa -long-term with aws_mfa_device in credentials", "-",
			"[prod-long-term]\naws_access_key_id = AKIAX\naws_secret_access_key = s\naws_mfa_device = " + testSerial + "\n",
			[]want{{"prod", "prod-long-term", testSerial, "us-east-1", ""}}},
		{"mfa_serial on X itself, region from L", "[profile a]\nmfa_serial = " + testSerial + "\n[profile aPerm]\nregion = eu-north-1\n",
			"[aPerm]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n",
			[]want{{"a", "aPerm", testSerial, "eu-north-1", ""}}},
		{"role profiles are left to the SDKs",
			"[profile r]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = base\nmfa_serial = " + testSerial + "\n",
			"[base]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n", nil},
		{"plain profiles are not MFA profiles", "[default]\nregion = us-west-2\n", "[default]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n", nil},
		{"missing serial says where to add it", "-", "[aPerm]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n",
			[]want{{"a", "aPerm", "", "us-east-1", `run "awsmfa --profile a setup --serial arn:aws:iam::ACCOUNT_ID:mfa/DEVICE"`}}},
		{"missing keys says where to add them", "[profile aPerm]\nmfa_serial = " + testSerial + "\n", "-",
			[]want{{"a", "aPerm", testSerial, "us-east-1", "add the IAM user's aws_access_key_id and aws_secret_access_key to [aPerm]"}}},
		{"serial that is not an MFA ARN", "[profile aPerm]\nmfa_serial = GAHT12345678\n", "[aPerm]\naws_access_key_id = AKIAX\naws_secret_access_key = s\n",
			[]want{{"a", "aPerm", "GAHT12345678", "us-east-1", "is not an MFA device ARN"}}},
		{"X holding long-term keys is refused", permConfig, permCreds + "[myaccount]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = s\n",
			[]want{{"myaccount", "myaccountPerm", testSerial, "eu-west-1", "holds long-term keys"}}},
		{"L holding a session is refused", permConfig, "[myaccountPerm]\naws_access_key_id = ASIAX\naws_secret_access_key = s\naws_session_token = t\n",
			[]want{{"myaccount", "myaccountPerm", testSerial, "eu-west-1", "holds session credentials"}}},
		{"source_profile that does not exist", "[profile a]\nsource_profile = nowhere\nmfa_serial = " + testSerial + "\n", "-",
			[]want{{"a", "nowhere", testSerial, "us-east-1", `source_profile "nowhere" of a does not exist`}}},
		{"bad duration_seconds", permConfig + "duration_seconds = 60\n", permCreds,
			[]want{{"myaccount", "myaccountPerm", testSerial, "eu-west-1", "out of range"}}},
		{"duplicate [X] is reported", permConfig, permCreds + "[myaccount]\nx = 1\n[ myaccount ]\ny = 2\n",
			[]want{{"myaccount", "myaccountPerm", testSerial, "eu-west-1", "appears 2 times"}}},
		{"a line botocore cannot parse, in the credentials file", permConfig, permCreds + "this line is junk\n",
			[]want{{"myaccount", "myaccountPerm", testSerial, "eu-west-1", "the AWS CLI and boto3 cannot read "}}},
		{"a continuation at the top of the config", "  region = eu-west-1\n" + permConfig, permCreds,
			[]want{{"myaccount", "myaccountPerm", testSerial, "eu-west-1", "config: line 1 comes before the first [section] header"}}},
		{"a byte-order mark and a junk line", permConfig, "\ufeff" + permCreds + "junk\n",
			[]want{{"myaccount", "myaccountPerm", testSerial, "eu-west-1", "the file starts with a byte-order mark, which aws-sdk-go-v2 misreads too: save it as UTF-8 without BOM (botocore also refuses line 5)"}}},
		{"sorted, several", "-", "[bPerm]\naws_access_key_id = AKIAX\naws_secret_access_key = s\nmfa_serial = " + testSerial + "\n[aPerm]\naws_access_key_id = AKIAX\naws_secret_access_key = s\nmfa_serial = " + testSerial + "\n",
			[]want{{"a", "aPerm", testSerial, "us-east-1", ""}, {"b", "bPerm", testSerial, "us-east-1", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.config, tt.cred)
			got, err := e.m.Profiles()
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d profiles %+v, want %d", len(got), got, len(tt.want))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Name != w.name || g.LongTerm != w.longTerm || g.Serial != w.serial || g.Region != w.region {
					t.Errorf("profile %d = {%s %s %s %s}, want %+v", i, g.Name, g.LongTerm, g.Serial, g.Region, w)
				}
				switch {
				case w.problem == "" && g.Problem != nil:
					t.Errorf("unexpected problem: %v", g.Problem)
				case w.problem != "" && (g.Problem == nil || !strings.Contains(g.Problem.Error(), w.problem)):
					t.Errorf("problem = %v, want it to contain %q", g.Problem, w.problem)
				}
			}
		})
	}
}

func TestSourceProfileWarning(t *testing.T) {
	e := newEnv(t, "[profile myaccount]\nsource_profile = myaccountPerm\n[profile myaccountPerm]\nmfa_serial = "+testSerial+"\n", permCreds)
	p, err := e.m.Profile("myaccount")
	if err != nil || p.Problem != nil || !strings.Contains(p.Warning, "Go-based tools") {
		t.Errorf("Profile = %+v, %v; want a warning about Go-based tools", p, err)
	}
	for _, cfg := range []string{permConfig, "[myaccount]\nsource_profile = myaccountPerm\n[myaccountPerm]\nmfa_serial = " + testSerial + "\n"} {
		e = newEnv(t, cfg, permCreds)
		if p, _ := e.m.Profile("myaccount"); p.Warning != "" {
			t.Errorf("unexpected warning %q (the SDK ignores bare [X] in config)", p.Warning)
		}
	}
}

func TestBOMWarning(t *testing.T) {
	e := newEnv(t, permConfig, "\xEF\xBB\xBF"+permCreds)
	p, err := e.m.Profile("myaccount")
	if err != nil || p.Problem != nil || !strings.Contains(p.Warning, "byte-order mark") {
		t.Errorf("Profile = %+v, %v", p, err)
	}
}

func TestRegionFallsBackToEnv(t *testing.T) {
	e := newEnv(t, "-", "[aPerm]\naws_access_key_id = AKIAX\naws_secret_access_key = s\nmfa_serial = "+testSerial+"\n")
	t.Setenv("AWS_REGION", "sa-east-1")
	p, err := e.m.Profile("a")
	if err != nil || p.Region != "sa-east-1" {
		t.Fatalf("Profile = %+v, %v; want region sa-east-1", p, err)
	}
}

func TestProfileNotMFA(t *testing.T) {
	e := newEnv(t, "[profile plain]\nregion = x\n", "-")
	for _, name := range []string{"plain", "ghost"} {
		_, err := e.m.Profile(name)
		if !errors.Is(err, session.ErrNotMFAProfile) {
			t.Errorf("Profile(%q) = %v, want ErrNotMFAProfile", name, err)
		}
		if err != nil && !strings.Contains(err.Error(), name+"Perm") {
			t.Errorf("error should say where to put the keys: %v", err)
		}
	}
}

func TestDefaultProfile(t *testing.T) {
	tests := []struct{ profile, def, want string }{
		{"", "", "default"},
		{"", "b", "b"},
		{"a", "b", "a"},
	}
	for _, tt := range tests {
		t.Setenv("AWS_PROFILE", tt.profile)
		t.Setenv("AWS_DEFAULT_PROFILE", tt.def)
		if got := session.DefaultProfile(); got != tt.want {
			t.Errorf("DefaultProfile(%q, %q) = %q, want %q", tt.profile, tt.def, got, tt.want)
		}
	}
}

func TestPathsHonourEnvAndHome(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("HOME", dir)
	t.Setenv("USERPROFILE", dir) // the home folder on Windows
	t.Setenv("AWS_CONFIG_FILE", "")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "~/elsewhere/creds")
	c, k := session.New(session.Config{}).Paths()
	if c != filepath.Join(dir, ".aws", "config") || k != filepath.Join(dir, "elsewhere", "creds") {
		t.Errorf("Paths() = %s, %s", c, k)
	}
}

func TestStates(t *testing.T) {
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		section string
		state   session.State
		left    time.Duration
	}{
		{"logged out", "", session.LoggedOut, 0},
		{"active rfc3339", "expiration = 2026-11-27T12:12:00Z", session.Active, 3*time.Hour + 12*time.Minute},
		{"active with offset", "expiration = 2026-11-27T13:12:00+01:00", session.Active, 3*time.Hour + 12*time.Minute},
		{"aws-mfa format is UTC", "expiration = 2026-11-27 12:12:00", session.Active, 3*time.Hour + 12*time.Minute},
		{"expiring", "expiration = 2026-11-27T09:08:00Z", session.Expiring, 8 * time.Minute},
		{"expired", "expiration = 2026-11-27T08:59:59Z", session.Expired, 0},
		{"unknown expiry", "", session.ActiveUnknown, 0},
		{"unparseable expiry", "expiration = soon", session.ActiveUnknown, 0},
	}
	for _, tz := range []string{"UTC", "Asia/Kolkata", "America/Los_Angeles"} {
		for _, tt := range tests {
			t.Run(tz+"/"+tt.name, func(t *testing.T) {
				t.Setenv("TZ", tz)
				cred := permCreds
				if tt.name != "logged out" {
					cred += "[myaccount]\naws_access_key_id = ASIAX\naws_secret_access_key = s\naws_session_token = t\n" + tt.section + "\n"
				}
				e := newEnv(t, permConfig, cred)
				e.clock.Set(now.In(time.Local))
				st, err := e.m.Status("myaccount")
				if err != nil {
					t.Fatal(err)
				}
				if st.State != tt.state || st.Left != tt.left {
					t.Errorf("state = %v, left %v; want %v, %v", st.State, st.Left, tt.state, tt.left)
				}
				if st.HasSession != (tt.state != session.LoggedOut) {
					t.Errorf("HasSession = %v", st.HasSession)
				}
			})
		}
	}
}

func TestSnapshotIsSortedAndTimed(t *testing.T) {
	e := newEnv(t, "-", "[zPerm]\naws_access_key_id = AKIAX\naws_secret_access_key = s\nmfa_serial = "+testSerial+"\n[aPerm]\naws_access_key_id = AKIAX\naws_secret_access_key = s\nmfa_serial = "+testSerial+"\n")
	snap, err := e.m.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !snap.Taken.Equal(e.clock.Now()) || len(snap.Profiles) != 2 || snap.Profiles[0].Profile.Name != "a" || snap.Profiles[1].Profile.Name != "z" {
		t.Errorf("snapshot = %+v", snap)
	}
}
