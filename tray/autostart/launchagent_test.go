package autostart

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// plistEntry is one key of a plist dict as read by readPlist.
type plistEntry struct {
	kind    string   // element name of the value: string, true, false, array...
	text    string   // character data of a <string>
	strings []string // the <string> items of an <array>
}

// readPlist walks an XML plist token by token, independently of the
// package's own parser, and checks its shape strictly.
func readPlist(t *testing.T, data []byte) map[string]plistEntry {
	t.Helper()
	if !bytes.HasPrefix(data, []byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n")) {
		t.Fatalf("plist header is wrong:\n%s", data)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	next := func() xml.Token {
		t.Helper()
		for {
			tok, err := dec.Token()
			if err != nil {
				t.Fatalf("plist is not well-formed: %v\n%s", err, data)
			}
			switch tok := tok.(type) {
			case xml.CharData:
				if len(bytes.TrimSpace(tok)) == 0 {
					continue
				}
				return tok.Copy()
			case xml.ProcInst, xml.Directive, xml.Comment:
				continue
			}
			return xml.CopyToken(tok)
		}
	}
	start := func(name string) xml.StartElement {
		t.Helper()
		tok, ok := next().(xml.StartElement)
		if !ok || (name != "" && tok.Name.Local != name) {
			t.Fatalf("want <%s>, got %#v", name, tok)
		}
		return tok
	}
	text := func() string {
		t.Helper()
		var s string
		for {
			switch tok := next().(type) {
			case xml.CharData:
				s += string(tok)
			case xml.EndElement:
				return s
			default:
				t.Fatalf("unexpected %#v in text element", tok)
			}
		}
	}
	root := start("plist")
	if len(root.Attr) != 1 || root.Attr[0].Name.Local != "version" || root.Attr[0].Value != "1.0" {
		t.Fatalf("plist attributes = %v", root.Attr)
	}
	start("dict")
	out := map[string]plistEntry{}
	for {
		tok := next()
		if end, ok := tok.(xml.EndElement); ok && end.Name.Local == "dict" {
			break
		}
		if st, ok := tok.(xml.StartElement); !ok || st.Name.Local != "key" {
			t.Fatalf("want <key>, got %#v", tok)
		}
		key := text()
		if _, dup := out[key]; dup {
			t.Fatalf("duplicate key %q", key)
		}
		v := start("")
		e := plistEntry{kind: v.Name.Local}
		switch e.kind {
		case "string":
			e.text = text()
		case "true", "false":
			if _, ok := next().(xml.EndElement); !ok {
				t.Fatalf("<%s/> has content", e.kind)
			}
		case "array":
			for {
				tok := next()
				if _, ok := tok.(xml.EndElement); ok {
					break
				}
				if st, ok := tok.(xml.StartElement); !ok || st.Name.Local != "string" {
					t.Fatalf("array item %#v is not a <string>", tok)
				}
				e.strings = append(e.strings, text())
			}
		default:
			t.Fatalf("unexpected value type <%s> for %q", e.kind, key)
		}
		out[key] = e
	}
	if end, ok := next().(xml.EndElement); !ok || end.Name.Local != "plist" {
		t.Fatal("want </plist> after </dict>")
	}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if cd, ok := tok.(xml.CharData); err != nil || !ok || len(bytes.TrimSpace(cd)) > 0 {
			t.Fatalf("trailing content after </plist>: %#v, %v", tok, err)
		}
	}
	return out
}

func TestLaunchAgentGolden(t *testing.T) {
	got, err := renderLaunchAgent("/Applications/awsmfa-tray.app/Contents/MacOS/awsmfa-tray")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, AppID+".plist", got)
}

func TestLaunchAgentContent(t *testing.T) {
	tests := []string{
		"/Applications/awsmfa-tray.app/Contents/MacOS/awsmfa-tray",
		"/Users/Jo Doe/Apps & Tools/<new>/\"quoted\"/it's/awsmfa-tray",
		"/Users/jo/go/bin/awsmfa-tray]]>--><!--",
		"/Users/jö/Zürich—Büro/awsmfa-tray",
	}
	for _, exe := range tests {
		t.Run(exe, func(t *testing.T) {
			data, err := renderLaunchAgent(exe)
			if err != nil {
				t.Fatal(err)
			}
			d := readPlist(t, data)
			if got := d["Label"]; got.kind != "string" || got.text != AppID {
				t.Errorf("Label = %+v, want string %q", got, AppID)
			}
			if got := d["ProgramArguments"]; got.kind != "array" || len(got.strings) != 1 || got.strings[0] != exe {
				t.Errorf("ProgramArguments = %+v, want [%q]", got, exe)
			}
			if got := d["RunAtLoad"]; got.kind != "true" {
				t.Errorf("RunAtLoad = %+v, want <true/>", got)
			}
			for _, key := range []string{"KeepAlive", "Disabled"} {
				if _, ok := d[key]; ok {
					t.Errorf("unexpected key %s: quitting the app must not respawn it", key)
				}
			}
			// The package's own reader agrees.
			target, enabled := parseLaunchAgent(data)
			if target != exe || !enabled {
				t.Errorf("parseLaunchAgent = %q, %v; want %q, true", target, enabled, exe)
			}
		})
	}
}

func TestLaunchAgentRejects(t *testing.T) {
	for _, exe := range []string{"/Users/jo/a\x01b", "/Users/jo/\xff"} {
		if _, err := renderLaunchAgent(exe); err == nil {
			t.Errorf("renderLaunchAgent(%q) succeeded, want an error", exe)
		}
	}
}

func TestParseLaunchAgentDisabled(t *testing.T) {
	data, err := renderLaunchAgent("/Applications/x")
	if err != nil {
		t.Fatal(err)
	}
	off := strings.Replace(string(data), "<key>RunAtLoad</key>", "<key>Disabled</key>\n\t<true/>\n\t<key>RunAtLoad</key>", 1)
	if _, enabled := parseLaunchAgent([]byte(off)); enabled {
		t.Error("a plist with Disabled=true reads as enabled")
	}
	if target, enabled := parseLaunchAgent([]byte("not xml")); target != "" || enabled {
		t.Errorf("garbage reads as %q, %v", target, enabled)
	}
}
