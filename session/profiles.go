package session

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// The naming conventions users already live by: [XPerm] (the original
// awsmfa script) and [X-long-term] (aws-mfa).
const (
	permSuffix     = "Perm"
	longTermSuffix = "-long-term"
	// keychainMarker in [L] says the long-term keys live in the OS keychain.
	keychainMarker = "awsmfa_keychain"
)

// Profiles lists every profile that can log in with MFA, sorted by name.
// Profiles with a Problem are included so the UI can say what to fix.
func (m *Manager) Profiles() ([]Profile, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return nil, err
	}
	return f.profiles(), nil
}

// Profile resolves one profile by name (X), or returns an error that says
// what to add and where. A profile with a Problem is returned with a nil
// error: the caller decides whether the problem matters.
func (m *Manager) Profile(name string) (Profile, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return Profile{}, err
	}
	return f.profile(name)
}

func (f *awsFiles) profiles() []Profile {
	var out []Profile
	for _, x := range f.candidates() {
		if p, ok := f.resolve(x); ok {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// candidates are the names that might be MFA profiles: every profile the
// files name, plus X for every [XPerm] / [X-long-term] even when [X] does
// not exist yet (the first login creates it).
func (f *awsFiles) candidates() []string {
	names := f.profileNames()
	seen := map[string]bool{}
	for _, n := range names {
		seen[n] = true
	}
	for _, n := range names {
		for _, suffix := range []string{permSuffix, longTermSuffix} {
			if base, ok := strings.CutSuffix(n, suffix); ok && base != "" && !seen[base] {
				seen[base] = true
				names = append(names, base)
			}
		}
	}
	return names
}

func (f *awsFiles) profile(name string) (Profile, error) {
	if p, ok := f.resolve(name); ok {
		return p, nil
	}
	return Profile{}, fmt.Errorf("profile %q: %w", name, f.notMFA(name))
}

// notMFA says why name, which resolve does not take, is not an MFA profile
// and what makes it one.
func (f *awsFiles) notMFA(name string) error {
	if _, ok := f.cfgGet(name, "role_arn"); ok {
		return fmt.Errorf("%w: it assumes a role (role_arn) with the session of its source_profile; \"awsmfa credential-process --profile %s\" serves it", ErrNotMFAProfile, name)
	}
	if isLongTermSection(f, name) {
		_, needSerial := f.serial(name, name+permSuffix)
		return fmt.Errorf("%w yet: its long-term keys are in [%s] of %s, where the session would go: run %s to move them to [%s%s]",
			ErrNotMFAProfile, name, f.credPath, setupCommand(name, needSerial == ""), name, permSuffix)
	}
	if err := f.devNullProblem(name); err != nil {
		return sentence(ErrNotMFAProfile, "%w", err)
	}
	where := "it has no long-term keys"
	if !f.exists(name) {
		where = fmt.Sprintf("it is in neither %s nor %s", f.cfgPath, f.credPath)
	}
	return f.named(fmt.Errorf("%w: %s; %s", ErrNotMFAProfile, where, AddKeysAdvice(name, f.credPath)))
}

// AddKeysAdvice is how a profile with no long-term keys becomes an MFA
// profile called name, keys in credPath.
func AddKeysAdvice(name, credPath string) string {
	return fmt.Sprintf("add the IAM user's aws_access_key_id and aws_secret_access_key to [%s%s] in %s, then run %s",
		name, permSuffix, credPath, setupCommand(name, true))
}

// SetupAdvice is what stops name from being an MFA profile and what makes
// it one, as "status --profile name" says it after the name; "" when name
// is one. The plain status hint gives this sentence, so the two never
// differ.
func (m *Manager) SetupAdvice(name string) (string, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return "", err
	}
	return f.setupAdvice(name), nil
}

func (f *awsFiles) setupAdvice(name string) string {
	if _, ok := f.resolve(name); ok {
		return ""
	}
	return f.notMFA(name).Error()
}

// longTermFor finds L for X, in the order the conventions rank them.
func (f *awsFiles) longTermFor(x string) (string, bool) {
	if _, hasRole := f.cfgGet(x, "role_arn"); hasRole {
		return "", false // a role profile: the SDKs do MFA for it themselves
	}
	if src, ok := f.cfgGet(x, "source_profile"); ok && src != x {
		return src, true
	}
	for _, l := range []string{x + permSuffix, x + longTermSuffix} {
		if f.exists(l) {
			return l, true
		}
	}
	return "", false
}

// resolve builds X's Profile; ok is false when X is not an MFA profile.
func (f *awsFiles) resolve(x string) (Profile, bool) {
	l, ok := f.longTermFor(x)
	if !ok {
		return Profile{}, false
	}
	p := Profile{Name: x, LongTerm: l}
	p.Region = f.region(x, l)
	p.Endpoint = f.stsEndpoint(x, l)
	p.CABundle = f.caBundle(x, l)
	if d, err := f.duration(x, l); err != nil {
		p.Problem = err
	} else {
		p.Duration = d
	}
	// Only [profile X] (and [default]) counts: the SDK ignores bare [X] in
	// the config file, which is why the original script's layout is fine.
	sdkSection := "profile " + x
	if x == "default" && f.cfg.Count(sdkSection) == 0 {
		sdkSection = x
	}
	if sec, ok := sdkSourceProfile(f, x, l); ok {
		// aws-sdk-go-v2 refuses source_profile without role_arn
		// ("source_profile requires role_arn"), so Go tools cannot use the
		// session; botocore and the AWS CLI can.
		p.Warning = joinWarnings(p.Warning, sourceProfileWarning(f, x, l, sec))
	}
	p.Warning = joinWarnings(p.Warning, f.bomWarning())
	serial, where := f.serial(x, l)
	p.Serial = serial
	p.HasMFAProcess = f.mfaProcess(p) != ""
	switch {
	case p.Problem != nil:
	case f.cred.Count(x) > 1:
		p.Problem = duplicateSection(x, f.cred.Count(x), f.credPath)
	case isLongTermSection(f, x):
		p.Problem = longTermInSessionSection(f, x, l, serial == "")
	case !f.exists(l):
		p.Problem = fmt.Errorf("source_profile %q of %s does not exist: add [%s] with the IAM user's long-term keys to %s", l, x, l, f.credPath)
	case f.holdsSession(l):
		p.Problem = sessionInLongTermError(l, f.credPath)
	case !f.hasLongTermKeys(l):
		p.Problem = f.noKeysError(x, l)
	case serial == "":
		p.Problem = fmt.Errorf("no MFA device for %s: run %s with the ARN shown in the IAM console under Security credentials", x, setupCommand(x, true))
	case !isIAMARN(serial, "mfa"):
		p.Problem = fmt.Errorf("mfa_serial %q (%s) is not an MFA device ARN like arn:aws:iam::123456789012:mfa/alice: run %s with the right one", serial, where, setupCommand(x, true))
	case f.botocoreRefusal() != nil:
		// Last: the sentences above name the fix for this profile.
		p.Problem = f.botocoreRefusal()
	default:
		p.Problem = f.stsEndpointProblem(x, l)
	}
	return p, true
}

// botocoreRefusal says which line of which file makes botocore (the AWS
// CLI, boto3) refuse it. Then no profile works there: a session written
// into it could be used by Go tools alone, so none may log in. A
// byte-order mark alone is the warning bomWarning gives.
func (f *awsFiles) botocoreRefusal() error {
	for _, file := range []struct {
		path string
		f    *inifile.File
	}{{f.credPath, f.cred}, {f.cfgPath, f.cfg}} {
		if r := file.f.BotocoreRefuses(); r != nil && !r.OnlyBOM {
			return fmt.Errorf("the AWS CLI and boto3 cannot read %s: %w", file.path, r)
		}
	}
	return nil
}

// bomWarning names the files that start with a byte-order mark, or is "".
func (f *awsFiles) bomWarning() string {
	var w string
	for _, file := range []struct {
		path string
		bom  bool
	}{{f.credPath, f.cred.HasBOM()}, {f.cfgPath, f.cfg.HasBOM()}} {
		if file.bom {
			w = joinWarnings(w, file.path+" starts with a byte-order mark, which the AWS CLI cannot read and the Go SDK misreads: save it as UTF-8 without BOM")
		}
	}
	return w
}

// sourceProfileWarning says what "awsmfa setup" does about source_profile
// without role_arn in sec, or what to do by hand for the default profile.
func sourceProfileWarning(f *awsFiles, x, l, sec string) string {
	w := fmt.Sprintf("source_profile without role_arn in [%s] of %s makes Go-based tools (aws-sdk-go-v2, Terraform) refuse the profile", sec, f.cfgPath)
	switch {
	case conventional(x, l):
		return fmt.Sprintf("%s: run %s to remove it (the name %s alone links the keys)", w, setupCommand(x, false), l)
	case x == "default":
		return fmt.Sprintf("%s: rename [%s] to [default%s] in %s (and in %s, if it is there), then delete source_profile from [%s]", w, l, permSuffix, f.credPath, f.cfgPath, sec)
	}
	return fmt.Sprintf("%s: run %s to move it to a bare [%s] section, which only awsmfa reads", w, setupCommand(x, false), x)
}

// longTermInSessionSection explains long-term keys in [x], where the
// session goes, with the fix that fits what [l] holds.
func longTermInSessionSection(f *awsFiles, x, l string, needSerial bool) error {
	if akiaLine(f.cred, x) > 0 && hasSessionToken(f, x) {
		return f.longTermProblem(x) // a key and a session mixed: by hand
	}
	id, secret := f.credGet(x, "aws_access_key_id"), f.credGet(x, "aws_secret_access_key")
	lID, lSecret := f.credGet(l, "aws_access_key_id"), f.credGet(l, "aws_secret_access_key")
	switch {
	case f.inKeychain(l) || (lID != "" || lSecret != "") && (lID != id || lSecret != secret):
		return sentence(ErrLongTermSection, "[%s] in %s holds long-term keys, which awsmfa never overwrites with a session, and [%s] holds the profile's own: delete aws_access_key_id and aws_secret_access_key from [%s] (keep the pair that works in [%s])", x, f.credPath, l, x, l)
	case lID != "":
		return sentence(ErrLongTermSection, "[%s] in %s holds the same long-term keys as [%s], and awsmfa never overwrites them with a session: run %s to remove them from [%s]", x, f.credPath, l, setupCommand(x, false), x)
	}
	return sentence(ErrLongTermSection, "[%s] in %s holds long-term keys, which awsmfa never overwrites with a session: run %s to move them to [%s]", x, f.credPath, setupCommand(x, needSerial), l)
}

// holdsSession reports whether long-term profile [l] holds session
// credentials instead of an IAM user's keys.
func (f *awsFiles) holdsSession(l string) bool {
	return f.credGet(l, "aws_session_token") != "" || f.credGet(l, "aws_security_token") != "" || strings.HasPrefix(f.credGet(l, "aws_access_key_id"), "ASIA")
}

func sessionInLongTermError(l, credPath string) error {
	return fmt.Errorf("[%s] in %s holds session credentials, and STS cannot start an MFA session from a session: put the IAM user's long-term keys (AKIA...) there", l, credPath)
}

func (f *awsFiles) noKeysError(x, l string) error {
	if err := f.devNullProblem(x); err != nil {
		return err
	}
	return fmt.Errorf("no long-term keys for %s: add the IAM user's aws_access_key_id and aws_secret_access_key to [%s] in %s", x, l, f.credPlace())
}

// devNullProblem says, when the credentials file is /dev/null, that
// profile x has no keys for that reason: adding them "to /dev/null" is no
// advice. Otherwise nil.
func (f *awsFiles) devNullProblem(x string) error {
	if f.credPath != os.DevNull {
		return nil
	}
	setting := f.credFrom
	if setting == "" {
		setting = "the credentials file setting"
	}
	return fmt.Errorf("no long-term keys for %s: the credentials file is %s, which holds no keys: point %s at your credentials file (or unset it), then try again",
		x, f.credPlace(), setting)
}

func (f *awsFiles) hasLongTermKeys(l string) bool {
	if f.inKeychain(l) {
		return true
	}
	return f.credGet(l, "aws_access_key_id") != "" && f.credGet(l, "aws_secret_access_key") != ""
}

// inKeychain reports whether [L] carries the marker that its long-term keys
// live in the OS keychain.
func (f *awsFiles) inKeychain(l string) bool {
	v, _ := f.cred.Get(l, keychainMarker)
	return v == "true"
}

// serial finds the MFA device: config of X, config of L, then the
// credentials section of L (aws-mfa's aws_mfa_device, or mfa_serial).
func (f *awsFiles) serial(x, l string) (serial, where string) {
	for _, n := range []string{x, l} {
		if v, ok := f.cfgGet(n, "mfa_serial"); ok {
			sec, _ := f.cfgSection(n)
			return v, fmt.Sprintf("[%s] in %s", sec, f.cfgPath)
		}
	}
	for _, key := range []string{"aws_mfa_device", "mfa_serial"} {
		if v := f.credGet(l, key); v != "" {
			return v, fmt.Sprintf("%s in [%s] in %s", key, l, f.credPath)
		}
	}
	return "", ""
}

func (f *awsFiles) region(x, l string) string {
	for _, n := range []string{x, l} {
		if v, ok := f.cfgGet(n, "region"); ok {
			return v
		}
	}
	if v := os.Getenv("AWS_REGION"); v != "" {
		return v
	}
	return "us-east-1"
}

func (f *awsFiles) duration(x, l string) (time.Duration, error) {
	for _, n := range []string{x, l} {
		v, ok := f.cfgGet(n, "duration_seconds")
		if !ok {
			continue
		}
		secs, err := strconv.Atoi(v)
		if err != nil {
			return 0, fmt.Errorf("duration_seconds %q of %s in %s is not a whole number of seconds: set it to seconds from 900 to 129600, or delete it", v, n, f.cfgPath)
		}
		d := time.Duration(secs) * time.Second
		if err := checkDuration(d); err != nil {
			return 0, fmt.Errorf("duration_seconds of %s in %s: %w: set it within that range, or delete it", n, f.cfgPath, err)
		}
		return d, nil
	}
	return 0, nil
}

func joinWarnings(a, b string) string {
	if a == "" {
		return b
	}
	if b == "" {
		return a
	}
	return a + "; " + b
}
