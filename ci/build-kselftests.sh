#!/usr/bin/env bash
# Build the kernel's own VFIO selftests (tools/testing/selftests/vfio) as
# static binaries for the guest image, with the refdev driver plug-in for
# vfio_pci_driver_test (kselftests/vfio/: lib/drivers/refdev/ and the patch
# that registers it).
#
#   ci/build-kselftests.sh [SERIES]     SERIES of linux-source (default 7:
#                                       the newest 7.x); KSELFTEST_SRC=TREE
#                                       takes any unpacked tree instead
#
# Output: $BUILD_DIR/kselftests/ (the programs and a VERSION file). Cached in
# $REFDEV_CACHE/kselftests/<tree version>-<hash of our plug-in and this
# script>: a second build of the same inputs copies the binaries. The tree
# is never written: the parts the selftests build reads are copied to a
# scratch directory, the plug-in is dropped into that copy, and the uAPI
# headers are installed with O= (Kbuild's output directory outside the tree).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
# shellcheck source=ci/linux-source.sh
. "$(dirname "$0")/linux-source.sh"

PLUGIN_DIR=$REPO_ROOT/kselftests/vfio
OUT_DIR=$BUILD_DIR/kselftests
# The tests' time limits are for hardware; the guest runs under TCG
# (patches/0003): 30 s becomes 5 min, memcpy_storm's 60 s 10 min.
TIMEOUT_SCALE=10
# What upstream's Makefile builds in 7.3; an older tree builds fewer.
PROGRAMS=(vfio_dma_mapping_test vfio_dma_mapping_mmio_test vfio_iommufd_setup_test
	vfio_pci_device_test vfio_pci_device_init_perf_test vfio_pci_driver_test
	vfio_pci_sriov_uapi_test)

# plugin_hash: our inputs (plug-in sources, patches, this script)
plugin_hash() {
	local files
	mapfile -t files < <(find "$PLUGIN_DIR" -type f | LC_ALL=C sort)
	hash_inputs "${files[@]}" "$REPO_ROOT/ci/build-kselftests.sh"
}

# tree_version TREE: Debian's package version for a linux_source_tree, else
# the tree's own kernel version.
tree_version() {
	local tree=$1
	case "$(basename "$tree")" in
	src-*) basename "$tree" | sed 's/^src-//' ;;
	*) make -s -C "$tree" kernelversion 2>/dev/null || echo unknown ;;
	esac
}

# stage_tree TREE WORK: copy what the selftests build reads. Symbolic links
# point out of tools/ (vfio/lib/drivers/* into drivers/, tools/include into
# include/): copied as the files they name.
stage_tree() {
	local tree=$1 work=$2
	mkdir -p "$work/tools/testing/selftests" "$work/scripts"
	cp -rL "$tree/tools/include" "$tree/tools/arch" "$tree/tools/scripts" "$work/tools/"
	find "$tree/tools/testing/selftests" -maxdepth 1 -type f -exec cp -a {} "$work/tools/testing/selftests/" \;
	cp -rL "$tree/tools/testing/selftests/vfio" "$work/tools/testing/selftests/vfio"
	cp -a "$tree/scripts/subarch.include" "$work/scripts/"
}

# add_plugin WORK: the refdev driver and its registration in the driver list
add_plugin() {
	local work=$1 p
	cp -r "$PLUGIN_DIR/lib/drivers/refdev" "$work/tools/testing/selftests/vfio/lib/drivers/"
	for p in "$PLUGIN_DIR"/patches/*.patch; do
		patch -s -p1 -d "$work" <"$p" || die "kselftests: $(basename "$p") does not apply to $work"
	done
}

# check_regs: the plug-in's own copy of the register map must agree with
# hw-model/include/refdev_regs.h (identical macro redefinitions are legal C;
# a differing one is a -Werror failure).
check_regs() {
	local work=$1
	cat >"$work/regs-check.c" <<-EOF
		#include <stddef.h>
		#include <stdint.h>
		#include "$REPO_ROOT/hw-model/include/refdev_regs.h"
		#include "$PLUGIN_DIR/lib/drivers/refdev/hw.h"
		#define SAME(f) _Static_assert(offsetof(struct refdev_dma_desc, f) == \\
			offsetof(struct refdev_hw_desc, f), #f)
		SAME(opcode); SAME(flags); SAME(status); SAME(len);
		SAME(src); SAME(dst); SAME(result);
		_Static_assert(sizeof(struct refdev_dma_desc) == sizeof(struct refdev_hw_desc), "size");
	EOF
	gcc -std=gnu11 -Wall -Werror -I"$work/tools/include" -isystem "$work/usr/include" \
		-fsyntax-only "$work/regs-check.c" ||
		die "kselftests: lib/drivers/refdev/hw.h disagrees with hw-model/include/refdev_regs.h"
	# Upstream builds with -Wall -Werror; our own file is -Wextra clean too.
	gcc -std=gnu11 -Wall -Wextra -Werror -fsyntax-only -D_GNU_SOURCE \
		-isystem "$work/tools/include" -isystem "$work/usr/include" \
		-isystem "$work/tools/testing/selftests" -isystem "$work/tools/testing/selftests/vfio/lib/include" \
		"$work/tools/testing/selftests/vfio/lib/drivers/refdev/refdev.c" ||
		die "kselftests: lib/drivers/refdev/refdev.c has warnings"
}

# install_headers TREE VERSION WORK: the tree's uAPI headers in WORK/usr,
# installed once per tree version (the slow step: a minute or two).
install_headers() {
	local tree=$1 ver=$2 work=$3 hdr=$REFDEV_CACHE/kselftests/headers-$2
	if [ ! -d "$hdr/include" ]; then
		log kselftests "installing the uAPI headers of $ver (log: $REFDEV_CACHE/kselftests/logs/headers.log)"
		rm -rf "$hdr.tmp"
		run_logged "$REFDEV_CACHE/kselftests/logs/headers.log" make -C "$tree" O="$work/obj" \
			INSTALL_HDR_PATH="$hdr.tmp" headers_install
		mv "$hdr.tmp" "$hdr"
	fi
	cp -a "$hdr" "$work/usr"
}

build() {
	local tree=$1 ver=$2 dst=$3 work logdir=$REFDEV_CACHE/kselftests/logs p
	work=$(mktemp -d "${TMPDIR:-/tmp}/refdev-kselftests.XXXXXX")
	# shellcheck disable=SC2064 # expand now: $work is local
	trap "rm -rf '$work'" EXIT
	mkdir -p "$logdir"
	log kselftests "copying the selftests from $tree"
	stage_tree "$tree" "$work"
	add_plugin "$work"
	install_headers "$tree" "$2" "$work"
	check_regs "$work"
	log kselftests "building ${#PROGRAMS[@]} programs, static (log: $logdir/build.log)"
	run_logged "$logdir/build.log" make -C "$work/tools/testing/selftests/vfio" -j"$(nproc)" \
		OUTPUT="$work/out" LDFLAGS="-static -pthread" \
		EXTRA_CFLAGS="-DTEST_TIMEOUT_SCALE=$TIMEOUT_SCALE"
	mkdir -p "$dst.tmp"
	for p in "${PROGRAMS[@]}"; do
		[ -x "$work/out/$p" ] || die "kselftests: $p was not built (see $logdir/build.log)"
		file "$work/out/$p" | grep -q 'statically linked' || die "kselftests: $p is not static"
		cp "$work/out/$p" "$dst.tmp/"
	done
	rm -rf "$dst"
	mv "$dst.tmp" "$dst"
}

main() {
	local tree ver key cached t0=$SECONDS
	tree=${KSELFTEST_SRC:-$(linux_source_tree "${1:-7}")}
	[ -d "$tree/tools/testing/selftests/vfio" ] || die "kselftests: no tools/testing/selftests/vfio in $tree"
	ver=$(tree_version "$tree")
	key=$ver-$(plugin_hash)
	cached=$REFDEV_CACHE/kselftests/$key
	mkdir -p "$REFDEV_CACHE/kselftests"
	(
		flock 9
		if [ -d "$cached" ]; then
			log kselftests "cached: $cached"
		else
			build "$tree" "$ver" "$cached"
		fi
	) 9>"$REFDEV_CACHE/kselftests/.lock"
	rm -rf "$OUT_DIR"
	mkdir -p "$OUT_DIR"
	cp "$cached"/* "$OUT_DIR/"
	echo "$key" >"$OUT_DIR/VERSION"
	log kselftests "$(find "$cached" -type f | wc -l) programs from linux-source $ver in $OUT_DIR ($((SECONDS - t0))s)"
}

main "$@"
