// Package plist is a strict reader of the small XML property lists the
// project writes (the macOS Info.plist, the LaunchAgent). Tests use it to
// check their shape independently of the code that writes or reads them.
package plist

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// Value is one value of the top-level dict.
type Value struct {
	Kind    string   // element name: string, integer, real, date, true, false or array
	Text    string   // character data of a string, integer, real or date
	Strings []string // the <string> items of an array
}

const header = `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
	`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n"

// Parse reads a plist whose top level is a dict. It insists on the XML
// header and DOCTYPE, <plist version="1.0">, well-formed XML, key/value
// pairs with no duplicate keys, values of the kinds Value holds, and nothing
// but white space after </plist>.
func Parse(data []byte) (map[string]Value, error) {
	if !bytes.HasPrefix(data, []byte(header)) {
		return nil, errors.New("plist header is wrong")
	}
	r := reader{dec: xml.NewDecoder(bytes.NewReader(data))}
	r.dec.Strict = true
	return r.document()
}

type reader struct{ dec *xml.Decoder }

func (r *reader) document() (map[string]Value, error) {
	root, err := r.start("plist")
	if err != nil {
		return nil, err
	}
	if len(root.Attr) != 1 || root.Attr[0].Name.Local != "version" || root.Attr[0].Value != "1.0" {
		return nil, fmt.Errorf("<plist> attributes = %v, want version=1.0", root.Attr)
	}
	if _, err := r.start("dict"); err != nil {
		return nil, err
	}
	out := map[string]Value{}
	for {
		tok, err := r.next()
		if err != nil {
			return nil, err
		}
		if end, ok := tok.(xml.EndElement); ok && end.Name.Local == "dict" {
			break
		}
		if st, ok := tok.(xml.StartElement); !ok || st.Name.Local != "key" {
			return nil, fmt.Errorf("want <key>, got %#v", tok)
		}
		key, err := r.text()
		if err != nil {
			return nil, err
		}
		if _, dup := out[key]; dup {
			return nil, fmt.Errorf("duplicate key %q", key)
		}
		v, err := r.value()
		if err != nil {
			return nil, fmt.Errorf("value of %q: %w", key, err)
		}
		out[key] = v
	}
	if tok, err := r.next(); err != nil {
		return nil, err
	} else if end, ok := tok.(xml.EndElement); !ok || end.Name.Local != "plist" {
		return nil, errors.New("want </plist> after </dict>")
	}
	// Not even a comment may follow.
	for {
		tok, err := r.dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if cd, ok := tok.(xml.CharData); err != nil || !ok || len(bytes.TrimSpace(cd)) > 0 {
			return nil, fmt.Errorf("content after </plist>: %#v, %v", tok, err)
		}
	}
}

func (r *reader) value() (Value, error) {
	st, err := r.start("")
	if err != nil {
		return Value{}, err
	}
	v := Value{Kind: st.Name.Local}
	switch v.Kind {
	case "string", "integer", "real", "date":
		v.Text, err = r.text()
		return v, err
	case "true", "false":
		tok, err := r.next()
		if err != nil {
			return Value{}, err
		}
		if _, ok := tok.(xml.EndElement); !ok {
			return Value{}, fmt.Errorf("<%s/> has content", v.Kind)
		}
		return v, nil
	case "array":
		for {
			tok, err := r.next()
			if err != nil {
				return Value{}, err
			}
			if _, ok := tok.(xml.EndElement); ok {
				return v, nil
			}
			if st, ok := tok.(xml.StartElement); !ok || st.Name.Local != "string" {
				return Value{}, fmt.Errorf("array item %#v is not a <string>", tok)
			}
			s, err := r.text()
			if err != nil {
				return Value{}, err
			}
			v.Strings = append(v.Strings, s)
		}
	default:
		return Value{}, fmt.Errorf("unexpected value <%s>", v.Kind)
	}
}

// start reads the next element's start tag, which must be <name> (any
// element if name is empty).
func (r *reader) start(name string) (xml.StartElement, error) {
	tok, err := r.next()
	if err != nil {
		return xml.StartElement{}, err
	}
	st, ok := tok.(xml.StartElement)
	if !ok || (name != "" && st.Name.Local != name) {
		return xml.StartElement{}, fmt.Errorf("want <%s>, got %#v", name, tok)
	}
	return st, nil
}

// text reads the character data up to the end of the current element.
func (r *reader) text() (string, error) {
	var s string
	for {
		tok, err := r.next()
		if err != nil {
			return "", err
		}
		switch tok := tok.(type) {
		case xml.CharData:
			s += string(tok)
		case xml.EndElement:
			return s, nil
		default:
			return "", fmt.Errorf("unexpected %#v inside a text element", tok)
		}
	}
}

// next returns the next element or non-blank text, passing over the
// prolog, comments and white space.
func (r *reader) next() (xml.Token, error) {
	for {
		tok, err := r.dec.Token()
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, fmt.Errorf("plist is not well-formed XML: %w", err)
		}
		switch tok := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(tok)) > 0 {
				return tok.Copy(), nil
			}
		case xml.StartElement, xml.EndElement:
			return xml.CopyToken(tok), nil
		}
	}
}
