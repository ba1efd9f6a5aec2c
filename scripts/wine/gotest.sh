#!/usr/bin/env bash
# gotest.sh [PACKAGE...]: every package's tests (default ./...), built for
# Windows with GOOS=windows go test -c and run under wine in the package's
# folder, as go test would. Needs WINEPREFIX made by prefix.sh (run.sh does
# both), and DISPLAY for the packages that open windows.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."
: "${WINEPREFIX:?run scripts/wine/run.sh, or set WINEPREFIX to a prefix made by scripts/wine/prefix.sh}"
. "$here/lib.sh"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Binaries the tests would otherwise build with a go command that does not
# exist inside wine. awsmfa is stamped with the version cmd/awsmfa's binary
# tests check (binVersion).
GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go build -o "$work/bin/awsmfa.exe" \
  -ldflags "-X main.version=v9.9.9-test" ./cmd/awsmfa
# As Windows names it (drive Z: is the Linux root), so that paths made
# from it compare equal to the program's own.
export AWSMFA_TEST_BIN_DIR="Z:${work//\//\\}\\bin"

# CI=true turns a missing tool's skip into a failure. The tools those
# checks look for (Debian's aws, python3 with botocore, node, the shells)
# are Linux programs that no wine process can run: the Linux run requires
# them, and here each skip is listed below with its reason.
export CI=

# The 200-cycle soak runs on Linux; under wine it is there for Windows'
# rename and file watcher, and 50 cycles take every branch of a cycle
# (they are shaped by the cycle number mod 50).
export AWSMFA_SOAK_CYCLES="${AWSMFA_SOAK_CYCLES:-50}"

[ $# -gt 0 ] || set -- ./...
GOOS=windows go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}} {{.Dir}} {{.Name}}{{end}}' "$@" >"$work/packages"

# The deleteat switch, in each package under test (see the file's
# comment), through one overlay; then every test binary in one go build,
# which shares the work across packages (each named for its folder).
overlay="$work/overlay.json"
sep=""
printf '{"Replace":{' >"$overlay"
while read -r pkg dir name; do
  id="${pkg//\//_}"
  sed "s/^package PACKAGE$/package $name/" "$here/deleteat_test.go.in" >"$work/$id.go"
  printf '%s"%s":"%s"' "$sep" "$dir/zz_wine_deleteat_windows_test.go" "$work/$id.go" >>"$overlay"
  sep=,
done <"$work/packages"
printf '}}\n' >>"$overlay"
start=$SECONDS
mkdir "$work/tests"
# shellcheck disable=SC2046
if ! GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$work/tests/" \
    -overlay "$overlay" -ldflags=-checklinkname=0 $(cut -d' ' -f1 "$work/packages") >"$work/build.log" 2>&1; then
  echo "FAIL (build)"; cat "$work/build.log"; exit 1
fi
echo "built $(wc -l <"$work/packages") test programs in $((SECONDS - start))s"

# run PKG DIR: one package's tests under wine, in its folder as go test
# runs them; prints its result (the whole log when it fails) and every
# skip with its reason (the last line the test logged).
run() {
  local pkg=$1 dir=$2 id="${1//\//_}" start=$SECONDS
  local log="$work/$id.log" out="$work/$id.out" ok=0
  (cd "$dir" && "$WINE" "$work/tests/${pkg##*/}.test.exe" -test.v -test.count=1 -test.timeout=5m ${GOTEST_FLAGS:-}) >"$log" 2>&1 || ok=$?
  {
    if [ $ok = 0 ]; then
      echo "ok   $pkg ($((SECONDS - start))s)"
      if [ -n "${VERBOSE:-}" ]; then cat "$log"; fi
    else
      echo "FAIL $pkg ($((SECONDS - start))s)"; cat "$log"
    fi
    awk '/^ *=== (RUN|CONT|NAME) / {cur = $3; next}
         /^ +[A-Za-z0-9_]+\.go:[0-9]+: / {why[cur] = $0; sub(/^ +/, "", why[cur])}
         /^ *--- SKIP/ {printf "       skip %s: %s\n", $3, why[$3]}' "$log"
  } >"$out"
  return $ok
}

# WINE_JOBS packages at a time (default 2): much of a wine test's time is
# waiting on wineserver and on processes starting, not on the CPU. Each
# result prints whole when its package ends.
jobs=${WINE_JOBS:-2}
fail=0
running=0
declare -A outs
while read -r pkg dir name; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n -p done_pid || fail=1
    cat "${outs[$done_pid]}"
    running=$((running - 1))
  fi
  run "$pkg" "$dir" &
  outs[$!]="$work/${pkg//\//_}.out"
  running=$((running + 1))
done <"$work/packages"
while [ "$running" -gt 0 ]; do
  wait -n -p done_pid || fail=1
  cat "${outs[$done_pid]}"
  running=$((running - 1))
done
exit $fail
