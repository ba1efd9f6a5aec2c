package session

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Role chaining: a role assumed with temporary credentials (here, the MFA
// session) lasts at most an hour, and an hour is STS's default.
const (
	MaxRoleDuration     = time.Hour
	DefaultRoleDuration = time.Hour
)

// ownKey is where "awsmfa setup" keeps a role key once the profile uses
// credential_process: the AWS readers ignore it, we read it.
func ownKey(key string) string { return "awsmfa_" + key }

// ErrNotRoleProfile is wrapped when a named profile has no role_arn.
var ErrNotRoleProfile = errors.New("not a role profile")

// RoleProfile is a profile that assumes an IAM role with the live session
// of an MFA profile, as AWS documents it: role_arn with source_profile
// naming the MFA profile (myaccount) or its long-term profile
// (myaccountPerm).
type RoleProfile struct {
	Name       string // the profile tools use, e.g. prod-admin
	RoleARN    string
	Source     string // source_profile as written
	MFAProfile string // X, the MFA profile whose session signs AssumeRole
	Serial     string // mfa_serial of the role, else of the MFA profile
	// Duration is duration_seconds, capped at MaxRoleDuration; 0 when
	// unset (STS's default, an hour).
	Duration    time.Duration
	SessionName string // role_session_name; empty: awsmfa picks one
	ExternalID  string
	Region      string // the role's region, else the MFA profile's
	Endpoint    string // STS endpoint override, resolved as for MFA profiles
	CABundle    CABundle
	// SetUp is true once "awsmfa setup" moved role_arn and source_profile
	// aside (to awsmfa_role_arn, awsmfa_source_profile) for
	// credential_process.
	SetUp bool
	// Problem says what to fix when the role cannot be assumed as written.
	Problem error
	// Warning is advice that does not stop the role from working.
	Warning string
}

// RoleProfiles lists the role profiles that lean on an MFA profile, sorted
// by name. Profiles with a Problem are included so a UI can say what to fix;
// roles the SDKs assume on their own (credential_source, web identity, a
// source profile awsmfa has nothing to do with) are left out.
func (m *Manager) RoleProfiles() ([]RoleProfile, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return nil, err
	}
	return f.roleProfiles(), nil
}

// RoleProfile resolves role profile name, or says why it is not one.
func (m *Manager) RoleProfile(name string) (RoleProfile, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return RoleProfile{}, err
	}
	return f.roleProfile(name)
}

func (f *awsFiles) roleProfiles() []RoleProfile {
	var out []RoleProfile
	for _, n := range f.profileNames() {
		r, err := f.roleProfile(n)
		if err != nil || !r.ours() {
			continue
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ours reports whether awsmfa has a part in r: it leans on an MFA profile,
// or setup pointed it at us, or its source chain is broken in a way only
// we would be asked about.
func (r RoleProfile) ours() bool {
	return r.MFAProfile != "" || r.SetUp || errors.Is(r.Problem, errSourceLoop) || errors.Is(r.Problem, errSourceIsRole)
}

// isRole reports whether name's config has role_arn, as written or moved
// aside by setup.
func (f *awsFiles) isRole(name string) bool {
	_, ok := f.roleGet(name, "role_arn")
	return ok
}

// roleGet reads a role key as written, else as setup moved it aside.
func (f *awsFiles) roleGet(name, key string) (string, bool) {
	if v, ok := f.cfgGet(name, key); ok {
		return v, true
	}
	return f.cfgGet(name, ownKey(key))
}

var (
	errSourceLoop   = errors.New("source profiles form a loop")
	errSourceIsRole = errors.New("source profile is a role")
)

// roleProfile resolves name. A profile without role_arn is an error
// wrapping ErrNotRoleProfile; a role that cannot be assumed as written is
// returned with its Problem set.
func (f *awsFiles) roleProfile(name string) (RoleProfile, error) {
	arn, ok := f.roleGet(name, "role_arn")
	if !ok {
		return RoleProfile{}, fmt.Errorf("profile %q: %w: it has no role_arn in %s", name, ErrNotRoleProfile, f.cfgPath)
	}
	r := RoleProfile{Name: name, RoleARN: arn}
	_, asWritten := f.cfgGet(name, "role_arn")
	r.SetUp = !asWritten
	r.Source, _ = f.roleGet(name, "source_profile")
	sec := "profile " + name
	if s, ok := f.cfgSection(name); ok {
		sec = s
	}
	where := fmt.Sprintf("[%s] in %s", sec, f.cfgPath)

	if cs, ok := f.cfgGet(name, "credential_source"); ok && r.Source == "" {
		return RoleProfile{}, fmt.Errorf("profile %q: %w: it takes its credentials from credential_source = %s, and the AWS SDKs assume that role themselves", name, ErrNotRoleProfile, cs)
	}
	if _, ok := f.cfgGet(name, "web_identity_token_file"); ok && r.Source == "" {
		return RoleProfile{}, fmt.Errorf("profile %q: %w: it uses web_identity_token_file, and the AWS SDKs assume that role themselves", name, ErrNotRoleProfile)
	}
	r.Problem = f.roleSource(&r, where)
	f.roleSettings(&r, where)
	return r, nil
}

// roleSource finds the MFA profile behind r.Source, or says why there is
// none.
func (f *awsFiles) roleSource(r *RoleProfile, where string) error {
	switch {
	case !isIAMARN(r.RoleARN, "role"):
		return fmt.Errorf("role_arn %q of %s is not a role ARN like arn:aws:iam::222233334444:role/admin: fix it in %s", r.RoleARN, r.Name, where)
	case r.Source == "":
		return fmt.Errorf("role profile %s has role_arn but no source_profile: add \"source_profile = myaccount\" (your MFA profile) to %s", r.Name, where)
	case r.Source == r.Name:
		return fmt.Errorf("the source profiles of %s form a loop (%s -> %s): point source_profile at your MFA profile (myaccount) or its long-term profile (myaccountPerm): %w", r.Name, r.Name, r.Name, errSourceLoop)
	case f.isRole(r.Source):
		return f.roleChainError(r)
	}
	if p, ok := f.resolve(r.Source); ok {
		r.MFAProfile = p.Name
		return mfaProblem(r, p)
	}
	switch {
	case !f.exists(r.Source):
		return fmt.Errorf("source_profile %q of %s does not exist in %s or %s: point it at your MFA profile (myaccount) or its long-term profile (myaccountPerm)", r.Source, r.Name, f.cfgPath, f.credPath)
	}
	if x, ok := f.mfaProfileOf(r.Source); ok {
		p, _ := f.resolve(x)
		r.MFAProfile = x
		return mfaProblem(r, p)
	}
	if isLongTermSection(f, r.Source) {
		return fmt.Errorf("source_profile %s of %s holds long-term keys that no MFA profile uses: run \"awsmfa setup --profile %s\" to move them to [%s%s], and keep source_profile = %s", r.Source, r.Name, r.Source, r.Source, permSuffix, r.Source)
	}
	return fmt.Errorf("source_profile %s of %s is not an MFA profile awsmfa logs in: point it at your MFA profile (myaccount) or its long-term profile (myaccountPerm)", r.Source, r.Name)
}

// mfaProfileOf finds the MFA profile whose long-term profile is l.
func (f *awsFiles) mfaProfileOf(l string) (string, bool) {
	for _, suffix := range []string{permSuffix, longTermSuffix} {
		if x, ok := strings.CutSuffix(l, suffix); ok && x != "" {
			if got, ok := f.longTermFor(x); ok && got == l {
				return x, true
			}
		}
	}
	var found []string
	for _, x := range f.profileNames() {
		if got, ok := f.longTermFor(x); ok && got == l && x != l {
			found = append(found, x)
		}
	}
	if len(found) == 0 {
		return "", false
	}
	sort.Strings(found)
	return found[0], true
}

// mfaProblem carries the MFA profile's own problem over to the role.
func mfaProblem(r *RoleProfile, p Profile) error {
	if p.Problem != nil {
		return fmt.Errorf("%s assumes its role with the MFA session of %s, which cannot log in: %w", r.Name, p.Name, p.Problem)
	}
	return nil
}

// roleChainError says what is wrong with a source profile that is itself
// a role: a loop, or a chain awsmfa does not follow.
func (f *awsFiles) roleChainError(r *RoleProfile) error {
	chain := []string{r.Name}
	seen := map[string]bool{r.Name: true}
	for cur := r.Source; cur != ""; {
		chain = append(chain, cur)
		if seen[cur] {
			return fmt.Errorf("the source profiles of %s form a loop (%s): point source_profile at your MFA profile (myaccount) or its long-term profile (myaccountPerm): %w", r.Name, strings.Join(chain, " -> "), errSourceLoop)
		}
		seen[cur] = true
		if !f.isRole(cur) {
			break
		}
		cur, _ = f.roleGet(cur, "source_profile")
	}
	end := chain[len(chain)-1]
	hint := "your MFA profile (myaccount) or its long-term profile (myaccountPerm)"
	if p, ok := f.resolve(end); ok {
		hint = p.Name
	} else if x, ok := f.mfaProfileOf(end); ok {
		hint = x
	}
	return fmt.Errorf("source_profile %s of %s is itself a role profile; awsmfa assumes a role only with an MFA session, so set source_profile = %s: %w", r.Source, r.Name, hint, errSourceIsRole)
}

// roleSettings reads the optional keys; a bad value becomes the Problem
// unless there is one already.
func (f *awsFiles) roleSettings(r *RoleProfile, where string) {
	var p Profile
	if r.MFAProfile != "" {
		p, _ = f.resolve(r.MFAProfile)
	}
	set := func(err error) {
		if r.Problem == nil {
			r.Problem = err
		}
	}
	r.Serial, _ = f.cfgGet(r.Name, "mfa_serial")
	if r.Serial == "" {
		r.Serial = p.Serial
	} else if p.Serial != "" && r.Serial != p.Serial {
		r.Warning = joinWarnings(r.Warning, fmt.Sprintf("mfa_serial of %s differs from %s's; awsmfa logs in with %s's device %s", r.Name, p.Name, p.Name, p.Serial))
	}
	if v, ok := f.cfgGet(r.Name, "duration_seconds"); ok {
		secs, err := strconv.Atoi(v)
		switch {
		case err != nil:
			set(fmt.Errorf("duration_seconds %q of %s in %s is not a whole number of seconds", v, r.Name, where))
		case secs < int(MinDuration/time.Second) || secs > 43200:
			set(fmt.Errorf("duration_seconds %d of %s in %s is out of range: STS accepts 900 to 43200 seconds for a role", secs, r.Name, where))
		case time.Duration(secs)*time.Second > MaxRoleDuration:
			r.Duration = MaxRoleDuration
			r.Warning = joinWarnings(r.Warning, fmt.Sprintf("duration_seconds %d of %s is capped at 3600: a role assumed with an MFA session lasts at most an hour (role chaining); tools renew it before it ends", secs, r.Name))
		default:
			r.Duration = time.Duration(secs) * time.Second
		}
	}
	if v, ok := f.cfgGet(r.Name, "role_session_name"); ok {
		if !isRoleSessionName(v) {
			set(fmt.Errorf("role_session_name %q of %s must be 2 to 64 letters, digits or +=,.@_- : fix it in %s", v, r.Name, where))
		}
		r.SessionName = v
	}
	if v, ok := f.cfgGet(r.Name, "external_id"); ok {
		if len(v) < 2 || len(v) > 1224 || !isExternalIDChars(v) {
			set(fmt.Errorf("external_id of %s must be 2 to 1224 letters, digits or +=,.@:/_- : fix it in %s", r.Name, where))
		}
		r.ExternalID = v
	}
	r.Region = p.Region
	if v, ok := f.cfgGet(r.Name, "region"); ok {
		r.Region = v
	}
	if r.Region == "" {
		r.Region = f.region(r.Name, r.Name)
	}
	r.Endpoint = f.stsEndpoint(r.Name, r.MFAProfile)
	r.CABundle = f.caBundle(r.Name, r.MFAProfile)
	if _, ok := f.cfgGet(r.Name, "credential_process"); ok && !r.SetUp {
		r.Warning = joinWarnings(r.Warning, fmt.Sprintf("%s has credential_process beside role_arn, so the AWS tools assume the role themselves and ask for a code: run \"awsmfa setup --profile %s\"", r.Name, r.Name))
	}
}
