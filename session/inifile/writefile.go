package inifile

// WriteFile replaces the file at path with data, with the same care as
// Update: through symlinks, under the sidecar lock, a 0600 temp file in the
// same folder, fsync, the identity of the file checked before the rename,
// the old file's mode, owner and attributes kept (0600 for a new file) and
// the folder fsynced. It is for the files we own that are not INI, such as
// the SSO token cache and the role credential cache: data is written as it
// is, never parsed as INI, and replaces the file whole, so the file is not
// read first and no section is checked.
func WriteFile(path string, data []byte) error {
	return Update(path, func(f *File) error {
		*f = File{lines: []string{string(data)}}
		return nil
	}, rawContent())
}
