#!/usr/bin/env bash
# make-app.sh BINARY VERSION OUTDIR
#
# Assembles OUTDIR/awsmfa-tray.app around a darwin awsmfa-tray binary (built
# on a Mac with cgo, which the tray needs there). Portable to macOS's
# bash 3.2 and BSD tools; it also runs on Linux, where the tests use it.
set -euo pipefail

if [ "$#" -ne 3 ]; then
	echo "usage: $0 BINARY VERSION OUTDIR" >&2
	exit 2
fi
bin=$1 version=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if [ ! -f "$bin" ]; then
	echo "make-app.sh: no binary at $bin" >&2
	exit 1
fi
# Bundle versions are dotted numbers only: 1.2.3-rc.1 gives 1.2.3.
if [[ ! $version =~ ^v?([0-9]+\.[0-9]+\.[0-9]+)([-+~][0-9A-Za-z.~+-]+)?$ ]]; then
	echo "make-app.sh: version $version is not like 1.2.3 or 1.2.3-rc.1" >&2
	exit 2
fi
short=${BASH_REMATCH[1]}

app="$out/awsmfa-tray.app"
rm -rf "$app"
mkdir -p "$app/Contents/MacOS" "$app/Contents/Resources"
sed -e "s/@SHORT_VERSION@/$short/" -e "s/@BUNDLE_VERSION@/$short/" \
	"$here/Info.plist" >"$app/Contents/Info.plist"
printf 'APPL????' >"$app/Contents/PkgInfo"
cp "$bin" "$app/Contents/MacOS/awsmfa-tray"
chmod 0755 "$app/Contents/MacOS/awsmfa-tray"
cp "$root/assets/app.icns" "$app/Contents/Resources/awsmfa-tray.icns"

if command -v plutil >/dev/null 2>&1; then
	plutil -lint "$app/Contents/Info.plist"
fi
# Apple Silicon refuses unsigned code; an ad-hoc signature (identity "-")
# is enough to run locally. Set CODESIGN_IDENTITY to sign for distribution.
if command -v codesign >/dev/null 2>&1; then
	codesign --force --timestamp=none --sign "${CODESIGN_IDENTITY:--}" "$app"
fi
echo "$app"
