#!/usr/bin/env bash
# The whole test suite: vet, the cross-builds, a quick pass of the
# benchmarks, the Windows build under wine, then every unit and end-to-end
# test (with the packaging checks switched on). The tests run last so that their summary
# closes the output. Run scripts/setup-debian.sh first on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export CI="${CI:-}"

step() { printf '\n== %s\n' "$*"; }

step "go vet (linux, windows, darwin)"
go vet ./...
GOOS=windows go vet ./...
# Without cgo the darwin tray compiles a stub; a real macOS build needs cgo
# on a Mac (see packaging/build.sh).
CGO_ENABLED=0 GOOS=darwin go vet ./...

step "cross-builds"
CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go build -o /dev/null ./cmd/awsmfa ./cmd/awsmfa-tray
CGO_ENABLED=0 GOOS=darwin GOARCH=arm64 go build -o /dev/null ./cmd/awsmfa

step "benchmarks (quick pass: checks they run and print their tables; not timed)"
go run ./bench -quick

# The fuzzers' seeds and every input they found (testdata/fuzz) run with
# the tests below; the fuzzers themselves run in scripts/fuzz.sh, as what
# they find by chance must not decide a landing.

step "race with the real AWS CLI (AWSMFA_RACE_DURATION, default 2m)"
# awsmfa logins and logouts against "aws configure set", which rewrites the
# credentials file in place without a lock: no long-term section may be
# lost; the updates lost on either side are reported.
AWSMFA_RACE_DURATION="${AWSMFA_RACE_DURATION:-2m}" go test -count=1 -v -run '^TestBinaryRaceSoak$' ./cmd/awsmfa

step "windows under wine (scripts/wine/run.sh)"
# The Windows build of every package's tests, and awsmfa.exe and
# awsmfa-tray.exe end to end, in a private wine prefix on a private display.
scripts/wine/run.sh

step "tests"
# The default 10-minute bound per package is too tight for session/inifile
# (every corpus edit read back by the real botocore) on a loaded machine.
AWSMFA_PACKAGING=1 go test -count=1 -timeout 30m ./...
