package packaging

import (
	"bytes"
	"encoding/xml"
	"io"
	"testing"
)

// plistValue is one value of a plist dict as read by readPlist.
type plistValue struct {
	kind string // element name: string, true, false, integer...
	text string // character data of a <string> or <integer>
}

// readPlist reads an XML plist whose top level is a flat dict, checking its
// shape strictly: the XML header and DOCTYPE, <plist version="1.0">, and
// key/value pairs with no duplicate keys.
func readPlist(t *testing.T, data []byte) map[string]plistValue {
	t.Helper()
	header := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n"
	if !bytes.HasPrefix(data, []byte(header)) {
		t.Fatalf("plist header is wrong:\n%s", data)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	// next returns the next element or non-blank text token, nil at EOF.
	next := func() xml.Token {
		t.Helper()
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				t.Fatalf("plist is not well-formed XML: %v", err)
			}
			switch tok := tok.(type) {
			case xml.CharData:
				if len(bytes.TrimSpace(tok)) > 0 {
					return tok.Copy()
				}
			case xml.StartElement, xml.EndElement:
				return xml.CopyToken(tok)
			}
		}
	}
	expectStart := func(name string) xml.StartElement {
		t.Helper()
		st, ok := next().(xml.StartElement)
		if !ok || (name != "" && st.Name.Local != name) {
			t.Fatalf("want <%s>, got %#v", name, st)
		}
		return st
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
				t.Fatalf("unexpected %#v inside a text element", tok)
			}
		}
	}

	root := expectStart("plist")
	if len(root.Attr) != 1 || root.Attr[0].Name.Local != "version" || root.Attr[0].Value != "1.0" {
		t.Fatalf("<plist> attributes = %v, want version=1.0", root.Attr)
	}
	expectStart("dict")
	out := map[string]plistValue{}
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
		v := expectStart("")
		pv := plistValue{kind: v.Name.Local}
		switch pv.kind {
		case "string", "integer", "real", "date":
			pv.text = text()
		case "true", "false":
			if _, ok := next().(xml.EndElement); !ok {
				t.Fatalf("<%s/> for %q has content", pv.kind, key)
			}
		default:
			t.Fatalf("unexpected value <%s> for %q in a flat plist", pv.kind, key)
		}
		out[key] = pv
	}
	if end, ok := next().(xml.EndElement); !ok || end.Name.Local != "plist" {
		t.Fatal("want </plist> after </dict>")
	}
	if tok := next(); tok != nil {
		t.Fatalf("content after </plist>: %#v", tok)
	}
	return out
}
