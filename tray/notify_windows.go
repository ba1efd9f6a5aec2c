package tray

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/gen2brain/beeep"
	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"

	"github.com/awsmfa-tray/awsmfa-tray/assets"
)

// On Windows 10 and later beeep shows a toast (through WinRT, else
// PowerShell), with a real icon file, which it gets here. Where toasts
// cannot work, or fail, the notice goes to a balloon on the tray's own
// icon instead, so it always reaches the screen: before Windows 10 (where
// beeep would add a second tray icon for its balloon), and where WinRT
// lacks the toast classes (wine, Server Core).
var (
	toastsWork = sync.OnceValue(detectToasts)
	toast      = beeep.Notify // swapped by tests
	balloon    = showBalloon
)

func notify(title, body string) error {
	if !toastsWork() {
		return balloon(title, body)
	}
	icon, iconErr := notifyIcon()
	err := toast(title, body, icon)
	if err == nil {
		return nil
	}
	if berr := balloon(title, body); berr != nil {
		return errors.Join(err, iconErr, berr)
	}
	return nil
}

// toastClasses are the WinRT classes go-toast activates. Wine 8.0
// registers neither, and there a failed attempt also leaves a COM class
// factory behind that calls into Go while the process exits, crashing it.
var toastClasses = []string{"Windows.UI.Notifications.ToastNotificationManager", "Windows.Data.Xml.Dom.XmlDocument"}

// detectToasts: Windows 10 or later, with the toast classes registered.
func detectToasts() bool {
	if windows.RtlGetVersion().MajorVersion < 10 {
		return false
	}
	for _, c := range toastClasses {
		k, err := registry.OpenKey(registry.LOCAL_MACHINE, `SOFTWARE\Microsoft\WindowsRuntime\ActivatableClassId\`+c, registry.QUERY_VALUE)
		if err != nil {
			return false
		}
		k.Close()
	}
	return true
}

// notifyIcon is the path of the app's icon as a PNG file in the cache
// folder (beeep and Windows read it by path), written once per process and
// again only when the embedded icon changed. Without a cache folder the
// path is "", which toasts accept.
var notifyIcon = sync.OnceValues(writeNotifyIcon)

func writeNotifyIcon() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("notification icon: %w", err)
	}
	path := filepath.Join(dir, AppName, AppName+".png")
	png := assets.AppPNG(128)
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, png) {
		return path, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("notification icon: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), AppName+"-*.png")
	if err != nil {
		return "", fmt.Errorf("notification icon: %w", err)
	}
	_, werr := tmp.Write(png)
	if err := errors.Join(werr, tmp.Close()); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("notification icon: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return "", fmt.Errorf("notification icon: %w", err)
	}
	return path, nil
}
