package session_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sts"
	"golang.org/x/sys/unix"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// writeDuringSTS opens the credentials file for writing while the
// GetSessionToken call is in flight, as the AWS CLI would, and appends to
// it; the open must not wait on a lease of ours.
type writeDuringSTS struct {
	session.STSAPI
	t    *testing.T
	path string
	err  error
}

func (w *writeDuringSTS) GetSessionToken(ctx context.Context, in *sts.GetSessionTokenInput, opts ...func(*sts.Options)) (*sts.GetSessionTokenOutput, error) {
	// O_NONBLOCK: a read lease held on the file fails the open at once
	// with EWOULDBLOCK, where the AWS CLI would wait (45 s when we are
	// stopped and cannot let go).
	fd, err := unix.Open(w.path, unix.O_WRONLY|unix.O_APPEND|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		w.err = err
	} else {
		f := os.NewFile(uintptr(fd), w.path)
		_, w.err = f.WriteString("[upd0]\naws_session_token = NEWVAL\n")
		f.Close()
	}
	return w.STSAPI.GetSessionToken(ctx, in, opts...)
}

// TestLoginHoldsNoLeaseDuringSTS: the login keeps its lock across the STS
// call but not its read lease, so the AWS CLI can write the file
// meanwhile; the login reads the file again before its rename and keeps
// what the CLI wrote.
func TestLoginHoldsNoLeaseDuringSTS(t *testing.T) {
	e := newEnv(t, permConfig, permCreds)
	w := &writeDuringSTS{t: t, path: e.credPath}
	e.m = session.New(session.Config{Clock: e.clock, Timeout: 5 * time.Second, NewSTS: func(ctx context.Context, p session.Profile, k session.Keys) (session.STSAPI, error) {
		c, err := session.NewSTSClient(ctx, p, k)
		w.STSAPI = c
		return w, err
	}})
	if _, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{TokenCode: e.code()}); err != nil {
		t.Fatal(err)
	}
	if w.err != nil {
		t.Fatalf("another program's write during the STS call: %v; want it to go through at once", w.err)
	}
	got := readFile(t, e.credPath)
	if !strings.Contains(got, "[upd0]\naws_session_token = NEWVAL\n") || !strings.Contains(got, "[myaccount]\n") || !strings.HasPrefix(got, strings.Replace(strings.Replace(permCreds, "KEYID", e.user.AccessKeyID, 1), "SECRET", e.user.SecretAccessKey, 1)) {
		t.Errorf("file = %q; want the long-term keys, the other write and the session", got)
	}
}
