package session

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// KeychainImport moves the long-term keys of profile (an MFA profile X, or
// its long-term profile L) from [L] in the credentials file into the
// keychain. In order: the keys are checked with STS GetCallerIdentity
// signed by them (same endpoint and region as a login of X); they are
// written to the keychain; then one atomic, locked write replaces their
// lines in [L] by "awsmfa_keychain = true" and changes nothing else, after
// reading them back from the keychain under the lock. Any failure leaves
// the keys in the file; a crash between the keychain write and the file
// write leaves them in both places. Keys already in the keychain give an
// error wrapping ErrInKeychain.
func (m *Manager) KeychainImport(ctx context.Context, profile string) error {
	ctx = inifile.Operation(ctx)
	f, err := m.load(ctx)
	if err != nil {
		return err
	}
	p, err := f.keychainProfile(profile)
	if err != nil {
		return err
	}
	l := p.LongTerm
	if err := checkImportable(f, l); err != nil {
		return err
	}
	keys := Keys{AccessKeyID: f.credGet(l, "aws_access_key_id"), SecretAccessKey: f.credGet(l, "aws_secret_access_key")}
	if err := m.verifyKeys(ctx, p, keys); err != nil {
		return err
	}

	kc := m.keychain()
	if err := kc.Set(l, keys); err != nil {
		return fmt.Errorf("store the keys of [%s] in the OS keychain (they stay in %s): %w", l, f.credPath, err)
	}

	err = inifile.UpdateContext(ctx, f.credPath, func(file *inifile.File) error {
		live := &awsFiles{cfgPath: f.cfgPath, credPath: f.credPath, cfg: f.cfg, cred: file}
		if err := checkImportable(live, l); err != nil {
			return err
		}
		if !live.holdsKeys(l, keys) {
			return fmt.Errorf("the keys in [%s] changed while awsmfa checked them: run the import again", l)
		}
		// Under the lock, so no concurrent export or failed import can
		// delete the item between this check and the write.
		if got, err := kc.Get(l); err != nil || got != keys {
			if err == nil {
				err = errors.New("it gave back different keys")
			}
			return fmt.Errorf("read the keys of [%s] back from the OS keychain: %w", l, err)
		}
		g, err := keysToMarker(file, l)
		if err != nil {
			return fmt.Errorf("%w; edit [%s] in %s by hand", err, l, f.credPath)
		}
		*file = *g
		return nil
	})
	if err != nil {
		_, _ = m.dropKeychainCopy(ctx, f.credPath, l)
		return fmt.Errorf("move the keys of [%s] out of %s (they stay there): %w", l, f.credPath, err)
	}
	return nil
}

// dropKeychainCopy deletes L's keychain item, but only while [L] in the
// file holds complete keys and no marker, checked under the file's lock:
// then the item is a spare copy (of the same keys, or of keys the user has
// since replaced), never the only one. An Update can fail after its
// rename, and another process may be importing or exporting L, so the
// file is read again under the lock rather than trusted from before.
func (m *Manager) dropKeychainCopy(ctx context.Context, credPath, l string) (bool, error) {
	deleted := false
	err := inifile.UpdateContext(ctx, credPath, func(file *inifile.File) error {
		live := &awsFiles{credPath: credPath, cfg: inifile.Parse(nil), cred: file}
		full := live.credGet(l, "aws_access_key_id") != "" && live.credGet(l, "aws_secret_access_key") != ""
		if deleted || !full || live.inKeychain(l) || file.Count(l) != 1 {
			return nil
		}
		if err := m.keychain().Delete(l); err != nil && !errors.Is(err, ErrKeychainNotFound) {
			return err
		}
		deleted = true
		return nil // no change to the file: Update writes nothing
	})
	return deleted, err
}

// holdsKeys reports whether [l] in the credentials file holds exactly keys.
func (f *awsFiles) holdsKeys(l string, keys Keys) bool {
	return f.credGet(l, "aws_access_key_id") == keys.AccessKeyID && f.credGet(l, "aws_secret_access_key") == keys.SecretAccessKey
}

// KeychainExport puts the long-term keys of profile (X or L) back into [L]
// in the credentials file, where the marker line stood, then deletes the
// keychain item (under the file lock, only while the file holds the same
// keys). The file is written first: a crash in between leaves the
// keys in both places. Import then export gives back the original file
// byte for byte when its key lines read "key = value" one after the other.
// Keys not in the keychain give an error wrapping ErrNotInKeychain.
func (m *Manager) KeychainExport(ctx context.Context, profile string) error {
	ctx = inifile.Operation(ctx)
	f, err := m.load(ctx)
	if err != nil {
		return err
	}
	p, err := f.keychainProfile(profile)
	if err != nil {
		return err
	}
	l := p.LongTerm
	if err := checkExportable(f, l); err != nil {
		return err
	}
	keys, err := keychainKeys{kc: m.keychain(), credPath: f.credPath}.LongTermKeys(ctx, l)
	if err != nil {
		return err
	}
	err = inifile.UpdateContext(ctx, f.credPath, func(file *inifile.File) error {
		live := &awsFiles{cfgPath: f.cfgPath, credPath: f.credPath, cfg: f.cfg, cred: file}
		if err := checkExportable(live, l); err != nil {
			return err
		}
		g, err := markerToKeys(file, l, keys)
		if err != nil {
			return fmt.Errorf("%w (a key holds characters the file cannot keep, or [%s] is unusual); edit [%s] in %s by hand", err, l, l, f.credPath)
		}
		*file = *g
		return nil
	})
	if err != nil {
		return fmt.Errorf("put the keys of [%s] back into %s (they stay in the OS keychain): %w", l, f.credPath, err)
	}
	if _, err := m.dropKeychainCopy(ctx, f.credPath, l); err != nil {
		return fmt.Errorf("the keys of [%s] are back in %s, but their OS keychain item could not be removed; delete the \"awsmfa\" item %q by hand: %w", l, f.credPath, l, err)
	}
	return nil
}

// keychainProfile resolves name, an MFA profile X or the long-term profile
// L of one, to the profile whose region and endpoint the check uses.
func (f *awsFiles) keychainProfile(name string) (Profile, error) {
	if p, ok := f.resolve(name); ok {
		return p, nil
	}
	for _, p := range f.profiles() {
		if p.LongTerm == name {
			return p, nil
		}
	}
	if _, err := f.profile(name); err != nil {
		return Profile{}, err
	}
	return Profile{}, fmt.Errorf("profile %q: %w", name, ErrNotMFAProfile)
}

// checkImportable holds the refusals of an import; it runs again under the
// lock.
func checkImportable(f *awsFiles, l string) error {
	id, secret := f.credGet(l, "aws_access_key_id"), f.credGet(l, "aws_secret_access_key")
	switch {
	case f.cred.Count(l) > 1:
		return duplicateSection(l, f.cred.Count(l), f.credPath)
	case f.repeatedKeyProblem(l) != nil:
		return f.repeatedKeyProblem(l)
	case hasSessionToken(f, l) || strings.HasPrefix(id, "ASIA"):
		return fmt.Errorf("[%s] in %s holds session credentials, not an IAM user's long-term keys: nothing to move", l, f.credPath)
	case (id == "" || secret == "") && f.inKeychain(l):
		return fmt.Errorf("[%s] in %s: %w", l, f.credPath, ErrInKeychain)
	case id == "" || secret == "":
		return fmt.Errorf("[%s] in %s has no aws_access_key_id and aws_secret_access_key to move", l, f.credPath)
	}
	return nil
}

// checkExportable holds the refusals of an export; it runs again under the
// lock.
func checkExportable(f *awsFiles, l string) error {
	switch {
	case f.cred.Count(l) > 1:
		return duplicateSection(l, f.cred.Count(l), f.credPath)
	case !f.inKeychain(l):
		return fmt.Errorf("[%s] in %s has no \"awsmfa_keychain = true\" line: %w", l, f.credPath, ErrNotInKeychain)
	case f.credGet(l, "aws_access_key_id") != "" || f.credGet(l, "aws_secret_access_key") != "":
		return fmt.Errorf("[%s] in %s holds keys and also says they are in the OS keychain: keep one, and remove the other keys or the awsmfa_keychain line by hand", l, f.credPath)
	}
	return nil
}

// verifyKeys calls GetCallerIdentity signed by keys, through the client a
// login of p would use, so keys that cannot log in never leave the file.
func (m *Manager) verifyKeys(ctx context.Context, p Profile, keys Keys) error {
	newSTS := m.cfg.NewSTS
	if newSTS == nil {
		newSTS = NewSTSClient
	}
	client, err := newSTS(ctx, p, keys)
	if err != nil {
		return err // its own sentence (the CA bundle)
	}
	idc, ok := client.(IdentityAPI)
	if !ok {
		return fmt.Errorf("cannot check the keys of [%s]: the STS client has no GetCallerIdentity; nothing was moved", p.LongTerm)
	}
	timeout := m.cfg.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	out, err := idc.GetCallerIdentity(cctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		if ctx.Err() != nil {
			return ErrCanceled
		}
		return fmt.Errorf("check the keys of [%s] with STS (nothing was moved): %w", p.LongTerm, explainCall(err, stsCall{p: p, timeout: timeout, secrets: []string{keys.AccessKeyID, keys.SecretAccessKey}}))
	}
	if aws.ToString(out.Arn) == "" {
		return fmt.Errorf("STS did not say whose keys [%s] holds; nothing was moved", p.LongTerm)
	}
	return nil
}
