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
			[]string{"No browser could be opened (xdg-open failed), so sign in with a code", "on any device: open\n\n" + url, "shows the code\n\nABCD-EFGH", "Cancel stops the\nsign-in"}, []string{"window that opened"}},
		{"legacy device code in the browser", session.SSOPrompt{Session: "acme.awsapps.com", URL: url, UserCode: "ABCD-EFGH", Opened: true},
			[]string{"in the browser window that", "shows the code\n\nABCD-EFGH", "On another device, open this address"}, []string{url}},
		{"browser", session.SSOPrompt{Session: "acme", URL: "https://oidc/authorize?x=1", Opened: true},
			[]string{"in the browser window that opened", "If no page opened, copy this address"}, []string{"code", "https://"}},
		{"waiting", session.SSOPrompt{Session: "acme"},
			[]string{"Another sign-in to acme is running", "Cancel stops waiting"}, []string{"https://"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := SSOPromptText(locale.Locale{UTF8: true}, tc.p)
			got := flat(text)
			for _, w := range tc.want {
				if !strings.Contains(got, flat(w)) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(got, w) {
					t.Errorf("text has %q:\n%s", w, text)
				}
			}
		})
	}
	for _, line := range strings.Split(SSOPromptText(locale.Locale{UTF8: true}, session.SSOPrompt{Session: "acme", URL: url, UserCode: "ABCD-EFGH",
		Fallback: "no browser could be opened (no web browser can be opened here: xdg-open failed: exit status 1)"}), "\n") {
		if len([]rune(line)) > wrapAt && !strings.Contains(line, "://") {
			t.Errorf("a line of %d characters: %q", len([]rune(line)), line)
		}
	}
	if got := SSOTitle(locale.Locale{}, "acme"); got != "awsmfa - acme (SSO)" {
		t.Errorf("title under C: %q", got)
	}
}

// flat is s with every run of spaces and newlines one space: the text is
// wrapped to fit the dialog.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }
