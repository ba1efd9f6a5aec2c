package session_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// The review's messages: each is one sentence that says what is wrong
// and what to do, names the environment variable a path or endpoint came
// from, and is said before any code is asked for.
func TestSettingMessages(t *testing.T) {
	tests := []struct {
		name    string
		env     func(e *testEnv) map[string]string
		want    []string // all in the error
		notWant []string
	}{
		{"an ftp:// endpoint",
			func(*testEnv) map[string]string {
				return map[string]string{"AWS_ENDPOINT_URL_STS": "ftp://example.com"}
			},
			[]string{"the STS endpoint \"ftp://example.com\" (AWS_ENDPOINT_URL_STS) is not an http:// or https:// URL"},
			[]string{"unsupported protocol scheme", "failed"}},
		{"an endpoint without a scheme",
			func(*testEnv) map[string]string {
				return map[string]string{"AWS_ENDPOINT_URL_STS": "", "AWS_ENDPOINT_URL": "sts.example.com"}
			},
			[]string{"\"sts.example.com\" (AWS_ENDPOINT_URL) is not an http:// or https:// URL"}, nil},
		{"/dev/null as the credentials file",
			func(*testEnv) map[string]string { return map[string]string{"AWS_SHARED_CREDENTIALS_FILE": os.DevNull} },
			[]string{"the credentials file is " + os.DevNull + " (AWS_SHARED_CREDENTIALS_FILE), which holds no keys: point AWS_SHARED_CREDENTIALS_FILE at your credentials file"},
			[]string{"in " + os.DevNull + ", then"}},
		{"a parent of the credentials file is a file",
			func(e *testEnv) map[string]string {
				return map[string]string{"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(e.credPath, "credentials")}
			},
			[]string{"(AWS_SHARED_CREDENTIALS_FILE)", e2("credPath") + " is not a folder"}, nil},
		{"a missing credentials file named by the variable",
			func(e *testEnv) map[string]string {
				return map[string]string{"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(e.dir, "nope", "credentials")}
			},
			[]string{filepath.Join("nope", "credentials") + " (AWS_SHARED_CREDENTIALS_FILE)"}, nil},
		{"a missing CA bundle",
			func(e *testEnv) map[string]string {
				return map[string]string{"AWS_CA_BUNDLE": filepath.Join(e.dir, "nope.pem")}
			},
			[]string{"the CA bundle " + filepath.Join(e2("dir"), "nope.pem") + " (AWS_CA_BUNDLE) does not exist"},
			[]string{"make STS client"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, permConfig, permCreds)
			for k, v := range tt.env(e) {
				t.Setenv(k, v)
			}
			asked := 0
			_, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{
				Prompt: func(context.Context, session.CodeRequest) (string, error) { asked++; return e.code(), nil },
			})
			if err == nil {
				t.Fatal("login succeeded")
			}
			msg := strings.NewReplacer("{credPath}", e.credPath, "{dir}", e.dir).Replace(err.Error())
			for _, w := range tt.want {
				w = strings.NewReplacer("{credPath}", e.credPath, "{dir}", e.dir).Replace(w)
				if !strings.Contains(msg, w) {
					t.Errorf("err = %q; want it to say %q", msg, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(msg, w) {
					t.Errorf("err = %q; must not say %q", msg, w)
				}
			}
			if strings.Contains(tt.name, "CA bundle") {
				return // the bundle is read with the client, after the code
			}
			if asked != 0 || len(e.srv.Calls()) != 0 {
				t.Errorf("asked for %d codes, STS saw %d calls; want neither", asked, len(e.srv.Calls()))
			}
		})
	}
}

// e2 is a placeholder for a path of the test's env, filled in per run.
func e2(field string) string { return "{" + field + "}" }
