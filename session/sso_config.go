package session

import (
	"fmt"
	"sort"
	"strings"
)

// The config keys of IAM Identity Center, as the SDKs name them.
const (
	ssoSessionPrefix = "sso-session "
	keySSOSession    = "sso_session"
	keySSOStartURL   = "sso_start_url"
	keySSORegion     = "sso_region"
	keySSOScopes     = "sso_registration_scopes"
	keySSOAccountID  = "sso_account_id"
	keySSORoleName   = "sso_role_name"
)

// sdkProfileSection is the config section the SDKs read for profile name:
// [profile name], and [default] for default. Unlike the MFA conventions,
// a bare [name] is not an SSO profile to any SDK.
func (f *awsFiles) sdkProfileSection(name string) (string, bool) {
	if f.cfg.Count("profile "+name) > 0 {
		return "profile " + name, true
	}
	if name == "default" && f.cfg.Count("default") > 0 {
		return "default", true
	}
	return "", false
}

// sdkProfiles lists the profiles of the config file as the SDKs see them.
func (f *awsFiles) sdkProfiles() []string {
	seen := map[string]bool{}
	var out []string
	for _, sec := range f.cfg.Sections() {
		name, ok := strings.CutPrefix(sec, "profile ")
		if !ok && sec == "default" {
			name, ok = sec, true
		}
		name = strings.TrimSpace(name)
		if ok && name != "" && !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

func (f *awsFiles) get(section, key string) string {
	v, _ := f.cfg.Get(section, key)
	return strings.TrimSpace(v)
}

// parseScopes reads sso_registration_scopes as the AWS CLI does: a comma
// separated list, blanks dropped.
func parseScopes(raw string) []string {
	var out []string
	for _, s := range strings.Split(raw, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// ssoSessions finds every session the config describes, with the
// profiles that use each, sorted: named sessions by name, then legacy
// start URLs.
func (m *Manager) ssoSessions(f *awsFiles) []SSOSession {
	byName := map[string]*SSOSession{}
	var order []string
	for _, sec := range f.cfg.Sections() {
		rest, ok := strings.CutPrefix(sec, ssoSessionPrefix)
		name := strings.TrimSpace(rest)
		if !ok || name == "" || byName[name] != nil {
			continue
		}
		s := &SSOSession{
			Name:     name,
			StartURL: f.get(sec, keySSOStartURL),
			Region:   f.get(sec, keySSORegion),
			Scopes:   parseScopes(f.get(sec, keySSOScopes)),
		}
		s.TokenFile = m.ssoTokenPath(s.cacheKey())
		var missing []string
		if s.StartURL == "" {
			missing = append(missing, keySSOStartURL)
		}
		if s.Region == "" {
			missing = append(missing, keySSORegion)
		}
		if len(missing) > 0 {
			s.Problem = fmt.Errorf("[%s] in %s has no %s: add it (\"aws configure sso-session\" writes it)", sec, f.cfgPath, strings.Join(missing, " or "))
		}
		if f.cfg.Count(sec) > 1 {
			s.Problem = duplicateSection(sec, f.cfg.Count(sec), f.cfgPath)
		}
		byName[name] = s
		order = append(order, name)
	}
	legacy := map[string]*SSOSession{}
	var legacyOrder []string
	for _, name := range f.sdkProfiles() {
		sec, _ := f.sdkProfileSection(name)
		p := SSOProfile{Name: name, AccountID: f.get(sec, keySSOAccountID), RoleName: f.get(sec, keySSORoleName)}
		if sn := f.get(sec, keySSOSession); sn != "" {
			s := byName[sn]
			if s == nil {
				s = &SSOSession{Name: sn}
				s.TokenFile = m.ssoTokenPath(s.cacheKey())
				s.Problem = fmt.Errorf("profile %s uses sso_session %s, but %s has no [sso-session %s]: add that section with sso_start_url and sso_region, or fix the name", name, sn, f.cfgPath, sn)
				byName[sn] = s
				order = append(order, sn)
			}
			p.Problem = f.checkSessionProfile(sec, name, sn)
			s.Profiles = append(s.Profiles, p)
			continue
		}
		start := f.get(sec, keySSOStartURL)
		if start == "" {
			continue // not an SSO profile (or one the SDKs refuse, with no session to list it under)
		}
		s := legacy[start]
		region := f.get(sec, keySSORegion)
		if s == nil {
			s = &SSOSession{Name: start, Legacy: true, StartURL: start, Region: region}
			s.TokenFile = m.ssoTokenPath(s.cacheKey())
			legacy[start] = s
			legacyOrder = append(legacyOrder, start)
		}
		p.Problem = f.checkLegacyProfile(sec, name, region, s)
		s.Profiles = append(s.Profiles, p)
	}
	var out []SSOSession
	sort.Strings(order)
	for _, n := range order {
		out = append(out, *byName[n])
	}
	sort.Strings(legacyOrder)
	for _, u := range legacyOrder {
		s := legacy[u]
		if s.Region == "" {
			s.Problem = fmt.Errorf("the profiles of %s have no sso_region: add it to [profile %s] in %s", u, s.Profiles[0].Name, f.cfgPath)
		}
		out = append(out, *s)
	}
	for i := range out {
		sort.Slice(out[i].Profiles, func(a, b int) bool { return out[i].Profiles[a].Name < out[i].Profiles[b].Name })
	}
	return out
}

// checkSessionProfile applies botocore's rule, the stricter of the SDKs':
// a key set both in the profile and in its sso-session must agree.
func (f *awsFiles) checkSessionProfile(sec, name, session string) error {
	ssec := ssoSessionPrefix + session
	if f.cfg.Count(ssec) == 0 {
		return nil
	}
	for _, k := range f.cfg.Keys(ssec) {
		pv, ok := f.cfg.Get(sec, k)
		if !ok {
			continue
		}
		if sv := f.get(ssec, k); strings.TrimSpace(pv) != sv {
			return fmt.Errorf("%s of profile %s (%s) differs from %s in [%s] (%s), so the AWS CLI and SDKs refuse the profile: remove it from [%s] in %s", k, name, strings.TrimSpace(pv), k, ssec, sv, sec, f.cfgPath)
		}
	}
	return f.checkAccountRole(sec, name)
}

// checkLegacyProfile wants what aws-sdk-go-v2 wants of a legacy profile,
// and one region per start URL: they share one token.
func (f *awsFiles) checkLegacyProfile(sec, name, region string, s *SSOSession) error {
	var missing []string
	for _, k := range []string{keySSORegion, keySSOAccountID, keySSORoleName} {
		if f.get(sec, k) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("profile %s has sso_start_url but no %s: add it to [%s] in %s", name, strings.Join(missing, " or "), sec, f.cfgPath)
	}
	if s.Region != "" && region != s.Region {
		return fmt.Errorf("profile %s has sso_region %s but other profiles of %s have %s, and they share one token: make them equal in %s", name, region, s.StartURL, s.Region, f.cfgPath)
	}
	return nil
}

func (f *awsFiles) checkAccountRole(sec, name string) error {
	acct, role := f.get(sec, keySSOAccountID), f.get(sec, keySSORoleName)
	switch {
	case acct != "" && role == "":
		return fmt.Errorf("profile %s has sso_account_id but no sso_role_name: add it to [%s] in %s", name, sec, f.cfgPath)
	case role != "" && acct == "":
		return fmt.Errorf("profile %s has sso_role_name but no sso_account_id: add it to [%s] in %s", name, sec, f.cfgPath)
	}
	return nil
}

// findSSOSession picks the session named name: an [sso-session name], or
// a legacy start URL.
func (m *Manager) findSSOSession(f *awsFiles, name string) (SSOSession, error) {
	all := m.ssoSessions(f)
	for _, s := range all {
		if s.Name == name {
			return s, nil
		}
	}
	var names []string
	for _, s := range all {
		names = append(names, s.Name)
	}
	if len(names) == 0 {
		return SSOSession{}, fmt.Errorf("there is no [sso-session %s] in %s, and no SSO session at all: add one (\"aws configure sso-session\" writes it)", name, f.cfgPath)
	}
	return SSOSession{}, fmt.Errorf("there is no [sso-session %s] in %s: the SSO sessions there are %s", name, f.cfgPath, strings.Join(names, ", "))
}

// SSOSessionOf names the session profile logs in with, as "aws sso login
// --profile" finds it.
func (m *Manager) SSOSessionOf(profile string) (string, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return "", err
	}
	for _, s := range m.ssoSessions(f) {
		for _, p := range s.Profiles {
			if p.Name == profile {
				return s.Name, nil
			}
		}
	}
	if _, ok := f.sdkProfileSection(profile); !ok {
		return "", fmt.Errorf("there is no [profile %s] in %s", profile, f.cfgPath)
	}
	return "", fmt.Errorf("profile %s does not use IAM Identity Center: it has neither sso_session nor sso_start_url in %s", profile, f.cfgPath)
}
