#!/usr/bin/env bash
# run.sh [PACKAGE...]: the Windows build under wine, as scripts/test.sh
# runs it. It makes a private wine prefix (prefix.sh) and a private X
# display (Xvfb) for the windows, keeps one wineserver up for the whole
# run, then runs every package's tests built for Windows (gotest.sh; only
# the PACKAGEs, when given) and the end-to-end tests of the real
# awsmfa.exe and awsmfa-tray.exe (internal/winee2e). AWSMFA_WINEPREFIX=DIR
# reuses a prefix across runs (scripts/stress.sh); by default a fresh one
# is made and removed. Screenshots go to artifacts/wine/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/../.."

tmp="$(mktemp -d)"
export WINEPREFIX="${AWSMFA_WINEPREFIX:-$tmp/prefix}"
. "$here/lib.sh"
xvfb=""
cleanup() {
  "$WINESERVER" -k 2>/dev/null || true
  if [ -n "$xvfb" ]; then kill "$xvfb" 2>/dev/null || true; wait "$xvfb" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

start=$SECONDS
"$here/prefix.sh" "$WINEPREFIX"
echo "wine prefix ready in $((SECONDS - start))s: $WINEPREFIX"

# A private display: the dialogs, the tray icon and wine's own tray window
# need one, and the user's must never see them. Its number is picked high
# and checked free (lock files go missing on a shared machine, and
# -displayfd alone then hands out a number another server answers);
# -noreset keeps it from resetting whenever its last client leaves.
command -v Xvfb >/dev/null || { echo "run.sh: Xvfb not found (scripts/setup-debian.sh installs xvfb)" >&2; exit 1; }
for _ in $(seq 40); do
  n=$((200 + RANDOM % 700))
  if [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || grep -q "@/tmp/.X11-unix/X$n\$" /proc/net/unix; then continue; fi
  : >"$tmp/display"
  Xvfb ":$n" -displayfd 5 -nolisten tcp -noreset -screen 0 1024x768x24 5>"$tmp/display" >/dev/null 2>&1 &
  xvfb=$!
  for _ in $(seq 300); do
    [ -s "$tmp/display" ] && break
    kill -0 "$xvfb" 2>/dev/null || break
    sleep 0.1
  done
  if [ "$(cat "$tmp/display")" = "$n" ] && [ "$(DISPLAY=":$n" xdotool getdisplaygeometry 2>/dev/null)" = "1024 768" ]; then break; fi
  kill "$xvfb" 2>/dev/null || true; wait "$xvfb" 2>/dev/null || true; xvfb=""
done
[ -n "$xvfb" ] || { echo "run.sh: could not start Xvfb on a free display" >&2; exit 1; }
export DISPLAY=":$n"

# One wineserver for the whole run, so that each test program starts fast
# and wine's desktop process (explorer.exe, which hosts the tray) stays on
# our display.
"$WINESERVER" -p

"$here/gotest.sh" "$@"
echo
echo "== end to end under wine (internal/winee2e)"
AWSMFA_WINE_E2E=1 go test -count=1 -v ./internal/winee2e
