#!/usr/bin/env bash
# The whole test suite: vet, the cross-builds, a quick pass of the
# benchmarks, short fuzz runs, then every unit and end-to-end test (with the
# packaging checks switched on). The tests run last so that their summary
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

step "fuzz (short)"
go test ./session/inifile -run '^$' -fuzz '^FuzzRoundTrip$' -fuzztime 10s
go test ./session/inifile -run '^$' -fuzz '^FuzzEditPreserves$' -fuzztime 20s
go test ./session/inifile -run '^$' -fuzz '^FuzzMatchesReference$' -fuzztime 20s
go test ./session/inifile -run '^$' -fuzz '^FuzzRename$' -fuzztime 10s
go test ./session -run '^$' -fuzz '^FuzzSSOTokenFile$' -fuzztime 10s
go test ./session/inifile -run '^$' -fuzz '^FuzzLoginsLogoutsRestore$' -fuzztime 10s
# Against the real botocore (Debian's python3-botocore, one Python process
# per fuzz worker): the model of its reading, then edits read back by it
# and by aws-sdk-go-v2's config loader.
go test ./session/inifile -run '^$' -fuzz '^FuzzBotocoreModel$' -fuzztime 20s
go test ./session/inifile -run '^$' -fuzz '^FuzzEditBothReaders$' -fuzztime 20s

step "race with the real AWS CLI (AWSMFA_RACE_DURATION, default 2m)"
# awsmfa logins and logouts against "aws configure set", which rewrites the
# credentials file in place without a lock: no long-term section may be
# lost; the updates lost on either side are reported.
AWSMFA_RACE_DURATION="${AWSMFA_RACE_DURATION:-2m}" go test -count=1 -v -run '^TestBinaryRaceSoak$' ./cmd/awsmfa

step "tests"
AWSMFA_PACKAGING=1 go test -count=1 ./...
