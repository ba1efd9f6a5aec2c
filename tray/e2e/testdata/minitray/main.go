// Command minitray is a throwaway stand-in for awsmfa-tray. It lets the e2e
// harness (watcher, notifications, dbusmenu client, xdotool driver) be
// exercised before the real app exists: a fyne.io/systray menu whose
// "Login myaccount" asks for a code with zenity and then notifies.
package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"fyne.io/systray"
	"github.com/gen2brain/beeep"
	"github.com/ncruces/zenity"
)

// A 1x1 PNG: systray needs some icon bytes.
var icon = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func main() {
	systray.Run(onReady, nil)
}

func onReady() {
	systray.SetIcon(icon)
	systray.SetTitle("minitray")
	state := systray.AddMenuItem("myaccount — logged out", "")
	login := systray.AddMenuItem("Login myaccount", "")
	quit := systray.AddMenuItem("Quit", "")
	// Relay clicks into buffered channels: systray drops a click when no one
	// is receiving at that instant.
	loginC := relay(login.ClickedCh)
	quitC := relay(quit.ClickedCh)
	go func() {
		for {
			select {
			case <-loginC:
				code, err := zenity.Entry("MFA code for arn:aws:iam::123456789012:mfa/alice",
					zenity.Title("awsmfa — myaccount"))
				if errors.Is(err, zenity.ErrCanceled) {
					continue
				}
				if err != nil {
					fmt.Fprintln(os.Stderr, "minitray: dialog:", err)
					continue
				}
				state.SetTitle(fmt.Sprintf("myaccount — active, %d digits", len(code)))
				until := time.Now().Add(time.Hour).Format("15:04")
				if err := beeep.Notify("myaccount: logged in until "+until, "", ""); err != nil {
					fmt.Fprintln(os.Stderr, "minitray: notify:", err)
				}
			case <-quitC:
				systray.Quit()
				return
			}
		}
	}()
}

func relay(in <-chan struct{}) <-chan struct{} {
	out := make(chan struct{}, 16)
	go func() {
		for range in {
			out <- struct{}{}
		}
	}()
	return out
}
