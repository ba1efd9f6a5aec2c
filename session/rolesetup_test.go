package session_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

const roleSetupCfg = "# Alice's roles\n[profile myaccountPerm]\nmfa_serial = " + testSerial + "\n\n" +
	"[profile prod-admin]   ; production\n" +
	"region = eu-west-1\n" +
	"Role_Arn=" + adminARN + "  # the admin role\n" +
	"source_profile : myaccount\n" +
	"mfa_serial = " + testSerial + "\n" +
	"\n# more below\n[profile other]\nregion = us-east-1\n"

func TestRoleSetupAndUndo(t *testing.T) {
	e, _ := roleEnv(t, roleSetupCfg, stsfake.Role{})
	credsBefore := readFile(t, e.credPath)
	const cmd = "awsmfa credential-process --profile prod-admin"
	plan, err := e.m.PlanRoleSetup("prod-admin", cmd)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Section != "profile prod-admin" || plan.ConfigFile != e.cfgPath || len(plan.Changes) != 3 {
		t.Errorf("plan %+v", plan)
	}
	if err := e.m.ApplyRoleSetup(plan); err != nil {
		t.Fatal(err)
	}
	want := "# Alice's roles\n[profile myaccountPerm]\nmfa_serial = " + testSerial + "\n\n" +
		"[profile prod-admin]   ; production\n" +
		"region = eu-west-1\n" +
		"awsmfa_role_arn=" + adminARN + "  # the admin role\n" +
		"awsmfa_source_profile : myaccount\n" +
		"mfa_serial = " + testSerial + "\n" +
		"credential_process = " + cmd + "\n" +
		"\n# more below\n[profile other]\nregion = us-east-1\n"
	if got := readFile(t, e.cfgPath); got != want {
		t.Errorf("config after setup:\n%s\nwant:\n%s", got, want)
	}
	if readFile(t, e.credPath) != credsBefore {
		t.Error("setup changed the credentials file")
	}

	// We still read the role, and it still works.
	r, err := e.m.RoleProfile("prod-admin")
	if err != nil || r.Problem != nil || !r.SetUp || r.RoleARN != adminARN || r.MFAProfile != "myaccount" || r.Warning != "" {
		t.Fatalf("role after setup %+v, %v", r, err)
	}
	e.login(t)
	if _, err := e.m.RoleCredentials(context.Background(), "prod-admin", session.RoleOptions{}); err != nil {
		t.Fatal(err)
	}
	// A second setup has nothing to do.
	if _, err := e.m.PlanRoleSetup("prod-admin", cmd); !errors.Is(err, session.ErrAlreadySetUp) {
		t.Errorf("second setup: %v", err)
	}

	undo, err := e.m.PlanRoleUndo("prod-admin")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.m.ApplyRoleSetup(undo); err != nil {
		t.Fatal(err)
	}
	// The spelling Role_Arn comes back as role_arn; everything else as it was.
	if got, orig := readFile(t, e.cfgPath), strings.Replace(roleSetupCfg, "Role_Arn=", "role_arn=", 1); got != orig {
		t.Errorf("config after undo:\n%s\nwant:\n%s", got, orig)
	}
	if _, err := e.m.PlanRoleUndo("prod-admin"); !errors.Is(err, session.ErrAlreadySetUp) {
		t.Errorf("second undo: %v", err)
	}
}

func TestRoleSetupRefusals(t *testing.T) {
	role := permConfig + "[profile r]\nrole_arn = " + adminARN + "\n"
	tests := []struct {
		name, config, want string
	}{
		{"not a role", permConfig, "not a role profile"},
		{"no such profile", permConfig + "[profile q]\nrole_arn = " + adminARN + "\nsource_profile = myaccount\n", "not a role profile"},
		{"role without source_profile", role, "has role_arn but no source_profile"},
		{"credential_process already there", role + "source_profile = myaccount\ncredential_process = other-tool\n",
			"already has credential_process = other-tool; awsmfa will not replace it"},
		{"EC2 role", role + "source_profile = myaccount\ncredential_source = Ec2InstanceMetadata\n", "uses credential_source"},
		{"bare section", permConfig + "[r]\nrole_arn = " + adminARN + "\nsource_profile = myaccount\n", "is a bare section"},
		{"duplicate section", role + "source_profile = myaccount\n[profile r]\nregion = x\n", "appears 2 times"},
		{"a loop", role + "source_profile = r\n", "form a loop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.config, permCreds)
			before := readFile(t, e.cfgPath)
			_, err := e.m.PlanRoleSetup("r", "awsmfa credential-process --profile r")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
			if readFile(t, e.cfgPath) != before {
				t.Error("the config changed")
			}
		})
	}
}

// The file changed between plan and apply: the apply checks again.
func TestRoleSetupRechecksUnderTheLock(t *testing.T) {
	e := newEnv(t, roleOnMFA, permCreds)
	plan, err := e.m.PlanRoleSetup("prod-admin", "awsmfa credential-process --profile prod-admin")
	if err != nil {
		t.Fatal(err)
	}
	changed := roleOnMFA + "credential_process = mine\n"
	writeFile(t, e.cfgPath, changed)
	if err := e.m.ApplyRoleSetup(plan); err == nil || !strings.Contains(err.Error(), "will not replace it") {
		t.Errorf("apply after an outside edit: %v", err)
	}
	if readFile(t, e.cfgPath) != changed {
		t.Error("the config changed")
	}

	// An undo refuses a credential_process that is no longer ours.
	writeFile(t, e.cfgPath, roleOnMFA)
	plan, _ = e.m.PlanRoleSetup("prod-admin", "awsmfa credential-process --profile prod-admin")
	if err := e.m.ApplyRoleSetup(plan); err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(readFile(t, e.cfgPath), "awsmfa credential-process --profile prod-admin", "my-own-tool", 1)
	writeFile(t, e.cfgPath, edited)
	if _, err := e.m.PlanRoleUndo("prod-admin"); err == nil || !strings.Contains(err.Error(), "no longer awsmfa's") {
		t.Errorf("undo of a changed credential_process: %v", err)
	}
}

func TestCredentialProcessBesideRoleARNWarns(t *testing.T) {
	e := newEnv(t, roleOnMFA+"credential_process = awsmfa credential-process --profile prod-admin\n", permCreds)
	r, err := e.m.RoleProfile("prod-admin")
	if err != nil || !strings.Contains(r.Warning, `assume the role themselves and ask for a code: run "awsmfa setup --profile prod-admin"`) {
		t.Errorf("warning %q, %v", r.Warning, err)
	}
}
