package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestRoleLayoutEvidence is the evidence behind setup's layout (README,
// "Role profiles"): each candidate edit of [profile prod-admin] is read by
// each real client. Only the chosen one has every client take the role's
// credentials from awsmfa. With role_arn and source_profile left in, the
// AWS CLI and boto3 assume the role themselves and prompt for the MFA code,
// aws-sdk-go-v2 and the JS SDK's fromIni fail for want of a code; with
// role_arn alone, all of them refuse the profile. Only the JS SDK's
// fromProcess, which reads nothing but credential_process, takes the
// first one.
func TestRoleLayoutEvidence(t *testing.T) {
	layouts := []struct {
		name   string
		config func(cp string) string
		ours   map[string]bool // the readers that get the role from awsmfa
	}{
		{"role_arn, source_profile and credential_process", func(cp string) string {
			return roleConfig + "credential_process = " + cp + "\n"
		}, map[string]bool{"JS SDK fromProcess": true}},
		{"role_arn and credential_process", func(cp string) string {
			return strings.Replace(roleConfig, "source_profile = myaccountPerm\n", "", 1) + "credential_process = " + cp + "\n"
		}, map[string]bool{}},
		{"awsmfa_role_arn, awsmfa_source_profile and credential_process (setup's)", func(cp string) string {
			c := strings.Replace(roleConfig, "role_arn = ", "awsmfa_role_arn = ", 1)
			return strings.Replace(c, "source_profile = ", "awsmfa_source_profile = ", 1) +
				"duration_seconds = 3600\nrole_session_name = alice\nexternal_id = vendor-42\ncredential_process = " + cp + "\n"
		}, nil},
	}
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			for _, rd := range readers {
				t.Run(rd.name, func(t *testing.T) {
					w := newRoleWorld(t, "")
					w.loginMFA(t)
					cfg := strings.NewReplacer("SERIAL", w.users["myaccount"].MFASerial, "EXTRA", "").
						Replace(l.config("awsmfa credential-process --profile prod-admin"))
					if err := os.WriteFile(w.cfg, []byte(cfg), 0o600); err != nil {
						t.Fatal(err)
					}
					arn, err := rd.run(t, w, roleProfileName)
					ours := err == nil && assumedByUs(w, arn)
					if os.Getenv("AWSMFA_LAYOUT_VERBOSE") != "" {
						fmt.Printf("LAYOUT %q READER %q: ours=%v arn=%q err=%v\n", l.name, rd.name, ours, arn, err)
					}
					chosen := l.ours == nil
					switch {
					case chosen && !ours:
						t.Errorf("%s does not get the role from awsmfa with setup's layout: arn %q, %v", rd.name, arn, err)
					case !chosen && ours != l.ours[rd.name]:
						t.Errorf("%s with %s: takes credential_process %v, was %v: revisit the layout decision in README and session/rolesetup.go (arn %q, %v)", rd.name, l.name, ours, l.ours[rd.name], arn, err)
					}
					w.assertNoSecrets(t, fmt.Sprint(err))
				})
			}
		})
	}
}
