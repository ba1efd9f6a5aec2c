package session

import (
	"context"
	"fmt"
)

// fileKeys reads long-term keys from the credentials file, afresh each time.
// Keys in the file win; without them, the keychain marker in [L] hands over
// to the keychain.
type fileKeys struct{ m *Manager }

func (k fileKeys) LongTermKeys(ctx context.Context, l string) (Keys, error) {
	f, err := k.m.load()
	if err != nil {
		return Keys{}, err
	}
	keys := Keys{AccessKeyID: f.credGet(l, "aws_access_key_id"), SecretAccessKey: f.credGet(l, "aws_secret_access_key")}
	if (keys.AccessKeyID == "" || keys.SecretAccessKey == "") && f.inKeychain(l) {
		return keychainKeys{kc: k.m.keychain(), credPath: f.credPath}.LongTermKeys(ctx, l)
	}
	if keys.AccessKeyID == "" || keys.SecretAccessKey == "" {
		return Keys{}, fmt.Errorf("no long-term keys in [%s]: add aws_access_key_id and aws_secret_access_key to [%s] in %s", l, l, f.credPath)
	}
	return keys, nil
}

func (m *Manager) keySource() KeySource {
	if m.cfg.Keys != nil {
		return m.cfg.Keys
	}
	return fileKeys{m}
}
