package keychain

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// What godbus and go-keyring return when there is no Secret Service turns
// into one sentence that says what to start, without the raw chain.
func TestNoSecretServiceSaysWhatToStart(t *testing.T) {
	tests := []struct {
		name  string
		cause error
		want  string
		raw   string // must not be in the text
	}{
		{"no dbus-launch", &exec.Error{Name: "dbus-launch", Err: exec.ErrNotFound},
			"no Secret Service is running, since there is no session D-Bus: log in to a desktop session, or start one with dbus-run-session and a Secret Service in it, such as gnome-keyring-daemon --unlock or KeePassXC",
			"executable file not found"},
		{"dbus-launch without X", fmt.Errorf("dbus-launch: %w", &exec.ExitError{}),
			"no Secret Service is running, since there is no session D-Bus", "exit status"},
		{"no address", errors.New("dbus: couldn't determine address of session bus"),
			"no Secret Service is running, since there is no session D-Bus", "couldn't determine"},
		{"nothing provides the service", errors.New("The name org.freedesktop.secrets was not provided by any .service files"),
			"no Secret Service is running on the session D-Bus: start one, such as gnome-keyring-daemon (gnome-keyring), KeePassXC with its Secret Service integration on, or KWallet",
			".service files"},
		{"a dead bus", &net.OpError{Op: "dial", Net: "unix", Err: errors.New("connect: no such file or directory")},
			"the session D-Bus in DBUS_SESSION_BUS_ADDRESS does not answer", "connect:"},
		{"locked", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"),
			"the keychain stayed locked", "/org/freedesktop"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Store{b: &memBackend{err: tt.cause}}.Delete("myaccountPerm")
			if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), tt.raw) {
				t.Errorf("error %q: want it to say %q, and not %q", err, tt.want, tt.raw)
			}
			if !errors.Is(err, tt.cause) {
				t.Errorf("the cause is not in the chain")
			}
		})
	}
	// A cause we do not know keeps its text: it is the only clue.
	err := Store{b: &memBackend{err: errors.New("org.example.Weird: odd")}}.Delete("p")
	if err == nil || !strings.Contains(err.Error(), "the Secret Service refused: org.example.Weird: odd") {
		t.Errorf("unknown cause: %v", err)
	}
}

// The same, from the real go-keyring and godbus: no session bus and no
// dbus-launch, as on a server or in a plain SSH login.
func TestRealNoSessionBus(t *testing.T) {
	if u, err := user.Current(); err == nil {
		if _, err := os.Stat(filepath.Join("/run/user", u.Uid, "bus")); err == nil {
			t.Skip("this user's session bus at /run/user/UID/bus would be found anyway")
		}
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("PATH", t.TempDir()) // no dbus-launch
	_, err := Store{Timeout: time.Minute}.Get("myaccountPerm")
	if err == nil || !strings.Contains(err.Error(), "no Secret Service is running, since there is no session D-Bus") || strings.Contains(err.Error(), "exec:") {
		t.Errorf("Get = %v", err)
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+filepath.Join(t.TempDir(), "gone"))
	_, err = Store{Timeout: time.Minute}.Get("myaccountPerm")
	if err == nil || !strings.Contains(err.Error(), "does not answer") {
		t.Errorf("Get with a dead bus = %v", err)
	}
}

// A real session bus on which nothing provides org.freedesktop.secrets:
// the test binary runs itself again under dbus-run-session with a bus
// configuration that can start no services.
func TestRealBusWithoutSecretService(t *testing.T) {
	if os.Getenv("AWSMFA_KEYCHAIN_CHILD") == "1" {
		_, err := Store{Timeout: time.Minute}.Get("myaccountPerm")
		want := "no Secret Service is running on the session D-Bus: start one"
		if err == nil || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), ".service files") {
			t.Errorf("Get = %v, want it to say %q", err, want)
		}
		return
	}
	if _, err := exec.LookPath("dbus-run-session"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("dbus-run-session is missing (package dbus)")
		}
		t.Skip("dbus-run-session is not installed")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(`<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=`+dir+`</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("dbus-run-session", "--config-file="+conf, "--", os.Args[0], "-test.run=^TestRealBusWithoutSecretService$", "-test.v")
	cmd.Env = append(os.Environ(), "AWSMFA_KEYCHAIN_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Errorf("under dbus-run-session: %v\n%s", err, out)
	}
}
