package session

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// RoleRefreshBefore: cached role credentials are handed out while they have
// more than this left. botocore refreshes credentials 15 minutes before they
// expire (and fails when a refresh brings ones with less than 10 minutes
// left), so anything shorter would have it call us on every request.
const RoleRefreshBefore = 15 * time.Minute

// roleCacheEntry is one role's cached credentials: a JSON file, 0600, in
// the user's cache folder; never in the shared credentials file.
type roleCacheEntry struct {
	Version         int
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
	// Source identifies the MFA session the role was assumed with (a hash
	// of its key id): logging out of the MFA profile, or logging in anew,
	// retires the role credentials with it.
	Source string
}

// cacheDir is where awsmfa keeps role credentials and login locks.
func (m *Manager) cacheDir() (string, error) {
	if m.cfg.CacheDir != "" {
		return m.cfg.CacheDir, nil
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("find the user's cache folder for role credentials: %w", err)
	}
	return filepath.Join(d, "awsmfa"), nil
}

// digest is a short stable hash of parts, for file names and the Source
// field; it reveals none of them.
func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:20]
}

// roleCachePath names r's cache file after everything that decides which
// credentials it holds, so a changed role definition (or other shared
// files, through AWS_CONFIG_FILE) never reads another's entry.
func (m *Manager) roleCachePath(f *awsFiles, r RoleProfile) (string, error) {
	dir, err := m.cacheDir()
	if err != nil {
		return "", err
	}
	key := digest(f.cfgPath, f.credPath, r.Name, r.RoleARN, r.MFAProfile, r.SessionName, r.ExternalID, r.Duration.String(), r.Region, r.Endpoint)
	return filepath.Join(dir, "roles", safeFileName(r.Name)+"-"+key+".json"), nil
}

func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' {
			return r
		}
		return '_'
	}, s)
}

// sourceID identifies the session in [x] of the credentials file; "" when
// there is none.
func (f *awsFiles) sourceID(x string) string {
	id := f.credGet(x, "aws_access_key_id")
	if id == "" || !hasSessionToken(f, x) {
		return ""
	}
	return digest("source", id)
}

// readRoleCache returns the entry at path when it is whole, was assumed
// with the session source, and has more than refresh left at now.
func readRoleCache(path, source string, now time.Time, refresh time.Duration) (Credentials, bool) {
	if source == "" {
		return Credentials{}, false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Credentials{}, false
	}
	var e roleCacheEntry
	if json.Unmarshal(b, &e) != nil || e.Version != 1 || e.Source != source {
		return Credentials{}, false
	}
	c := Credentials{AccessKeyID: e.AccessKeyID, SecretAccessKey: e.SecretAccessKey, SessionToken: e.SessionToken, Expiration: e.Expiration.UTC()}
	if !c.complete() || c.Expiration.Sub(now) <= refresh {
		return Credentials{}, false
	}
	return c, true
}

// writeRoleCache stores c for the session source, with the writer's care
// (0600, atomic, locked), and drops entries of any role that expired a day
// ago.
func writeRoleCache(path, source string, c Credentials) error {
	b, err := json.Marshal(roleCacheEntry{Version: 1, AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
		SessionToken: c.SessionToken, Expiration: c.Expiration.UTC(), Source: source})
	if err != nil {
		return err
	}
	if err := inifile.WriteFile(path, append(b, '\n')); err != nil {
		return fmt.Errorf("cache the role credentials in %s: %w", filepath.Dir(path), err)
	}
	pruneRoleCache(filepath.Dir(path), path)
	return nil
}

// pruneRoleCache removes cache files (and their locks) untouched for a
// day: role credentials last 12 hours at most.
func pruneRoleCache(dir, keep string) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		if p == keep || p == keep+".lock" || !(strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".json.lock")) {
			continue
		}
		if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > 24*time.Hour {
			os.Remove(p)
		}
	}
}

// RoleCacheDir is the folder of the cached role credentials. A UI watches
// it to show their time left as soon as "awsmfa credential-process"
// renews them; it may not exist yet.
func (m *Manager) RoleCacheDir() (string, error) {
	dir, err := m.cacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "roles"), nil
}
