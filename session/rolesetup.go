package session

import (
	"errors"
	"fmt"
	"strings"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// The layout "awsmfa setup" gives a role profile (README, "Role profiles"):
// role_arn and source_profile are renamed in place to awsmfa_role_arn and
// awsmfa_source_profile, which every AWS reader ignores and we read, and
// credential_process = "awsmfa credential-process --profile NAME" is added.
// The AWS CLI, botocore, aws-sdk-go-v2 and the JS SDK then take the
// profile's credentials from us and never try to assume the role themselves
// (with role_arn left in, each of them does, and asks for a code or fails).
// The other keys (mfa_serial, region, duration_seconds, ...) stay; the
// readers ignore them without role_arn. Undo renames back and removes
// credential_process, which leaves the file as it was, byte for byte.
var movedRoleKeys = []string{"role_arn", "source_profile"}

// RoleSetup is the edit of the config file that setup makes (or undoes) for
// one role profile; Plan* describe it, ApplyRoleSetup makes it.
type RoleSetup struct {
	Profile    string
	ConfigFile string
	Section    string // the config section edited, e.g. "profile prod-admin"
	Command    string // the credential_process value
	Undo       bool
	// Changes say what changes, one line each, for the user to read.
	Changes []string
}

// ErrAlreadySetUp: the role profile already uses credential_process the
// way setup leaves it (or, for an undo, never did).
var ErrAlreadySetUp = errors.New("nothing to change")

// PlanRoleSetup describes the one edit that makes role profile name usable
// by every AWS tool through credential_process = command.
func (m *Manager) PlanRoleSetup(name, command string) (RoleSetup, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return RoleSetup{}, err
	}
	s, err := f.roleSetupSection(name)
	if err != nil {
		return RoleSetup{}, err
	}
	s.Command = command
	if err := checkRoleSetup(f, s); err != nil {
		return RoleSetup{}, err
	}
	for _, k := range movedRoleKeys {
		s.Changes = append(s.Changes, fmt.Sprintf("rename %s to %s", k, ownKey(k)))
	}
	s.Changes = append(s.Changes, "add credential_process = "+command)
	return s, nil
}

// PlanRoleUndo describes the edit that puts role profile name back as it
// was before setup.
func (m *Manager) PlanRoleUndo(name string) (RoleSetup, error) {
	ctx := m.opContext()
	f, err := m.load(ctx)
	if err != nil {
		return RoleSetup{}, err
	}
	s, err := f.roleSetupSection(name)
	if err != nil {
		return RoleSetup{}, err
	}
	s.Undo = true
	s.Command, _ = f.cfg.Get(s.Section, "credential_process")
	if err := checkRoleUndo(f.cfg, s); err != nil {
		return RoleSetup{}, err
	}
	s.Changes = append(s.Changes, "remove credential_process = "+s.Command)
	for _, k := range movedRoleKeys {
		if _, ok := f.cfg.Get(s.Section, ownKey(k)); ok {
			s.Changes = append(s.Changes, fmt.Sprintf("rename %s back to %s", ownKey(k), k))
		}
	}
	return s, nil
}

// ApplyRoleSetup makes the edit s describes in one atomic, locked write,
// after checking again that the file is still as planned.
func (m *Manager) ApplyRoleSetup(s RoleSetup) error {
	ctx := m.opContext()
	err := inifile.UpdateContext(ctx, s.ConfigFile, func(file *inifile.File) error {
		if s.Undo {
			if err := checkRoleUndo(file, s); err != nil {
				return err
			}
			if _, err := file.Delete(s.Section, "credential_process"); err != nil {
				return err
			}
			for _, k := range movedRoleKeys {
				if _, err := file.Rename(s.Section, ownKey(k), k); err != nil {
					return err
				}
			}
			return nil
		}
		live := &awsFiles{cfgPath: s.ConfigFile, cfg: file, cred: inifile.Parse(nil)}
		if _, credPath := m.Paths(); credPath != "" {
			if cred, err := inifile.LoadContext(ctx, credPath); err == nil {
				live.credPath, live.cred = credPath, cred
			}
		}
		if err := checkRoleSetup(live, s); err != nil {
			return err
		}
		for _, k := range movedRoleKeys {
			if _, err := file.Rename(s.Section, k, ownKey(k)); err != nil {
				return err
			}
		}
		return file.Set(s.Section, "credential_process", s.Command)
	})
	if err != nil {
		return fmt.Errorf("set up %s in %s: %w", s.Profile, s.ConfigFile, err)
	}
	return nil
}

// roleSetupSection finds the config section the AWS readers use for name.
func (f *awsFiles) roleSetupSection(name string) (RoleSetup, error) {
	s := RoleSetup{Profile: name, ConfigFile: f.cfgPath, Section: "profile " + name}
	if name == "default" && f.cfg.Count(s.Section) == 0 {
		s.Section = "default"
	}
	if n := f.cfg.Count(s.Section); n > 1 {
		return s, duplicateSection(s.Section, n, f.cfgPath)
	}
	if f.cfg.Count(s.Section) == 0 {
		if f.cfg.Count(name) > 0 && f.isRole(name) {
			return s, fmt.Errorf("[%s] in %s is a bare section, which the AWS tools ignore in the config file: rename it [profile %s] first", name, f.cfgPath, name)
		}
		return s, fmt.Errorf("profile %q: %w: it has no role_arn in %s", name, ErrNotRoleProfile, f.cfgPath)
	}
	return s, nil
}

// checkRoleSetup holds setup's refusals; it runs again under the lock.
func checkRoleSetup(f *awsFiles, s RoleSetup) error {
	get := func(k string) (string, bool) { return f.cfg.Get(s.Section, k) }
	_, hasRole := get("role_arn")
	_, movedRole := get(ownKey("role_arn"))
	cp, hasCP := get("credential_process")
	switch {
	case !hasRole && movedRole && hasCP && cp == s.Command:
		return fmt.Errorf("%s already gets its credentials from awsmfa (credential_process): %w", s.Profile, ErrAlreadySetUp)
	case !hasRole && movedRole:
		return fmt.Errorf("[%s] in %s holds %s but no role_arn: run \"awsmfa setup --profile %s --undo\" first, or fix it by hand", s.Section, s.ConfigFile, ownKey("role_arn"), s.Profile)
	case !hasRole:
		return fmt.Errorf("profile %q: %w: [%s] in %s has no role_arn", s.Profile, ErrNotRoleProfile, s.Section, s.ConfigFile)
	case hasCP:
		return fmt.Errorf("[%s] in %s already has credential_process = %s; awsmfa will not replace it: remove that line to let setup add its own", s.Section, s.ConfigFile, cp)
	}
	for _, k := range []string{"credential_source", "web_identity_token_file"} {
		if _, ok := get(k); ok {
			return fmt.Errorf("%s uses %s, and the AWS tools assume that role themselves: setup is for roles on an MFA profile", s.Profile, k)
		}
	}
	for _, k := range movedRoleKeys {
		if _, ok := get(ownKey(k)); ok {
			return fmt.Errorf("[%s] in %s already has %s: remove it by hand first", s.Section, s.ConfigFile, ownKey(k))
		}
	}
	r, err := f.roleProfile(s.Profile)
	if err != nil {
		return err
	}
	if r.Problem != nil {
		return r.Problem
	}
	return nil
}

// checkRoleUndo holds the undo's refusals; it runs again under the lock.
func checkRoleUndo(cfg *inifile.File, s RoleSetup) error {
	cp, hasCP := cfg.Get(s.Section, "credential_process")
	_, moved := cfg.Get(s.Section, ownKey("role_arn"))
	switch {
	case !moved:
		return fmt.Errorf("%s was not set up by awsmfa (no %s in [%s]): %w", s.Profile, ownKey("role_arn"), s.Section, ErrAlreadySetUp)
	case !hasCP || !isOurCommand(cp, s.Profile):
		return fmt.Errorf("credential_process of %s is no longer awsmfa's (%q): put back role_arn and source_profile by hand", s.Profile, cp)
	case cp != s.Command:
		return fmt.Errorf("credential_process of %s changed while awsmfa looked at it: run the undo again", s.Profile)
	}
	for _, k := range movedRoleKeys {
		if _, ok := cfg.Get(s.Section, k); ok {
			return fmt.Errorf("[%s] has both %s and %s: remove one by hand", s.Section, k, ownKey(k))
		}
	}
	return nil
}

// isOurCommand reports whether a credential_process value runs
// "awsmfa credential-process" for profile (setup writes the program by name
// or by path, quoted when it must be).
func isOurCommand(cp, profile string) bool {
	prog, args, ok := strings.Cut(cp, " credential-process ")
	if !ok || !strings.Contains(strings.ToLower(prog), "awsmfa") {
		return false
	}
	for _, want := range []string{"--profile " + profile, "--profile '" + profile + "'", "--profile \"" + profile + "\"", "--profile=" + profile} {
		if strings.TrimSpace(args) == want {
			return true
		}
	}
	return false
}
