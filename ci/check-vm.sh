#!/usr/bin/env bash
# The guest runs of `make check`: every scenario on every kernel, then the
# TAP harness over all of them (its last line is the run's verdict).
#   ci/check-vm.sh OUT_DIR KERNEL...
# Images must exist (make images). VM_TIMEOUT bounds each guest.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

out=$1
shift
kernels=("$@")
rm -rf "$out"
mkdir -p "$out"

# QEMU's own SR-IOV nvme model: a device nobody here wrote (issue #5).
NVME_ARGS=(--qemu-arg -device --qemu-arg nvme-subsys,id=nvmesubsys0
	--endpoint "nvme,serial=refdev0001,subsys=nvmesubsys0,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,max_ioqpairs=6,msix_qsize=4"
	--append refdev.pf=0x1b36:0x0010)

# run KERNEL SCENARIO [run-vm args...]
run() {
	local k=$1 s=$2 dir=$out/$1-$2
	shift 2
	bash "$REPO_ROOT/ci/run-vm.sh" --kernel "$k" --initramfs "$BUILD_DIR/guest/initramfs-$k.cpio.gz" \
		--scenario "$s" --out "$dir" --timeout "${VM_TIMEOUT:-900}" "$@"
	echo "$k/$s" >"$dir/label"
}

for k in "${kernels[@]}"; do
	# The source-built kernel (KASAN + lockdep under TCG: ~5x slower) runs
	# what only it can show: the iommufd/cdev path, DMA logging REPORT
	# (variant, migrate) and the detectors; the plain-vfio-pci topologies
	# are covered by the Debian kernels.
	if [ "$k" != src ]; then
		run "$k" vf-vfio-pci
		run "$k" token
		run "$k" dma
		run "$k" foreign-vf "${NVME_ARGS[@]}"
	fi
	run "$k" pf-reset
	run "$k" variant
	run "$k" migrate
	if [ "$k" = src ]; then
		bash "$REPO_ROOT/ci/runner-selftest.sh" "$out/src-runner-selftest"
		echo src/runner-selftest >"$out/src-runner-selftest/label"
	fi
done
bash "$REPO_ROOT/ci/tap-harness.sh" "$out"/*/ | tee "$out/harness.txt"
exit "${PIPESTATUS[0]}"
