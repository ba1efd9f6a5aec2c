package session

import (
	"fmt"
	"strings"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// akiaLine returns the number of the first line of [name] that holds a
// long-term key id, or 0. It reads every line of every header variant of
// the section rather than the value a reader ends up with: an AKIA key
// shadowed by a later aws_access_key_id is still the user's permanent key,
// and an edit of the section would delete it for good. A line counts when
// it sets aws_access_key_id (in any case, with '=' or ':', quoted, indented
// or nested) to a value starting with AKIA, or carries an AKIA-shaped id
// anywhere outside a comment (a continued value, an old_key = ... line).
func akiaLine(file *inifile.File, name string) int {
	found := 0
	file.EachLine(name, func(n int, line string) {
		if found > 0 {
			return
		}
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' || t[0] == ';' {
			return
		}
		if k, v, ok := rawProperty(t); ok && k == "aws_access_key_id" && strings.HasPrefix(strings.ToUpper(v), "AKIA") {
			found = n
			return
		}
		if hasAKIAID(t) {
			found = n
		}
	})
	return found
}

// rawProperty splits a trimmed line at its first '=' or ':', the way both
// readers do, and returns the lowercased key and the value without quotes.
func rawProperty(t string) (key, value string, ok bool) {
	i := strings.IndexAny(t, "=:")
	if i < 0 {
		return "", "", false
	}
	key = strings.ToLower(strings.TrimSpace(t[:i]))
	value = strings.Trim(strings.TrimSpace(t[i+1:]), `"'`)
	return key, value, true
}

// keyLineNumbers lists the lines of [name] that set key, shadowed copies
// included.
func keyLineNumbers(file *inifile.File, name, key string) []int {
	var ns []int
	file.EachLine(name, func(n int, line string) {
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' || t[0] == ';' {
			return
		}
		if k, _, ok := rawProperty(t); ok && k == key {
			ns = append(ns, n)
		}
	})
	return ns
}

// longTermProblem says why [name] is refused as a session section, or nil.
func (f *awsFiles) longTermProblem(name string) error {
	if !isLongTermSection(f, name) {
		return nil
	}
	if n := akiaLine(f.cred, name); n > 0 && hasSessionToken(f, name) {
		return sentence(ErrLongTermSection, "[%s] in %s holds a long-term key (AKIA...) on line %d as well as session keys, which awsmfa never edits: move that key and its secret to [%s%s] by hand and remove the other key lines from [%s]",
			name, f.credPath, n, name, permSuffix, name)
	}
	return sentence(ErrLongTermSection, "[%s] in %s holds long-term keys, which awsmfa never overwrites: run \"awsmfa setup --profile %s\" to move them to [%s%s]",
		name, f.credPath, name, name, permSuffix)
}

// repeatedKeyProblem refuses to move keys out of a section that sets one of
// them on more than one line: moving the value readers see would delete the
// shadowed copy, which may be the only copy of a permanent key. botocore
// (the AWS CLI) cannot read such a file at all.
func (f *awsFiles) repeatedKeyProblem(name string) error {
	for _, k := range []string{"aws_access_key_id", "aws_secret_access_key"} {
		if ns := keyLineNumbers(f.cred, name, k); len(ns) > 1 {
			return fmt.Errorf("[%s] in %s sets %s on %d lines (%s), which the AWS CLI cannot read: keep one of them by hand (move any other long-term key to its own section)",
				name, f.credPath, k, len(ns), joinInts(ns))
		}
	}
	return nil
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = fmt.Sprint("line ", n)
	}
	return strings.Join(parts, ", ")
}
