package session

import (
	"errors"
	"fmt"
	"strings"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// Setup turns plain profile name, holding long-term keys in the credentials
// file, into an MFA profile: mfa_serial is recorded in the config file, then
// the keys move to [namePerm] in one atomic write of the credentials file.
// serial may be empty when the config already names the device.
func (m *Manager) Setup(name, serial string) error {
	if strings.HasSuffix(name, permSuffix) || strings.HasSuffix(name, longTermSuffix) {
		return fmt.Errorf("%q already names a long-term profile: run setup on the short name", name)
	}
	f, err := m.load()
	if err != nil {
		return err
	}
	l := name + permSuffix
	if serial == "" {
		serial, _ = f.serial(name, l)
	}
	serial = strings.TrimSpace(serial)
	if serial == "" {
		return errors.New("no MFA device given: pass --serial arn:aws:iam::ACCOUNT_ID:mfa/DEVICE (IAM console, Security credentials, MFA)")
	}
	if !serialRE.MatchString(serial) {
		return fmt.Errorf("%q is not an MFA device ARN like arn:aws:iam::123456789012:mfa/alice", serial)
	}
	if err := checkMovable(f, name, l); err != nil {
		return err
	}
	cfgSection := "profile " + l
	if f.cfg.Count(cfgSection) == 0 && f.cfg.Count(l) > 0 {
		cfgSection = l // keep using the user's bare [namePerm]
	}
	if err := inifile.Update(f.cfgPath, func(file *inifile.File) error {
		return file.Set(cfgSection, "mfa_serial", serial)
	}); err != nil {
		return fmt.Errorf("record mfa_serial in %s: %w", f.cfgPath, err)
	}
	err = inifile.Update(f.credPath, func(file *inifile.File) error {
		live := &awsFiles{cfgPath: f.cfgPath, credPath: f.credPath, cfg: f.cfg, cred: file}
		if err := checkMovable(live, name, l); err != nil {
			return err
		}
		for _, k := range []string{"aws_access_key_id", "aws_secret_access_key"} {
			v, _ := file.Get(name, k)
			if err := file.Set(l, k, v); err != nil {
				return fmt.Errorf("set %s in [%s]: %w", k, l, err)
			}
			if _, err := file.Delete(name, k); err != nil {
				return fmt.Errorf("remove %s from [%s]: %w", k, name, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("move keys in %s: %w", f.credPath, err)
	}
	return nil
}

// checkMovable holds the refusals of Setup; it runs again under the lock.
func checkMovable(f *awsFiles, name, l string) error {
	switch {
	case f.cred.Count(name) > 1:
		return fmt.Errorf("[%s] appears %d times in %s: merge them by hand: %w", name, f.cred.Count(name), f.credPath, ErrDuplicateSection)
	case f.cred.Count(l) > 1:
		return fmt.Errorf("[%s] appears %d times in %s: merge them by hand: %w", l, f.cred.Count(l), f.credPath, ErrDuplicateSection)
	case f.repeatedKeyProblem(name) != nil:
		return f.repeatedKeyProblem(name)
	case hasSessionToken(f, name) && !isLongTermSection(f, name):
		return fmt.Errorf("[%s] holds a session, not long-term keys: nothing to move", name)
	case f.credGet(name, "aws_access_key_id") == "" || f.credGet(name, "aws_secret_access_key") == "":
		return fmt.Errorf("[%s] in %s has no aws_access_key_id and aws_secret_access_key to move", name, f.credPath)
	case f.credGet(l, "aws_access_key_id") != "" || f.credGet(l, "aws_secret_access_key") != "":
		return fmt.Errorf("[%s] in %s already holds keys; awsmfa will not overwrite them: %w", l, f.credPath, ErrLongTermSection)
	case f.inKeychain(l):
		return fmt.Errorf("the long-term keys of [%s] are already in the OS keychain; awsmfa will not put other keys beside them: %w", l, ErrLongTermSection)
	}
	return nil
}
