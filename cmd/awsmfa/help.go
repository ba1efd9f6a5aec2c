package main

// Help texts; testdata/help/*.golden holds what they render to.

const globalHelp = `awsmfa logs in to AWS with an MFA code and keeps the temporary session in
the shared credentials file, where the AWS CLI and SDKs find it.

Usage:
  awsmfa [--profile P] <command> [options]

Commands:
  login     get a session with an MFA code and write it into [P]
  logout    remove the session from [P] (or from every profile)
  status    show every MFA profile and how long its session has left
  setup     turn a plain profile into an MFA profile
  keychain  move long-term keys into the OS keychain and back (import, export, status)
  version   print the version

Options:
  --profile P   the profile to act on; it may also follow the command
                (default: $AWS_PROFILE, else $AWS_DEFAULT_PROFILE, else "default")
  -h, --help    show this help; "awsmfa <command> --help" shows a command's

Profile P logs in with the long-term keys of its source_profile, [PPerm] or
[P-long-term], and the mfa_serial of either profile.
`

const loginHelp = `Usage: awsmfa [--profile P] login [--token-code N] [--duration D] [--force]

Get a temporary session for P with an MFA code and write it into [P] of the
shared credentials file. Every other byte of the file stays as it was.

Options:
  --token-code N   the 6-digit code from the MFA device; without it the code is
                   asked for on the terminal
  --duration D     how long the session lasts: "8h", "90m" or seconds, from 15m
                   to 36h (default: duration_seconds of the profile, else 12h)
  --force          renew the session even if it is still active; without it an
                   active session is kept (on a terminal you are asked)
  --profile P      the profile to log in
  -h, --help       show this help

The original awsmfa script's form also works:
  awsmfa login --token-code N -- --duration-seconds 3600
`

const logoutHelp = `Usage: awsmfa [--profile P] logout [--all]

Remove the session keys from [P] of the shared credentials file; the rest of
the section and the long-term keys stay. AWS cannot revoke an MFA session
early: the removed credentials stay valid until they expire.

Options:
  --all         log out of every MFA profile holding a session
  --profile P   the profile to log out of
  -h, --help    show this help
`

const statusHelp = `Usage: awsmfa [--profile P] status [--json]

Show every MFA profile: its state, time left, expiry, long-term profile, MFA
serial, and what to fix if it cannot log in. With --profile, show just that one.

Options:
  --json        print a JSON array for scripts, one object per profile with
                profile, state (active, expiring, expired, logged_out,
                active_unknown_expiry), expiration (RFC 3339 UTC or null),
                seconds_left, long_term_profile, mfa_serial, problem (or null)
  --profile P   the profile to show
  -h, --help    show this help
`

const setupHelp = `Usage: awsmfa [--profile P] setup [--serial ARN]

Turn plain profile P, whose long-term keys are in [P] of the credentials file,
into an MFA profile: the keys move to [PPerm] in one atomic write, and
mfa_serial is recorded in the config file. Then "awsmfa login" works for P.

Options:
  --serial ARN   the MFA device, like arn:aws:iam::123456789012:mfa/alice;
                 without it the ARN is asked for on the terminal
  --profile P    the profile to set up
  -h, --help     show this help
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
  --profile P   the profile whose keys to move
  -h, --help    show this help
`

const versionHelp = `Usage: awsmfa version

Print the version of awsmfa.
`

func helpText(cmd string) string {
	switch cmd {
	case "login":
		return loginHelp
	case "logout":
		return logoutHelp
	case "status":
		return statusHelp
	case "setup":
		return setupHelp
	case "keychain":
		return keychainHelp
	case "version":
		return versionHelp
	}
	return globalHelp
}
