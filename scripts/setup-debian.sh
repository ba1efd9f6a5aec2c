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
packages=(awscli xvfb zenity xdotool dbus desktop-file-utils gnome-keyring rpm libglib2.0-bin)

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
echo "setup: ready"
