package locale

import (
	"runtime"
	"strings"
)

// Locale decides how text that reaches the menu or a zenity dialog is
// written. Under a non-UTF-8 locale (LC_ALL=C) the zenity binary refuses a
// title holding a non-ASCII character, so every such string goes through
// Text, and the label separator is ASCII.
type Locale struct {
	UTF8 bool
}

// DetectLocale reads the POSIX locale variables the way setlocale does:
// the first non-empty of LC_ALL, LC_CTYPE and LANG names the character
// set; none at all means the C locale. Windows and macOS are always UTF-8
// for our purposes (no zenity binary there, and their menus take Unicode).
func DetectLocale(getenv func(string) string) Locale {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		return Locale{UTF8: true}
	}
	return detectPOSIX(getenv)
}

func detectPOSIX(getenv func(string) string) Locale {
	for _, k := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		v := getenv(k)
		if v == "" {
			continue
		}
		// "en_US.UTF-8", "C.utf8", "de_DE.UTF-8@euro".
		l := strings.ToLower(v)
		return Locale{UTF8: strings.Contains(l, "utf-8") || strings.Contains(l, "utf8")}
	}
	return Locale{UTF8: false}
}

// Dash separates a profile name from its state: " — " or " - ".
func (l Locale) Dash() string {
	if l.UTF8 {
		return " \u2014 "
	}
	return " - "
}

// Lock marks a profile whose long-term keys are in the OS keychain: " 🔒",
// or " [keychain]" where Text would turn the emoji into "?".
func (l Locale) Lock() string {
	if l.UTF8 {
		return " \U0001F512"
	}
	return " [keychain]"
}

// asciiFor maps the few non-ASCII characters our own sentences and the
// core's errors use to ASCII look-alikes.
var asciiFor = strings.NewReplacer(
	"\u2014", "-", // em dash
	"\u2013", "-", // en dash
	"\u2026", "...", // ellipsis
	"\u2018", "'", "\u2019", "'",
	"\u201c", `"`, "\u201d", `"`,
	"\u00a0", " ",
)

// Text returns s unchanged under UTF-8, else with every non-ASCII
// character replaced by an ASCII look-alike or "?".
func (l Locale) Text(s string) string {
	if l.UTF8 {
		return s
	}
	s = asciiFor.Replace(s)
	return strings.Map(func(r rune) rune {
		if r >= 0x80 {
			return '?'
		}
		return r
	}, s)
}
