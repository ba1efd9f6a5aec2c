package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/internal/ssofake"
	"github.com/awsmfa-tray/awsmfa-tray/internal/stsfake"
	"github.com/awsmfa-tray/awsmfa-tray/internal/totp"
	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/tray/autostart"
)

// demoSessionLifetime is short so the expiry warning and notice show soon.
const demoSessionLifetime = 3 * time.Minute

// demoCodeSteps is how many 30-second TOTP steps the demo's STS accepts
// either side of now: the code the dialog shows stays good for 10 minutes,
// so a newcomer who reads, thinks and types is not refused.
const demoCodeSteps = 20

// demoNotifyBefore is the demo's warning window unless --notify-before is
// given: with 3-minute sessions the default 10 minutes would warn at once.
const demoNotifyBefore = time.Minute

// The demo's IAM Identity Center session: a local fake whose sign-in page
// opens in the user's own browser. Its tokens last 5 minutes and renew
// themselves; the sign-in ends after 15, and then only a new one helps,
// so the whole life of an SSO session shows in a quarter of an hour.
const (
	demoSSOSession       = "demo-sso"
	demoSSOStartURL      = "https://demo.awsapps.com/start"
	demoSSOTokenLifetime = 5 * time.Minute
	demoSSOSignIn        = 15 * time.Minute
)

// demo is a throwaway AWS folder plus the in-process STS fake on loopback.
type demo struct {
	dir             string
	configFile      string
	credentialsFile string
	sts             *stsfake.Server
	sso             *ssofake.Server
	users           map[string]stsfake.User // by profile name
	// keychain stands in for the OS keychain, so "Move keys to keychain"
	// can be tried without writing fake keys into the user's real one (or
	// needing one at all); it goes away with the demo.
	keychain *memKeychain
}

// startDemo writes two profiles in the Perm convention into a temp folder,
// starts the STS fake and points this process at both through the
// environment, so the real core does the rest (SigV4, TOTP, writing).
func startDemo(log *slog.Logger, opts ...stsfake.Option) (*demo, error) {
	dir, err := os.MkdirTemp("", "awsmfa-tray-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo folder: %w", err)
	}
	d := &demo{dir: dir, users: map[string]stsfake.User{}, keychain: &memKeychain{items: map[string]session.Keys{}}}
	ok := false
	defer func() {
		if !ok {
			d.stop()
		}
	}()
	srv, users, err := stsfake.NewDemo(append([]stsfake.Option{
		stsfake.WithSessionCap(demoSessionLifetime),
		stsfake.WithTOTPSkew(demoCodeSteps),
		stsfake.WithLogf(func(format string, args ...any) { log.Debug("demo sts: " + fmt.Sprintf(format, args...)) }),
	}, opts...)...)
	if err != nil {
		return nil, err
	}
	d.sts = srv
	aws := filepath.Join(dir, ".aws")
	if err := os.Mkdir(aws, 0o700); err != nil {
		return nil, fmt.Errorf("demo folder: %w", err)
	}
	var cfg, cred strings.Builder
	cfg.WriteString("# awsmfa-tray demo: throwaway files, removed when the demo quits.\n")
	cred.WriteString("# awsmfa-tray demo: fake long-term keys for the local STS fake only.\n")
	for _, u := range users {
		name := u.Name() // demo-alice
		d.users[name] = u
		fmt.Fprintf(&cfg, "\n[profile %s]\nregion = us-east-1\nduration_seconds = 900\n", name)
		fmt.Fprintf(&cfg, "\n[profile %sPerm]\nmfa_serial = %s\nregion = us-east-1\n", name, u.MFASerial)
		fmt.Fprintf(&cred, "\n[%sPerm]\naws_access_key_id = %s\naws_secret_access_key = %s\n", name, u.AccessKeyID, u.SecretAccessKey)
	}
	sso := ssofake.New(ssofake.WithStartURLs(demoSSOStartURL), ssofake.WithAccessTokenTTL(demoSSOTokenLifetime),
		ssofake.WithSessionDuration(demoSSOSignIn),
		ssofake.WithLogf(func(format string, args ...any) { log.Debug("demo sso: " + fmt.Sprintf(format, args...)) }))
	if err := sso.Start(); err != nil {
		return nil, err
	}
	d.sso = sso
	fmt.Fprintf(&cfg, "\n[sso-session %s]\nsso_start_url = %s\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n", demoSSOSession, demoSSOStartURL)
	fmt.Fprintf(&cfg, "\n[profile demo-dev]\nsso_session = %s\nsso_account_id = 222233334444\nsso_role_name = Developer\nregion = us-east-1\n", demoSSOSession)
	d.configFile = filepath.Join(aws, "config")
	d.credentialsFile = filepath.Join(aws, "credentials")
	if err := os.WriteFile(d.configFile, []byte(cfg.String()), 0o600); err != nil {
		return nil, fmt.Errorf("demo config: %w", err)
	}
	if err := os.WriteFile(d.credentialsFile, []byte(cred.String()), 0o600); err != nil {
		return nil, fmt.Errorf("demo credentials: %w", err)
	}
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE":             d.configFile,
		"AWS_SHARED_CREDENTIALS_FILE": d.credentialsFile,
		"AWS_ENDPOINT_URL_STS":        srv.URL,
		"AWS_ENDPOINT_URL_SSO_OIDC":   sso.URL,
		"AWS_ENDPOINT_URL_SSO":        sso.URL,
	} {
		if err := os.Setenv(k, v); err != nil {
			return nil, fmt.Errorf("demo env: %w", err)
		}
	}
	// Neither a real profile choice nor real keys may leak into the demo.
	for _, k := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		os.Unsetenv(k)
	}
	log.Info("demo started", "dir", dir, "sts", srv.URL, "profiles", len(users))
	ok = true
	return d, nil
}

// codeHint is the extra dialog line for a demo profile: the code to type.
// The dialog cannot change its text while open, so the demo's STS accepts
// that code for 10 minutes (demoCodeSteps) instead of 30 seconds.
func (d *demo) codeHint(profile string) string {
	u, ok := d.users[profile]
	if !ok {
		return ""
	}
	code, err := totp.Code(u.TOTPSecret, time.Now())
	if err != nil {
		return ""
	}
	return "Demo mode: the code is " + code + ". It stays good for 10 minutes here; a real MFA device shows a new one every 30 seconds."
}

// loginHint is the demo's "logged in" notification body: its sessions come
// from the local fakes, so AWS_PROFILE in another shell would find
// neither the files nor a service that takes them.
func (d *demo) loginHint(profile string) string {
	if strings.HasSuffix(profile, " (SSO)") {
		return "A demo sign-in at a local fake of IAM Identity Center: no AWS service accepts it. Its token is in " + d.dir + "."
	}
	return "A demo session from the local fake STS: no AWS service accepts it. Its files are in " + d.dir + "."
}

// ssoConfig keeps the demo's SSO tokens in its folder, never in the
// user's ~/.aws/sso/cache.
func (d *demo) ssoConfig() session.SSOConfig {
	return session.SSOConfig{
		CacheDir:    filepath.Join(d.dir, ".aws", "sso", "cache"),
		CLICacheDir: filepath.Join(d.dir, ".aws", "cli", "cache"),
	}
}

// shellHint is printed at start for a curious user.
func (d *demo) shellHint() string {
	return "To look at the demo's files from a shell (its sessions work with no AWS service):\n" +
		"  export AWS_CONFIG_FILE=" + d.configFile + " AWS_SHARED_CREDENTIALS_FILE=" + d.credentialsFile
}

// stop closes the STS fake and removes the temp folder.
func (d *demo) stop() {
	if d.sts != nil {
		d.sts.Close()
	}
	if d.sso != nil {
		d.sso.Close()
	}
	os.RemoveAll(d.dir)
}

// memAutostart lets the demo's "Start at login" checkbox work without
// touching the real system.
type memAutostart struct {
	mu sync.Mutex
	st autostart.Status
}

func (m *memAutostart) Status() (autostart.Status, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.st, nil
}

func (m *memAutostart) Enable(exe string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.st = autostart.Status{Enabled: true, Path: "(demo: not written)", Target: exe}
	return nil
}

func (m *memAutostart) Disable() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.st = autostart.Status{}
	return nil
}

// memKeychain is the demo's in-memory session.Keychain.
type memKeychain struct {
	mu    sync.Mutex
	items map[string]session.Keys // by long-term profile
}

func (k *memKeychain) Get(l string) (session.Keys, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	it, ok := k.items[l]
	if !ok {
		return session.Keys{}, fmt.Errorf("demo keychain, [%s]: %w", l, session.ErrKeychainNotFound)
	}
	return it, nil
}

func (k *memKeychain) Set(l string, keys session.Keys) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.items[l] = keys
	return nil
}

func (k *memKeychain) Delete(l string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.items[l]; !ok {
		return fmt.Errorf("demo keychain, [%s]: %w", l, session.ErrKeychainNotFound)
	}
	delete(k.items, l)
	return nil
}
