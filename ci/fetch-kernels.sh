#!/usr/bin/env bash
# Fetch Debian's guest kernels without installing them on the host:
# `apt-get download` + `dpkg -x` into $REFDEV_CACHE/kernels/<kver>/.
#
#   ci/fetch-kernels.sh [6.1] [6.12] [7.3]     (default: all three)
#
# Resolves the newest Debian kernel of each series at run time (6.1 via the
# bookworm `linux-image-amd64` metapackage, 6.12 via `linux-image-6.12-amd64`,
# 7.x: the newest linux-image-7.x.N+deb13-amd64 of Debian's newer suites,
# read through ci/apt-newer.sh), prints the exact versions, and writes
# $BUILD_DIR/kernels.env:
#   KVER_6_1=6.1.0-NN-amd64   KDIR_6_1=<cache dir>   (and the same for 6_12, 7_3)
# Each kernel dir has: root/ (unpacked image + headers, modules.dep built),
# vmlinux (ELF, for PVH boot), headers -> the kbuild dir for out-of-tree modules.
#
# 7.x differs: linux-image-<kver> is a metapackage (the kernel is in
# linux-binary-<kver>, modules in linux-modules-<kver>, System.map and config
# in linux-base-<kver>, all under /usr/lib/modules/<kver>/), and its kbuild
# binaries need glibc >= 2.38: headers/ is instead a tree prepared from
# linux-source-<series> of the same version with the packaged config
# (olddefconfig + modules_prepare) and the packaged Module.symvers.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# shellcheck source=ci/linux-source.sh
. "$(dirname "$0")/linux-source.sh"

KCACHE=$REFDEV_CACHE/kernels
LOGDIR=$KCACHE/logs
mkdir -p "$KCACHE" "$LOGDIR" "$BUILD_DIR"

# dep_of PKG PATTERN: the first dependency of PKG matching PATTERN.
dep_of() {
	apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *|\{0,1\}Depends: //p' | grep -E "$2" | head -n 1
}

resolve_image() {
	case "$1" in
	6.1) dep_of linux-image-amd64 '^linux-image-6\.1\.[0-9]+-[0-9]+-amd64$' ;;
	6.12) dep_of linux-image-6.12-amd64 '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' ;;
	7.*)
		apt_newer_update
		apt_newer apt-cache pkgnames "linux-image-$1." |
			grep -E "^linux-image-${1/./\\.}\.[0-9]+\+deb13-amd64\$" | sort -V | tail -n 1
		;;
	*) die "unknown kernel series $1 (6.1, 6.12 or 7.x)" ;;
	esac
}

# extract_vmlinux BZIMAGE OUT: the ELF kernel inside a bzImage, for PVH boot
# (skips the in-guest decompressor). Tries each compressed stream found.
extract_vmlinux() {
	local bz=$1 out=$2 magic dec off pat i
	for pair in 'fd377a585a00:xz -dc' '28b52ffd:zstd -dcq' '1f8b0800:gzip -dc'; do
		magic=${pair%%:*}
		dec=${pair#*:}
		pat=
		for ((i = 0; i < ${#magic}; i += 2)); do
			pat+="\\x${magic:i:2}"
		done
		while read -r off; do
			# $dec is a command with its options: split on purpose
			# shellcheck disable=SC2086
			tail -c +$((off + 1)) "$bz" | $dec >"$out.tmp" 2>/dev/null || true
			if [ "$(head -c 4 "$out.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
				mv "$out.tmp" "$out"
				return 0
			fi
		done < <(LC_ALL=C grep -obUaP "$pat" "$bz" | cut -d: -f1)
	done
	rm -f "$out.tmp"
	return 1
}

fetch_one() {
	local series=$1 image kver kdir debs common kbuild
	image=$(resolve_image "$series")
	[ -n "$image" ] || die "cannot resolve a Debian $series kernel (apt-get update? ci/install-deps.sh)"
	kver=${image#linux-image-}
	kdir=$KCACHE/$kver
	if [ -f "$kdir/.done" ]; then
		log kernel "$series: $kver (cached)"
	elif [ "${series%%.*}" -ge 7 ]; then
		fetch_split "$series" "$kver" "$kdir"
	else
		log kernel "$series: downloading $image and its headers"
		rm -rf "$kdir"
		mkdir -p "$kdir/debs" "$kdir/root"
		common=$(dep_of "linux-headers-$kver" '^linux-headers-.*-common$')
		kbuild=$(dep_of "linux-headers-$kver" '^linux-kbuild-')
		# each is one package name or nothing: unquoted, so nothing is no argument
		# shellcheck disable=SC2086
		(cd "$kdir/debs" && run_logged "$LOGDIR/download-$kver.log" \
			apt-get download "$image" "linux-headers-$kver" $common $kbuild)
		basename "$kdir"/debs/"$image"_*.deb | cut -d_ -f2 >"$kdir/pkgversion"
		for debs in "$kdir"/debs/*.deb; do
			dpkg -x "$debs" "$kdir/root"
		done
		log kernel "$series: depmod and vmlinux extraction"
		run_logged "$LOGDIR/depmod-$kver.log" depmod -b "$kdir/root" "$kver"
		extract_vmlinux "$kdir/root/boot/vmlinuz-$kver" "$kdir/vmlinux" ||
			die "no ELF vmlinux found inside vmlinuz-$kver"
		fix_headers "$kdir" "$kver"
		rm -rf "$kdir/debs"
		touch "$kdir/.done"
	fi
	printf 'KVER_%s=%s\nKDIR_%s=%s\n' "${series/./_}" "$kver" "${series/./_}" "$kdir" >>"$BUILD_DIR/kernels.env.tmp"
	log kernel "$series: using $image, Debian package version $(cat "$kdir/pkgversion")"
}

# fetch_split SERIES KVER KDIR: a 7.x kernel (split packages, see the top).
fetch_split() {
	local series=$1 kver=$2 kdir=$3 deb mods
	log kernel "$series: downloading linux-binary/modules/base/headers-$kver"
	rm -rf "$kdir"
	mkdir -p "$kdir/debs" "$kdir/root" "$kdir/hdr"
	(cd "$kdir/debs" && run_logged "$LOGDIR/download-$kver.log" apt_newer apt-get download \
		"linux-binary-$kver" "linux-modules-$kver" "linux-base-$kver" "linux-headers-$kver")
	basename "$kdir"/debs/linux-binary-"$kver"_*.deb | cut -d_ -f2 >"$kdir/pkgversion"
	for deb in "$kdir"/debs/linux-{binary,modules,base}-*.deb; do
		dpkg -x "$deb" "$kdir/root"
	done
	dpkg -x "$kdir"/debs/linux-headers-"$kver"_*.deb "$kdir/hdr"
	# Debian 12's depmod -b (and our image builder) look in ROOT/lib/modules.
	ln -sfn usr/lib "$kdir/root/lib"
	mods=$kdir/root/usr/lib/modules/$kver
	log kernel "$series: depmod and vmlinux extraction"
	run_logged "$LOGDIR/depmod-$kver.log" depmod -b "$kdir/root" "$kver"
	extract_vmlinux "$mods/vmlinuz" "$kdir/vmlinux" || die "no ELF vmlinux found inside $mods/vmlinuz"
	prepare_tree "$series" "$kver" "$kdir"
	rm -rf "$kdir/debs" "$kdir/hdr"
	touch "$kdir/.done"
}

# prepare_tree SERIES KVER KDIR: KDIR/build, an object tree of the same
# version's linux-source with the packaged config, ready for M= builds.
prepare_tree() {
	local series=$1 kver=$2 kdir=$3 src obj
	obj=$kdir/build
	src=$(linux_source_tree "$series" "$(cat "$kdir/pkgversion")")
	log kernel "$series: preparing $obj for out-of-tree modules (packaged config, modules_prepare)"
	mkdir -p "$obj"
	cp "$kdir/root/usr/lib/modules/$kver/config" "$obj/.config"
	run_logged "$LOGDIR/prepare-$kver.log" make -C "$src" O="$obj" olddefconfig
	run_logged "$LOGDIR/prepare-$kver.log" make -C "$src" O="$obj" KERNELRELEASE="$kver" -j"$(nproc)" modules_prepare
	cp "$kdir/hdr/usr/src/linux-headers-$kver/Module.symvers" "$obj/Module.symvers"
	[ "$(cat "$obj/include/config/kernel.release")" = "$kver" ] ||
		die "prepared tree names itself $(cat "$obj/include/config/kernel.release"), not $kver"
	ln -sfn "$obj" "$kdir/headers"
}

# The headers package includes the -common Makefile by absolute /usr/src
# path; point it into our unpacked root so Kbuild works without installing.
fix_headers() {
	local kdir=$1 kver=$2 hdr mk
	hdr=$kdir/root/usr/src/linux-headers-$kver
	[ -d "$hdr" ] || return 0
	mk=$hdr/Makefile
	[ ! -f "$mk" ] || sed -i "s|/usr/src/|$kdir/root/usr/src/|g" "$mk"
	# scripts/ and tools/ are symlinks to /usr/lib/linux-kbuild-*; make them relative to root.
	find "$kdir/root/usr/src" -maxdepth 2 -type l | while read -r l; do
		local t
		t=$(readlink "$l")
		case "$t" in /*) ln -sfn "$kdir/root$t" "$l" ;; esac
	done
	ln -sfn "$hdr" "$kdir/headers"
}

main() {
	local series=("$@")
	[ ${#series[@]} -gt 0 ] || series=(6.1 6.12 7.3)
	rm -f "$BUILD_DIR/kernels.env.tmp"
	for s in "${series[@]}"; do
		fetch_one "$s"
	done
	# Keep the entries of other kernels (e.g. KVER_src from ci/build-kernel.sh).
	local keep
	keep=$(grep -v -E "^K(VER|DIR)_($(printf '%s|' "${series[@]}" | tr . _ | sed 's/|$//'))=" \
		"$BUILD_DIR/kernels.env" 2>/dev/null || true)
	{ [ -z "$keep" ] || printf '%s\n' "$keep"; cat "$BUILD_DIR/kernels.env.tmp"; } >"$BUILD_DIR/kernels.env"
	rm -f "$BUILD_DIR/kernels.env.tmp"
}

main "$@"
