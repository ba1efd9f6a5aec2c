//go:build !windows

package dialogs

import (
	"context"

	"github.com/ncruces/zenity"
)

// entry shows text and an edit field in zenity's entry dialog.
func entry(ctx context.Context, text, title string) (string, error) {
	return zenity.Entry(text, zenity.Title(title), zenity.Context(ctx))
}
