package autostart

import (
	_ "embed"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The macOS LaunchAgent. Pure and compiled on every system so that its
// content is tested everywhere; autostart_darwin.go wires it up.

//go:embed launchagent.plist.tmpl
var plistTmplText string

// xmlText escapes s for an XML text node.
func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // writes to a strings.Builder never fail
	return b.String()
}

// launchAgentPath is ~/Library/LaunchAgents/<AppID>.plist.
func launchAgentPath() (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("find LaunchAgents folder: %w", err)
	}
	return filepath.Join(home, "Library", "LaunchAgents", AppID+".plist"), nil
}

// renderLaunchAgent returns the LaunchAgent plist that starts exe at login.
func renderLaunchAgent(exe string) ([]byte, error) {
	if !utf8.ValidString(exe) {
		return nil, errors.New("autostart: binary path is not valid UTF-8")
	}
	for _, r := range exe {
		// XML 1.0 cannot carry most control characters at all.
		if unicode.IsControl(r) {
			return nil, errors.New("autostart: binary path holds a control character")
		}
	}
	// Plain replacement, not text/template (see renderDesktop).
	return []byte(strings.NewReplacer("{{xml .Label}}", xmlText(AppID), "{{xml .Program}}", xmlText(exe)).Replace(plistTmplText)), nil
}

// plistValue is one value element of a plist: <string>, <true/>, <array>...
type plistValue struct {
	XMLName xml.Name
	Text    string       `xml:",chardata"`
	Items   []plistValue `xml:",any"`
}

// parsePlistDict decodes the top-level <dict> of an XML plist into its
// keys and values, in order. Enough for the flat plists written here.
func parsePlistDict(data []byte) (map[string]plistValue, error) {
	var doc struct {
		XMLName xml.Name   `xml:"plist"`
		Dict    plistValue `xml:"dict"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("parse plist: %w", err)
	}
	if doc.Dict.XMLName.Local != "dict" {
		return nil, errors.New("parse plist: no top-level dict")
	}
	out := map[string]plistValue{}
	items := doc.Dict.Items
	for i := 0; i < len(items); i += 2 {
		if items[i].XMLName.Local != "key" || i+1 == len(items) {
			return nil, errors.New("parse plist: dict is not key/value pairs")
		}
		out[items[i].Text] = items[i+1]
	}
	return out, nil
}

// parseLaunchAgent reads the target and the enabled state of a LaunchAgent.
func parseLaunchAgent(data []byte) (target string, enabled bool) {
	d, err := parsePlistDict(data)
	if err != nil {
		return "", false
	}
	if args, ok := d["ProgramArguments"]; ok && len(args.Items) > 0 {
		target = args.Items[0].Text
	} else if prog, ok := d["Program"]; ok {
		target = prog.Text
	}
	enabled = d["RunAtLoad"].XMLName.Local == "true" &&
		d["Disabled"].XMLName.Local != "true"
	return target, enabled
}
