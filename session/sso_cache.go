package session

import (
	"crypto/sha1" //nolint:gosec // the SDKs name cache files by SHA-1; not a security use
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// The token cache is shared with the AWS CLI, botocore, aws-sdk-go-v2 and
// the JS SDK: the file names, fields and formats here are theirs
// (botocore's SSOTokenFetcher and JSONFileCache, aws-sdk-go-v2's ssocreds).

// ssoTimeLayout is how the AWS CLI writes expiresAt: UTC to the second.
const ssoTimeLayout = "2006-01-02T15:04:05Z"

func sha1Hex(s string) string {
	sum := sha1.Sum([]byte(s)) //nolint:gosec // see the import
	return hex.EncodeToString(sum[:])
}

// cacheKey names the token file: the SHA-1 of the session name, or of the
// start URL for legacy profiles.
func (s SSOSession) cacheKey() string {
	if s.Legacy {
		return sha1Hex(s.StartURL)
	}
	return sha1Hex(s.Name)
}

func (m *Manager) ssoCacheDir() string {
	if m.cfg.SSO.CacheDir != "" {
		return m.cfg.SSO.CacheDir
	}
	return filepath.Join(homeDir(), ".aws", "sso", "cache")
}

func (m *Manager) ssoTokenPath(key string) string {
	return filepath.Join(m.ssoCacheDir(), key+".json")
}

// ssoToken is one token file. Unknown fields are kept on refresh, as
// aws-sdk-go-v2 and the JS SDK keep them.
type ssoToken struct {
	StartURL              string
	Region                string
	AccessToken           string
	ExpiresAt             time.Time
	ClientID              string
	ClientSecret          string
	RegistrationExpiresAt time.Time
	RefreshToken          string
	extra                 map[string]json.RawMessage
	granted               time.Duration // expiresIn of a new token; not stored
}

// SSOTokenFileError says why a token file cannot be used. The file is
// never rewritten because of it.
type SSOTokenFileError struct {
	Path string
	Why  string
}

func (e *SSOTokenFileError) Error() string { return "the SSO token file " + e.Path + " " + e.Why }

// readSSOToken reads a token file; exists is false when there is none.
func readSSOToken(path string) (t ssoToken, exists bool, err error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return t, false, nil
	}
	if err != nil {
		return t, true, fmt.Errorf("read the SSO token file: %w", err)
	}
	t, err = parseSSOToken(path, data)
	return t, true, err
}

// parseSSOToken reads the token file at path, whose bytes are data.
func parseSSOToken(path string, data []byte) (t ssoToken, err error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil || fields == nil {
		return t, &SSOTokenFileError{Path: path, Why: "is not a JSON object"}
	}
	t.extra = map[string]json.RawMessage{}
	str := func(k string, dst *string) error {
		raw, ok := fields[k]
		if !ok {
			return nil
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			return &SSOTokenFileError{Path: path, Why: "has a " + k + " that is not a string"}
		}
		return nil
	}
	var expires, regExpires string
	for k, dst := range map[string]*string{
		"startUrl": &t.StartURL, "region": &t.Region, "accessToken": &t.AccessToken,
		"expiresAt": &expires, "clientId": &t.ClientID, "clientSecret": &t.ClientSecret,
		"registrationExpiresAt": &regExpires, "refreshToken": &t.RefreshToken,
	} {
		if err := str(k, dst); err != nil {
			return t, err
		}
	}
	for k, v := range fields {
		switch k {
		case "startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret", "registrationExpiresAt", "refreshToken":
		default:
			t.extra[k] = v
		}
	}
	if t.AccessToken == "" || expires == "" {
		return t, &SSOTokenFileError{Path: path, Why: "has no accessToken or expiresAt"}
	}
	var ok bool
	if t.ExpiresAt, ok = parseSSOTime(expires); !ok {
		return t, &SSOTokenFileError{Path: path, Why: "has an expiresAt that is not a time"}
	}
	if regExpires != "" {
		t.RegistrationExpiresAt, _ = parseSSOTime(regExpires)
	}
	return t, nil
}

// parseSSOTime reads the forms the writers of the cache use: the CLI's
// seconds with Z, the JS SDK's milliseconds, offsets, and the "UTC" suffix
// the AWS CLI v1 wrote.
func parseSSOTime(v string) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if s, ok := strings.CutSuffix(v, "UTC"); ok {
		v = s + "Z"
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// sameStart reports whether t belongs to s's start URL; a token that does
// not say (no startUrl) is taken to.
func (t ssoToken) sameStart(s SSOSession) bool {
	return t.StartURL == "" || s.StartURL == "" || trimSlash(t.StartURL) == trimSlash(s.StartURL)
}

// refreshable reports whether t can renew without a browser at now.
func (t ssoToken) refreshable(now time.Time) bool {
	return t.RefreshToken != "" && t.ClientID != "" && t.ClientSecret != "" &&
		!t.RegistrationExpiresAt.IsZero() && t.RegistrationExpiresAt.After(now)
}

// marshal writes the fields in the AWS CLI's order and spacing (Python's
// json.dumps), then the unknown fields kept from the old file.
func (t ssoToken) marshal() []byte {
	var b strings.Builder
	b.WriteByte('{')
	n := 0
	field := func(k, v string) {
		if n > 0 {
			b.WriteString(", ")
		}
		n++
		b.WriteString(pyJSONString(k))
		b.WriteString(": ")
		b.WriteString(v)
	}
	field("startUrl", pyJSONString(t.StartURL))
	field("region", pyJSONString(t.Region))
	field("accessToken", pyJSONString(t.AccessToken))
	field("expiresAt", pyJSONString(t.ExpiresAt.UTC().Format(ssoTimeLayout)))
	if t.ClientID != "" {
		field("clientId", pyJSONString(t.ClientID))
		field("clientSecret", pyJSONString(t.ClientSecret))
		field("registrationExpiresAt", pyJSONString(t.RegistrationExpiresAt.UTC().Format(ssoTimeLayout)))
	}
	if t.RefreshToken != "" {
		field("refreshToken", pyJSONString(t.RefreshToken))
	}
	keys := make([]string, 0, len(t.extra))
	for k := range t.extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		field(k, string(t.extra[k]))
	}
	b.WriteByte('}')
	return []byte(b.String())
}

// writeSSOToken replaces the token file atomically, 0600, under the
// writer's lock.
func writeSSOToken(path string, t ssoToken) error {
	if err := inifile.WriteFile(path, t.marshal()); err != nil {
		return fmt.Errorf("write the SSO token: %w", err)
	}
	return nil
}

// ssoRegistration is a cached client registration, shared with the AWS
// CLI under the same file name.
type ssoRegistration struct {
	ClientID     string
	ClientSecret string
	ExpiresAt    time.Time
	Scopes       []string
	GrantTypes   []string
}

func (r ssoRegistration) forAuthCode() bool {
	for _, g := range r.GrantTypes {
		if g == "authorization_code" {
			return true
		}
	}
	return false
}

// registrationKey is botocore's _registration_cache_key: the SHA-1 of
// json.dumps of these arguments with sorted keys. configured is the
// sso_registration_scopes (nil when unset), startURL the configured one.
func registrationKey(s SSOSession, region string) string {
	scopes := "null"
	if s.Scopes != nil {
		scopes = pyJSONList(s.Scopes)
	}
	name := "null"
	if !s.Legacy {
		name = pyJSONString(s.Name)
	}
	args := `{"region": ` + pyJSONString(region) + `, "scopes": ` + scopes + `, "session_name": ` + name +
		`, "startUrl": ` + pyJSONString(s.StartURL) + `, "tool": "botocore"}`
	return sha1Hex(args)
}

func (m *Manager) registrationPath(s SSOSession, region string) string {
	return m.ssoTokenPath(registrationKey(s, region))
}

// readRegistration returns the cached registration; ok is false when
// there is none usable.
func readRegistration(path string) (r ssoRegistration, ok bool) {
	data, err := os.ReadFile(path)
	if err != nil {
		return r, false
	}
	var raw struct {
		ClientID     string   `json:"clientId"`
		ClientSecret string   `json:"clientSecret"`
		ExpiresAt    string   `json:"expiresAt"`
		Scopes       []string `json:"scopes"`
		GrantTypes   []string `json:"grantTypes"`
	}
	if json.Unmarshal(data, &raw) != nil || raw.ClientID == "" || raw.ClientSecret == "" {
		return r, false
	}
	exp, ok := parseSSOTime(raw.ExpiresAt)
	if !ok {
		return r, false
	}
	return ssoRegistration{raw.ClientID, raw.ClientSecret, exp, raw.Scopes, raw.GrantTypes}, true
}

func writeRegistration(path string, r ssoRegistration) error {
	var b strings.Builder
	b.WriteString(`{"clientId": ` + pyJSONString(r.ClientID) + `, "clientSecret": ` + pyJSONString(r.ClientSecret) +
		`, "expiresAt": ` + pyJSONString(r.ExpiresAt.UTC().Format(ssoTimeLayout)))
	if r.Scopes != nil {
		b.WriteString(`, "scopes": ` + pyJSONList(r.Scopes))
	}
	if r.GrantTypes != nil {
		b.WriteString(`, "grantTypes": ` + pyJSONList(r.GrantTypes))
	}
	b.WriteString("}")
	if err := inifile.WriteFile(path, []byte(b.String())); err != nil {
		return fmt.Errorf("write the SSO client registration: %w", err)
	}
	return nil
}

// pyJSONString quotes s as Python's json.dumps does (ensure_ascii): the
// cache key hashes these exact bytes, so Go's HTML escaping would not do.
func pyJSONString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r < 0x20 || r > 0x7e:
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				fmt.Fprintf(&b, `\u%04x\u%04x`, r1, r2)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func pyJSONList(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = pyJSONString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
