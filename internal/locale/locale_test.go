package locale

import "testing"

func TestDetectPOSIX(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		utf8 bool
	}{
		{"nothing set is C", nil, false},
		{"LC_ALL=C", map[string]string{"LC_ALL": "C", "LANG": "en_US.UTF-8"}, false},
		{"LC_ALL wins", map[string]string{"LC_ALL": "C.UTF-8", "LANG": "C"}, true},
		{"LC_CTYPE before LANG", map[string]string{"LC_CTYPE": "POSIX", "LANG": "en_US.UTF-8"}, false},
		{"LANG utf8 spelling", map[string]string{"LANG": "de_DE.utf8"}, true},
		{"LANG with modifier", map[string]string{"LANG": "de_DE.UTF-8@euro"}, true},
		{"latin1", map[string]string{"LANG": "de_DE.ISO-8859-1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := detectPOSIX(func(k string) string { return tt.env[k] })
			if got.UTF8 != tt.utf8 {
				t.Errorf("UTF8 = %v, want %v", got.UTF8, tt.utf8)
			}
		})
	}
}

func TestLocaleText(t *testing.T) {
	tests := []struct {
		in, utf8, ascii string
	}{
		{"awsmfa \u2014 myaccount", "awsmfa \u2014 myaccount", "awsmfa - myaccount"},
		{"Set up a profile\u2026", "Set up a profile\u2026", "Set up a profile..."},
		{"it\u2019s caf\u00e9", "it\u2019s caf\u00e9", "it's caf?"},
		{"plain", "plain", "plain"},
	}
	for _, tt := range tests {
		if got := (Locale{UTF8: true}).Text(tt.in); got != tt.utf8 {
			t.Errorf("UTF-8 Text(%q) = %q, want %q", tt.in, got, tt.utf8)
		}
		if got := (Locale{}).Text(tt.in); got != tt.ascii {
			t.Errorf("C Text(%q) = %q, want %q", tt.in, got, tt.ascii)
		}
	}
	if (Locale{}).Dash() != " - " || (Locale{UTF8: true}).Dash() != " \u2014 " {
		t.Error("Dash")
	}
}
