package session

import (
	"errors"
	"fmt"
	"strings"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// ErrSerialNeeded is wrapped when Setup needs an MFA device ARN that it was
// not given and the files do not hold (or hold one that is not an ARN), so
// a UI can ask for one and call Setup again.
var ErrSerialNeeded = errors.New("an MFA device ARN is needed")

// serialNeeded is an ErrSerialNeeded whose text is only its sentence.
type serialNeeded struct{ msg string }

func (e *serialNeeded) Error() string        { return e.msg }
func (e *serialNeeded) Is(target error) bool { return target == ErrSerialNeeded }

// SerialTemplate is the shape of an MFA device ARN, for advice sentences.
const SerialTemplate = "arn:aws:iam::ACCOUNT_ID:mfa/DEVICE"

// SetupResult says what Setup changed, one sentence per change; none when
// the profile was already set up.
type SetupResult struct {
	Changes []string
}

// ValidateSerial accepts an MFA device ARN (virtual, U2F or hardware).
func ValidateSerial(serial string) error {
	if !isIAMARN(serial, "mfa") {
		return fmt.Errorf("%q is not an MFA device ARN like arn:aws:iam::123456789012:mfa/alice", serial)
	}
	return nil
}

// Setup makes profile name an MFA profile, or repairs one that cannot log
// in, changing only what it needs: long-term keys in [name] of the
// credentials file move to its long-term profile ([namePerm] when nothing
// links one); serial, when given, becomes mfa_serial in the config file;
// and source_profile without role_arn in [profile name], which aws-sdk-go-v2
// refuses, is removed when the long-term profile's name links it anyway, or
// moved to a bare [name] section that only awsmfa reads. Each file changes
// in one atomic write, the config first: a failure between the two leaves a
// state that Setup, run again, finishes.
func (m *Manager) Setup(name, serial string) (SetupResult, error) {
	ctx := m.opContext()
	var res SetupResult
	for _, suffix := range []string{permSuffix, longTermSuffix} {
		if base, ok := strings.CutSuffix(name, suffix); ok && base != "" {
			return res, fmt.Errorf("%q is the long-term profile of %s: run %s instead", name, base, setupCommand(base, false))
		}
	}
	serial = strings.TrimSpace(serial)
	if serial != "" {
		if err := ValidateSerial(serial); err != nil {
			return res, err
		}
	}
	f, err := m.load(ctx)
	if err != nil {
		return res, err
	}
	plan, err := planSetup(f, name, serial)
	if err != nil {
		return res, err
	}
	if plan.configChanges() {
		err := inifile.UpdateContext(ctx, f.cfgPath, func(file *inifile.File) error {
			live := &awsFiles{cfgPath: f.cfgPath, credPath: f.credPath, cfg: file, cred: f.cred}
			p, err := planSetup(live, name, serial)
			if err != nil {
				return err
			}
			res.Changes, err = p.applyConfig(live)
			return err
		})
		if err != nil {
			return SetupResult{}, fmt.Errorf("update %s: %w", f.cfgPath, err)
		}
	}
	if plan.credChanges() {
		if f, err = m.load(ctx); err != nil {
			return res, err
		}
		var changes []string
		err := inifile.UpdateContext(ctx, f.credPath, func(file *inifile.File) error {
			live := &awsFiles{cfgPath: f.cfgPath, credPath: f.credPath, cfg: f.cfg, cred: file}
			p, err := planSetup(live, name, serial)
			if err != nil {
				return err
			}
			changes, err = p.applyCred(live)
			return err
		})
		if err != nil {
			return res, fmt.Errorf("update %s: %w", f.credPath, err)
		}
		res.Changes = append(res.Changes, changes...)
	}
	// Setup promises a profile that logs in: say so when it does not.
	if f, err = m.load(ctx); err != nil {
		return res, err
	}
	p, err := f.profile(name)
	if err != nil {
		return res, err
	}
	return res, p.Problem
}

// setupPlan is what Setup will change for one profile.
type setupPlan struct {
	name, l string
	// moveKeys moves the keys of [name] to [l]; dropKeys removes them from
	// [name] because [l] holds the very same pair.
	moveKeys, dropKeys bool
	// serial is recorded in serialSection, replacing oldSerial when set.
	serial, serialSection, oldSerial string
	// srcSection is the config section whose source_profile goes; to bare
	// [name] when srcMove is set.
	srcSection string
	srcMove    bool
}

func (p setupPlan) configChanges() bool { return p.serial != "" || p.srcSection != "" }
func (p setupPlan) credChanges() bool   { return p.moveKeys || p.dropKeys }

// planSetup works out Setup's changes on f, or says in one sentence why it
// cannot and what to do instead. It runs again on each file under its lock.
func planSetup(f *awsFiles, name, serial string) (setupPlan, error) {
	p := setupPlan{name: name}
	if _, ok := f.cfgGet(name, "role_arn"); ok {
		return p, fmt.Errorf("profile %q assumes a role (role_arn): the AWS CLI and SDKs ask for its MFA code themselves, so it needs no setup", name)
	}
	if n := f.cred.Count(name); n > 1 {
		return p, duplicateSection(name, n, f.credPath)
	}
	l, linked := f.longTermFor(name)
	if !linked {
		l = name + permSuffix
	}
	p.l = l
	if n := f.cred.Count(l); n > 1 {
		return p, duplicateSection(l, n, f.credPath)
	}
	if err := planKeys(f, &p, linked); err != nil {
		return p, err
	}
	if err := planSerial(f, &p, serial); err != nil {
		return p, err
	}
	return p, planSourceProfile(f, &p)
}

func planKeys(f *awsFiles, p *setupPlan, linked bool) error {
	name, l := p.name, p.l
	id, secret := f.credGet(name, "aws_access_key_id"), f.credGet(name, "aws_secret_access_key")
	lID, lSecret := f.credGet(l, "aws_access_key_id"), f.credGet(l, "aws_secret_access_key")
	if isLongTermSection(f, name) {
		if akiaLine(f.cred, name) > 0 && hasSessionToken(f, name) {
			return f.longTermProblem(name) // a key and a session mixed: by hand
		}
		if err := f.repeatedKeyProblem(name); err != nil {
			return err
		}
		switch {
		case id == "" || secret == "":
			return fmt.Errorf("[%s] in %s holds only one of aws_access_key_id and aws_secret_access_key: add the other one of the same IAM user key, then run %s", name, f.credPath, setupCommand(name, false))
		case f.inKeychain(l):
			return fmt.Errorf("[%s] in %s holds long-term keys, and those of [%s] are in the OS keychain: delete aws_access_key_id and aws_secret_access_key from [%s], where the session goes", name, f.credPath, l, name)
		case lID == id && lSecret == secret:
			p.dropKeys = true
		case lID != "" || lSecret != "":
			return fmt.Errorf("[%s] and [%s] in %s both hold long-term keys: keep the pair that works in [%s] and delete aws_access_key_id and aws_secret_access_key from [%s], where the session goes", name, l, f.credPath, l, name)
		default:
			p.moveKeys = true
		}
		return nil
	}
	switch {
	case !linked && hasSessionToken(f, name):
		return fmt.Errorf("[%s] in %s holds a session, not long-term keys: add the IAM user's aws_access_key_id and aws_secret_access_key to [%s%s] in %s, then run %s",
			name, f.credPath, name, permSuffix, f.credPath, setupCommand(name, true))
	case !linked:
		return fmt.Errorf("profile %q has no long-term keys: add the IAM user's aws_access_key_id and aws_secret_access_key to [%s%s] in %s, then run %s",
			name, name, permSuffix, f.credPath, setupCommand(name, true))
	case f.holdsSession(l):
		return sessionInLongTermError(l, f.credPath)
	case !f.hasLongTermKeys(l):
		return f.noKeysError(name, l)
	}
	return nil
}

func planSerial(f *awsFiles, p *setupPlan, serial string) error {
	existing, where := f.serial(p.name, p.l)
	if serial == "" {
		switch {
		case existing == "":
			return &serialNeeded{fmt.Sprintf("no MFA device for %s: pass --serial %s, the ARN shown in the IAM console under Security credentials", p.name, SerialTemplate)}
		case !isIAMARN(existing, "mfa"):
			return &serialNeeded{fmt.Sprintf("mfa_serial %q (%s) is not an MFA device ARN: pass the right one with --serial %s", existing, where, SerialTemplate)}
		}
		return nil
	}
	if serial == existing {
		return nil
	}
	p.serial, p.oldSerial = serial, existing
	// Write where the serial is read from first, so the new one wins: the
	// config of X if it has one there, else the config of L (which beats
	// aws_mfa_device in the credentials file).
	if sec, ok := f.cfgSectionWith(p.name, "mfa_serial"); ok {
		p.serialSection = sec
		return nil
	}
	if sec, ok := f.cfgSectionWith(p.l, "mfa_serial"); ok {
		p.serialSection = sec
		return nil
	}
	p.serialSection = "profile " + p.l
	if f.cfg.Count(p.serialSection) == 0 && f.cfg.Count(p.l) > 0 {
		p.serialSection = p.l // keep using the user's bare [L]
	}
	return nil
}

func planSourceProfile(f *awsFiles, p *setupPlan) error {
	sec, ok := sdkSourceProfile(f, p.name, p.l)
	if !ok {
		return nil
	}
	p.srcSection = sec
	if conventional(p.name, p.l) {
		return nil
	}
	if p.name == "default" {
		// Every reader takes [default] as a profile: no section is left
		// for source_profile to hide in.
		return fmt.Errorf("source_profile = %s in [%s] of %s makes Go-based tools (aws-sdk-go-v2, Terraform) refuse the default profile: rename [%s] to [default%s] in %s (and in %s, if it is there), then delete source_profile from [%s]",
			p.l, sec, f.cfgPath, p.l, permSuffix, f.credPath, f.cfgPath, sec)
	}
	p.srcMove = true
	return nil
}

// applyConfig makes the plan's config changes on f.cfg.
func (p setupPlan) applyConfig(f *awsFiles) ([]string, error) {
	var changes []string
	if p.serial != "" {
		if err := f.cfg.Set(p.serialSection, "mfa_serial", p.serial); err != nil {
			return nil, fmt.Errorf("set mfa_serial in [%s]: %w", p.serialSection, err)
		}
		if p.oldSerial != "" {
			changes = append(changes, fmt.Sprintf("Replaced mfa_serial %s with %s in [%s] of %s", p.oldSerial, p.serial, p.serialSection, f.cfgPath))
		} else {
			changes = append(changes, fmt.Sprintf("Recorded mfa_serial = %s for %s in [%s] of %s", p.serial, p.name, p.serialSection, f.cfgPath))
		}
	}
	if p.srcSection != "" {
		if p.srcMove {
			if err := f.cfg.Set(p.name, "source_profile", p.l); err != nil {
				return nil, fmt.Errorf("set source_profile in [%s]: %w", p.name, err)
			}
		}
		if _, err := f.cfg.Delete(p.srcSection, "source_profile"); err != nil {
			return nil, fmt.Errorf("remove source_profile from [%s]: %w", p.srcSection, err)
		}
		if p.srcMove {
			changes = append(changes, fmt.Sprintf("Moved source_profile = %s from [%s] to [%s] of %s, where Go-based tools do not read it", p.l, p.srcSection, p.name, f.cfgPath))
		} else {
			changes = append(changes, fmt.Sprintf("Removed source_profile from [%s] of %s: the name %s links the keys", p.srcSection, f.cfgPath, p.l))
		}
	}
	return changes, nil
}

// applyCred makes the plan's credentials-file changes on f.cred.
func (p setupPlan) applyCred(f *awsFiles) ([]string, error) {
	keys := []string{"aws_access_key_id", "aws_secret_access_key"}
	switch {
	case p.moveKeys:
		for _, k := range keys {
			v, _ := f.cred.Get(p.name, k)
			if err := f.cred.Set(p.l, k, v); err != nil {
				return nil, fmt.Errorf("set %s in [%s]: %w", k, p.l, err)
			}
		}
	case p.dropKeys:
	default:
		return nil, nil
	}
	for _, k := range keys {
		if _, err := f.cred.Delete(p.name, k); err != nil {
			return nil, fmt.Errorf("remove %s from [%s]: %w", k, p.name, err)
		}
	}
	if p.moveKeys {
		return []string{fmt.Sprintf("Moved the long-term keys of [%s] to [%s] in %s", p.name, p.l, f.credPath)}, nil
	}
	return []string{fmt.Sprintf("Removed the long-term keys from [%s] in %s: [%s] holds the same ones", p.name, f.credPath, p.l)}, nil
}

// sdkSourceProfile reports the config section that aws-sdk-go-v2 reads for
// x when it has source_profile = l without role_arn, the layout the SDK
// refuses ("source_profile requires role_arn"). It ignores bare [x] but for
// default.
func sdkSourceProfile(f *awsFiles, x, l string) (string, bool) {
	sec := "profile " + x
	if x == "default" && f.cfg.Count(sec) == 0 {
		sec = x
	}
	if src, ok := f.cfg.Get(sec, "source_profile"); !ok || src != l {
		return "", false
	}
	if _, ok := f.cfg.Get(sec, "role_arn"); ok {
		return "", false
	}
	return sec, true
}

// conventional reports whether l's name alone links it to x.
func conventional(x, l string) bool { return l == x+permSuffix || l == x+longTermSuffix }

// cfgSectionWith returns the config section of profile name that holds key.
func (f *awsFiles) cfgSectionWith(name, key string) (string, bool) {
	for _, sec := range configSections(name) {
		if v, ok := f.cfg.Get(sec, key); ok && v != "" {
			return sec, true
		}
	}
	return "", false
}

// setupCommand is the setup command line for profile name, with a --serial
// placeholder when the profile still needs its device.
func setupCommand(name string, serial bool) string {
	c := fmt.Sprintf("\"awsmfa --profile %s setup", ShellWord(name))
	if serial {
		c += " --serial " + SerialTemplate
	}
	return c + "\""
}

// ShellWord quotes s for a POSIX shell when it needs it, so that a command
// in an advice sentence can be pasted as it is.
func ShellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+=,@/:") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
