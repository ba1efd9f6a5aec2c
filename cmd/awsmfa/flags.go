package main

import "strings"

// The flag package stops at the first non-flag and cannot tell "--" apart,
// so commands parse with this small GNU-style parser: -x and --x, --x=v and
// --x v, flags anywhere before "--", --profile accepted everywhere.

// splitFlag turns "--name=v" into ("name", "v", true) and "-name" into
// ("name", "", false).
func splitFlag(arg string) (name, val string, hasVal bool) {
	name = strings.TrimPrefix(strings.TrimPrefix(arg, "-"), "-")
	if k, v, ok := strings.Cut(name, "="); ok {
		return k, v, true
	}
	return name, "", false
}

// flagValue returns the value of a flag that takes one, and the index of the
// next argument.
func flagValue(args []string, i int, name, val string, hasVal bool, cmd string) (string, int, error) {
	if hasVal {
		return val, i + 1, nil
	}
	if i+1 >= len(args) || strings.HasPrefix(args[i+1], "--") {
		return "", 0, usagef(cmd, "--%s needs a value", name)
	}
	return args[i+1], i + 2, nil
}

// isProfileFlag reports whether arg (split into name) is --profile or its
// short form -p; "--p" is not one.
func isProfileFlag(arg, name string) bool {
	return name == "profile" || name == "p" && !strings.HasPrefix(arg, "--")
}

// cmdFlags are one command's options.
type cmdFlags struct {
	strs  map[string]*string
	bools map[string]*bool
	// passthrough allows arguments after "--" (returned to the caller);
	// otherwise they are refused.
	passthrough bool
	// stopAtArg ends the options at the first argument that is not one,
	// which is returned with everything after it (exec's command line).
	stopAtArg bool
	// seen, when set, records the flags given.
	seen map[string]bool
}

// parse fills the flags from args and returns what follows "--".
func (f cmdFlags) parse(cmd string, g *globals, args []string) ([]string, error) {
	for i := 0; i < len(args); {
		arg := args[i]
		if arg == "--" {
			rest := args[i+1:]
			if !f.passthrough && len(rest) > 0 {
				return nil, usagef(cmd, "unexpected argument %q", rest[0])
			}
			return rest, nil
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			if f.stopAtArg {
				return args[i:], nil
			}
			return nil, usagef(cmd, "unexpected argument %q", arg)
		}
		name, val, hasVal := splitFlag(arg)
		if f.seen != nil {
			f.seen[name] = true
		}
		switch {
		case name == "h" || name == "help":
			return nil, &helpRequest{cmd: cmd}
		case isProfileFlag(arg, name):
			v, next, err := flagValue(args, i, "profile", val, hasVal, cmd)
			if err != nil {
				return nil, err
			}
			if err := g.setProfile(v, cmd); err != nil {
				return nil, err
			}
			i = next
		case f.strs[name] != nil:
			v, next, err := flagValue(args, i, name, val, hasVal, cmd)
			if err != nil {
				return nil, err
			}
			*f.strs[name] = v
			i = next
		case f.bools[name] != nil:
			if hasVal {
				return nil, usagef(cmd, "--%s takes no value", name)
			}
			*f.bools[name] = true
			i++
		default:
			return nil, usagef(cmd, "unknown option %s", arg)
		}
	}
	return nil, nil
}
