package fakeserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// A fake accepts whatever its users hold, so it must never listen beyond
// loopback, however the address is spelt.
func TestListenOnlyOnLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:0", "example.com:0", "nonsense"} {
		if ln, err := Listen("fake", addr); err == nil {
			ln.Close()
			t.Errorf("Listen(%q) listened on %s", addr, ln.Addr())
		} else if !strings.HasPrefix(err.Error(), "fake: ") {
			t.Errorf("Listen(%q): %v, want it to start with the fake's name", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0"} {
		ln, err := Listen("fake", addr)
		if err != nil {
			t.Errorf("Listen(%q): %v", addr, err)
			continue
		}
		ln.Close()
	}
}

// Hold gives up when the fake closes, rather than keeping a reply waiting.
func TestHoldEndsWhenTheFakeCloses(t *testing.T) {
	closed := make(chan struct{})
	close(closed)
	r := httptest.NewRequest("POST", "/", nil)
	if Hold(r, closed, time.Hour) {
		t.Error("Hold waited out an hour on a closed fake")
	}
	if !Hold(r, closed, 0) {
		t.Error("Hold refused a reply that has no delay")
	}
}

func TestRandStringDrawsFromTheAlphabet(t *testing.T) {
	s := RandString("AB", 64)
	if len(s) != 64 || strings.Trim(s, "AB") != "" {
		t.Errorf("RandString = %q", s)
	}
}

// A fake serves once; Close may come twice and ends every delayed reply.
func TestLifecycle(t *testing.T) {
	var l Lifecycle
	for i := range 2 {
		ln, err := Listen("fake", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		err = l.Serve("fake", &http.Server{Handler: http.NotFoundHandler()}, ln)
		if i == 0 && err != nil {
			t.Fatal(err)
		}
		if i == 1 && (err == nil || err.Error() != "fake: already started") {
			t.Errorf("second Serve: %v, want it refused", err)
		}
	}
	select {
	case <-l.Closed():
		t.Fatal("closed before Close")
	default:
	}
	l.Close()
	l.Close()
	<-l.Closed()
}
