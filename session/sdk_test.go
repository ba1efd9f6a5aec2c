package session_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// The endpoint we call must be the one aws-sdk-go-v2 itself would pick for
// STS with the same environment and profile.
func TestEndpointMatchesSDK(t *testing.T) {
	const cred = "[aPerm]\naws_access_key_id = AKIAX\naws_secret_access_key = s\nmfa_serial = " + testSerial + "\n"
	tests := []struct {
		name           string
		config         string
		envSTS, envAll string
		ignore         string
		want           string
	}{
		{"none", "[profile a]\nregion = eu-west-1\n", "", "", "", ""},
		{"service env", "[profile a]\nregion = eu-west-1\n", "http://sts.local:1", "http://all.local:2", "", "http://sts.local:1"},
		{"global env", "[profile a]\nregion = eu-west-1\n", "", "http://all.local:2", "", "http://all.local:2"},
		{"profile endpoint_url", "[profile a]\nendpoint_url = http://prof.local:3\n", "", "", "", "http://prof.local:3"},
		{"global env beats profile", "[profile a]\nendpoint_url = http://prof.local:3\n", "", "http://all.local:2", "", "http://all.local:2"},
		{"services section beats global env", "[profile a]\nservices = mine\nendpoint_url = http://prof.local:3\n[services mine]\nsts =\n  endpoint_url = http://svc.local:4\n", "", "http://all.local:2", "", "http://svc.local:4"},
		{"service env beats services section", "[profile a]\nservices = mine\n[services mine]\nsts =\n  endpoint_url = http://svc.local:4\n", "http://sts.local:1", "", "", "http://sts.local:1"},
		{"ignore switch", "[profile a]\nendpoint_url = http://prof.local:3\n", "http://sts.local:1", "", "true", ""},
		{"ignore in profile", "[profile a]\nendpoint_url = http://prof.local:3\nignore_configured_endpoint_urls = true\n", "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.config, cred)
			t.Setenv("AWS_ENDPOINT_URL_STS", tt.envSTS)
			t.Setenv("AWS_ENDPOINT_URL", tt.envAll)
			t.Setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", tt.ignore)
			p, err := e.m.Profile("a")
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := config.LoadDefaultConfig(context.Background(), config.WithSharedConfigProfile("a"), config.WithRegion("eu-west-1"))
			if err != nil {
				t.Fatal(err)
			}
			sdk := aws.ToString(sts.NewFromConfig(cfg).Options().BaseEndpoint)
			if p.Endpoint != tt.want || sdk != tt.want {
				t.Errorf("endpoint: ours %q, SDK %q, want %q", p.Endpoint, sdk, tt.want)
			}
		})
	}
}

// After a login, aws-sdk-go-v2's own config loader must resolve [X] to the
// session we wrote.
func TestSDKLoadsTheSession(t *testing.T) {
	e := newEnv(t, "[profile myaccountPerm]\nmfa_serial = "+testSerial+"\n[profile myaccount]\nregion = eu-west-1\n", permCreds)
	if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code()}); err != nil {
		t.Fatal(err)
	}
	is := e.srv.IssuedSessions()[0]
	t.Setenv("AWS_PROFILE", "myaccount")
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if creds.AccessKeyID != is.AccessKeyID || creds.SecretAccessKey != is.SecretAccessKey || creds.SessionToken != is.SessionToken {
		t.Errorf("SDK resolved key %s, want the session %s", creds.AccessKeyID, is.AccessKeyID)
	}
	// And the session works: the fake accepts it for GetCallerIdentity.
	out, err := sts.NewFromConfig(cfg).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Account) != "123456789012" {
		t.Errorf("caller account %s", aws.ToString(out.Account))
	}
}
