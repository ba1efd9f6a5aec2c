package session

import (
	"regexp"
	"sync"
)

// lazyRE compiles expr on first use. Compiled at package init, this
// package's patterns were half of awsmfa's start-up past the runtime's
// (0.5 ms and 4,600 allocations), paid by every command, most of which
// use one or two of them.
func lazyRE(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
