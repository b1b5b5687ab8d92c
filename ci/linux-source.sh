#!/usr/bin/env bash
# Debian's linux-source-<series> trees, unpacked once into the shared cache.
# Sourced by ci/*.sh after lib.sh (it sources apt-newer.sh itself); also
# runnable: `bash ci/linux-source.sh 7.3` prints the tree's path.
#
#   linux_source_tree 7.3     -> $REFDEV_CACHE/kbuild/src-7.3.4-1~bpo13+1
#   linux_source_tree 7       -> the newest linux-source-7.x Debian has
#   linux_source_tree 7.3 7.3.4-1~bpo13+1   -> exactly that package version
#
# The .deb comes from the project's private apt configuration (trixie,
# trixie-backports, sid: ci/apt-newer.sh), once: a .deb already in
# $REFDEV_CACHE/kbuild/dl is used without asking the network. Only the
# tarball inside is read; nothing of the package is run.

if ! declare -F run_logged >/dev/null; then
	# shellcheck source=ci/lib.sh
	. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
fi
# shellcheck source=ci/apt-newer.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt-newer.sh"

LINUX_SOURCE_DL=$REFDEV_CACHE/kbuild/dl

# linux_source_series SERIES: "7" -> the newest 7.x series Debian offers
# (a local .deb first, else the package lists); "7.3" stays "7.3".
linux_source_series() {
	local want=$1 found
	case "$want" in *.*) echo "$want"; return 0 ;; esac
	found=$(find "$LINUX_SOURCE_DL" -maxdepth 1 -name "linux-source-$want.*_*.deb" -printf '%f\n' 2>/dev/null |
		sed 's/^linux-source-\([0-9.]*\)_.*/\1/' | sort -V | tail -n 1)
	if [ -z "$found" ]; then
		apt_newer_update
		found=$(apt_newer apt-cache pkgnames "linux-source-$want." |
			sed -n 's/^linux-source-\([0-9]*\.[0-9]*\)$/\1/p' | sort -V | tail -n 1)
	fi
	[ -n "$found" ] || die "no linux-source-$want.x in Debian's newer suites"
	echo "$found"
}

# linux_source_deb SERIES [VERSION]: path of the linux-source-SERIES .deb
# (the newest cached one, or exactly VERSION), downloaded through the
# private apt configuration when none is cached.
linux_source_deb() {
	local series=$1 version=${2:-} deb pattern
	pattern="linux-source-${series}_${version:-*}_*.deb"
	[ -z "$version" ] || pattern=$(printf '%s' "$pattern" | sed 's/[~+]/?/g')
	mkdir -p "$LINUX_SOURCE_DL"
	deb=$(find "$LINUX_SOURCE_DL" -maxdepth 1 -name "$pattern" | sort -V | tail -n 1)
	if [ -z "$deb" ]; then
		apt_newer_update
		log kernel "downloading linux-source-$series${version:+ $version}"
		mkdir -p "$REFDEV_CACHE/kbuild/logs"
		(cd "$LINUX_SOURCE_DL" && run_logged "$REFDEV_CACHE/kbuild/logs/download-$series.log" \
			apt_newer apt-get download "linux-source-$series${version:+=$version}") || return 1
		deb=$(find "$LINUX_SOURCE_DL" -maxdepth 1 -name "$pattern" | sort -V | tail -n 1)
	fi
	[ -n "$deb" ] || die "linux-source-$series: download gave no .deb"
	echo "$deb"
}

# linux_source_tree SERIES [VERSION]: unpack linux-source-SERIES once
# (atomically: a half-unpacked tree is never seen by a parallel caller);
# prints its path.
linux_source_tree() {
	local series deb ver tree tmp
	series=$(linux_source_series "$1") || return 1
	deb=$(linux_source_deb "$series" "${2:-}") || return 1
	ver=$(basename "$deb" | cut -d_ -f2)
	tree=$REFDEV_CACHE/kbuild/src-$ver
	(
		flock 9
		[ -f "$tree/.unpacked" ] && exit 0
		log kernel "unpacking linux-source-$series $ver"
		tmp=$(mktemp -d "$REFDEV_CACHE/kbuild/.unpack.XXXXXX")
		dpkg -x "$deb" "$tmp/x"
		mkdir -p "$tmp/tree"
		tar -xaf "$tmp"/x/usr/src/linux-source-"$series".tar.* -C "$tmp/tree" --strip-components=1
		touch "$tmp/tree/.unpacked"
		rm -rf "$tree"
		mv "$tmp/tree" "$tree"
		rm -rf "$tmp"
	) 9>"$REFDEV_CACHE/kbuild/.unpack.lock" >&2 || return 1
	echo "$tree"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	[ $# -ge 1 ] || die "usage: ci/linux-source.sh SERIES [VERSION] (e.g. 7.3, or 7 for the newest 7.x)"
	linux_source_tree "$@"
fi
