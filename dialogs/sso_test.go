package dialogs

import (
	"strings"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

func TestSSOPromptText(t *testing.T) {
	const url = "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH"
	for _, tc := range []struct {
		name string
		p    session.SSOPrompt
		want []string
		not  []string
	}{
		{"fallback", session.SSOPrompt{Session: "acme", URL: url, UserCode: "ABCD-EFGH", Fallback: "no browser could be opened (xdg-open failed)"},
			[]string{"No browser could be opened (xdg-open failed), so sign in with a code", "open this page on any device:\n\n" + url, "shows the code\n\nABCD-EFGH", "Cancel stops the sign-in"}, []string{"window that opened"}},
		{"legacy device code in the browser", session.SSOPrompt{Session: "acme.awsapps.com", URL: url, UserCode: "ABCD-EFGH", Opened: true},
			[]string{"in the browser window that opened", "shows the code\n\nABCD-EFGH", "On another device, open\n\n" + url}, nil},
		{"browser", session.SSOPrompt{Session: "acme", URL: "https://oidc/authorize?x=1", Opened: true},
			[]string{"in the browser window that opened", "If no page opened, open this address in a browser on this computer:\n\nhttps://oidc/authorize?x=1"}, []string{"code"}},
		{"waiting", session.SSOPrompt{Session: "acme"},
			[]string{"Another sign-in to acme is running", "Cancel stops waiting"}, []string{"https://"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := SSOPromptText(locale.Locale{UTF8: true}, tc.p)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("text lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("text has %q:\n%s", w, got)
				}
			}
		})
	}
	if got := SSOTitle(locale.Locale{}, "acme"); got != "awsmfa - acme (SSO)" {
		t.Errorf("title under C: %q", got)
	}
}
