#!/usr/bin/env bash
# Build the reference drivers (driver-under-test/) for each guest kernel:
#   ci/build-drivers.sh SERIES...      (6.1, 6.12, src)
# Output: $BUILD_DIR/drivers/<kver>/{refdev_core,refdev_vfio_pci}.ko, which
# ci/build-initramfs.sh puts into that kernel's guest image, and the in-guest
# check $BUILD_DIR/drivers/refdev-migrate.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

mkdir -p "$BUILD_DIR/drivers/logs"
for series in "$@"; do
	kver=$(kenv KVER "$series") kdir=$(kenv KDIR "$series")
	[ -n "$kver" ] || die "kernel $series not available (make kernels)"
	log drivers "$series: building refdev_core.ko and refdev_vfio_pci.ko for $kver"
	run_logged "$BUILD_DIR/drivers/logs/$kver.log" \
		make -C "$REPO_ROOT/driver-under-test" KDIR="$kdir/headers" \
		O="$BUILD_DIR/drivers/$kver" W=1
	if grep -q 'warning:' "$BUILD_DIR/drivers/logs/$kver.log"; then
		grep 'warning:' "$BUILD_DIR/drivers/logs/$kver.log" >&2
		die "driver build for $kver has warnings"
	fi
done
run_logged "$BUILD_DIR/drivers/logs/guest-tools.log" make -C "$REPO_ROOT/driver-under-test" guest-tools
log drivers "refdev-migrate built"
