package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/awsmfa-tray/awsmfa-tray/session"
)

// Shell completion: each shell's script is a thin adapter that hands the
// words before the cursor to "awsmfa __complete" and offers what it prints,
// so that the four shells complete alike and the knowledge of commands,
// options and profiles lives here, next to the command table.

var completionCmd = &command{
	name:    "completion",
	summary: "print the completion script for bash, zsh, fish or PowerShell",
	usage:   "awsmfa completion bash|zsh|fish|powershell",
	help:    completionHelp,
	words:   []string{"bash", "zsh", "fish", "powershell"},
	run:     runCompletion,
}

func runCompletion(a *app, g globals, args []string) error {
	if len(args) == 0 {
		return usagef("completion", "completion needs a shell: bash, zsh, fish or powershell")
	}
	sh, rest := args[0], args[1:]
	if sh == "-h" || sh == "--help" {
		return &helpRequest{cmd: "completion"}
	}
	if _, err := (cmdFlags{}).parse("completion", &g, rest); err != nil {
		return err
	}
	script, ok := completionScripts[strings.ToLower(sh)]
	if !ok {
		return usagef("completion", "unknown shell %q: use bash, zsh, fish or powershell", sh)
	}
	_, err := fmt.Fprint(a.stdout, script)
	return err
}

// completionScripts are what "awsmfa completion SHELL" prints; the .deb
// and .rpm ship copies (packaging/linux), which a test keeps equal.
var completionScripts = map[string]string{
	"bash":       bashCompletion,
	"zsh":        zshCompletion,
	"fish":       fishCompletion,
	"powershell": powershellCompletion,
	"pwsh":       powershellCompletion,
}

const bashCompletion = `# bash completion for awsmfa                                 -*- shell-script -*-
# Made by "awsmfa completion bash"; it asks awsmfa itself what fits.

_awsmfa() {
    local cur=${COMP_WORDS[COMP_CWORD]} line
    COMPREPLY=()
    while IFS= read -r line; do
        case $line in
        ":command "*)
            # exec's command line: complete it as a command of its own.
            if declare -F _command_offset >/dev/null; then
                _command_offset "${line#:command }"
            else
                COMPREPLY=($(compgen -c -- "$cur"))
            fi
            return 0
            ;;
        ?*) COMPREPLY+=("${line%%$'\t'*}") ;;
        esac
    done < <("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
    return 0
}
complete -F _awsmfa awsmfa
`

const zshCompletion = `#compdef awsmfa
# zsh completion for awsmfa, made by "awsmfa completion zsh"; it asks awsmfa
# itself what fits. Put it in a folder of $fpath as _awsmfa, or source it
# after compinit.

_awsmfa() {
    local -a lines descs
    local line value
    lines=("${(@f)$("${words[1]}" __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    for line in "${lines[@]}"; do
        [[ -n $line ]] || continue
        if [[ $line == ":command "* ]]; then
            # exec's command line: complete it as a command of its own.
            local k=${line#:command }
            shift $k words
            (( CURRENT -= k ))
            _normal
            return
        fi
        value=${line%%$'\t'*}
        if [[ $line == *$'\t'* ]]; then
            descs+=("${value//:/\\:}:${line#*$'\t'}")
        else
            descs+=("${value//:/\\:}")
        fi
    done
    (( ${#descs} )) && _describe -t awsmfa awsmfa descs
}

if [[ ${funcstack[1]} == _awsmfa ]]; then
    _awsmfa "$@"
else
    compdef _awsmfa awsmfa
fi
`

const fishCompletion = `# fish completion for awsmfa, made by "awsmfa completion fish"; it asks
# awsmfa itself what fits.

function __awsmfa_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    for line in ($tokens[1] __complete $tokens[2..] "$cur" 2>/dev/null)
        if string match -q -- ':command *' $line
            # exec's command line: complete it as a command of its own.
            set -l k (string replace -- ':command ' '' $line)
            complete -C (string join -- ' ' (string escape -- $tokens[(math $k + 1)..]) "$cur")
            return
        end
        printf '%s\n' $line
    end
end

complete -c awsmfa -f -a '(__awsmfa_complete)'
`

const powershellCompletion = `# PowerShell completion for awsmfa, made by "awsmfa completion powershell";
# it asks awsmfa itself what fits. Load it from $PROFILE with:
#   awsmfa completion powershell | Out-String | Invoke-Expression

Register-ArgumentCompleter -Native -CommandName awsmfa, awsmfa.exe -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $elements = @($commandAst.CommandElements |
        Where-Object { $_.Extent.StartOffset -lt $cursorPosition } |
        ForEach-Object { $_.Extent.Text })
    $program = $elements[0]
    $words = @($elements | Select-Object -Skip 1)
    if ($wordToComplete -eq '') { $words += '' }
    elseif ($words.Count -gt 0) { $words[-1] = $wordToComplete }
    # --words tells awsmfa how many words to expect: older PowerShell drops
    # an empty argument.
    $out = & $program __complete "--words=$($words.Count)" @words 2>$null
    foreach ($line in $out) {
        if ($line -like ':command *') { return }
        $value, $desc = $line -split "` + "`" + `t", 2
        if (-not $desc) { $desc = $value }
        [System.Management.Automation.CompletionResult]::new($value, $value, 'ParameterValue', $desc)
    }
}
`

var completeCmd = &command{
	name:   "__complete",
	hidden: true,
	run:    runComplete,
}

// runComplete prints what may take the place of the last of args, the
// words after "awsmfa" up to the cursor: one candidate a line, as "value"
// or "value<TAB>description". A last line ":command K" hands the rest of
// the line, from word K on (awsmfa being word 0), to the shell's own
// command completion: exec's command.
func runComplete(a *app, g globals, args []string) error {
	if len(args) > 0 {
		if n, ok := strings.CutPrefix(args[0], "--words="); ok {
			args = args[1:]
			if want, err := strconv.Atoi(n); err == nil {
				for len(args) < want {
					args = append(args, "")
				}
			}
		}
	}
	if len(args) == 0 {
		args = []string{""}
	}
	c := &completer{a: a, m: a.manager()}
	for _, cand := range c.complete(args) {
		fmt.Fprintln(a.stdout, cand)
	}
	return nil
}

type completer struct {
	a *app
	m *session.Manager
}

// complete works out the candidates for the last word.
func (c *completer) complete(args []string) []string {
	// bash splits "--profile=x" at "=" into three words: join them back.
	var words []string
	for i := 0; i < len(args); i++ {
		if args[i] == "=" && len(words) > 0 && strings.HasPrefix(words[len(words)-1], "-") {
			words[len(words)-1] += "="
			if i+1 < len(args) {
				i++
				words[len(words)-1] += args[i]
			}
			continue
		}
		words = append(words, args[i])
	}
	// bash's own word for the reply is what follows "=": reply with values
	// alone then, and with the whole "--flag=value" for the other shells.
	split := len(args) >= 2 && (args[len(args)-1] == "=" || args[len(args)-2] == "=")
	cur, before := words[len(words)-1], words[:len(words)-1]

	var cmd *command
	var pending *flagSpec // the option whose value cur is
	var used []string
	positional, help := 0, false
	for i, w := range before {
		if pending != nil {
			pending = nil
			continue
		}
		if cmd == execCmd && (w == "--" || !strings.HasPrefix(w, "-")) {
			start := i
			if w == "--" {
				start++
			}
			// The command's own words start at before[start], which is
			// word start+1 of the whole line.
			return []string{":command " + strconv.Itoa(start+1)}
		}
		if strings.HasPrefix(w, "-") && w != "-" {
			name, _, hasVal := splitFlag(w)
			used = append(used, name)
			if f := flagOf(cmd, w, name); f != nil && f.arg != "" && !hasVal {
				pending = f
			}
			continue
		}
		if cmd == nil && !help {
			if w == "help" {
				help = true
				continue
			}
			if cmd = lookup(w); cmd == nil || cmd.hidden {
				return nil
			}
			continue
		}
		positional++
	}
	if help {
		// "awsmfa help COMMAND"
		cmd = nil
		if positional > 0 || strings.HasPrefix(cur, "-") {
			return nil
		}
	}
	switch {
	case pending != nil:
		return filter(c.values(cmd, pending), cur, "")
	case strings.HasPrefix(cur, "-") && strings.Contains(cur, "="):
		name, val, _ := splitFlag(cur)
		f := flagOf(cmd, cur, name)
		if f == nil || f.arg == "" {
			return nil
		}
		prefix := cur[:len(cur)-len(val)]
		if split {
			prefix = ""
		}
		return filter(c.values(cmd, f), val, prefix)
	case strings.HasPrefix(cur, "-"):
		return filter(flagWords(cmd, used), cur, "")
	case cmd == nil:
		var out []string
		for _, k := range commands {
			if !k.hidden {
				out = append(out, k.name+"\t"+k.summary)
			}
		}
		return filter(out, cur, "")
	case cmd == execCmd:
		return []string{":command " + strconv.Itoa(len(before)+1)}
	case positional == 0 && cmd.words != nil:
		return filter(cmd.words, cur, "")
	}
	return nil
}

// profileFlag is --profile (and -p) as completion sees it.
var profileFlag = flagSpec{name: "profile", arg: "P", values: valueProfile}

// flagOf finds the option arg names for cmd (nil: before the command).
func flagOf(cmd *command, arg, name string) *flagSpec {
	if isProfileFlag(arg, name) {
		f := profileFlag
		if cmd == nil || cmd == setupCmd {
			f.values = valueSetupProfile
		}
		return &f
	}
	if cmd == nil || strings.HasPrefix(arg, "-") && !strings.HasPrefix(arg, "--") {
		return nil
	}
	for i := range cmd.flags {
		if cmd.flags[i].name == name {
			return &cmd.flags[i]
		}
	}
	return nil
}

// flagWords are the options cmd takes that are not given yet.
func flagWords(cmd *command, used []string) []string {
	var out []string
	add := func(name, desc string) {
		for _, u := range used {
			if u == name {
				return
			}
		}
		out = append(out, "--"+name+"\t"+desc)
	}
	if cmd == nil {
		add("profile", "the profile to act on")
		add("help", "show the help")
		add("version", "print the version")
		return out
	}
	for _, f := range cmd.flags {
		add(f.name, flagSummary(cmd, f.name))
	}
	if cmd != versionCmd && cmd != completionCmd {
		add("profile", flagSummary(cmd, "profile"))
	}
	add("help", "show this help")
	return out
}

// flagSummary is the first line of an option's description in the help
// text, so that completion says what the help says.
func flagSummary(cmd *command, name string) string {
	for _, line := range strings.Split(cmd.help, "\n") {
		t := strings.TrimSpace(line)
		if !strings.HasPrefix(t, "--"+name+" ") && !strings.HasPrefix(t, "-p, --"+name+" ") && t != "--"+name {
			continue
		}
		if i := strings.Index(t, "   "); i >= 0 {
			return strings.TrimSpace(t[i:])
		}
	}
	return ""
}

// values are what option f of cmd may be set to.
func (c *completer) values(cmd *command, f *flagSpec) []string {
	switch f.values {
	case valueShell:
		return shellNames
	case valueProfile:
		snap, err := c.m.Snapshot()
		if err != nil {
			return nil
		}
		var out []string
		for _, st := range snap.Profiles {
			desc := st.State.String()
			if st.State == session.Active || st.State == session.Expiring {
				desc += ", " + session.FormatLeft(st.Left) + " left"
			}
			if st.Profile.Problem != nil && !st.HasSession {
				desc = "needs setup"
			}
			out = append(out, st.Profile.Name+"\t"+desc)
		}
		return out
	case valueSetupProfile:
		names, err := c.m.ProfileNames()
		if err != nil {
			return nil
		}
		sort.Strings(names)
		return names
	}
	return nil
}

// filter keeps the candidates that start with cur, each with prefix.
func filter(cands []string, cur, prefix string) []string {
	var out []string
	for _, cand := range cands {
		if strings.HasPrefix(cand, cur) {
			out = append(out, prefix+cand)
		}
	}
	return out
}
