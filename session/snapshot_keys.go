package session

// SnapshotAndKeys is Snapshot and KeychainStatus(false) from one read of
// the files: every MFA profile's state (and the role profiles that lean on
// them), every SSO session's, and where the profiles' long-term keys live.
// It never touches the keychain, so it never prompts. The tray calls it
// once per refresh.
func (m *Manager) SnapshotAndKeys() (Snapshot, []KeyLocation, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return Snapshot{}, nil, err
	}
	now := m.now()
	profiles := f.profiles()
	snap := Snapshot{Taken: now, Profiles: make([]Status, 0, len(profiles))}
	for _, p := range profiles {
		snap.Profiles = append(snap.Profiles, f.status(p, now, m.warnBefore()))
	}
	snap.Roles = m.roleStatuses(f, now)
	snap.SSO = m.ssoStatuses(f, now)
	return snap, m.keyLocations(f, profiles, false), nil
}
