package stsfake

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// isolateAWSEnv clears every AWS variable the config loader reads and points
// the shared files into a temp dir, so the host's setup cannot leak in.
func isolateAWSEnv(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{
		"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
		"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
		"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_DEFAULT_REGION", "AWS_CA_BUNDLE",
	} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_REGION", "eu-west-1")
	return dir
}

// TestEndpointOverrideThroughConfigLoader proves that aws-sdk-go-v2's own
// config loader reaches the fake through each endpoint override.
func TestEndpointOverrideThroughConfigLoader(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir, url string)
	}{
		{"AWS_ENDPOINT_URL_STS", func(t *testing.T, _, url string) { t.Setenv("AWS_ENDPOINT_URL_STS", url) }},
		{"AWS_ENDPOINT_URL", func(t *testing.T, _, url string) { t.Setenv("AWS_ENDPOINT_URL", url) }},
		{"endpoint_url in config", func(t *testing.T, dir, url string) {
			if err := os.WriteFile(filepath.Join(dir, "config"), []byte("[default]\nendpoint_url = "+url+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := isolateAWSEnv(t)
			f := newFixture(t)
			t.Setenv("AWS_ACCESS_KEY_ID", f.user.AccessKeyID)
			t.Setenv("AWS_SECRET_ACCESS_KEY", f.user.SecretAccessKey)
			tt.setup(t, dir, f.srv.URL)

			cfg, err := config.LoadDefaultConfig(context.Background(), config.WithRetryer(fastRetryer))
			if err != nil {
				t.Fatal(err)
			}
			c := sts.NewFromConfig(cfg)
			out, err := c.GetSessionToken(context.Background(), &sts.GetSessionTokenInput{
				SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(f.code(t, 0)),
			})
			if err != nil {
				t.Fatalf("GetSessionToken through the loader: %v", err)
			}
			if n := len(f.srv.IssuedSessions()); n != 1 {
				t.Fatalf("the fake issued %d sessions, want 1", n)
			}
			if *out.Credentials.AccessKeyId != f.srv.IssuedSessions()[0].AccessKeyID {
				t.Error("returned key is not the one the fake issued")
			}
		})
	}
}
