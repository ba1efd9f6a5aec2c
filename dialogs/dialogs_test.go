package dialogs

import (
	"context"
	"errors"
	"testing"

	"github.com/ncruces/zenity"

	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

func TestTitle(t *testing.T) {
	if got := Title(locale.Locale{UTF8: true}, "myaccount"); got != "awsmfa \u2014 myaccount" {
		t.Errorf("UTF-8 title %q", got)
	}
	if got := Title(locale.Locale{}, "myaccount"); got != "awsmfa - myaccount" {
		t.Errorf("C title %q", got)
	}
}

func TestCodeText(t *testing.T) {
	tests := []struct {
		name, serial, hint string
		loc                locale.Locale
		want               string
	}{
		{"first ask", "arn:aws:iam::123456789012:mfa/alice", "", locale.Locale{UTF8: true},
			"Enter the 6-digit MFA code for myaccount.\nMFA device: arn:aws:iam::123456789012:mfa/alice"},
		{"re-ask", "arn:aws:iam::123456789012:mfa/alice", "That code was not accepted, wait for the next code.", locale.Locale{},
			"Enter the 6-digit MFA code for myaccount.\nMFA device: arn:aws:iam::123456789012:mfa/alice\n\nThat code was not accepted, wait for the next code."},
		{"no serial, C locale", "", "Demo \u2014 code 123456", locale.Locale{},
			"Enter the 6-digit MFA code for myaccount.\n\nDemo - code 123456"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CodeText(tt.loc, "myaccount", tt.serial, tt.hint); got != tt.want {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestCanceled(t *testing.T) {
	live := context.Background()
	dead, cancel := context.WithCancel(context.Background())
	cancel()
	if err := canceled(live, zenity.ErrCanceled); !errors.Is(err, session.ErrCanceled) {
		t.Errorf("zenity cancel: %v", err)
	}
	if err := canceled(dead, errors.New("signal: killed")); !errors.Is(err, session.ErrCanceled) {
		t.Errorf("killed by ctx: %v", err)
	}
	if err := canceled(live, errors.New("exec: zenity: not found")); errors.Is(err, session.ErrCanceled) {
		t.Errorf("a missing binary is not a cancel: %v", err)
	}
}
