package autostart

import "testing"

func TestRunCommand(t *testing.T) {
	tests := []struct{ exe, want string }{
		{`C:\Program Files\awsmfa-tray\awsmfa-tray.exe`, `"C:\Program Files\awsmfa-tray\awsmfa-tray.exe"`},
		{`C:\Users\jo\go\bin\awsmfa-tray.exe`, `"C:\Users\jo\go\bin\awsmfa-tray.exe"`},
		{`C:\Users\Jö & Co\100%\awsmfa-tray.exe`, `"C:\Users\Jö & Co\100%\awsmfa-tray.exe"`},
	}
	for _, tt := range tests {
		got, err := quoteRunCommand(tt.exe)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("quoteRunCommand(%s) = %s, want %s", tt.exe, got, tt.want)
		}
		if back := parseRunCommand(got); back != tt.exe {
			t.Errorf("parseRunCommand(%s) = %s, want %s", got, back, tt.exe)
		}
	}
	if _, err := quoteRunCommand(`C:\a"b.exe`); err == nil {
		t.Error("a path with a quote was accepted")
	}
}

func TestParseRunCommand(t *testing.T) {
	tests := []struct{ cmd, want string }{
		{`"C:\Program Files\x\t.exe" --minimized`, `C:\Program Files\x\t.exe`},
		{`C:\Program Files\x\t.exe --minimized`, `C:\Program Files\x\t.exe`},
		{`C:\Tools\T.EXE`, `C:\Tools\T.EXE`},
		{`C:\tools\run -x`, `C:\tools\run`},
	}
	for _, tt := range tests {
		if got := parseRunCommand(tt.cmd); got != tt.want {
			t.Errorf("parseRunCommand(%s) = %s, want %s", tt.cmd, got, tt.want)
		}
	}
}

func TestApprovedDisabled(t *testing.T) {
	tests := []struct {
		data []byte
		want bool
	}{
		{nil, false},
		{[]byte{2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, false},
		{[]byte{6, 0, 0, 0}, false},
		{[]byte{3, 0, 0, 0, 0x10, 0x20, 0, 0, 0, 0, 0, 0}, true},
		{[]byte{7}, true},
	}
	for _, tt := range tests {
		if got := approvedDisabled(tt.data); got != tt.want {
			t.Errorf("approvedDisabled(%v) = %v, want %v", tt.data, got, tt.want)
		}
	}
}
