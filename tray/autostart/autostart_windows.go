package autostart

import (
	"errors"
	"fmt"

	"golang.org/x/sys/windows/registry"
)

// runManager uses the HKCU ...\CurrentVersion\Run value, which needs no
// administrator rights and which Task Manager's Startup tab shows.
type runManager struct {
	self func() string
}

func newManager() Manager { return runManager{self: selfExe} }

func (m runManager) Status() (Status, error) {
	st := Status{Path: `HKCU\` + runKeyPath + `\` + runValueName}
	k, err := registry.OpenKey(registry.CURRENT_USER, runKeyPath, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return Status{}, fmt.Errorf("read autostart entry: %w", err)
	}
	defer k.Close()
	cmd, typ, err := k.GetStringValue(runValueName)
	if errors.Is(err, registry.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return Status{}, fmt.Errorf("read autostart entry: %w", err)
	}
	if typ == registry.EXPAND_SZ {
		if expanded, err := registry.ExpandString(cmd); err == nil {
			cmd = expanded
		}
	}
	st.Target = parseRunCommand(cmd)
	st.Enabled = !userDisabled()
	st.Stale = isStale(st.Target, m.self())
	return st, nil
}

func (m runManager) Enable(exe string) error {
	exe, err := absExe(exe)
	if err != nil {
		return fmt.Errorf("enable autostart: %w", err)
	}
	cmd, err := quoteRunCommand(exe)
	if err != nil {
		return fmt.Errorf("enable autostart: %w", err)
	}
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKeyPath, registry.QUERY_VALUE|registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("enable autostart: %w", err)
	}
	defer k.Close()
	if err := k.SetStringValue(runValueName, cmd); err != nil {
		return fmt.Errorf("enable autostart: %w", err)
	}
	// A "disabled" mark left by Task Manager would keep the entry off.
	return clearApproved()
}

func (m runManager) Disable() error {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKeyPath, registry.SET_VALUE)
	if err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("disable autostart: %w", err)
	}
	if err == nil {
		defer k.Close()
		if err := k.DeleteValue(runValueName); err != nil && !errors.Is(err, registry.ErrNotExist) {
			return fmt.Errorf("disable autostart: %w", err)
		}
	}
	return clearApproved()
}

// userDisabled reports whether Task Manager marked our entry as disabled.
func userDisabled() bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, runApprovedKeyPath, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	data, _, err := k.GetBinaryValue(runValueName)
	return err == nil && approvedDisabled(data)
}

// clearApproved deletes Explorer's StartupApproved mark for our entry only.
func clearApproved() error {
	k, err := registry.OpenKey(registry.CURRENT_USER, runApprovedKeyPath, registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	defer k.Close()
	if err := k.DeleteValue(runValueName); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}
