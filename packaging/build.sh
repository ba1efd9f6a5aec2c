#!/usr/bin/env bash
# packaging/build.sh VERSION
#
# Builds the release files for VERSION (1.2.3, v1.2.3 or 1.2.3-rc.1) into
# dist/, which git ignores:
#   deb      awsmfa-tray_VERSION-1_ARCH.deb             (nfpm)
#   rpm      awsmfa-tray-VERSION-1.ARCH.rpm             (nfpm)
#   windows  windows_ARCH/awsmfa-tray.exe (GUI, icon, manifest, version info)
#            and windows_ARCH/awsmfa.exe (console)
#   macos    awsmfa-tray.app, zipped (only on a Mac: the tray needs cgo there)
# plus the plain binaries and the gzipped man page under linux_ARCH/, and a
# SHA256SUMS file.
#
# Environment:
#   TARGETS  what to build; default "deb rpm windows", and "macos" on a Mac
#   ARCHES   Linux and Windows architectures; default "amd64 arm64"
#   DIST     output folder; default <repo>/dist
#   SOURCE_DATE_EPOCH  timestamp for every file inside the packages; default
#            the commit time, so the same commit and version give the same bytes
#
# A binary that fails to build is reported and skipped; the script carries on
# with the rest and exits 1 at the end.
set -euo pipefail

# Pinned tools, run with "go run": no install step, same bytes everywhere.
NFPM=github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2
WINRES=github.com/tc-hib/go-winres@v0.3.3

if [ "$#" -ne 1 ]; then
	echo "usage: $0 VERSION   (e.g. 1.2.3)" >&2
	exit 2
fi
if [[ ! $1 =~ ^v?([0-9]+\.[0-9]+\.[0-9]+([-+~][0-9A-Za-z.~+-]+)?)$ ]]; then
	echo "build.sh: version $1 is not like 1.2.3 or 1.2.3-rc.1" >&2
	exit 2
fi
version=${BASH_REMATCH[1]}

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dist=${DIST:-$root/dist}
mkdir -p "$dist"
dist=$(cd "$dist" && pwd)
default_targets="deb rpm windows"
if [ "$(uname -s)" = Darwin ]; then
	default_targets="macos"
fi
targets=" ${TARGETS:-$default_targets} "
arches=${ARCHES:-amd64 arm64}

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	if ! SOURCE_DATE_EPOCH=$(git -C "$root" log -1 --format=%ct 2>/dev/null); then
		echo "build.sh: not a git checkout; set SOURCE_DATE_EPOCH" >&2
		exit 1
	fi
fi
export SOURCE_DATE_EPOCH

ldflags="-s -w -X main.version=$version"
failures=()

# gobuild GOOS GOARCH OUT PACKAGE [EXTRA_LDFLAGS]
gobuild() {
	local goos=$1 goarch=$2 out=$3 pkg=$4 extra=${5:-}
	echo "build.sh: $pkg for $goos/$goarch"
	if ! GOOS=$goos GOARCH=$goarch go build -trimpath -ldflags "$ldflags $extra" -o "$out" "$pkg"; then
		failures+=("$pkg for $goos/$goarch")
		rm -f "$out"
		return 1
	fi
}

has() { [[ $targets == *" $1 "* ]]; }

# Linux: static binaries (the tray speaks D-Bus in pure Go), then packages.
if has deb || has rpm; then
	for arch in $arches; do
		bin="$dist/linux_$arch"
		mkdir -p "$bin"
		ok=1
		CGO_ENABLED=0 gobuild linux "$arch" "$bin/awsmfa" ./cmd/awsmfa || ok=0
		CGO_ENABLED=0 gobuild linux "$arch" "$bin/awsmfa-tray" ./cmd/awsmfa-tray || ok=0
		if [ "$ok" = 0 ]; then
			failures+=("Linux packages for $arch (missing binaries)")
			continue
		fi
		# Man pages ship gzipped; -n leaves out the name and time, so the
		# bytes depend on the page alone.
		gzip -9n <packaging/linux/awsmfa.1 >"$bin/awsmfa.1.gz"
		for format in deb rpm; do
			has "$format" || continue
			echo "build.sh: $format for $arch"
			if ! VERSION=$version ARCH=$arch BIN=$bin \
				go run "$NFPM" package --config packaging/nfpm.yaml \
				--packager "$format" --target "$dist/"; then
				failures+=("$format for $arch")
			fi
		done
	done
fi

# Windows: the .syso resource must sit in the package folder while go build
# runs, so it is put there for the build only and removed right after (and
# on any exit), never left for git to see.
syso=""
cleanup() { if [ -n "$syso" ]; then rm -f "$syso"; fi; }
trap cleanup EXIT
if has windows; then
	res=$(mktemp -d)
	trap 'cleanup; rm -rf "$res"' EXIT
	arch_list=$(echo $arches | tr ' ' ',')
	if (cd packaging/windows && go run "$WINRES" make --in winres.json \
		--arch "$arch_list" --out "$res/packaging-build-tmp" \
		--product-version "$version" --file-version "$version"); then
		for arch in $arches; do
			out="$dist/windows_$arch"
			mkdir -p "$out"
			CGO_ENABLED=0 gobuild windows "$arch" "$out/awsmfa.exe" ./cmd/awsmfa || true
			syso="cmd/awsmfa-tray/packaging-build-tmp_windows_$arch.syso"
			if cp "$res/packaging-build-tmp_windows_$arch.syso" "$syso"; then
				CGO_ENABLED=0 gobuild windows "$arch" "$out/awsmfa-tray.exe" ./cmd/awsmfa-tray "-H windowsgui" || true
			else
				failures+=("./cmd/awsmfa-tray for windows/$arch (no package folder)")
			fi
			rm -f "$syso"
			syso=""
		done
	else
		failures+=("Windows resources (go-winres)")
	fi
fi

# macOS: a universal .app from cgo builds for both Mac architectures.
if has macos; then
	mac="$dist/darwin"
	mkdir -p "$mac"
	ok=1
	for arch in arm64 amd64; do
		MACOSX_DEPLOYMENT_TARGET=12.0 CGO_ENABLED=1 \
			gobuild darwin "$arch" "$mac/awsmfa-tray_$arch" ./cmd/awsmfa-tray || ok=0
		CGO_ENABLED=0 gobuild darwin "$arch" "$mac/awsmfa_$arch" ./cmd/awsmfa || ok=0
	done
	if [ "$ok" = 1 ]; then
		lipo -create -output "$mac/awsmfa-tray" "$mac/awsmfa-tray_arm64" "$mac/awsmfa-tray_amd64"
		lipo -create -output "$mac/awsmfa" "$mac/awsmfa_arm64" "$mac/awsmfa_amd64"
		rm -f "$mac"/*_arm64 "$mac"/*_amd64
		packaging/macos/make-app.sh "$mac/awsmfa-tray" "$version" "$mac"
		(cd "$mac" && rm -f "../awsmfa-tray_${version}_macos.zip" &&
			ditto -c -k --keepParent awsmfa-tray.app "../awsmfa-tray_${version}_macos.zip")
	else
		failures+=("macOS app (missing binaries)")
	fi
fi

(cd "$dist" && find . -type f ! -name SHA256SUMS | LC_ALL=C sort | sed 's|^\./||' |
	while IFS= read -r f; do sha256sum "$f" 2>/dev/null || shasum -a 256 "$f"; done >SHA256SUMS)

if [ "${#failures[@]}" -gt 0 ]; then
	echo "build.sh: FAILED:" >&2
	printf '  %s\n' "${failures[@]}" >&2
	exit 1
fi
echo "build.sh: done, $version in $dist"
