package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The man page and the completion scripts that the .deb and .rpm ship live
// in packaging/linux, made from the help texts and the command table: these
// tests fail when they drift, and "go test ./cmd/awsmfa -update" remakes
// them.

const manPage = "../../packaging/linux/awsmfa.1"

// packagedCompletions are the shipped copies of "awsmfa completion SHELL".
var packagedCompletions = map[string]string{
	"../../packaging/linux/completions/awsmfa":      "bash",
	"../../packaging/linux/completions/_awsmfa":     "zsh",
	"../../packaging/linux/completions/awsmfa.fish": "fish",
}

func TestPackagedFilesMatch(t *testing.T) {
	want := map[string]string{manPage: manText()}
	for path, shell := range packagedCompletions {
		want[path] = completionScripts[shell]
	}
	for path, text := range want {
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test -update makes it)", err)
		}
		if string(got) != text {
			t.Errorf("%s is not what the help texts and scripts make: run go test ./cmd/awsmfa -update", path)
		}
	}
}

// The man page, as man shows it, names every command and every option, and
// groff finds nothing to warn about.
func TestManPageRenders(t *testing.T) {
	if _, err := exec.LookPath("groff"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("groff is missing (package groff-base)")
		}
		t.Skip("groff is not installed")
	}
	cmd := exec.Command("groff", "-man", "-Tutf8", "-ww", "-rLL=80n")
	cmd.Stdin = strings.NewReader(manText())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("groff: %v\n%s", err, stderr.String())
	}
	// Drop the overstrike bold and underline, and groff's own hyphens.
	text := regexp.MustCompile(".\b").ReplaceAllString(string(out), "")
	// One space for every run of them, so that wrapping does not matter.
	text = strings.Join(strings.Fields(text), " ")
	for _, c := range commands {
		if c.hidden {
			continue
		}
		if !strings.Contains(text, "awsmfa "+c.name) || !strings.Contains(text, c.summary) {
			t.Errorf("the man page lacks the command %s", c.name)
		}
		for _, f := range c.flags {
			if !strings.Contains(text, "--"+f.name) {
				t.Errorf("the man page lacks %s --%s", c.name, f.name)
			}
		}
	}
	for _, want := range []string{"-p, --profile P", "-h, --help", "EXIT STATUS", "ENVIRONMENT", "NO_COLOR", "~/.aws/credentials"} {
		if !strings.Contains(text, want) {
			t.Errorf("the man page lacks %q", want)
		}
	}
	// Options are copied from man pages into shells: their dashes must be
	// ASCII hyphen-minus, not typographic hyphens.
	if strings.Contains(string(out), "\u2010-") || strings.Contains(string(out), "\u2010\u2010") {
		t.Errorf("the man page renders options with typographic hyphens")
	}
	if lex, err := exec.LookPath("lexgrog"); err == nil {
		f := filepath.Join(t.TempDir(), "awsmfa.1")
		if err := os.WriteFile(f, []byte(manText()), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(lex, f).CombinedOutput()
		if err != nil || !strings.Contains(string(out), `"awsmfa - `) {
			t.Errorf("lexgrog cannot read the NAME section: %v: %s", err, out)
		}
	}
}

// manText is the man page, made from the help texts.
func manText() string {
	var b strings.Builder
	b.WriteString(`.\" awsmfa(1), made from awsmfa's help texts by "go test ./cmd/awsmfa -update".
.\" Edit the help texts in cmd/awsmfa/help.go, not this file.
.TH AWSMFA 1 "" "awsmfa" "User Commands"
.nh
.ad l
.SH NAME
awsmfa \- log in to AWS with an MFA code and keep the session where the AWS CLI and SDKs find it
.SH SYNOPSIS
.B awsmfa
[\fB\-\-profile\fR \fIP\fR] \fIcommand\fR [\fIoptions\fR]
.SH DESCRIPTION
`)
	intro, _, _ := strings.Cut(globalIntro, "\n\nUsage:")
	b.WriteString(roffText(strings.Join(strings.Fields(intro), " ")) + "\n")
	opts, outro, _ := strings.Cut(globalOptions, "\n\n")
	b.WriteString(".PP\n" + roffText(strings.Join(strings.Fields(outro), " ")) + "\n")
	b.WriteString(".SH OPTIONS\n")
	b.WriteString(roffBody(opts))
	b.WriteString(".SH COMMANDS\n")
	for _, c := range commands {
		if c.hidden {
			continue
		}
		usage, body, _ := strings.Cut(c.help, "\n")
		fmt.Fprintf(&b, ".SS \"awsmfa %s\"\n", c.name)
		b.WriteString(roffText(c.summary) + ".\n.PP\n")
		b.WriteString(roffSynopsis(strings.TrimPrefix(usage, "Usage: ")))
		b.WriteString(roffBody(body))
	}
	b.WriteString(manTail)
	return b.String()
}

const manTail = `.SH ENVIRONMENT
.TP
\fBAWS_PROFILE\fR, \fBAWS_DEFAULT_PROFILE\fR
The profile to act on when \fB\-\-profile\fR is not given (else "default").
.TP
\fBAWS_CONFIG_FILE\fR, \fBAWS_SHARED_CREDENTIALS_FILE\fR
Where the config and credentials files are, as for the AWS CLI.
.TP
\fBAWS_REGION\fR, \fBAWS_ENDPOINT_URL_STS\fR, \fBAWS_ENDPOINT_URL\fR, \fBAWS_IGNORE_CONFIGURED_ENDPOINT_URLS\fR
The region and endpoint of the STS call, with the precedence of aws\-sdk\-go\-v2.
.TP
\fBNO_COLOR\fR
When set, \fBstatus\fR prints no colour, even on a terminal.
.TP
\fBSHELL\fR
The syntax \fBenv\fR prints, and the command \fBexec\fR runs by default.
.SH FILES
.TP
\fI~/.aws/credentials\fR
Long\-term keys in [\fIP\fRPerm] (or [\fIP\fR\-long\-term]), the session in [\fIP\fR]; awsmfa changes only its own keys in [\fIP\fR], in one atomic, locked write.
.TP
\fI~/.aws/config\fR
\fBmfa_serial\fR, \fBregion\fR and \fBduration_seconds\fR of [profile \fIP\fR] or its long\-term profile.
.SH EXIT STATUS
0 on success; 1 when a command fails, with one line on stderr that says what to fix; 2 for a mistake on the command line; 130 when interrupted.
\fBexec\fR exits with its command's status, and with 126 or 127 when the command cannot run or is not found.
.SH SEE ALSO
\fBaws\fR(1), \fBawsmfa\-tray\fR, https://github.com/awsmfa\-tray/awsmfa\-tray
`

// roffText escapes plain text for roff: backslashes, and dashes as the
// hyphen-minus that shells need.
func roffText(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// roffSynopsis sets a usage line with options in bold and placeholders in
// italics.
func roffSynopsis(usage string) string {
	// Inside brackets the spaces do not break: "[--duration D]" stays whole.
	var b strings.Builder
	depth := 0
	for i, w := range strings.Fields(usage) {
		if i > 0 {
			if depth > 0 {
				b.WriteString(`\ `)
			} else {
				b.WriteString(" ")
			}
		}
		b.WriteString(roffWord(w))
		depth += strings.Count(w, "[") - strings.Count(w, "]")
	}
	return ".PP\n" + b.String() + "\n"
}

// roffWord bolds options and the program and command names, and sets
// upper-case placeholders in italics, keeping the brackets plain.
func roffWord(w string) string {
	core := strings.Trim(w, "[]|.,")
	if core == "" {
		return roffText(w)
	}
	i := strings.Index(w, core)
	pre, post := w[:i], w[i+len(core):]
	switch {
	case strings.HasPrefix(core, "-") || core == "awsmfa" || core == strings.ToLower(core) && !strings.ContainsAny(core, "<>"):
		return roffText(pre) + `\fB` + roffText(core) + `\fR` + roffText(post)
	default:
		return roffText(pre) + `\fI` + roffText(core) + `\fR` + roffText(post)
	}
}

// roffBody turns a help text's body into roff: paragraphs, indented blocks
// kept as they are, and an "Options:" list as tagged paragraphs.
func roffBody(body string) string {
	var b strings.Builder
	var para []string
	flush := func() {
		if len(para) > 0 {
			b.WriteString(".PP\n" + roffText(strings.Join(para, " ")) + "\n")
			para = nil
		}
	}
	lines := strings.Split(strings.Trim(body, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case strings.TrimSpace(line) == "":
			flush()
		case line == "Options:":
			flush()
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "  ") {
				i++
				opt := strings.TrimSpace(lines[i])
				flag, desc, _ := strings.Cut(opt, "   ")
				desc = strings.TrimSpace(desc)
				for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "     ") {
					i++
					desc += " " + strings.TrimSpace(lines[i])
				}
				var words []string
				for _, w := range strings.Fields(flag) {
					words = append(words, roffWord(w))
				}
				b.WriteString(".TP\n" + strings.Join(words, " ") + "\n" + roffText(desc) + "\n")
			}
		case strings.HasPrefix(line, "  - "):
			// A bullet, with its continuation lines.
			flush()
			item := strings.TrimPrefix(line, "  - ")
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "    ") {
				i++
				item += " " + strings.TrimSpace(lines[i])
			}
			b.WriteString(".IP \\(bu 2\n" + roffText(item) + "\n")
		case strings.HasPrefix(line, "  ") && strings.Contains(strings.TrimSpace(line), "   "):
			// "  term   what it is", continued by deeper lines.
			flush()
			term, desc, _ := strings.Cut(strings.TrimSpace(line), "   ")
			desc = strings.TrimSpace(desc)
			for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "     ") {
				i++
				desc += " " + strings.TrimSpace(lines[i])
			}
			b.WriteString(".TP\n" + roffText(term) + "\n" + roffText(desc) + "\n")
		case strings.HasPrefix(line, "  "):
			// Lines to type, kept as they are.
			flush()
			b.WriteString(".PP\n.RS 4\n.nf\n")
			for ; i < len(lines) && strings.HasPrefix(lines[i], "  ") && !strings.Contains(strings.TrimSpace(lines[i]), "   "); i++ {
				b.WriteString(roffText(strings.TrimPrefix(lines[i], "  ")) + "\n")
			}
			i--
			b.WriteString(".fi\n.RE\n")
		default:
			para = append(para, strings.TrimSpace(line))
		}
	}
	flush()
	return b.String()
}
