package session_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

const (
	adminARN  = "arn:aws:iam::222233334444:role/admin"
	roleCfg   = permConfig + "[profile prod-admin]\nrole_arn = " + adminARN + "\nsource_profile = myaccountPerm\nmfa_serial = " + testSerial + "\nregion = eu-central-1\n"
	roleOnMFA = permConfig + "[profile prod-admin]\nrole_arn = " + adminARN + "\nsource_profile = myaccount\n"
)

// Each bad input of a role profile is one sentence saying what to fix.
func TestRoleProfileResolution(t *testing.T) {
	type want struct {
		mfa, region, problem, warning string
		duration                      time.Duration
	}
	role := func(extra string) string {
		return permConfig + "[profile r]\nrole_arn = " + adminARN + "\n" + extra
	}
	tests := []struct {
		name, config, cred string
		want               want
	}{
		{"source is the long-term profile", roleCfg, permCreds, want{mfa: "myaccount", region: "eu-central-1"}},
		{"source is the MFA profile, before its first login", roleOnMFA, permCreds, want{mfa: "myaccount", region: "eu-west-1"}},
		{"source is a long-term profile found through source_profile",
			"[profile dev]\nsource_profile = keys\nmfa_serial = " + testSerial + "\n[profile r]\nrole_arn = " + adminARN + "\nsource_profile = keys\n",
			"[keys]\naws_access_key_id = KEYID\naws_secret_access_key = SECRET\n", want{mfa: "dev", region: "us-east-1"}},
		{"settings read, duration capped by role chaining",
			role("source_profile = myaccount\nduration_seconds = 43200\nrole_session_name = alice\nexternal_id = x-42\n"), permCreds,
			want{mfa: "myaccount", region: "eu-west-1", duration: time.Hour, warning: "capped at 3600"}},
		{"a shorter duration is kept", role("source_profile = myaccount\nduration_seconds = 900\n"), permCreds,
			want{mfa: "myaccount", region: "eu-west-1", duration: 15 * time.Minute}},
		{"no source_profile", role(""), permCreds,
			want{problem: "role profile r has role_arn but no source_profile: add \"source_profile = myaccount\" (your MFA profile) to [profile r]"}},
		{"source profile that loops to itself", role("source_profile = r\n"), permCreds,
			want{problem: "the source profiles of r form a loop (r -> r)"}},
		{"a loop of source profiles",
			role("source_profile = a\n") + "[profile a]\nrole_arn = " + adminARN + "\nsource_profile = b\n[profile b]\nrole_arn = " + adminARN + "\nsource_profile = r\n",
			permCreds, want{problem: "the source profiles of r form a loop (r -> a -> b -> r)"}},
		{"a source profile that is itself a role",
			role("source_profile = hop\n") + "[profile hop]\nrole_arn = arn:aws:iam::111122223333:role/hop\nsource_profile = myaccountPerm\n",
			permCreds, want{problem: "source_profile hop of r is itself a role profile; awsmfa assumes a role only with an MFA session, so set source_profile = myaccount"}},
		{"a source profile that does not exist", role("source_profile = nowhere\n"), permCreds,
			want{problem: `source_profile "nowhere" of r does not exist`}},
		{"plain keys that no MFA profile uses", role("source_profile = plain\n"), permCreds + "[plain]\naws_access_key_id = AKIAPLAIN\naws_secret_access_key = s\n",
			want{problem: `run "awsmfa setup --profile plain" to move them to [plainPerm]`}},
		{"the MFA profile's own problem", role("source_profile = myaccount\n"), "[myaccountPerm]\nregion = x\n",
			want{mfa: "myaccount", problem: "r assumes its role with the MFA session of myaccount, which cannot log in: no long-term keys for myaccount"}},
		{"not a role ARN", permConfig + "[profile r]\nrole_arn = admin\nsource_profile = myaccount\n", permCreds,
			want{problem: `role_arn "admin" of r is not a role ARN`}},
		{"bad duration", role("source_profile = myaccount\nduration_seconds = 1h\n"), permCreds,
			want{mfa: "myaccount", problem: `duration_seconds "1h" of r`}},
		{"bad session name", role("source_profile = myaccount\nrole_session_name = alice smith\n"), permCreds,
			want{mfa: "myaccount", problem: "role_session_name \"alice smith\" of r must be 2 to 64"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.config, tt.cred)
			r, err := e.m.RoleProfile("r")
			if tt.config == roleCfg || tt.config == roleOnMFA {
				r, err = e.m.RoleProfile("prod-admin")
			}
			if err != nil {
				t.Fatal(err)
			}
			w := tt.want
			if r.MFAProfile != w.mfa || (w.region != "" && r.Region != w.region) || r.Duration != w.duration {
				t.Errorf("got mfa %q region %q duration %v, want %+v", r.MFAProfile, r.Region, r.Duration, w)
			}
			switch {
			case w.problem == "" && r.Problem != nil:
				t.Errorf("unexpected problem: %v", r.Problem)
			case w.problem != "" && (r.Problem == nil || !strings.Contains(r.Problem.Error(), w.problem)):
				t.Errorf("problem = %v\nwant it to contain %q", r.Problem, w.problem)
			case r.Problem != nil && strings.Count(strings.TrimSuffix(r.Problem.Error(), "."), ". ") > 0:
				t.Errorf("problem is more than one sentence: %v", r.Problem)
			}
			if !strings.Contains(r.Warning, w.warning) || (w.warning == "" && r.Warning != "") {
				t.Errorf("warning %q, want %q", r.Warning, w.warning)
			}
		})
	}
}

func TestRoleProfilesList(t *testing.T) {
	cfg := roleCfg + "[profile sdk-role]\nrole_arn = " + adminARN + "\ncredential_source = Ec2InstanceMetadata\n" +
		"[profile other]\nrole_arn = " + adminARN + "\nsource_profile = plain\n" +
		"[profile loop]\nrole_arn = " + adminARN + "\nsource_profile = loop\n"
	e := newEnv(t, cfg, permCreds+"[plain]\naws_access_key_id = AKIAPLAIN\naws_secret_access_key = s\n")
	got, err := e.m.RoleProfiles()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range got {
		names = append(names, r.Name)
	}
	// The EC2 role and the role on plain keys are the SDKs' business.
	if strings.Join(names, ",") != "loop,prod-admin" {
		t.Errorf("role profiles %v", names)
	}
	if _, err := e.m.RoleProfile("sdk-role"); !errors.Is(err, session.ErrNotRoleProfile) || !strings.Contains(err.Error(), "credential_source") {
		t.Errorf("credential_source role: %v", err)
	}
	if _, err := e.m.RoleProfile("myaccount"); !errors.Is(err, session.ErrNotRoleProfile) {
		t.Errorf("MFA profile: %v", err)
	}
	// Role profiles are not MFA profiles.
	ps, _ := e.m.Profiles()
	if len(ps) != 1 || ps[0].Name != "myaccount" {
		t.Errorf("MFA profiles %+v", ps)
	}
}

// The snapshot lists the role profiles with their readiness and cached
// credentials, and a notice about the MFA profile names them.
func TestSnapshotRolesAndNotices(t *testing.T) {
	cfg := roleCfg + "[profile prod-ro]\nrole_arn = arn:aws:iam::222233334444:role/ro\nsource_profile = myaccount\n"
	e, _ := roleEnv(t, cfg, stsfake.Role{})
	snap, err := e.m.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Roles) != 2 || snap.Roles[0].Role.Name != "prod-admin" || snap.Roles[0].Ready || !snap.Roles[0].Expiration.IsZero() {
		t.Fatalf("roles before login %+v", snap.Roles)
	}
	e.login(t)
	if _, err := e.m.RoleCredentials(context.Background(), "prod-admin", session.RoleOptions{}); err != nil {
		t.Fatal(err)
	}
	snap, _ = e.m.Snapshot()
	admin, ro := snap.Roles[0], snap.Roles[1]
	if !admin.Ready || admin.Left != time.Hour || !ro.Ready || !ro.Expiration.IsZero() {
		t.Errorf("roles after login %+v", snap.Roles)
	}

	a := session.NewAlerts(10 * time.Minute)
	a.Due(snap)
	e.clock.Advance(12*time.Hour - 5*time.Minute)
	snap, _ = e.m.Snapshot()
	ns := a.Due(snap)
	if len(ns) != 1 || !strings.HasSuffix(ns[0].Body, ". prod-admin and prod-ro will stop working with it.") {
		t.Errorf("expiring notices %+v", ns)
	}
	e.clock.Advance(10 * time.Minute)
	snap, _ = e.m.Snapshot()
	if snap.Roles[0].Ready {
		t.Error("ready after the MFA session expired")
	}
	ns = a.Due(snap)
	if len(ns) != 1 || !strings.HasSuffix(ns[0].Body, ". No new credentials for prod-admin and prod-ro until then.") {
		t.Errorf("expired notices %+v", ns)
	}
}
