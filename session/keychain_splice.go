package session

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// The key lines a keychain move swaps for the marker, in the order export
// writes them back.
var longTermKeyNames = []string{"aws_access_key_id", "aws_secret_access_key"}

const markerLine = keychainMarker + " = true"

// errUnsafeMove: the splice would change how AWS readers see something else.
var errUnsafeMove = errors.New("the edit would change how AWS readers see the rest of the file")

// The keychain moves need a splice inifile's Set/Delete cannot make: the
// marker takes the place of the key lines (and the keys the place of the
// marker), so import then export gives back the file byte for byte. inifile
// still does the parsing (Lines, and KeyLines to say which of them hold a
// key), and the result is checked with both readers (CheckSplice) before it
// replaces the File.

func joinLines(bom bool, lines []string) []byte {
	var b strings.Builder
	if bom {
		b.WriteString("\xEF\xBB\xBF")
	}
	for _, l := range lines {
		b.WriteString(l)
	}
	return []byte(b.String())
}

// keyLineIndexes returns the indexes of the lines that hold keys of section
// (key lines and the nested lines they own).
func keyLineIndexes(f *inifile.File, section string, keys ...string) (map[int]bool, error) {
	out := map[int]bool{}
	for _, key := range keys {
		idx, err := f.KeyLines(section, key)
		if err != nil {
			return nil, fmt.Errorf("locate %s in [%s]: %w", key, section, err)
		}
		for _, i := range idx {
			out[i] = true
		}
	}
	return out, nil
}

// indentOf is the spaces and tabs l starts with: a line written in place of
// another keeps its indentation, which botocore reads as meaning (a line
// indented deeper than the key above it continues that key's value).
func indentOf(l string) string {
	return l[:len(l)-len(strings.TrimLeft(l, " \t"))]
}

// lineEnd is l's terminator: "\n", "\r\n", or for an unterminated last
// line "" or a lone "\r" (which readers also drop).
func lineEnd(l string) string {
	switch {
	case strings.HasSuffix(l, "\r\n"):
		return "\r\n"
	case strings.HasSuffix(l, "\n"):
		return "\n"
	case strings.HasSuffix(l, "\r"):
		return "\r"
	}
	return ""
}

// keysToMarker replaces the key lines of [l] by the marker line, where the
// first of them stood. Any older marker line goes too.
func keysToMarker(f *inifile.File, l string) (*inifile.File, error) {
	idx, err := keyLineIndexes(f, l, append(slices.Clone(longTermKeyNames), keychainMarker)...)
	if err != nil {
		return nil, err
	}
	if len(idx) == 0 {
		return nil, fmt.Errorf("no key lines in [%s]", l)
	}
	bom, lines := f.HasBOM(), f.Lines()
	first := slices.Min(slices.Collect(maps.Keys(idx)))
	end := lineEnd(lines[first])
	if trailing(idx, first, len(lines)) {
		// The marker becomes the last line: it ends as the file did, so
		// export can give back a missing final newline.
		end = lineEnd(lines[len(lines)-1])
	}
	var out []string
	for i, line := range lines {
		switch {
		case i == first:
			out = append(out, indentOf(lines[first])+markerLine+end)
		case !idx[i]:
			out = append(out, line)
		}
	}
	g := inifile.Parse(joinLines(bom, out))
	if err := sameBut(f, g, l, map[string]string{keychainMarker: "true"}); err != nil {
		return nil, fmt.Errorf("replace the keys in [%s] by the keychain marker: %w", l, err)
	}
	return g, nil
}

// markerToKeys puts keys back where the marker line of [l] stood, in the
// usual order, as "key = value" lines.
func markerToKeys(f *inifile.File, l string, keys Keys) (*inifile.File, error) {
	idx, err := keyLineIndexes(f, l, keychainMarker)
	if err != nil {
		return nil, err
	}
	if len(idx) == 0 {
		return nil, fmt.Errorf("no %s line in [%s]", keychainMarker, l)
	}
	bom, lines := f.HasBOM(), f.Lines()
	first := slices.Min(slices.Collect(maps.Keys(idx)))
	end := lineEnd(lines[first])
	if trailing(idx, first, len(lines)) {
		end = lineEnd(lines[len(lines)-1])
	}
	inner := end // ends the first of the two lines: it needs a real break
	if !strings.HasSuffix(inner, "\n") {
		inner = f.EOL()
	}
	var out []string
	for i, line := range lines {
		switch {
		case i == first:
			ind := indentOf(lines[first])
			out = append(out,
				ind+longTermKeyNames[0]+" = "+keys.AccessKeyID+inner,
				ind+longTermKeyNames[1]+" = "+keys.SecretAccessKey+end)
		case !idx[i]:
			out = append(out, line)
		}
	}
	g := inifile.Parse(joinLines(bom, out))
	if err := sameBut(f, g, l, map[string]string{longTermKeyNames[0]: keys.AccessKeyID, longTermKeyNames[1]: keys.SecretAccessKey}); err != nil {
		return nil, fmt.Errorf("put the keys back into [%s]: %w", l, err)
	}
	return g, nil
}

// trailing reports whether every line from first to the end is in idx.
func trailing(idx map[int]bool, first, n int) bool {
	for i := first; i < n; i++ {
		if !idx[i] {
			return false
		}
	}
	return true
}

// sameBut checks that g reads exactly like f to both AWS readers, except
// that in [l] the keys of the move now read as want (and the others of the
// move are gone). Its errors never hold a value.
func sameBut(f, g *inifile.File, l string, want map[string]string) error {
	moved := map[string]*string{keychainMarker: nil}
	for _, k := range longTermKeyNames {
		moved[k] = nil
	}
	for k, v := range want {
		moved[k] = &v
	}
	if err := inifile.CheckSplice(f, g, l, moved); err != nil {
		return fmt.Errorf("%w (%v)", errUnsafeMove, err)
	}
	return nil
}
