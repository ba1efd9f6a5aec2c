#!/usr/bin/env bash
# Installs what the app and its tests need on Debian or Ubuntu: the system
# packages (as root, or through sudo) and the Go modules.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

# awscli: proves the real AWS CLI reads what we write.
# xvfb zenity xdotool: the tray's dialogs, end to end, on a virtual screen.
# dbus: dbus-run-session for the tray's D-Bus tests (dbus-x11 is left out on
#   purpose: without it godbus cannot autolaunch a stray bus).
# desktop-file-utils: desktop-file-validate for the autostart and menu entries.
# gnome-keyring: a real Secret Service for the keychain tests.
# rpm, libglib2.0-bin: list the built .rpm; launch autostart entries with gio.
# python3-botocore, python3-boto3: botocore's own parser and credential chain
#   read what we write (the AWS CLI and boto3 both read through botocore).
# strace: delays the AWS CLI's own file writes to reproduce races with it.
# acl, attr: POSIX ACLs and extended attributes kept across our writes.
# stress-ng: runs the X, D-Bus and wine tests under CPU load.
# valgrind: go run ./bench counts the login's instructions with callgrind.
# wine, wine64, gcc-mingw-w64-x86-64-win32: the Windows build under wine,
#   with a small bcryptprimitives.dll shim built by mingw.
# xfce4-panel, dunst: a real panel and notification daemon for screenshots.
# zsh, fish, bash-completion: awsmfa env, exec and completion in real shells.
# groff-base, man-db: render and install-check the awsmfa(1) man page.
# fontconfig, fonts-dejavu-core: fc-query tells which characters DejaVu Sans
#   (a plain desktop's only font) draws; every tray label must be among them.
packages=(awscli xvfb zenity xdotool dbus desktop-file-utils gnome-keyring rpm libglib2.0-bin
  python3-botocore python3-boto3 strace acl attr stress-ng valgrind
  wine wine64 gcc-mingw-w64-x86-64-win32 xfce4-panel dunst
  zsh fish bash-completion groff-base man-db fontconfig fonts-dejavu-core)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v go >/dev/null 2>&1; then
  echo "setup: Go 1.26 or newer is needed (https://go.dev/dl/ or your package manager)" >&2
  exit 1
fi
go mod download

# The JS SDK v3, pinned by its lock file, as a reader in the tests.
if ! command -v npm >/dev/null 2>&1; then
  echo "setup: Node.js and npm are needed for the JS SDK reader tests (apt install nodejs npm)" >&2
  exit 1
fi
npm ci --prefix testdata/jssdk --no-audit --no-fund --loglevel=error >/dev/null
echo "setup: ready"
