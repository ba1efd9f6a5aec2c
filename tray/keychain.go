package tray

import (
	"context"
	"errors"
	"fmt"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// KeychainConfirmText is the confirmation dialog's text for moving the
// long-term keys of profile (kept in [longTerm]) into the OS keychain.
func KeychainConfirmText(profile, longTerm string) string {
	return fmt.Sprintf("The long-term keys of [%[2]s] move into the OS keychain; the credentials file keeps only "+
		"awsmfa_keychain = true in [%[2]s]. awsmfa checks them with AWS first and leaves them in the file if any step fails.\n\n"+
		"Logins from the tray and the awsmfa CLI then read them from the keychain. Other AWS tools keep working with "+
		"the sessions awsmfa writes to [%[1]s]; a tool that used [%[2]s] directly no longer finds its keys.\n\n"+
		"To undo: awsmfa keychain export --profile %[1]s", profile, longTerm)
}

// KeychainMovedTitle and KeychainMovedBody are the notification after a move.
func KeychainMovedTitle(profile string) string {
	return profile + ": long-term keys moved to the keychain"
}

func KeychainMovedBody(profile, longTerm string) string {
	return "[" + longTerm + "] in the credentials file now only says awsmfa_keychain = true. " +
		"To undo: awsmfa keychain export --profile " + profile
}

// startKeychain asks to confirm, then moves a profile's long-term keys into
// the keychain, off the loop: the dialog waits for the user and the core
// calls STS. A second click while that profile's flow runs is ignored.
func (a *App) startKeychain(ctx context.Context, name string) {
	if a.imports[name] {
		a.log.Info("keychain move already in progress; click ignored", "profile", name)
		return
	}
	loc, ok := a.keys[name]
	if !ok || loc.Store != session.KeysInFile {
		// A click on an item the menu has hidden since.
		a.log.Info("keys are not in the file; click ignored", "profile", name)
		return
	}
	a.imports[name] = true
	a.log.Info("move keys to keychain clicked", "profile", name)
	a.goPost(func() Event { return a.keychainFlow(ctx, loc) })
}

func (a *App) keychainFlow(ctx context.Context, loc session.KeyLocation) KeychainDone {
	name := loc.Profile
	done := KeychainDone{Profile: name}
	title := "awsmfa" + a.cfg.Locale.Dash() + name
	conf, ok := a.cfg.Dialogs.(Confirmer)
	if !ok {
		done.Err = errors.New("no confirmation dialog available")
		a.notify(name+": cannot ask to move the keys", "No confirmation dialog is available; use awsmfa keychain import --profile "+name+".")
		return done
	}
	yes, err := conf.Confirm(ctx, a.cfg.Locale.Text(title), a.cfg.Locale.Text(KeychainConfirmText(name, loc.LongTerm)), KeychainConfirmOK)
	if errors.Is(err, session.ErrCanceled) || ctx.Err() != nil {
		done.Canceled = true
		return done
	}
	if err != nil {
		// The dialog itself failed: an error dialog would fail too.
		a.notify(name+": cannot ask to move the keys", err.Error())
		done.Err = fmt.Errorf("confirm dialog: %w", err)
		return done
	}
	if !yes {
		done.Canceled = true
		return done
	}
	err = a.cfg.Core.KeychainImport(ctx, name)
	switch {
	case errors.Is(err, session.ErrCanceled) || ctx.Err() != nil:
		done.Canceled = true
	case errors.Is(err, session.ErrInKeychain):
		done.Already = true
	case err != nil:
		a.showError(ctx, title, err.Error())
		done.Err = err
	default:
		done.Moved = true
	}
	return done
}

func (a *App) finishKeychain(ev KeychainDone) {
	delete(a.imports, ev.Profile)
	switch {
	case ev.Moved:
		a.log.Info("long-term keys moved to the keychain", "profile", ev.Profile)
		a.notify(KeychainMovedTitle(ev.Profile), KeychainMovedBody(ev.Profile, a.keys[ev.Profile].LongTerm))
	case ev.Already:
		a.log.Info("long-term keys were already in the keychain", "profile", ev.Profile)
	case ev.Err != nil:
		a.log.Warn("keychain move failed", "profile", ev.Profile, "err", ev.Err)
	default:
		a.log.Info("keychain move canceled", "profile", ev.Profile)
	}
}
