package session

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// The naming conventions users already live by: [XPerm] (the original
// awsmfa script) and [X-long-term] (aws-mfa).
const (
	permSuffix     = "Perm"
	longTermSuffix = "-long-term"
	// keychainMarker in [L] says the long-term keys live in the OS keychain.
	keychainMarker = "awsmfa_keychain"
)

var serialRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:mfa/[\w+=,.@/-]+$`)

// Profiles lists every profile that can log in with MFA, sorted by name.
// Profiles with a Problem are included so the UI can say what to fix.
func (m *Manager) Profiles() ([]Profile, error) {
	f, err := m.load()
	if err != nil {
		return nil, err
	}
	return f.profiles(), nil
}

// Profile resolves one profile by name (X), or returns an error that says
// what to add and where. A profile with a Problem is returned with a nil
// error: the caller decides whether the problem matters.
func (m *Manager) Profile(name string) (Profile, error) {
	f, err := m.load()
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
	if !f.exists(name) {
		return Profile{}, fmt.Errorf("profile %q: %w: it is in neither %s nor %s; add its long-term keys to [%s%s] in %s and mfa_serial to [profile %s%s] in %s",
			name, ErrNotMFAProfile, f.cfgPath, f.credPath, name, permSuffix, f.credPath, name, permSuffix, f.cfgPath)
	}
	if _, ok := f.cfg.Get("profile "+name, "role_arn"); ok {
		return Profile{}, fmt.Errorf("profile %q: %w: it assumes a role (role_arn); the AWS CLI and SDKs already ask for its MFA code", name, ErrNotMFAProfile)
	}
	return Profile{}, fmt.Errorf("profile %q: %w: no long-term profile [%s%s] or [%s%s] and no source_profile; run \"awsmfa setup --profile %s\" to move its keys to [%s%s]",
		name, ErrNotMFAProfile, name, permSuffix, name, longTermSuffix, name, name, permSuffix)
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
	if src, ok := f.cfg.Get(sdkSection, "source_profile"); ok && src == l {
		// aws-sdk-go-v2 refuses source_profile without role_arn
		// ("source_profile requires role_arn"), so Go tools cannot use the
		// session; botocore and the AWS CLI can.
		p.Warning = joinWarnings(p.Warning, fmt.Sprintf("source_profile without role_arn in the config of %s makes Go-based tools (aws-sdk-go-v2, Terraform) refuse the profile; remove it", x))
		if strings.HasSuffix(l, permSuffix) || strings.HasSuffix(l, longTermSuffix) {
			p.Warning += fmt.Sprintf(": the name %s alone links the keys", l)
		}
	}
	for _, file := range []struct {
		path string
		bom  bool
	}{{f.credPath, f.cred.HasBOM()}, {f.cfgPath, f.cfg.HasBOM()}} {
		if file.bom {
			p.Warning = joinWarnings(p.Warning, file.path+" starts with a byte-order mark, which the AWS CLI cannot read and the Go SDK misreads: save it as UTF-8 without BOM")
		}
	}
	serial, where := f.serial(x, l)
	p.Serial = serial
	switch {
	case p.Problem != nil:
	case f.cred.Count(x) > 1:
		p.Problem = fmt.Errorf("[%s] appears %d times in %s: merge them into one section by hand", x, f.cred.Count(x), f.credPath)
	case isLongTermSection(f, x):
		p.Problem = f.longTermProblem(x)
	case !f.exists(l):
		p.Problem = fmt.Errorf("source_profile %q of %s does not exist: add [%s] with the long-term keys to %s", l, x, l, f.credPath)
	case f.credGet(l, "aws_session_token") != "" || f.credGet(l, "aws_security_token") != "" || strings.HasPrefix(f.credGet(l, "aws_access_key_id"), "ASIA"):
		p.Problem = fmt.Errorf("[%s] in %s holds session credentials, and STS cannot start an MFA session from a session: put the IAM user's long-term keys (AKIA...) there", l, f.credPath)
	case !f.hasLongTermKeys(l):
		p.Problem = fmt.Errorf("no long-term keys for %s: add aws_access_key_id and aws_secret_access_key to [%s] in %s", x, l, f.credPath)
	case serial == "":
		p.Problem = fmt.Errorf("no MFA device for %s: add \"mfa_serial = arn:aws:iam::ACCOUNT_ID:mfa/DEVICE\" to [profile %s] in %s", x, l, f.cfgPath)
	case !serialRE.MatchString(serial):
		p.Problem = fmt.Errorf("mfa_serial %q (%s) is not an MFA device ARN like arn:aws:iam::123456789012:mfa/alice: fix it", serial, where)
	}
	return p, true
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
			return 0, fmt.Errorf("duration_seconds %q of %s in %s is not a whole number of seconds", v, n, f.cfgPath)
		}
		d := time.Duration(secs) * time.Second
		if err := checkDuration(d); err != nil {
			return 0, fmt.Errorf("duration_seconds of %s in %s: %w", n, f.cfgPath, err)
		}
		return d, nil
	}
	return 0, nil
}

func joinWarnings(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
