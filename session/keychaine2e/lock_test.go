package keychaine2e

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

const loginCollection = dbus.ObjectPath("/org/freedesktop/secrets/collection/login")

func secretService(t *testing.T) dbus.BusObject {
	t.Helper()
	conn, err := dbus.SessionBus()
	if err != nil {
		t.Fatal(err)
	}
	return conn.Object("org.freedesktop.secrets", "/org/freedesktop/secrets")
}

// lockKeychain locks the login keyring, as a screen lock or a timeout
// would, and unlocks it again when the test ends.
func lockKeychain(t *testing.T) {
	t.Helper()
	t.Cleanup(func() { unlockKeychain(t) })
	var locked []dbus.ObjectPath
	var prompt dbus.ObjectPath
	if err := secretService(t).Call("org.freedesktop.Secret.Service.Lock", 0, []dbus.ObjectPath{loginCollection}).Store(&locked, &prompt); err != nil {
		t.Fatal(err)
	}
	if len(locked) != 1 || prompt != "/" {
		t.Fatalf("lock: locked %v, prompt %s", locked, prompt)
	}
}

// unlockKeychain gives gnome-keyring the password the way its login
// integration (PAM) does, without a prompt.
func unlockKeychain(t *testing.T) {
	t.Helper()
	svc := secretService(t)
	var ignored dbus.Variant
	var sess dbus.ObjectPath
	if err := svc.Call("org.freedesktop.Secret.Service.OpenSession", 0, "plain", dbus.MakeVariant("")).Store(&ignored, &sess); err != nil {
		t.Fatal(err)
	}
	type secret struct {
		Session     dbus.ObjectPath
		Parameters  []byte
		Value       []byte
		ContentType string
	}
	if err := svc.Call("org.gnome.keyring.InternalUnsupportedGuiltRiddenInterface.UnlockWithMasterPassword", 0,
		loginCollection, secret{sess, []byte{}, []byte("pass"), "text/plain"}).Err; err != nil {
		t.Fatalf("unlock the login keyring: %v", err)
	}
}

// A locked keychain makes gnome-keyring ask the user through its system
// prompter. Here no display exists, so the prompt fails as if dismissed:
// login must say so and change nothing; once unlocked, login works.
func TestLockedKeychain(t *testing.T) {
	skipUnlessSecretService(t)
	e := newEnv(t)
	ctx := context.Background()
	if err := e.m.KeychainImport(ctx, "myaccount"); err != nil {
		t.Fatal(err)
	}
	imported := e.read()
	lockKeychain(t)

	code, err := totp.Code(e.user.TOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.m.Login(ctx, "myaccount", session.LoginOptions{TokenCode: code})
	if err == nil || !strings.Contains(err.Error(), "the keychain stayed locked") || errors.Is(err, session.ErrKeychainNotFound) {
		t.Fatalf("login with a locked keychain: %v", err)
	}
	e.noSecrets("the error", err.Error())
	if err := e.m.KeychainExport(ctx, "myaccount"); err == nil || !strings.Contains(err.Error(), "the keychain stayed locked") {
		t.Errorf("export with a locked keychain: %v", err)
	}
	if got := e.read(); got != imported {
		t.Errorf("file changed:\n%q", got)
	}
	if n := len(e.srv.IssuedSessions()); n != 0 {
		t.Errorf("%d sessions issued with a locked keychain", n)
	}

	unlockKeychain(t)
	if _, err := e.m.Login(ctx, "myaccount", session.LoginOptions{TokenCode: code}); err != nil {
		t.Fatalf("login once unlocked: %v", err)
	}
}
