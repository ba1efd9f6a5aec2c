#!/usr/bin/env bash
# prefix.sh DIR: makes DIR a wine prefix that runs Go programs: a fresh
# 64-bit prefix (wineboot -i, no display needed) with the
# bcryptprimitives.dll shim in system32. It never touches ~/.wine. Reuses
# DIR when an earlier run finished it with the same shim.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:?usage: prefix.sh DIR}"
mkdir -p "$dir"
dir="$(cd "$dir" && pwd)"
export WINEPREFIX="$dir"
. "$here/lib.sh"

for bin in "$WINE" x86_64-w64-mingw32-gcc; do
  command -v "$bin" >/dev/null 2>&1 || {
    echo "prefix.sh: $bin not found (scripts/setup-debian.sh installs wine, wine64 and gcc-mingw-w64-x86-64-win32)" >&2
    exit 1
  }
done

# The shim, built reproducibly (no timestamp, no C runtime).
shim="$dir/bcryptprimitives.dll"
x86_64-w64-mingw32-gcc -shared -O2 -s -nostdlib -Wl,--no-insert-timestamp \
  -o "$shim.new" "$here/bcryptprimitives.c" -ladvapi32
mv "$shim.new" "$shim"
stamp="$(sha256sum "$shim" | cut -d' ' -f1)"
if [ -f "$dir/.awsmfa-ready" ] && [ "$(cat "$dir/.awsmfa-ready")" = "$stamp" ]; then
  exit 0
fi

# wineboot needs no X display; without one it must not try to open one.
DISPLAY= "$WINE" wineboot -i >"$dir/wineboot.log" 2>&1 || {
  cat "$dir/wineboot.log" >&2
  echo "prefix.sh: wineboot -i failed in $dir" >&2
  exit 1
}
cp "$shim" "$dir/drive_c/windows/system32/bcryptprimitives.dll"
# Windows 10, the app's minimum (its manifest says so): wine 8.0 makes
# Windows 7 prefixes, where notifications take another path.
"$WINE" winecfg -v win10 >/dev/null 2>&1
# A crashing test program must fail the run, not wait on a crash dialog.
"$WINE" reg add 'HKCU\Software\Wine\WineDbg' /v ShowCrashDialog /t REG_DWORD /d 0 /f >/dev/null 2>&1
"$WINESERVER" -w
echo "$stamp" >"$dir/.awsmfa-ready"
