package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// completionFiles is a world with MFA profiles in several states and a
// plain profile that setup can take.
func completionFiles(t *testing.T) *testEnv {
	t.Helper()
	e := newEnv(t)
	e.standard(t, "myaccount", "other")
	e.write(t, readFile(t, e.cfg)+"[profile work]\nregion = eu-west-1\n",
		e.readCreds(t)+"[work]\naws_access_key_id = AKIAWORKWORKWORKWORK\naws_secret_access_key = w\n")
	login(t, e, "myaccount")
	return e
}

// values are the candidates without their descriptions.
func values(out string) []string {
	var v []string
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if line != "" {
			v = append(v, strings.SplitN(line, "\t", 2)[0])
		}
	}
	return v
}

// The completion engine, word list in, candidates out, as every shell's
// script asks it.
func TestComplete(t *testing.T) {
	completionFiles(t)
	all := "login logout status setup keychain env exec sso credential-process completion version"
	tests := []struct {
		words []string // after "awsmfa", the last being the word at the cursor
		want  string
	}{
		{[]string{""}, all},
		{[]string{"lo"}, "login logout"},
		{[]string{"-"}, "--profile --help --version"},
		{[]string{"--profile", ""}, "myaccount other work"},
		{[]string{"-p", "o"}, "other"},
		{[]string{"-p", "other", "s"}, "status setup sso"},
		{[]string{"login", "--"}, "--token-code --duration --force --profile --help"},
		{[]string{"login", "--force", "--"}, "--token-code --duration --profile --help"},
		{[]string{"login", "--profile", ""}, "myaccount other"},
		{[]string{"login", "-p", "m"}, "myaccount"},
		{[]string{"logout", "--profile=o"}, "--profile=other"},
		{[]string{"logout", "--profile", "=", "o"}, "other"}, // bash's words for --profile=o
		{[]string{"logout", "--profile", "="}, "myaccount other"},
		{[]string{"setup", "--profile", ""}, "myaccount other work"},
		{[]string{"setup", "--serial", ""}, ""},
		{[]string{"env", "--shell", ""}, "sh bash zsh fish powershell"},
		{[]string{"env", "--shell=f"}, "--shell=fish"},
		{[]string{"env", "--"}, "--shell --token-code --duration --profile --help"},
		{[]string{"keychain", ""}, "import export status"},
		{[]string{"keychain", "import", ""}, ""},
		{[]string{"completion", "z"}, "zsh"},
		{[]string{"help", ""}, all},
		{[]string{"help", "l"}, "login logout"},
		{[]string{"help", "login", ""}, ""},
		{[]string{"exec", "-p", "myaccount", "--", ""}, ":command 5"},
		{[]string{"exec", "-p", "myaccount", "--", "ls", "-"}, ":command 5"},
		{[]string{"exec", "ls", ""}, ":command 2"},
		{[]string{"exec", ""}, ":command 2"},
		{[]string{"exec", "--"}, "--token-code --duration --profile --help"},
		{[]string{"nosuch", ""}, ""},
		{[]string{"__complete", ""}, ""},
		{[]string{"version", "--"}, "--help"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.words, " "), func(t *testing.T) {
			r := cli(t, append([]string{"__complete"}, tt.words...)...)
			if r.code != 0 || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			if got := strings.Join(values(r.stdout), " "); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	// Descriptions come from the command table and the help texts.
	r := cli(t, "__complete", "login", "--t")
	if r.stdout != "--token-code\tthe 6-digit code from the MFA device; without it the code\n" {
		t.Errorf("--token-code's description: %q", r.stdout)
	}
	r = cli(t, "__complete", "-p", "")
	if !strings.Contains(r.stdout, "myaccount\n") {
		t.Errorf("no profile: %q", r.stdout)
	}
	r = cli(t, "__complete", "login", "-p", "")
	if !strings.Contains(r.stdout, "myaccount\tactive, ") || !strings.Contains(r.stdout, "other\tlogged out\n") {
		t.Errorf("profiles with their state: %q", r.stdout)
	}
	// PowerShell says how many words it meant, since older versions drop
	// an empty one.
	r = cli(t, "__complete", "--words=2", "keychain")
	if got := strings.Join(values(r.stdout), " "); got != "import export status" {
		t.Errorf("--words=2 keychain: %q", got)
	}
}

// Every option a command's parser takes is completed and in its help text
// (and so in the man page), and every one completion offers is taken.
func TestCompletionCoversEveryOption(t *testing.T) {
	newEnv(t)
	for _, c := range commands {
		if c.hidden {
			continue
		}
		for _, f := range c.flags {
			args := []string{c.name, "--" + f.name}
			if f.arg != "" {
				args = append(args, "x")
			}
			if c.words != nil {
				args = append([]string{c.name, c.words[0]}, args[1:]...)
			}
			r := cli(t, append(args, "--help")...)
			if r.code != 0 || r.stdout != c.help {
				t.Errorf("%s: --%s is not taken (exit %d: %s)", c.name, f.name, r.code, r.stderr)
			}
			if !strings.Contains(c.help, "--"+f.name) {
				t.Errorf("%s's help does not name --%s", c.name, f.name)
			}
			if flagSummary(c, f.name) == "" {
				t.Errorf("%s's help does not describe --%s", c.name, f.name)
			}
		}
		// And the help names no option that the table lacks.
		for _, word := range strings.Fields(c.help[strings.Index(c.help, "\n"):]) {
			name, ok := strings.CutPrefix(strings.Trim(word, ",.;:()\""), "--")
			if !ok || name == "" || name == "profile" || name == "help" || name == "duration-seconds" || strings.ContainsAny(name, "=") {
				continue
			}
			found := false
			for _, f := range c.flags {
				found = found || f.name == name
			}
			if !found {
				t.Errorf("%s's help names --%s, which is not in its flags", c.name, name)
			}
		}
	}
}

// completionEnv puts the built awsmfa first on PATH, as an installed one.
func completionEnv(t *testing.T) []string {
	t.Helper()
	return append(os.Environ(), "PATH="+filepath.Dir(binary(t))+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// bash's completion function, run the way bash runs it on Tab: COMP_WORDS
// and COMP_CWORD set, COMPREPLY read back; with bash-completion loaded and
// without it.
func TestBashCompletion(t *testing.T) {
	needShell(t, "bash")
	if runtime.GOOS == "windows" {
		t.Skip("bash completion is tested on Unix")
	}
	completionFiles(t)
	env := completionEnv(t)
	bashCompletionLib := "/usr/share/bash-completion/bash_completion"
	tests := []struct {
		line string // what is typed; the cursor is at its end
		want string
	}{
		{"awsmfa ", "login logout status setup keychain env exec sso credential-process completion version"},
		{"awsmfa lo", "login logout"},
		{"awsmfa login --to", "--token-code"},
		{"awsmfa login -p ", "myaccount other"},
		{"awsmfa --profile=o", "other"},
		{"awsmfa setup --profile w", "work"},
		{"awsmfa env --shell p", "powershell"},
		{"awsmfa keychain e", "export"},
		{"awsmfa exec -p myaccount -- awsmf", "awsmfa"},
	}
	for _, lib := range []string{"", bashCompletionLib} {
		name := "plain bash"
		if lib != "" {
			name = "with bash-completion"
			if _, err := os.Stat(lib); err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("%s is missing (package bash-completion)", lib)
				}
				t.Logf("skipping %s: %v", name, err)
				continue
			}
		}
		t.Run(name, func(t *testing.T) {
			for _, tt := range tests {
				script := ""
				if lib != "" {
					script += "source " + lib + "\n"
				}
				// COMP_WORDBREAKS splits at "=", as bash's readline does.
				// compopt only works inside a real completion: a no-op here.
				script += `source <(awsmfa completion bash)
compopt() { :; }
line=$1
read -ra COMP_WORDS <<<"${line//=/ = }"
[[ $line == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE=$line COMP_POINT=${#line}
_awsmfa awsmfa "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
`
				cmd := exec.Command("bash", "--norc", "--noprofile", "-c", script, "bash", tt.line)
				cmd.Env = env
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("%q: %v\n%s", tt.line, err, out)
				}
				got := strings.Join(strings.Fields(string(out)), " ")
				if tt.line == "awsmfa exec -p myaccount -- awsmf" {
					// compgen -c lists awsmfa once per PATH entry holding it.
					got = strings.Join(uniq(strings.Fields(got)), " ")
				}
				if got != tt.want {
					t.Errorf("%q: COMPREPLY %q, want %q", tt.line, got, tt.want)
				}
			}
		})
	}
}

func uniq(s []string) []string {
	var out []string
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// fish's own completion engine, through "complete -C".
func TestFishCompletion(t *testing.T) {
	needShell(t, "fish")
	completionFiles(t)
	env := completionEnv(t)
	tests := []struct{ line, want string }{
		{"awsmfa ", "completion credential-process env exec keychain login logout setup sso status version"},
		{"awsmfa lo", "login logout"},
		{"awsmfa login --pro", "--profile"},
		{"awsmfa login --profile ", "myaccount other"},
		{"awsmfa logout --profile=o", "--profile=other"},
		{"awsmfa exec -p myaccount -- awsmf", "awsmfa"},
	}
	for _, tt := range tests {
		cmd := exec.Command("fish", "--no-config", "-c", "awsmfa completion fish | source; complete -C $argv[1]", tt.line)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%q: %v\n%s", tt.line, err, out)
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if l != "" {
				got = append(got, strings.SplitN(l, "\t", 2)[0])
			}
		}
		// fish sorts; compare as sorted sets.
		if g := strings.Join(sortedUniq(got), " "); g != strings.Join(sortedUniq(strings.Fields(tt.want)), " ") {
			t.Errorf("%q: fish offers %q, want %q", tt.line, g, tt.want)
		}
	}
}

func sortedUniq(s []string) []string {
	c := append([]string(nil), s...)
	for i := range c {
		for j := i + 1; j < len(c); j++ {
			if c[j] < c[i] {
				c[i], c[j] = c[j], c[i]
			}
		}
	}
	return uniq(c)
}

// zsh: the script loads under compinit and registers itself, and its
// function hands _describe what the engine offers (zsh's matching and
// menus are zsh's own, and need a terminal).
func TestZshCompletion(t *testing.T) {
	needShell(t, "zsh")
	completionFiles(t)
	env := completionEnv(t)
	script := `autoload -Uz compinit && compinit -u -d "$TMPDIR/zcompdump"
source <(awsmfa completion zsh)
print -r -- "registered: $_comps[awsmfa]"
_describe() { print -rl -- "${(@P)${@[-1]}}" }
_normal() { print -r -- "normal: ${words[*]} @$CURRENT" }
words=(awsmfa login --profile ''); CURRENT=4; _awsmfa
words=(awsmfa exec -p myaccount -- ls -l); CURRENT=7; _awsmfa
`
	cmd := exec.Command("zsh", "-f", "-c", script)
	cmd.Env = append(env, "TMPDIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := "registered: _awsmfa\nmyaccount:active, "
	if !strings.HasPrefix(string(out), want) || !strings.Contains(string(out), "\nother:logged out\nnormal: ls -l @2\n") {
		t.Errorf("zsh:\n%s", out)
	}
}

// The scripts parse in their shells; PowerShell's needs pwsh.
func TestCompletionScriptsParse(t *testing.T) {
	for _, tt := range []struct{ shell, sh string }{{"bash", "bash"}, {"zsh", "zsh"}, {"fish", "fish"}, {"powershell", "pwsh"}} {
		t.Run(tt.shell, func(t *testing.T) {
			needShell(t, tt.sh)
			f := filepath.Join(t.TempDir(), "script")
			if err := os.WriteFile(f, []byte(completionScripts[tt.shell]), 0o600); err != nil {
				t.Fatal(err)
			}
			var cmd *exec.Cmd
			switch tt.sh {
			case "fish":
				cmd = exec.Command("fish", "--no-execute", f)
			case "pwsh":
				cmd = exec.Command("pwsh", "-NoProfile", "-Command", "$null = [System.Management.Automation.Language.Parser]::ParseFile('"+f+"', [ref]$null, [ref]$e); if ($e) { $e; exit 1 }")
			default:
				cmd = exec.Command(tt.sh, "-n", f)
			}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s: %v\n%s", tt.shell, err, out)
			}
		})
	}
}
