package session

import (
	"context"
	"fmt"
)

// longTermKeys yields L's keys: from Config.Keys when set; else from the
// credentials file as f read it (no second read), or, when [L] holds the
// keychain marker instead of keys, from the keychain.
func (m *Manager) longTermKeys(ctx context.Context, f *awsFiles, l string) (Keys, error) {
	if m.cfg.Keys != nil {
		return m.cfg.Keys.LongTermKeys(ctx, l)
	}
	keys := Keys{AccessKeyID: f.credGet(l, "aws_access_key_id"), SecretAccessKey: f.credGet(l, "aws_secret_access_key")}
	if (keys.AccessKeyID == "" || keys.SecretAccessKey == "") && f.inKeychain(l) {
		return keychainKeys{kc: m.keychain(), credPath: f.credPath}.LongTermKeys(ctx, l)
	}
	if keys.AccessKeyID == "" || keys.SecretAccessKey == "" {
		return Keys{}, fmt.Errorf("no long-term keys in [%s]: add aws_access_key_id and aws_secret_access_key to [%s] in %s", l, l, f.credPath)
	}
	return keys, nil
}

// keysFromFile reports whether longTermKeys reads L's keys from the file
// itself, so that a new read of the file gives them afresh at no cost.
func (m *Manager) keysFromFile(f *awsFiles, l string) bool {
	return m.cfg.Keys == nil && !f.inKeychain(l)
}
