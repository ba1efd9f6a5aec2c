#!/usr/bin/env bash
# stress.sh [RUNS]: the tests that drive real windows, buses and wine, RUNS
# times in a row (default 20) with stress-ng keeping both cores busy, to
# show they never fail by chance. Each run: the zenity dialogs under Xvfb
# (dialogs), the tray over D-Bus with Xvfb, zenity and xdotool (tray,
# tray/e2e), the keychain against a real Secret Service
# (session/keychaine2e), the tray's soak (bench/soak), and under wine the
# Windows tests of the packages that open windows, take locks or run
# processes, plus awsmfa.exe and awsmfa-tray.exe end to end
# (scripts/wine/run.sh). A failed run prints its failures and the next run
# starts; the exit status says whether all were green. Logs:
# artifacts/stress/.
set -uo pipefail
cd "$(dirname "$0")/.."
runs="${1:-20}"
linux_pkgs=(./dialogs ./tray ./tray/e2e ./session/keychaine2e ./bench/soak)
wine_pkgs=(${STRESS_WINE_PACKAGES:-./dialogs ./tray ./tray/autostart ./cmd/awsmfa ./session/inifile ./bench/soak})
logs=artifacts/stress
mkdir -p "$logs"

command -v stress-ng >/dev/null || { echo "stress.sh: stress-ng not found (scripts/setup-debian.sh installs it)" >&2; exit 1; }
cpus=$(nproc)
stress-ng --cpu "$cpus" --timeout 0 --quiet &
hog=$!
prefix="$(mktemp -d)"
trap 'kill "$hog" 2>/dev/null; wait "$hog" 2>/dev/null; rm -rf "$prefix"' EXIT
echo "stress-ng --cpu $cpus (pid $hog) keeps every core busy; $runs runs"

green=0
for i in $(seq "$runs"); do
  start=$SECONDS
  log="$logs/run-$i.log"
  ok=1
  CI=true go test -count=1 "${linux_pkgs[@]}" >"$log" 2>&1 || ok=0
  # One prefix for all runs: making it again would only add wineboot.
  AWSMFA_WINEPREFIX="$prefix/wine" scripts/wine/run.sh "${wine_pkgs[@]}" >>"$log" 2>&1 || ok=0
  if [ $ok = 1 ]; then
    green=$((green + 1))
    echo "run $i/$runs: green ($((SECONDS - start))s)"
  else
    echo "run $i/$runs: FAILED ($((SECONDS - start))s), see $log:"
    # Failures and their lines, not the skips the wine step lists.
    grep -E '^(--- FAIL|FAIL|    --- FAIL)|_test\.go:[0-9]+: ' "$log" | grep -v -E ': skip|^ *skip ' | head -20
  fi
done
echo "$green of $runs runs green under load"
[ "$green" = "$runs" ]
