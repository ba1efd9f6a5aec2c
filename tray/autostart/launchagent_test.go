package autostart

import (
	"strings"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/internal/plist"
)

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
			// An independent strict reader, not the package's own parser.
			d, err := plist.Parse(data)
			if err != nil {
				t.Fatalf("plist: %v\n%s", err, data)
			}
			if got := d["Label"]; got.Kind != "string" || got.Text != AppID {
				t.Errorf("Label = %+v, want string %q", got, AppID)
			}
			if got := d["ProgramArguments"]; got.Kind != "array" || len(got.Strings) != 1 || got.Strings[0] != exe {
				t.Errorf("ProgramArguments = %+v, want [%q]", got, exe)
			}
			if got := d["RunAtLoad"]; got.Kind != "true" {
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
