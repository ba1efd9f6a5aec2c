package autostart

// newManager uses the XDG autostart entry, which GNOME, KDE, Xfce, Cinnamon,
// MATE, LXQt and systemd's xdg-autostart-generator all read.
func newManager() Manager {
	return &fileManager{
		path:   xdgAutostartPath,
		render: renderDesktop,
		parse:  parseDesktop,
		self:   selfExe,
	}
}
