package dialogs

import (
	"context"
	"errors"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ncruces/zenity"

	"github.com/awsmfa-tray/awsmfa-tray/internal/locale"
	"github.com/awsmfa-tray/awsmfa-tray/internal/wine"
	"github.com/awsmfa-tray/awsmfa-tray/internal/wintest"
	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// What a person reads in the dialog at its longest: the device, the demo
// code and a retry hint.
const (
	longSerial = "arn:aws:iam::123456789012:mfa/alice-yubikey-5-nfc-backup-device"
	longHint   = "Demo \u2014 code 123456 (it changes every 30 seconds).\n\nThat code was not accepted: wait for the next code, then type it."
)

type askResult struct {
	code string
	err  error
}

// askAsync opens the code dialog for profile and returns where its answer
// arrives and its window, once shown.
func askAsync(t *testing.T, ctx context.Context, profile string) (<-chan askResult, wintest.Window) {
	t.Helper()
	loc := locale.Locale{UTF8: true}
	res := make(chan askResult, 1)
	go func() {
		code, err := Zenity{Locale: loc}.AskCode(ctx, profile, longSerial, longHint)
		res <- askResult{code, err}
	}()
	return res, waitDialog(t, Title(loc, profile))
}

// waitDialog waits for this process's visible window titled title.
func waitDialog(t *testing.T, title string) wintest.Window {
	t.Helper()
	w, err := wintest.WaitFor(30*time.Second, func(w wintest.Window) bool {
		return w.PID == uint32(os.Getpid()) && w.Visible && w.Text == title
	})
	if err != nil {
		t.Fatalf("dialog %q: %v", title, err)
	}
	return w
}

// controls returns the dialog's label (the first static), edit field and
// buttons by their text.
func controls(t *testing.T, dlg wintest.Window) (label, edit wintest.Window, buttons map[string]wintest.Window) {
	t.Helper()
	buttons = map[string]wintest.Window{}
	for _, c := range wintest.Children(dlg.HWND) {
		switch strings.ToLower(c.Class) {
		case "static":
			if label.HWND == 0 {
				label = c
			}
		case "edit":
			edit = c
		case "button":
			buttons[c.Text] = c
		}
	}
	if label.HWND == 0 || edit.HWND == 0 {
		t.Fatalf("dialog %v: no label or edit field among %v", dlg, wintest.Children(dlg.HWND))
	}
	return label, edit, buttons
}

// checkWholeText fails unless label shows text in full: the text itself,
// no ellipsis style, and a client area at least as tall as the text needs
// in the label's own font at its own width (and than its lines).
func checkWholeText(t *testing.T, label wintest.Window, text string) {
	t.Helper()
	if want := strings.ReplaceAll(text, "\n", "\r\n"); label.Text != want && label.Text != text {
		t.Errorf("label text\n%q\nwant\n%q", label.Text, want)
	}
	const ssEllipsisMask = 0xC000
	if label.Style&ssEllipsisMask != 0 {
		t.Errorf("label style %#x cuts text with an ellipsis", label.Style)
	}
	size := wintest.ClientSize(label.HWND)
	need, line, err := wintest.TextNeeds(label.HWND, label.Text, size.X)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(text, "\n") + 1
	if size.Y < need || size.Y < lines*line {
		t.Errorf("label is %dx%d; its text needs %d high (%d lines of %d)", size.X, size.Y, need, lines, line)
	}
}

// The code dialog shows its whole text, typed digits and Enter give the
// code, and the window is gone afterwards. A screenshot lands in
// artifacts/wine/ for a person to look at.
func TestCodeDialogShowsWholeText(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, dlg := askAsync(t, ctx, "myaccount")
	label, edit, buttons := controls(t, dlg)
	text := CodeText(locale.Locale{UTF8: true}, "myaccount", longSerial, longHint)
	checkWholeText(t, label, text)
	if !label.Rect.In(dlg.Rect) || label.Rect.Overlaps(edit.Rect) {
		t.Errorf("label %v outside the dialog %v or over the edit field %v", label.Rect, dlg.Rect, edit.Rect)
	}
	for _, b := range []string{"OK", "Cancel"} {
		if w, ok := buttons[b]; !ok || !w.Rect.In(dlg.Rect) || w.Rect.Overlaps(label.Rect) {
			t.Errorf("button %s missing or misplaced: %v (buttons %v)", b, w, buttons)
		}
	}
	screenshot(t, dlg, "code-dialog.png")

	if err := wintest.Type(edit.HWND, "123456"); err != nil {
		t.Fatal(err)
	}
	if r := <-res; r.code != "123456" || r.err != nil {
		t.Errorf("got %q, %v; want 123456", r.code, r.err)
	}
	if err := wintest.WaitGone(dlg.HWND, 10*time.Second); err != nil {
		t.Error(err)
	}
}

// Escape, the close box and the context ending (Quit) are all a cancel,
// a half-typed code is thrown away, and the window closes.
func TestCodeDialogCancels(t *testing.T) {
	for _, tc := range []struct {
		name  string
		close func(cancel func(), dlg, edit wintest.Window) error
	}{
		{"escape", func(_ func(), _, edit wintest.Window) error { return wintest.Key(edit.HWND, wintest.VKEscape) }},
		{"close box", func(_ func(), dlg, _ wintest.Window) error {
			const wmSysCommand, scClose = 0x0112, 0xF060
			return wintest.Post(dlg.HWND, wmSysCommand, scClose, 0)
		}},
		{"context", func(cancel func(), _, _ wintest.Window) error { cancel(); return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			res, dlg := askAsync(t, ctx, "cancel-"+strings.ReplaceAll(tc.name, " ", "-"))
			_, edit, _ := controls(t, dlg)
			if err := wintest.Chars(edit.HWND, "12"); err != nil {
				t.Fatal(err)
			}
			if err := tc.close(cancel, dlg, edit); err != nil {
				t.Fatal(err)
			}
			if r := <-res; r.code != "" || !errors.Is(r.err, session.ErrCanceled) {
				t.Errorf("got %q, %v; want a cancel", r.code, r.err)
			}
			if err := wintest.WaitGone(dlg.HWND, 10*time.Second); err != nil {
				t.Error(err)
			}
		})
	}
}

// Two profiles' dialogs at once: the second does not open exactly over
// the first, and each answers for its own profile.
func TestCodeDialogsSideBySide(t *testing.T) {
	wine.Skip(t, wine.TwoDialogThreads)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resA, a := askAsync(t, ctx, "first")
	resB, b := askAsync(t, ctx, "second")
	if a.Rect.Min == b.Rect.Min {
		t.Errorf("the second dialog opened exactly over the first at %v", a.Rect.Min)
	}
	_, editB, _ := controls(t, b)
	_, editA, _ := controls(t, a)
	if err := wintest.Type(editB.HWND, "222222"); err != nil {
		t.Fatal(err)
	}
	if err := wintest.Type(editA.HWND, "111111"); err != nil {
		t.Fatal(err)
	}
	if r := <-resA; r.code != "111111" || r.err != nil {
		t.Errorf("first: %q, %v", r.code, r.err)
	}
	if r := <-resB; r.code != "222222" || r.err != nil {
		t.Errorf("second: %q, %v", r.code, r.err)
	}
}

// Why the dialog is our own: zenity's Windows entry dialog, given the same
// text, has a one-line label that cannot hold it. If this fails, zenity
// shows the whole text now and entry_windows.go may go.
func TestZenityEntryCutsText(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	text := CodeText(locale.Locale{UTF8: true}, "zenity", longSerial, longHint)
	done := make(chan error, 1)
	go func() {
		_, err := zenity.Entry(text, zenity.Title("zenity entry"), zenity.Context(ctx))
		done <- err
	}()
	dlg := waitDialog(t, "zenity entry")
	label, _, _ := controls(t, dlg)
	size := wintest.ClientSize(label.HWND)
	need, _, err := wintest.TextNeeds(label.HWND, text, size.X)
	if err != nil {
		t.Fatal(err)
	}
	if size.Y >= need {
		t.Errorf("zenity's label is %dx%d and its text needs %d: zenity shows the whole text now", size.X, size.Y, need)
	}
	screenshot(t, dlg, "zenity-entry-cut.png")
	cancel()
	if err := <-done; err == nil {
		t.Error("zenity's dialog closed by the context returned no error")
	}
}

// screenshot saves dlg as artifacts/wine/name; a missing picture only
// logs, since what the test checks is read from the window itself.
func screenshot(t *testing.T, dlg wintest.Window, name string) {
	t.Helper()
	dir, err := wintest.Artifacts()
	if err == nil {
		var img *image.RGBA
		if img, err = wintest.Screenshot(wintest.Rect(dlg.HWND)); err == nil {
			err = wintest.SavePNG(filepath.Join(dir, name), img)
		}
	}
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
	}
}
