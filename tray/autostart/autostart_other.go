//go:build !linux && !darwin && !windows

package autostart

// unsupported is the Manager on systems without a known mechanism.
type unsupported struct{}

func newManager() Manager { return unsupported{} }

func (unsupported) Status() (Status, error) { return Status{}, ErrUnsupported }
func (unsupported) Enable(string) error     { return ErrUnsupported }
func (unsupported) Disable() error          { return ErrUnsupported }
