package session

import (
	"sort"
	"strings"
)

// ProfileNames lists every profile either file names, sorted, long-term
// profiles ([XPerm], [X-long-term]) left out: the names a user types.
func (m *Manager) ProfileNames() ([]string, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range f.profileNames() {
		if !strings.HasSuffix(n, permSuffix) && !strings.HasSuffix(n, longTermSuffix) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

// PlainProfiles lists the profiles that "awsmfa setup" can turn into MFA
// profiles: [X] in the credentials file holds an IAM user's long-term keys,
// and X is neither an MFA profile nor the long-term profile of one.
func (m *Manager) PlainProfiles() ([]string, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return nil, err
	}
	return f.plainProfiles(), nil
}

func (f *awsFiles) plainProfiles() []string {
	used := map[string]bool{}
	for _, p := range f.profiles() {
		used[p.Name], used[p.LongTerm] = true, true
	}
	var out []string
	for _, n := range f.cred.Sections() {
		if used[n] || strings.ContainsAny(n, " \t") || strings.HasSuffix(n, permSuffix) || strings.HasSuffix(n, longTermSuffix) {
			continue
		}
		if _, role := f.cfgGet(n, "role_arn"); !role && isLongTermSection(f, n) {
			used[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
