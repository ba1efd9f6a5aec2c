//go:build linux

package main

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// On a real terminal without COLUMNS, status asks the terminal how wide it
// is: a long name is cut on 80 columns and whole on 200.
func TestStatusTakesTheTerminalsWidth(t *testing.T) {
	if _, err := exec.LookPath("script"); err != nil {
		t.Skip("script(1) from util-linux is not installed")
	}
	const name = "acme-platform-engineering-production-eu-west-1-breakglass-ro"
	bin := binary(t)
	for _, cols := range []int{80, 200} {
		t.Run(strconv.Itoa(cols), func(t *testing.T) {
			e := newEnv(t)
			exp := time.Now().Add(3 * time.Hour).UTC().Format(time.RFC3339)
			e.write(t, "[profile "+name+"]\nmfa_serial = arn:aws:iam::123456789012:mfa/ro\n",
				"["+name+"Perm]\naws_access_key_id = AKIAEXAMPLELONG\naws_secret_access_key = x\n\n"+
					"["+name+"]\naws_access_key_id = ASIAEXAMPLELONG\naws_secret_access_key = s\naws_session_token = t\nexpiration = "+exp+"\n")
			// env -u: a shell that exports COLUMNS must not answer for the terminal.
			line := "stty cols " + strconv.Itoa(cols) + " && env -u COLUMNS " + shellQuote(bin) + " status"
			out, err := exec.Command("script", "-qec", line, "/dev/null").Output()
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			text := strings.ReplaceAll(string(out), "\r\n", "\n")
			var row string
			for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
				l = ansi.ReplaceAllString(l, "")
				if n := utf8.RuneCountInString(l); n > cols {
					t.Errorf("%d columns on a terminal %d wide: %s", n, cols, l)
				}
				if strings.HasPrefix(l, "acme-") {
					row = l
				}
			}
			whole := strings.HasPrefix(row, name+" ")
			cut := strings.HasPrefix(row, "acme-platform-enginee…-west-1-breakglass-ro ")
			if cols == 80 && !cut || cols == 200 && !whole {
				t.Errorf("on %d columns, the row is %q:\n%s", cols, row, text)
			}
		})
	}
}

// ansi matches the colour codes status writes on a terminal.
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")
