package session

import (
	"errors"
	"fmt"
	"strings"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// editProblem says, in one sentence, why the editor refused to change key
// in [section] of path and what to fix. inifile's refusal names the line
// and the fix; the usual cause, a line indented under the key (the AWS CLI
// reads it as part of the key's value, so no edit of the key keeps both
// readers' view of it), is named in plainer words and with the fix that
// works. Other errors pass through with the key named.
func editProblem(err error, file *inifile.File, path, section, key, verb string) error {
	prep := "in"
	if verb == "remove" {
		prep = "from"
	}
	if !errors.Is(err, inifile.ErrUnsafeEdit) {
		return fmt.Errorf("%s %s %s [%s]: %w", verb, key, prep, section, err)
	}
	if n := indentedUnder(file, section, key); n > 0 {
		return sentence(inifile.ErrUnsafeEdit, "cannot %s %s %s [%s] of %s: line %d is indented under it, so the AWS CLI reads that line as part of %s: remove the line's indentation (or the line) by hand, then try again",
			verb, key, prep, section, path, n, key)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// indentedUnder returns the number of the first non-blank, non-comment
// line indented under a line of key in [section], or 0.
func indentedUnder(file *inifile.File, section, key string) int {
	found, under := 0, false
	file.EachLine(section, func(n int, line string) {
		if found > 0 {
			return
		}
		t := strings.TrimSpace(line)
		switch {
		case t == "" || t[0] == '#' || t[0] == ';':
		case line[0] == ' ' || line[0] == '\t':
			if under {
				found = n
			}
		default:
			k, _, ok := rawProperty(t)
			under = ok && k == key
		}
	})
	return found
}
