package dialogs

import (
	"bufio"
	"crypto/rand"
	"encoding/binary"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// xauthRecord is one Xauthority entry, as xauth writes it.
func xauthRecord(family uint16, addr, num, name string, data []byte) []byte {
	field := func(b []byte, s []byte) []byte {
		b = binary.BigEndian.AppendUint16(b, uint16(len(s)))
		return append(b, s...)
	}
	b := binary.BigEndian.AppendUint16(nil, family)
	b = field(b, []byte(addr))
	b = field(b, []byte(num))
	b = field(b, []byte(name))
	return field(b, data)
}

func TestXAuthFind(t *testing.T) {
	const mit = "MIT-MAGIC-COOKIE-1"
	v4 := string(net.IPv4(10, 0, 0, 5).To4())
	v6 := string(net.ParseIP("2001:db8::7").To16())
	file := func(recs ...[]byte) []byte {
		var b []byte
		for _, r := range recs {
			b = append(b, r...)
		}
		return b
	}
	tcp := func(ip string) net.Addr { return &net.TCPAddr{IP: net.ParseIP(ip), Port: 6001} }
	tests := []struct {
		name   string
		file   []byte
		remote net.Addr
		num    string
		want   string // the cookie found, "" for none
	}{
		{"local socket, this host", file(xauthRecord(familyLocal, "other", "1", mit, []byte("no")), xauthRecord(familyLocal, "box", "1", mit, []byte("yes"))), nil, "1", "yes"},
		{"local socket, another display", file(xauthRecord(familyLocal, "box", "2", mit, []byte("no"))), nil, "1", ""},
		{"an empty number is any display", file(xauthRecord(familyLocal, "box", "", mit, []byte("yes"))), nil, "7", "yes"},
		{"FamilyWild matches any address", file(xauthRecord(familyWild, "", "1", mit, []byte("yes"))), tcp("10.0.0.5"), "1", "yes"},
		{"another protocol is skipped", file(xauthRecord(familyLocal, "box", "1", "XDM-AUTHORIZATION-1", []byte("no")), xauthRecord(familyLocal, "box", "1", mit, []byte("yes"))), nil, "1", "yes"},
		{"TCP to an IPv4 host", file(xauthRecord(familyLocal, "box", "1", mit, []byte("no")), xauthRecord(familyInternet, v4, "1", mit, []byte("yes"))), tcp("10.0.0.5"), "1", "yes"},
		{"TCP to another IPv4 host", file(xauthRecord(familyInternet, v4, "1", mit, []byte("no"))), tcp("10.0.0.6"), "1", ""},
		{"TCP over IPv6", file(xauthRecord(familyInternet, v4, "1", mit, []byte("no")), xauthRecord(familyInternet6, v6, "1", mit, []byte("yes"))), tcp("2001:db8::7"), "1", "yes"},
		{"an IPv4-mapped peer is IPv4", file(xauthRecord(familyInternet, v4, "1", mit, []byte("yes"))), tcp("::ffff:10.0.0.5"), "1", "yes"},
		{"loopback TCP is the local host", file(xauthRecord(familyInternet, string(net.IPv4(127, 0, 0, 1).To4()), "1", mit, []byte("no")), xauthRecord(familyLocal, "box", "1", mit, []byte("yes"))), tcp("127.0.0.1"), "1", "yes"},
		{"a cut file finds nothing", xauthRecord(familyLocal, "box", "1", mit, []byte("yes"))[:20], nil, "1", ""},
		{"an empty file", nil, nil, "1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			family, addr := xAuthAddr("box", tt.remote)
			name, data := xAuthFind(tt.file, family, addr, tt.num)
			if string(data) != tt.want {
				t.Fatalf("cookie %q; want %q", data, tt.want)
			}
			if tt.want != "" && string(name) != mit {
				t.Fatalf("protocol %q", name)
			}
		})
	}
}

// TestXDialWithCookie connects to a real X server that demands a cookie:
// with the cookie in $XAUTHORITY under this host's name and display, and
// refused without it.
func TestXDialWithCookie(t *testing.T) {
	if _, err := exec.LookPath("Xvfb"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("Xvfb not installed (scripts/setup-debian.sh installs xvfb)")
		}
		t.Skip("Xvfb not installed (apt-get install xvfb)")
	}
	dir := t.TempDir()
	cookie := make([]byte, 16)
	rand.Read(cookie)
	server := filepath.Join(dir, "server")
	if err := os.WriteFile(server, xauthRecord(familyWild, "", "", "MIT-MAGIC-COOKIE-1", cookie), 0o600); err != nil {
		t.Fatal(err)
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	x := exec.Command("Xvfb", "-displayfd", "3", "-auth", server, "-nolisten", "tcp", "-noreset", "-screen", "0", "320x200x24")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("Xvfb display: %v", err)
	}
	num := strings.TrimSpace(line)
	t.Setenv("DISPLAY", ":"+num)
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	client := filepath.Join(dir, "client")
	wrong := append([]byte(nil), cookie...)
	wrong[0] ^= 0xff
	for _, tc := range []struct {
		name string
		file []byte
		ok   bool
	}{
		{"no cookie", nil, false},
		{"a wrong cookie", xauthRecord(familyLocal, host, num, "MIT-MAGIC-COOKIE-1", wrong), false},
		{"another display's cookie", xauthRecord(familyLocal, host, num+"9", "MIT-MAGIC-COOKIE-1", cookie), false},
		{"this host and display", append(xauthRecord(familyLocal, host+"-other", num, "MIT-MAGIC-COOKIE-1", wrong), xauthRecord(familyLocal, host, num, "MIT-MAGIC-COOKIE-1", cookie)...), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(client, tc.file, 0o600); err != nil {
				t.Fatal(err)
			}
			t.Setenv("XAUTHORITY", client)
			c, err := xDial()
			if tc.ok {
				if err != nil {
					t.Fatalf("xDial: %v", err)
				}
				defer c.close()
				if c.root == 0 {
					t.Fatal("no root window in the setup reply")
				}
				return
			}
			if err == nil {
				c.close()
				t.Fatal("the server took the connection without the right cookie")
			}
			if !strings.Contains(err.Error(), "refused") {
				t.Fatalf("error %q does not say the server refused", err)
			}
		})
	}
}
