package session_test

import (
	"context"
	"errors"
	"os"
	"runtime"
	"strings"
	"testing"

	"github.com/awsmfa-tray/awsmfa-tray/session"
	"github.com/awsmfa-tray/awsmfa-tray/session/inifile"
)

// truncateAndHold empties path and keeps it open for writing, as the AWS
// CLI does between its truncation and its write; the returned func writes
// content and closes the file, as the CLI's write does.
func truncateAndHold(t *testing.T, path string) func(content string) {
	t.Helper()
	w, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	done := false
	t.Cleanup(func() {
		if !done {
			w.Close()
		}
	})
	return func(content string) {
		if done {
			return
		}
		done = true
		w.WriteString(content)
		w.Close()
	}
}

// TestLoginNeverWritesATornFile is issue 9's wiped file: the login has
// read the file, and while the code is typed another program truncates it
// and stays there. The login must not take the empty file for a new one:
// it waits within its bound, then fails with one sentence, writes nothing
// (the long-term keys are not lost to a file holding only [myaccount]) and
// spends no code.
func TestLoginNeverWritesATornFile(t *testing.T) {
	e := newEnv(t, permConfig, permCreds)
	_, err := e.m.Login(context.Background(), "myaccount", session.LoginOptions{
		Prompt: func(context.Context, session.CodeRequest) (string, error) {
			truncateAndHold(t, e.credPath)
			return e.code(), nil
		},
	})
	if !errors.Is(err, inifile.ErrSectionLost) && !errors.Is(err, inifile.ErrUnsettled) {
		t.Fatalf("login: err = %v; want the file refused as torn", err)
	}
	if got := readFile(t, e.credPath); got != "" {
		t.Errorf("the login wrote over the torn file: %q", got)
	}
	if n := len(e.srv.Calls()); n != 0 {
		t.Errorf("STS saw %d calls: no code is spent on a write that cannot happen", n)
	}
	if strings.Count(err.Error(), e.credPath) != 1 {
		t.Errorf("err = %q; want one sentence naming the file once", err)
	}
}

// TestLoginWaitsForATornFileToBeWritten: the same, but the other program
// finishes its write (here: once the login says it is waiting for the
// file). The login then writes the session into the whole file.
func TestLoginWaitsForATornFileToBeWritten(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only leases see a program holding the file open, which the wait notice is about")
	}
	e := newEnv(t, permConfig, permCreds)
	whole := readFile(t, e.credPath)
	var finish func(string)
	var said []string
	ctx := session.WithWaitNotice(context.Background(), func(path string) {
		said = append(said, path)
		finish(whole + "[upd0]\naws_session_token = NEWVAL\n")
	})
	_, err := e.m.Login(ctx, "myaccount", session.LoginOptions{
		Prompt: func(context.Context, session.CodeRequest) (string, error) {
			finish = truncateAndHold(t, e.credPath)
			return e.code(), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(said) != 1 || said[0] != e.credPath {
		t.Errorf("wait notices %q; want one for %s", said, e.credPath)
	}
	got := readFile(t, e.credPath)
	if !strings.HasPrefix(got, whole+"[upd0]\naws_session_token = NEWVAL\n") || !strings.Contains(got, "[myaccount]\n") {
		t.Errorf("file = %q; want the other program's file with the session added", got)
	}
}

// TestCtrlCEndsTheWaitForATornFile: Ctrl-C (the context ending) ends a
// wait for a file another program holds torn at once, as a cancel: for a
// login (its first read) and for the calls that take no context, which
// run under the Manager's (WithContext). Before, the reads ignored the
// context and the wait ran to its 10 s bound.
func TestCtrlCEndsTheWaitForATornFile(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only leases see a program holding the file open, which the wait notice (our cue to cancel) is about")
	}
	calls := []struct {
		name string
		run  func(ctx context.Context, e *testEnv) error
	}{
		{"login", func(ctx context.Context, e *testEnv) error {
			_, err := e.m.Login(ctx, "myaccount", session.LoginOptions{TokenCode: "123456"})
			return err
		}},
		{"status", func(ctx context.Context, e *testEnv) error {
			_, err := e.m.WithContext(ctx).Status("myaccount")
			return err
		}},
		{"logout", func(ctx context.Context, e *testEnv) error {
			_, err := e.m.WithContext(ctx).Logout("myaccount")
			return err
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, permConfig, permCreds)
			truncateAndHold(t, e.credPath)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ctx = session.WithWaitNotice(ctx, func(string) { cancel() })
			err := c.run(ctx, e)
			if !errors.Is(err, session.ErrCanceled) {
				t.Fatalf("err = %v; want ErrCanceled", err)
			}
			if got := readFile(t, e.credPath); got != "" {
				t.Errorf("the file was written: %q", got)
			}
			if n := len(e.srv.Calls()); n != 0 {
				t.Errorf("STS saw %d calls", n)
			}
		})
	}
}
