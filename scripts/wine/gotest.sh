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

[ $# -gt 0 ] || set -- ./...
fail=0
while read -r pkg dir name; do
  id="${pkg//\//_}"
  # The deleteat switch, in the package under test (see the file's comment).
  overlay="$work/$id.json"
  cp "$here/deleteat_test.go.in" "$work/$id.go"
  sed -i "s/^package PACKAGE$/package $name/" "$work/$id.go"
  printf '{"Replace":{"%s":"%s"}}\n' "$dir/zz_wine_deleteat_windows_test.go" "$work/$id.go" >"$overlay"
  exe="$work/$id.test.exe"
  if ! GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$exe" \
      -overlay "$overlay" -ldflags=-checklinkname=0 "$pkg" >"$work/$id.log" 2>&1; then
    echo "FAIL $pkg (build)"; cat "$work/$id.log"; fail=1; continue
  fi
  start=$SECONDS
  if (cd "$dir" && "$WINE" "$exe" -test.v -test.count=1 -test.timeout=5m ${GOTEST_FLAGS:-}) >"$work/$id.log" 2>&1; then
    echo "ok   $pkg ($((SECONDS - start))s)"
    if [ -n "${VERBOSE:-}" ]; then cat "$work/$id.log"; fi
  else
    echo "FAIL $pkg ($((SECONDS - start))s)"; cat "$work/$id.log"; fail=1
  fi
  # Every skip, with its reason: the last line the test logged.
  awk '/^ *=== (RUN|CONT|NAME) / {cur = $3; next}
       /^ +[A-Za-z0-9_]+\.go:[0-9]+: / {why[cur] = $0; sub(/^ +/, "", why[cur])}
       /^ *--- SKIP/ {printf "       skip %s: %s\n", $3, why[$3]}' "$work/$id.log"
done < <(GOOS=windows go list -f '{{if or .TestGoFiles .XTestGoFiles}}{{.ImportPath}} {{.Dir}} {{.Name}}{{end}}' "$@")
exit $fail
