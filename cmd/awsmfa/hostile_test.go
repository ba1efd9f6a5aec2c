package main

import (
	"strings"
	"testing"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
)

// What the CLI prints when STS (or what answers in its place) misbehaves:
// exit 1, the sentence on stderr, no code or secret anywhere, the file as
// it was.
func TestLoginHostileRepliesOnTheCommandLine(t *testing.T) {
	tests := []struct {
		fault stsfake.Fault
		want  string
	}{
		{stsfake.EchoRequest(400, "InvalidParameterValue"), "TokenCode=[redacted]"},
		{stsfake.SetValue("AccessKeyId", "AKIAIOSFODNN7EXAMPLE"), "a long-term access key (AKIA...) instead of session credentials"},
		{stsfake.SetValue("Expiration", "2001-01-01T00:00:00Z"), "expired at 2001-01-01 00:00 UTC"},
		{stsfake.CutMidBody(), "STS may have used this code: wait for the next one"},
	}
	for _, tt := range tests {
		t.Run(tt.fault.Name(), func(t *testing.T) {
			e := newEnv(t)
			e.standard(t, "alice")
			before := e.readCreds(t)
			e.fake.Inject(1, tt.fault)
			code := e.code(t, "alice")
			r := cli(t, "--profile", "alice", "login", "--token-code", code)
			if r.code != 1 || !strings.Contains(r.stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q; want 1 and %q", r.code, r.stderr, tt.want)
			}
			if strings.Contains(r.stderr+r.stdout, code) {
				t.Errorf("the code %s was printed: %q", code, r.stderr)
			}
			e.assertNoSecrets(t, r.stdout, r.stderr)
			if e.readCreds(t) != before {
				t.Error("the credentials file changed")
			}
			// A fake that cut the reply records the call once the client
			// has gone, which may be after the CLI returned.
			for deadline := time.Now().Add(10 * time.Second); e.calls() == 0 && time.Now().Before(deadline); {
				time.Sleep(5 * time.Millisecond)
			}
			if e.calls() != 1 {
				t.Errorf("STS saw %d calls, want 1", e.calls())
			}
		})
	}
}
