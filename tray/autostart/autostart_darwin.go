package autostart

// newManager uses a per-user LaunchAgent. launchd reads it at the next
// login; it is not loaded now, so enabling does not start a second copy.
func newManager() Manager {
	return &fileManager{
		path:   launchAgentPath,
		render: renderLaunchAgent,
		parse:  parseLaunchAgent,
		self:   selfExe,
	}
}
