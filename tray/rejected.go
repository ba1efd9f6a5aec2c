package tray

import (
	"errors"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// codeRejected reports an MFA code that STS refused (invalid or already
// used): the flow asks again rather than showing an error.
func codeRejected(err error) bool {
	return err != nil && errors.Is(err, session.ErrCodeRejected)
}
