package main

import (
	"fmt"
	"strings"
)

// Help texts; testdata/help/*.golden holds what they render to, and the man
// page (packaging/linux/awsmfa.1) is made from them, so they are the one
// place a command's options are described.

const globalIntro = `awsmfa logs in to AWS with an MFA code and keeps the temporary session in
the shared credentials file, where the AWS CLI and SDKs find it.

Usage:
  awsmfa [--profile P] <command> [options]
`

const globalOptions = `Options:
  -p, --profile P   the profile to act on; it may also follow the command
                    (default: $AWS_PROFILE, else $AWS_DEFAULT_PROFILE, else
                    "default")
  -h, --help        show this help; "awsmfa <command> --help" shows a command's

Profile P logs in with the long-term keys of its source_profile, [PPerm] or
[P-long-term], and the mfa_serial of either profile.
`

// maxAlignedName is the longest command name the summaries align after.
const maxAlignedName = 12

// globalHelp lists the commands from the command table, so a new command
// shows up in it by its summary alone.
func globalHelp() string {
	var b strings.Builder
	b.WriteString(globalIntro)
	b.WriteString("\nCommands:\n")
	// A long name (credential-process) does not widen the column for
	// the others: its summary follows it on its own line's terms.
	width := 0
	for _, c := range commands {
		if !c.hidden && len(c.name) <= maxAlignedName {
			width = max(width, len(c.name))
		}
	}
	for _, c := range commands {
		if !c.hidden {
			fmt.Fprintf(&b, "  %-*s  %s\n", width, c.name, c.summary)
		}
	}
	b.WriteString("\n")
	b.WriteString(globalOptions)
	return b.String()
}

const loginHelp = `Usage: awsmfa [--profile P] login [--token-code N] [--duration D] [--force]

Get a temporary session for P with an MFA code and write it into [P] of the
shared credentials file. Every other byte of the file stays as it was. On a
terminal, a line on stderr says so when STS takes more than two seconds.

Options:
  --token-code N    the 6-digit code from the MFA device; without it the code
                    is asked for on the terminal
  --duration D      how long the session lasts: "8h", "90m" or seconds, from
                    15m to 36h (default: duration_seconds of the profile,
                    else 12h)
  --force           renew the session even if it is still active; without it
                    an active session is kept (on a terminal you are asked)
  -p, --profile P   the profile to log in
  -h, --help        show this help

The original awsmfa script's form also works:
  awsmfa login --token-code N -- --duration-seconds 3600
`

const logoutHelp = `Usage: awsmfa [--profile P] logout [--all]

Remove the session keys from [P] of the shared credentials file; the rest of
the section and the long-term keys stay. AWS cannot revoke an MFA session
early: the removed credentials stay valid until they expire.

Options:
  --all             log out of every MFA profile holding a session
  -p, --profile P   the profile to log out of
  -h, --help        show this help
`

const statusHelp = `Usage: awsmfa [--profile P] status [--json]

Show every MFA profile: its state, the time left, when the session expires
(in your time zone) and the profile its long-term keys come from. Below the
table, each profile that cannot log in as it is gets a line that says what
to run or change. With --profile, show just that one. The table fits the
terminal (COLUMNS, or 80 columns when piped): a name too long for it is cut
with an ellipsis, whole in the notes and in --json. On a terminal the
states are in colour, unless NO_COLOR is set.

Options:
  --json            print a JSON array for scripts, one object per profile with
                    profile, state (active, expiring, expired, logged_out,
                    active_unknown_expiry), expiration (RFC 3339 UTC or null),
                    seconds_left, long_term_profile, mfa_serial, and problem
                    and warning (null when there is none)
  -p, --profile P   the profile to show
  -h, --help        show this help
`

const setupHelp = `Usage: awsmfa [--profile P] setup [--serial ARN] [--yes] [--undo]

Make P an MFA profile, or repair one that cannot log in as it is. Setup
changes only what P needs, each file in one atomic write:
  - long-term keys in [P] of the credentials file move to [PPerm], since the
    session goes into [P];
  - the MFA device is recorded as mfa_serial in the config file (or replaces
    the one there);
  - source_profile without role_arn in [profile P], which Go-based tools
    refuse, is removed when the name PPerm links the keys, or else moved to a
    bare [P] section, which only awsmfa reads.
Then "awsmfa login" works for P. "awsmfa status" says which profiles need it.

For a role profile P (role_arn with source_profile), setup shows the one edit
of the config file that lets every AWS tool use P through credential_process
(role_arn and source_profile become awsmfa_role_arn and awsmfa_source_profile,
and credential_process is added), and makes it when you say yes.

Options:
  --serial ARN      the MFA device, like arn:aws:iam::123456789012:mfa/alice
                    (IAM console, Security credentials); asked for on the
                    terminal when P needs one and has none
  --yes             make the role profile edit without asking
  --undo            put a role profile back as it was before setup
  -p, --profile P   the profile to set up
  -h, --help        show this help
`

const keychainHelp = `Usage: awsmfa [--profile P] keychain import|export|status

Keep the long-term keys of P out of the plaintext credentials file.

  import   check the keys of P's long-term profile with STS, move them into the
           OS keychain (macOS Keychain, Windows Credential Manager, or a Secret
           Service such as GNOME Keyring), and leave only
           "awsmfa_keychain = true" in their section; nothing else changes
  export   put the keys back into the file, then remove the keychain item
  status   show where each MFA profile's long-term keys live

Login reads the keys from the keychain; other AWS tools keep using the
session in [P] as before.

Options:
  -p, --profile P   the profile whose keys to move
  -h, --help        show this help
`

const envHelp = `Usage: awsmfa [--profile P] env [--shell SHELL] [--token-code N] [--duration D]

Print the session of P as commands for your shell that set
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (and the older
AWS_SECURITY_TOKEN), AWS_CREDENTIAL_EXPIRATION, and AWS_REGION and
AWS_DEFAULT_REGION, both to the region the SDKs would use for P ($AWS_REGION,
else $AWS_DEFAULT_REGION, else the config of P) if there is one. A session
that is not active is renewed first, as "awsmfa login" would. The secrets go
to stdout, since you asked for them, and nowhere else. Load them into the
shell you are in with:
  eval "$(awsmfa env -p P)"                           sh, bash, zsh
  awsmfa env -p P | source                            fish
  awsmfa env -p P | Out-String | Invoke-Expression    PowerShell

Options:
  --shell SHELL     sh (also for bash, zsh, ksh and dash), fish or powershell
                    (pwsh); default: the one $SHELL names, else powershell on
                    Windows, else sh
  --token-code N    the MFA code, when a new session is needed (without it the
                    code is asked for on the terminal)
  --duration D      how long a new session lasts, as for login
  -p, --profile P   the profile whose session to print
  -h, --help        show this help
`

const execHelp = `Usage: awsmfa [--profile P] exec [--token-code N] [--duration D] [-- COMMAND...]

Run COMMAND (default: your $SHELL) with the session of P in its environment,
the way aws-vault does: it sets the variables "awsmfa env" prints and
AWSMFA_PROFILE=P, and removes AWS_PROFILE, AWS_DEFAULT_PROFILE,
AWS_CREDENTIAL_FILE and AWS_SDK_LOAD_CONFIG, which would make tools look
elsewhere. A session that is not active is renewed first, as "awsmfa login"
would. The exit status is COMMAND's; on Linux and macOS awsmfa becomes
COMMAND, so signals reach it as they would without awsmfa.

Options:
  --token-code N    the MFA code, when a new session is needed (without it the
                    code is asked for on the terminal)
  --duration D      how long a new session lasts, as for login
  -p, --profile P   the profile whose session to use
  -h, --help        show this help

Options end at COMMAND or at "--":
  awsmfa exec -p myaccount -- aws s3 ls
`

const completionHelp = `Usage: awsmfa completion bash|zsh|fish|powershell

Print the completion script for a shell. It completes commands, options and
profile names. The .deb and .rpm packages install it for bash, zsh and fish;
otherwise load it from your shell's startup file:
  bash, in ~/.bashrc:
    source <(awsmfa completion bash)
  zsh, in ~/.zshrc after compinit:
    source <(awsmfa completion zsh)
  fish, in ~/.config/fish/config.fish:
    awsmfa completion fish | source
  PowerShell, in $PROFILE:
    awsmfa completion powershell | Out-String | Invoke-Expression

Options:
  -h, --help   show this help
`

const versionHelp = `Usage: awsmfa version

Print the version of awsmfa.
`

// helpText is a command's --help text, or the global one.
func helpText(cmd string) string {
	if c := lookup(cmd); c != nil && c.help != "" {
		return c.help
	}
	return globalHelp()
}
