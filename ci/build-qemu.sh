#!/usr/bin/env bash
# Build qemu-system-x86_64 from Debian's QEMU source with refdev added.
#
#   QEMU_VERSION=7.2 (default)  Debian 12's QEMU (apt-get source, bookworm deb-src)
#   QEMU_VERSION=10.0           Debian's QEMU 10.0 (bookworm-backports / trixie
#                               source through the private ci/apt/qemu-10.0.list;
#                               meson 1.7 from bookworm-backports, unpacked only)
#
# The QEMU trees and their builds live in $REFDEV_CACHE/qemu (not in the
# checkout), one per version, each under its own lock. A build is keyed by
# a hash of its inputs (Debian source version, configure flags, hw-model
# sources): with the same inputs this is a no-op; a change to the device
# recompiles only the device (ninja).
#
# Output: qemu_bin (ci/lib.sh): $BUILD_DIR/qemu-system-x86_64 for 7.2,
# $BUILD_DIR/qemu-10.0/qemu-system-x86_64 for 10.0 (symlinks into the cache).
#
#   ci/build-qemu.sh [--asan] [--hw-model DIR --name NAME]
#
# --asan: the same QEMU a second time with ASan and UBSan (QEMU's
# --enable-sanitizers), for the soak (ci/soak.sh) and any guest run given
# REFDEV_QEMU=asan (ci/run-vm.sh). It has its own copy of the source tree,
# build directory, lock and cache key, so that its long build never holds
# up the plain one; output $BUILD_DIR/qemu-system-x86_64-asan.
# --hw-model DIR --name NAME: the device from DIR (a copy of hw-model/, e.g.
# a hw-model mutant's: ci/mutant-runs.sh) instead of hw-model/; output
# $BUILD_DIR/qemu-system-x86_64-NAME (cached by its inputs as usual).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# shellcheck source=ci/apt-newer.sh
. "$(dirname "$0")/apt-newer.sh"

VARIANT="" HW_DIR=$REPO_ROOT/hw-model NAME=""
while [ $# -gt 0 ]; do
	case "$1" in
	--asan) VARIANT=asan; shift ;;
	--hw-model) HW_DIR=$(cd "$2" && pwd); shift 2 ;;
	--name) NAME=$2; shift 2 ;;
	*) die "usage: $0 [--asan] [--hw-model DIR --name NAME]" ;;
	esac
done

QEMU_CONFIGURE_FLAGS=(
	--target-list=x86_64-softmmu
	--without-default-features
	--enable-tcg --enable-kvm
	--disable-werror
	--audio-drv-list=
)
# Frame pointers: ASan's fast unwinder gives whole stacks with them.
[ "$VARIANT" != asan ] || QEMU_CONFIGURE_FLAGS+=(--enable-sanitizers --enable-debug-info
	--extra-cflags=-fno-omit-frame-pointer)
QEMU_VERSION=${QEMU_VERSION:-7.2}
case "$QEMU_VERSION" in
7.2) ;;
10.0)
	# The +ds source has no firmware blobs to install (Debian ships them
	# in qemu-system-data and seabios; the guests use those).
	QEMU_CONFIGURE_FLAGS+=(--disable-install-blobs)
	;;
*) die "QEMU_VERSION=$QEMU_VERSION: supported are 7.2 and 10.0 (README, 'QEMU versions')" ;;
esac
SUFFIX=${VARIANT:+-$VARIANT}
LINK_SUFFIX=$SUFFIX${NAME:+-$NAME}

# The device's files: hw-model/qemu/files.txt (the one list), and Kconfig.
HW_LIST=$HW_DIR/qemu/files.txt
mapfile -t HW_FILES < <(sed -n "s|^\([^#].*\)|$HW_DIR/\1|p" "$HW_LIST")
HW_FILES+=("$HW_LIST" "$HW_DIR/qemu/Kconfig")
# Fixes to QEMU itself that refdev's guests need, per version, applied in
# name order: hw-model/qemu/patches/<version>/*.patch (README, "QEMU
# versions"). They are inputs of the cache key like the device's files.
mapfile -t QEMU_PATCHES < <(find "$HW_DIR/qemu/patches/$QEMU_VERSION" -maxdepth 1 \
	-name '*.patch' 2>/dev/null | LC_ALL=C sort)

QCACHE=$REFDEV_CACHE/qemu
if [ "$QEMU_VERSION" = 7.2 ]; then
	DL=$QCACHE/dl LOGDIR=$QCACHE/logs VSUFFIX=""
else
	DL=$QCACHE/dl-$QEMU_VERSION LOGDIR=$QCACHE/logs-$QEMU_VERSION VSUFFIX=-$QEMU_VERSION
fi
mkdir -p "$DL" "$LOGDIR" "$BUILD_DIR"
MESON_PATH=""

# newest_dsc: the newest downloaded qemu_*.dsc, or nothing.
newest_dsc() {
	find "$DL" -maxdepth 1 -name 'qemu_*.dsc' | sort -V | tail -n 1
}

# download_source_10: the newest 10.0.x source that the mirror serves (a
# listed version can be gone from the pool when a newer one replaced it).
download_source_10() {
	local v
	apt_qemu10_update
	for v in $(apt_qemu10 apt-cache showsrc qemu | sed -n 's/^Version: \(.*:10\.0\..*\)/\1/p' |
		sort -Vru); do
		log qemu "apt-get source qemu=$v (download, private configuration)"
		if (cd "$DL" && run_logged "$LOGDIR/apt-source.log" \
			apt_qemu10 apt-get source --download-only "qemu=$v"); then
			return 0
		fi
	done
	die "no QEMU 10.0 source could be downloaded (ci/apt/qemu-10.0.list; log: $LOGDIR/apt-source.log)"
}

# fetch_source: sets QSRC to an unpacked, Debian-patched QEMU tree.
fetch_source() {
	local dsc
	dsc=$(newest_dsc)
	if [ -z "$dsc" ] && [ "$QEMU_VERSION" = 10.0 ]; then
		download_source_10
		dsc=$(newest_dsc)
	elif [ -z "$dsc" ]; then
		log qemu "apt-get source qemu (download)"
		(cd "$DL" && run_logged "$LOGDIR/apt-source.log" \
			apt-get source --download-only qemu) ||
			die "apt-get source qemu failed: is deb-src enabled? run ci/install-deps.sh"
		dsc=$(newest_dsc)
	fi
	[ -n "$dsc" ] || die "apt-get source qemu left no .dsc in $DL"
	QVER=$(basename "$dsc" .dsc)
	QVER=${QVER#qemu_}
	QSRC=$QCACHE/src-$QVER$SUFFIX
	if [ ! -f "$QSRC/.unpacked" ]; then
		log qemu "unpacking QEMU $QVER$SUFFIX"
		rm -rf "$QSRC"
		run_logged "$LOGDIR/dpkg-source$SUFFIX.log" dpkg-source -x "$dsc" "$QSRC"
		touch "$QSRC/.unpacked"
	fi
}

# fetch_meson: QEMU 10 needs meson >= 1.5 (Debian 12: 1.0). Debian's
# bookworm-backports meson (arch all, built for Debian 12) is unpacked into
# the cache and put on PYTHONPATH for configure and ninja's re-runs; QEMU's
# pyvenv takes it as the system's (the +ds source has no bundled wheel).
fetch_meson() {
	local dir=$QCACHE/tools deb
	[ "$QEMU_VERSION" = 7.2 ] && return 0
	mkdir -p "$dir"
	MESON_PATH=$(find "$dir" -maxdepth 1 -name 'meson-*' -type d | sort -V | tail -n 1)
	if [ -z "$MESON_PATH" ]; then
		apt_qemu10_update
		log qemu "apt-get download meson (bookworm-backports, private configuration)"
		(cd "$dir" && run_logged "$LOGDIR/meson-download.log" apt_qemu10 apt-get download meson)
		deb=$(find "$dir" -maxdepth 1 -name 'meson_*_all.deb' | sort -V | tail -n 1)
		[ -n "$deb" ] || die "no meson .deb downloaded (log: $LOGDIR/meson-download.log)"
		MESON_PATH=$dir/meson-$(dpkg-deb -f "$deb" Version | sed 's/-[^-]*$//')
		dpkg-deb -x "$deb" "$MESON_PATH.tmp"
		mv "$MESON_PATH.tmp" "$MESON_PATH"
	fi
	export PYTHONPATH=$MESON_PATH/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}
}

# meson_build: QEMU's meson.build for hw/misc/refdev, from files.txt.
# QEMU 8.1 renamed the system-emulation source set.
meson_build() {
	local f ss=system_ss
	[ "$QEMU_VERSION" = 7.2 ] && ss=softmmu_ss
	echo "# Written by vfio-refdev's ci/build-qemu.sh from hw-model/qemu/files.txt."
	echo "$ss.add(when: 'CONFIG_REFDEV', if_true: files("
	for f in "${HW_FILES[@]}"; do
		case "$f" in *.c) echo "  '$(basename "$f")'," ;; esac
	done
	echo "))"
}

# integrate_refdev: put hw-model into the tree as hw/misc/refdev (no QEMU
# header reaches the core: the core's files sit beside refdev.c).
integrate_refdev() {
	local dst=$QSRC/hw/misc/refdev f
	mkdir -p "$dst"
	for f in "${HW_FILES[@]}"; do
		case "$f" in *.c | *.h) copy_if_changed "$f" "$dst/$(basename "$f")" ;; esac
	done
	meson_build >"$dst/meson.build.new"
	copy_if_changed "$dst/meson.build.new" "$dst/meson.build"
	rm -f "$dst/meson.build.new"
	grep -q "^subdir('refdev')" "$QSRC/hw/misc/meson.build" ||
		echo "subdir('refdev')" >>"$QSRC/hw/misc/meson.build"
	grep -q '^config REFDEV' "$QSRC/hw/misc/Kconfig" ||
		cat "$HW_DIR/qemu/Kconfig" >>"$QSRC/hw/misc/Kconfig"
}

# apply_patches: bring the (shared) tree to exactly QEMU_PATCHES. What is
# applied is recorded as $QSRC/.refdev-patches/NN-SUM.patch; an applied
# patch this checkout does not have is reverted (with everything after
# it), then the missing ones are applied. ninja recompiles what changed.
apply_patches() {
	local rec=$QSRC/.refdev-patches i keep=0 name
	local -a want=() have=()
	mkdir -p "$rec"
	for i in "${!QEMU_PATCHES[@]}"; do
		want+=("$(printf '%02d' "$i")-$(sha256sum <"${QEMU_PATCHES[i]}" | cut -c1-16).patch")
	done
	mapfile -t have < <(find "$rec" -maxdepth 1 -name '*.patch' -printf '%f\n' | LC_ALL=C sort)
	while [ "$keep" -lt "${#have[@]}" ] && [ "$keep" -lt "${#want[@]}" ] &&
		[ "${have[keep]}" = "${want[keep]}" ]; do
		keep=$((keep + 1))
	done
	for ((i = ${#have[@]} - 1; i >= keep; i--)); do
		log qemu "reverting QEMU patch ${have[i]} (not in this checkout)"
		patch -d "$QSRC" -p1 -R -s --no-backup-if-mismatch <"$rec/${have[i]}" ||
			die "QEMU patch ${have[i]} does not revert: remove $QSRC to unpack it again"
		rm -f "$rec/${have[i]}"
	done
	for ((i = keep; i < ${#want[@]}; i++)); do
		name=$(basename "${QEMU_PATCHES[i]}")
		log qemu "applying QEMU patch $name"
		patch -d "$QSRC" -p1 -s -N --dry-run <"${QEMU_PATCHES[i]}" >/dev/null ||
			die "QEMU patch $name does not apply to QEMU $QVER"
		patch -d "$QSRC" -p1 -s -N --no-backup-if-mismatch <"${QEMU_PATCHES[i]}"
		cp "${QEMU_PATCHES[i]}" "$rec/${want[i]}"
	done
}

configure_once() {
	local cfg_hash
	cfg_hash=$(printf '%s\n' "${QEMU_CONFIGURE_FLAGS[@]}" | sha256sum | cut -c1-8)
	QBUILD=$QCACHE/build-$QVER-$cfg_hash
	if [ -f "$QBUILD/build.ninja" ]; then
		return 0
	fi
	log qemu "configuring (log: $LOGDIR/configure$SUFFIX.log)"
	rm -rf "$QBUILD"
	mkdir -p "$QBUILD"
	(cd "$QBUILD" && run_logged "$LOGDIR/configure$SUFFIX.log" \
		nice -n 5 "$QSRC/configure" "${QEMU_CONFIGURE_FLAGS[@]}")
}

# build: ninja with a progress line every ~10% of the steps.
build() {
	local log=$LOGDIR/build$SUFFIX.log
	log qemu "building qemu-system-x86_64 (log: $log)"
	set +e
	(cd "$QBUILD" && nice -n 5 ninja -j"$(nproc)" qemu-system-x86_64) 2>&1 | tee "$log" |
		awk -v start="$SECONDS" '
		match($0, /^\[[0-9]+\/[0-9]+\]/) {
			split(substr($0, 2, RLENGTH - 2), a, "/")
			pct = int(a[1] * 100 / a[2])
			if (pct >= next_pct) {
				printf "[qemu] build %3d%% (%s/%s steps)\n", pct, a[1], a[2] > "/dev/stderr"
				next_pct = pct - pct % 10 + 10
			}
		}'
	local rc=${PIPESTATUS[0]}
	set -e
	if [ "$rc" != 0 ]; then
		grep -E -B2 -A8 'error|FAILED' "$log" | head -n 60 >&2
		die "QEMU build failed (full log: $log)"
	fi
}

main() {
	# One QEMU tree and build serve every checkout on this host: hold the
	# lock while refdev is copied in, built and the binary taken out.
	exec 9>"$QCACHE/.lock$VSUFFIX$SUFFIX"
	flock 9
	fetch_source
	fetch_meson
	local key bin link
	key=$(hash_inputs "${HW_FILES[@]}" "${QEMU_PATCHES[@]}" "$0" <(echo "$QVER$SUFFIX $MESON_PATH"))
	bin=$QCACHE/bin/qemu-system-x86_64$SUFFIX-$key
	if [ -x "$bin" ]; then
		log qemu "up to date (QEMU $QVER$SUFFIX, inputs $key)"
	else
		apply_patches
		integrate_refdev
		configure_once
		build
		mkdir -p "$QCACHE/bin"
		cp "$QBUILD/qemu-system-x86_64" "$bin.tmp"
		mv "$bin.tmp" "$bin"
		log qemu "built QEMU $QVER$SUFFIX with refdev (inputs $key)"
	fi
	# Each set of inputs keeps its own binary: checkouts with different
	# device sources can run guests side by side.
	link=$(qemu_bin)$LINK_SUFFIX
	mkdir -p "$(dirname "$link")"
	ln -sfn "$bin" "$link"
}

main "$@"
