package keychain

import "github.com/zalando/go-keyring"

// errNotFoundFromBackend is what go-keyring returns for a missing item.
var errNotFoundFromBackend = keyring.ErrNotFound
