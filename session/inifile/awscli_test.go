package inifile

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAWSCLIReadsGoldens runs the real AWS CLI (botocore) on the golden
// outputs. CI installs it with `apt-get install -y awscli`.
func TestAWSCLIReadsGoldens(t *testing.T) {
	aws, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("aws CLI not installed")
	}
	if testing.Short() {
		t.Skip("runs the AWS CLI")
	}
	// Outputs that botocore cannot read because of what the user's input
	// already had; we keep those bytes as they are.
	skip := map[string]string{
		"bom": "botocore fails on a byte-order mark (ConfigParseError)",
	}
	get := func(t *testing.T, file, section, key string) (string, error) {
		t.Helper()
		profile, env := section, "AWS_SHARED_CREDENTIALS_FILE="
		if p, ok := strings.CutPrefix(section, "profile "); ok {
			profile, env = p, "AWS_CONFIG_FILE="
		}
		cmd := exec.Command(aws, "configure", "get", key, "--profile", profile)
		cmd.Env = append(os.Environ(),
			"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(t.TempDir(), "none"),
			"AWS_CONFIG_FILE="+filepath.Join(t.TempDir(), "none"),
			env+file)
		out, err := cmd.Output()
		return strings.TrimRight(string(out), "\r\n"), err
	}
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			if why, ok := skip[tc.name]; ok {
				t.Skip(why)
			}
			golden, err := filepath.Abs(filepath.Join("testdata", "golden", tc.name+".golden"))
			if err != nil {
				t.Fatal(err)
			}
			want := map[[2]string]*op{}
			for i, o := range tc.ops {
				want[[2]string{o.section, o.key}] = &tc.ops[i]
			}
			checked := 0
			for sk, o := range want {
				// One CLI run per case keeps this fast: the session token
				// when there is one, else every key.
				if _, hasToken := want[[2]string{sk[0], "aws_session_token"}]; hasToken && sk[1] != "aws_session_token" {
					continue
				}
				got, err := get(t, golden, o.section, o.key)
				checked++
				if o.del {
					if err == nil && got != "" {
						t.Errorf("aws reads deleted [%s] %s", o.section, o.key)
					}
					continue
				}
				if err != nil {
					if ee, ok := err.(*exec.ExitError); ok {
						t.Fatalf("aws configure get %s (profile %s): %v\n%s", o.key, o.section, err, ee.Stderr)
					}
					t.Fatal(err)
				}
				if got != o.value {
					t.Errorf("aws reads [%s] %s = %q; want %q", o.section, o.key, got, o.value)
				}
			}
			if checked == 0 {
				t.Fatal("nothing checked")
			}
		})
	}
}
