package keychain

// hint says what the Windows Credential Manager needs.
func hint(error) (string, bool) {
	return "the Windows Credential Manager refused", false
}
