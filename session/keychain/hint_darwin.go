package keychain

// hint says what the macOS Keychain needs.
func hint(error) (string, bool) {
	return "the macOS Keychain refused (was the access prompt canceled? check Keychain Access)", false
}
