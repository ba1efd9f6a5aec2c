// Package winee2e runs the real Windows awsmfa.exe and awsmfa-tray.exe
// under wine, end to end, from a Linux test: the CLI against the STS fake
// on loopback with the files compared byte for byte, Start at login read
// back from the registry, and the tray in wine's notification area.
// scripts/wine/run.sh prepares the prefix and the display and runs it
// (AWSMFA_WINE_E2E=1); elsewhere the tests skip and say so.
package winee2e
