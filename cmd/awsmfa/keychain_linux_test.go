package main

import (
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
)

// With no session D-Bus (a server, a plain SSH login) the keychain's
// failure is one sentence that says no Secret Service is running and what
// to start, not godbus's exec: "dbus-launch": executable file not found.
func TestBinaryKeychainWithoutSecretService(t *testing.T) {
	if u, err := user.Current(); err == nil {
		if _, err := os.Stat(filepath.Join("/run/user", u.Uid, "bus")); err == nil {
			t.Skip("this user's session bus at /run/user/UID/bus would be found anyway")
		}
	}
	binary(t)
	e := newEnv(t)
	u := e.addUser("myaccount")
	e.write(t, "[profile myaccountPerm]\nmfa_serial = "+u.MFASerial+"\n",
		"[myaccountPerm]\nawsmfa_keychain = true\n\n[otherPerm]\naws_access_key_id = "+u.AccessKeyID+"\naws_secret_access_key = "+u.SecretAccessKey+"\n")
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("PATH", t.TempDir()) // no dbus-launch to start a bus with
	for _, args := range [][]string{
		{"--profile", "myaccount", "login", "--token-code", e.code(t, "myaccount")},
		{"keychain", "status"},
	} {
		r := runBin(t, "", args...)
		out := r.stdout + r.stderr
		if !strings.Contains(out, "no Secret Service is running, since there is no session D-Bus: log in to a desktop session, or start one with dbus-run-session and a Secret Service in it, such as gnome-keyring-daemon --unlock or KeePassXC") {
			t.Errorf("%v: exit %d, output:\n%s", args, r.code, out)
		}
		if strings.Contains(out, "exec:") || strings.Contains(out, "executable file not found") {
			t.Errorf("%v: the raw error shows:\n%s", args, out)
		}
		e.assertNoSecrets(t, out)
	}
}
