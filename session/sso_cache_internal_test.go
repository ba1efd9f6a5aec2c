package session

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// The registration cache is shared with the AWS CLI only if the file name
// is botocore's to the byte. These keys were computed with the Debian
// botocore's json.dumps(..., sort_keys=True) and hashlib.sha1.
func TestRegistrationKeyMatchesBotocore(t *testing.T) {
	for _, tt := range []struct {
		s      SSOSession
		region string
		want   string
	}{
		{SSOSession{Name: "acme", StartURL: "https://acme.awsapps.com/start", Scopes: []string{"sso:account:access"}}, "eu-west-1", "c18dfa27586773db751d1e2115a31334f50d238d"},
		{SSOSession{Name: "acme", StartURL: "https://acme.awsapps.com/start"}, "eu-west-1", "b02584108186386606e1b78860819cafc4e8866f"},
		{SSOSession{Name: "https://legacy.awsapps.com/start", Legacy: true, StartURL: "https://legacy.awsapps.com/start"}, "us-east-1", "e20952a21ad8c4e9f17c0a6776c9c4cbbded53d0"},
		// Python escapes non-ASCII and leaves <, > and & alone.
		{SSOSession{Name: "caf\u00e9 \U0001F600", StartURL: "https://x.awsapps.com/start?a=<&>", Scopes: []string{"a", "b \u00e9"}}, "eu-west-1", "b9535834a6db8a19d6e8eb1a8c927f04f1a4c494"},
	} {
		if got := registrationKey(tt.s, tt.region); got != tt.want {
			t.Errorf("registrationKey(%q) = %s, want %s", tt.s.Name, got, tt.want)
		}
	}
	if got := (SSOSession{Name: "acme"}).cacheKey(); got != "293abb6b76d7791c0732cc517d38c4b5c734b87f" {
		t.Errorf("token file key %s", got)
	}
}

func TestParseSSOTime(t *testing.T) {
	want := time.Date(2026, 11, 27, 21, 4, 5, 0, time.UTC)
	for _, v := range []string{
		"2026-11-27T21:04:05Z",        // the AWS CLI
		"2026-11-27T21:04:05.000Z",    // the JS SDK's toISOString
		"2026-11-27T22:04:05+01:00",   // an offset
		"2026-11-27T21:04:05UTC",      // the AWS CLI v1
		"2026-11-27 21:04:05+00:00",   // Python's str(datetime)
		" 2026-11-27T21:04:05.000Z\n", // stray blanks
	} {
		if got, ok := parseSSOTime(v); !ok || !got.Equal(want) {
			t.Errorf("parseSSOTime(%q) = %v, %v", v, got, ok)
		}
	}
	for _, v := range []string{"", "tomorrow", "1764277445"} {
		if _, ok := parseSSOTime(v); ok {
			t.Errorf("parseSSOTime(%q) accepted", v)
		}
	}
}

func TestTokenMarshalIsTheCLIsLayout(t *testing.T) {
	exp := time.Date(2026, 11, 27, 21, 4, 5, 0, time.UTC)
	tok := ssoToken{
		StartURL: "https://acme.awsapps.com/start", Region: "eu-west-1", AccessToken: "aoaT",
		ExpiresAt: exp, ClientID: "cid", ClientSecret: "cs", RegistrationExpiresAt: exp.Add(time.Hour), RefreshToken: "aorR",
	}
	want := `{"startUrl": "https://acme.awsapps.com/start", "region": "eu-west-1", "accessToken": "aoaT", "expiresAt": "2026-11-27T21:04:05Z", "clientId": "cid", "clientSecret": "cs", "registrationExpiresAt": "2026-11-27T22:04:05Z", "refreshToken": "aorR"}`
	if got := string(tok.marshal()); got != want {
		t.Errorf("marshal:\n got %s\nwant %s", got, want)
	}
	if got := pyJSONString("a\"\\\n\x01\u00e9\U0001F600<&>"); got != `"a\"\\\n\u0001\u00e9\ud83d\ude00<&>"` {
		t.Errorf("pyJSONString = %s", got)
	}
	if !strings.HasPrefix(string(ssoToken{AccessToken: "x", ExpiresAt: exp}.marshal()), `{"startUrl": "", "region": "", "accessToken": "x"`) {
		t.Error("a token without a registration")
	}
}

// FuzzSSOTokenFile feeds token files as other tools and accidents leave
// them: reading never panics, and what we write back from a token we could
// read is JSON that reads back the same, unknown fields included.
func FuzzSSOTokenFile(f *testing.F) {
	f.Add([]byte(`{"startUrl": "https://acme.awsapps.com/start", "region": "eu-west-1", "accessToken": "aoa", "expiresAt": "2026-11-27T21:04:05Z", "clientId": "c", "clientSecret": "s", "registrationExpiresAt": "2027-02-25T21:04:05Z", "refreshToken": "aor"}`))
	f.Add([]byte("{\n  \"accessToken\": \"x\",\n  \"expiresAt\": \"2026-11-27T21:04:05.123Z\",\n  \"extra\": {\"a\": [1, 2]}\n}"))
	f.Add([]byte(`{"accessToken": "x", "expiresAt": "2019-11-14T04:05:45UTC", "provider": "v1"}`))
	f.Add([]byte(`{"accessToken": 1, "expiresAt": null}`))
	f.Add([]byte("not json"))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tok, err := parseSSOToken("t.json", data)
		if err != nil {
			return
		}
		out := tok.marshal()
		if !json.Valid(out) {
			t.Fatalf("wrote invalid JSON %q from %q", out, data)
		}
		back, err := parseSSOToken("t.json", out)
		if err != nil {
			t.Fatalf("cannot read back what we wrote: %v\n%s", err, out)
		}
		if back.AccessToken != tok.AccessToken || back.RefreshToken != tok.RefreshToken || back.StartURL != tok.StartURL ||
			!back.ExpiresAt.Equal(tok.ExpiresAt.Truncate(time.Second)) || len(back.extra) != len(tok.extra) {
			t.Fatalf("round trip changed the token:\n%s\n%s", data, out)
		}
	})
}

// The SSO endpoints are the services' own overrides only: aws-sdk-go-v2's
// SSO credentials never see AWS_ENDPOINT_URL or endpoint_url (its
// TestSSOEndpointFromConfig twin checks the services section end to end).
func TestSSOEndpointsAreServiceSpecific(t *testing.T) {
	cfg := inifile.Parse([]byte("[profile dev]\nendpoint_url = http://localstack:4566\nservices = s\n[profile plain]\nendpoint_url = http://localstack:4566\n" +
		"[services s]\nsso_oidc =\n  endpoint_url = http://oidc.local\n"))
	f := &awsFiles{cfg: cfg, cred: inifile.Parse(nil)}
	t.Setenv("AWS_ENDPOINT_URL", "http://global")
	t.Setenv("AWS_ENDPOINT_URL_SSO_OIDC", "")
	t.Setenv("AWS_ENDPOINT_URL_SSO", "")
	t.Setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "")
	if o, p := f.ssoEndpoints("dev"); o != "http://oidc.local" || p != "" {
		t.Errorf("dev: %q %q", o, p)
	}
	if o, p := f.ssoEndpoints("plain"); o != "" || p != "" {
		t.Errorf("plain: %q %q", o, p)
	}
	t.Setenv("AWS_ENDPOINT_URL_SSO", "http://portal.local")
	if _, p := f.ssoEndpoints("plain"); p != "http://portal.local" {
		t.Errorf("env: %q", p)
	}
	t.Setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
	if o, p := f.ssoEndpoints("dev"); o != "" || p != "" {
		t.Errorf("ignored: %q %q", o, p)
	}
}
