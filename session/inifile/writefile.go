package inifile

// WriteFile replaces the file at path with data, with the same care as
// Update: through symlinks, under the sidecar lock, a 0600 temp file in the
// same folder, fsync, a re-read before the rename, the old file's mode kept
// (0600 for a new file) and the folder fsynced. It is for the files we own
// that are not INI, such as the SSO token cache and the role credential
// cache; data is written as it is and never parsed as INI.
func WriteFile(path string, data []byte) error {
	return Update(path, func(f *File) error {
		*f = File{lines: []string{string(data)}}
		return nil
	})
}
