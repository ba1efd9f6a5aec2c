package packaging

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"path/filepath"
	"slices"
	"testing"
	"unicode/utf16"
)

// Resource types in a PE resource directory.
const (
	rtIcon      = 3
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

// resourceTypes returns the type IDs at the root of the .rsrc section, and
// the section's bytes.
func resourceTypes(t *testing.T, f *pe.File) ([]uint32, []byte) {
	t.Helper()
	sec := f.Section(".rsrc")
	if sec == nil {
		return nil, nil
	}
	data, err := sec.Data()
	if err != nil || len(data) < 16 {
		t.Fatalf(".rsrc: %v", err)
	}
	// IMAGE_RESOURCE_DIRECTORY: 12 bytes, then named and ID entry counts,
	// then 8-byte entries whose first word is the name or ID.
	named := int(binary.LittleEndian.Uint16(data[12:]))
	ids := int(binary.LittleEndian.Uint16(data[14:]))
	var types []uint32
	for i := named; i < named+ids; i++ {
		off := 16 + 8*i
		if off+8 > len(data) {
			t.Fatal(".rsrc directory is truncated")
		}
		types = append(types, binary.LittleEndian.Uint32(data[off:]))
	}
	return types, data
}

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}

func TestWindowsBuild(t *testing.T) {
	requirePackaging(t)
	dist := build(t, "windows", "amd64")

	if left, _ := filepath.Glob("../cmd/awsmfa-tray/*.syso"); len(left) > 0 {
		t.Errorf("build.sh left resource objects in the tree: %v", left)
	}

	tests := []struct {
		exe       string
		subsystem uint16
		resources bool
	}{
		// No console window for the tray; a console for the CLI.
		{"awsmfa-tray.exe", pe.IMAGE_SUBSYSTEM_WINDOWS_GUI, true},
		{"awsmfa.exe", pe.IMAGE_SUBSYSTEM_WINDOWS_CUI, false},
	}
	for _, tt := range tests {
		t.Run(tt.exe, func(t *testing.T) {
			f, err := pe.Open(filepath.Join(dist, "windows_amd64", tt.exe))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
				t.Errorf("machine %#x, want amd64", f.Machine)
			}
			oh, ok := f.OptionalHeader.(*pe.OptionalHeader64)
			if !ok {
				t.Fatal("not a PE32+ image")
			}
			if oh.Subsystem != tt.subsystem {
				t.Errorf("subsystem %d, want %d", oh.Subsystem, tt.subsystem)
			}
			types, rsrc := resourceTypes(t, f)
			if !tt.resources {
				return
			}
			for _, want := range []uint32{rtIcon, rtGroupIcon, rtVersion, rtManifest} {
				if !slices.Contains(types, want) {
					t.Errorf("resource type %d missing; have %v", want, types)
				}
			}
			for what, needle := range map[string][]byte{
				"manifest identity":     []byte(`name="io.github.awsmfa-tray"`),
				"manifest as invoker":   []byte(`level="asInvoker"`),
				"version string":        utf16le(testVersion),
				"original filename":     utf16le("awsmfa-tray.exe"),
				"fixed version 1.2.3.0": fixedVersion(1, 2, 3, 0),
			} {
				if !bytes.Contains(rsrc, needle) {
					t.Errorf("%s not found in the resources", what)
				}
			}
		})
	}
}

// fixedVersion is how VS_FIXEDFILEINFO stores a.b.c.d: two DWORDs, a<<16|b
// then c<<16|d.
func fixedVersion(a, b, c, d uint32) []byte {
	out := binary.LittleEndian.AppendUint32(nil, a<<16|b)
	return binary.LittleEndian.AppendUint32(out, c<<16|d)
}
