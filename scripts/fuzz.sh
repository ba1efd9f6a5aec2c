#!/usr/bin/env bash
# fuzz.sh [SECONDS]: every fuzzer for SECONDS each (default 60), to look for
# new inputs that break the writer or the readers' models. It is not part
# of scripts/test.sh: a fuzzer finds new inputs by chance, and a failure
# found by chance must not block a landing. What a fuzzer finds is fixed
# and kept: the failing input goes to testdata/fuzz/<Fuzzer>/ (or into the
# seeds), where every plain `go test` run replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
t="${1:-60}s"
run() { printf '\n== %s %s (%s)\n' "$1" "$2" "$t"; go test "$1" -run '^$' -fuzz "^$2\$" -fuzztime "$t"; }

run ./session/inifile FuzzRoundTrip
run ./session/inifile FuzzEditPreserves
run ./session/inifile FuzzMatchesReference
run ./session/inifile FuzzRename
run ./session FuzzSSOTokenFile
run ./session FuzzKeychainSplice
run ./session/inifile FuzzLoginsLogoutsRestore
# Against the real botocore (Debian's python3-botocore, one Python process
# per fuzz worker): the model of its reading, then edits read back by it
# and by aws-sdk-go-v2's config loader.
run ./session/inifile FuzzBotocoreModel
run ./session/inifile FuzzEditBothReaders
