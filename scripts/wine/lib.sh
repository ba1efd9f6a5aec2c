# Sourced by the wine scripts: the wine binary and the environment every
# wine process of the tests runs with. WINEPREFIX must be set by the caller.

# wine64 itself: /usr/bin/wine would warn on every run that wine32 is
# missing, and the tests read stderr.
WINE="${WINE:-}"
if [ -z "$WINE" ]; then
  for w in /usr/lib/wine/wine64 wine64 wine; do
    if command -v "$w" >/dev/null 2>&1; then WINE=$(command -v "$w"); break; fi
  done
fi
export WINE
WINESERVER="${WINESERVER:-$(dirname "$WINE")/wineserver}"
[ -x "$WINESERVER" ] || WINESERVER=$(command -v wineserver || echo wineserver)
export WINESERVER
export WINEARCH=win64
# Quiet wine's own traces; the tests print what they need.
export WINEDEBUG="${WINEDEBUG:--all}"
# No Mono or Gecko install prompt, and no menu entries or file associations
# written into the user's ~/.local by winemenubuilder.
export WINEDLLOVERRIDES="mscoree,mshtml,winemenubuilder.exe=d"
