package session_test

import (
	"context"
	"os"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"
)

// Endpoint overrides in the config, as aws-sdk-go-v2 reads them for the
// profile in use: a services section (sso_oidc, sso) or endpoint_url. Our
// login and the SDK's credential provider then reach the same fake.
func TestSSOEndpointFromConfig(t *testing.T) {
	for _, tt := range []struct{ name, profile string }{
		{"services section", "services = local\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newSSOEnv(t, "-")
			for _, k := range []string{"AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_SSO"} {
				t.Setenv(k, "")
				os.Unsetenv(k)
			}
			cfg := acmeConfig + tt.profile +
				"[services local]\nsso_oidc =\n  endpoint_url = " + e.fake.URL + "\nsso =\n  endpoint_url = " + e.fake.URL + "\n"
			writeFile(t, e.cfgPath, cfg)
			t.Setenv("AWS_PROFILE", "dev")
			e.login("acme", e.opts())
			ctx := context.Background()
			c, err := config.LoadDefaultConfig(ctx)
			if err != nil {
				t.Fatal(err)
			}
			creds, err := c.Credentials.Retrieve(ctx)
			if err != nil {
				t.Fatalf("aws-sdk-go-v2: %v", err)
			}
			if creds.AccessKeyID != e.lastRoleKey(t) {
				t.Error("the SDK did not reach the same fake")
			}
		})
	}
}
