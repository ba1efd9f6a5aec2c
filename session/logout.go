package session

import (
	"context"
	"fmt"
	"slices"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// Logout removes the session keys we own from [name] and leaves the rest of
// the section. It reports whether there was anything to remove. AWS cannot
// revoke the session: say RevocationNote to the user.
func (m *Manager) Logout(name string) (bool, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return false, err
	}
	if _, err := f.profile(name); err != nil {
		return false, err
	}
	removed, err := removeSessions(ctx, f, func(*awsFiles) []string { return []string{name} })
	return len(removed) > 0, err
}

// LogoutAll logs out of every MFA profile holding a session, in one write,
// and returns their names.
func (m *Manager) LogoutAll() ([]string, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return nil, err
	}
	return removeSessions(ctx, f, func(f *awsFiles) []string {
		var names []string
		for _, p := range f.profiles() {
			names = append(names, p.Name)
		}
		return names
	})
}

// removeSessions picks the targets from the credentials file as it is under
// the lock; f supplies the paths and the config file, and its read of the
// credentials file serves the write when the file has not changed since.
func removeSessions(ctx context.Context, f *awsFiles, targets func(*awsFiles) []string) ([]string, error) {
	var removed []string
	err := inifile.UpdateContext(ctx, f.credPath, func(file *inifile.File) error {
		removed = removed[:0]
		var created []string
		live := &awsFiles{cfgPath: f.cfgPath, credPath: f.credPath, cfg: f.cfg, cred: file}
		for _, name := range targets(live) {
			if !hasSessionToken(live, name) && live.credGet(name, "expiration") == "" {
				continue
			}
			if err := sessionSectionProblem(file, f.credPath, name); err != nil {
				return err
			}
			ours := live.credGet(name, createdMarker) == "true"
			for _, k := range sessionKeys {
				if _, err := file.Delete(name, k); err != nil {
					return editProblem(err, file, f.credPath, name, k, "remove")
				}
			}
			if ours {
				created = append(created, name)
			}
			removed = append(removed, name)
		}
		// Sections our logins created go away whole, the last in the file
		// first, each the way it came: so logins then logouts, in any
		// order, give back the file byte for byte.
		order := file.Sections()
		slices.SortFunc(created, func(a, b string) int { return slices.Index(order, b) - slices.Index(order, a) })
		for _, name := range created {
			if _, err := file.RemoveEmptySection(name); err != nil {
				return fmt.Errorf("remove [%s]: %w", name, err)
			}
		}
		return nil
	}, inifile.Reusing(f.cred), inifile.Needing(f.lastingSections()...))
	if err != nil {
		return nil, f.named(fmt.Errorf("log out: %w", err))
	}
	return removed, nil
}
