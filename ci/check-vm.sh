#!/usr/bin/env bash
# The guest runs of `make check`: every scenario on every kernel, side by
# side, then the TAP harness over all of them (its last line is the run's
# verdict).
#   ci/check-vm.sh [-j N] OUT_DIR KERNEL...
# -j N: guests at once (default: nproc, guest_jobs in ci/lib.sh; JOBS=N in
# the environment too).
# CHECK_RUNS='6.12/variant 6.1/*': only the runs whose KERNEL/SCENARIO label
# matches one of these shell patterns (default: all). The mutation matrix's
# boots are KERNEL/mutants-N and KERNEL/hw-NAME (ci/mutant-runs.sh).
# Images must exist (make images). VM_TIMEOUT bounds each guest.
#
# Each guest writes OUT_DIR/<kernel>-<scenario>/ (what ci/run-vm.sh writes)
# and its runner's progress lines into OUT_DIR/<kernel>-<scenario>.log; the
# console shows one line per guest start and end. The harness reads the run
# folders in name order, so its output does not depend on which guest
# finished first.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

jobs=$(guest_jobs)
if [ "${1:-}" = -j ]; then
	jobs=$2
	shift 2
fi
[ $# -ge 1 ] || die "usage: $0 [-j N] OUT_DIR KERNEL..."
[ "$jobs" -ge 1 ] 2>/dev/null || die "check-vm: -j needs a positive number, not '$jobs'"
out=$1
shift
kernels=("$@")

# QEMU's own SR-IOV nvme model: a device nobody here wrote (issue #5).
# shellcheck disable=SC2054 # the commas belong to QEMU's -device syntax
NVME_ARGS=(--qemu-arg -device --qemu-arg nvme-subsys,id=nvmesubsys0
	--endpoint "nvme,serial=refdev0001,subsys=nvmesubsys0,sriov_max_vfs=2,sriov_vq_flexible=4,sriov_vi_flexible=2,max_ioqpairs=6,msix_qsize=4"
	--append refdev.pf=0x1b36:0x0010)

# The matrix for one kernel: one `add KERNEL SCENARIO [run-vm args...]` per
# guest. To add a run, add a line here. The pseudo-scenario runner-selftest
# runs ci/runner-selftest.sh (two guests of its own, one after the other).
matrix() {
	local k=$1
	# The source-built kernel (KASAN + lockdep under TCG: ~5x slower) runs
	# what only it can show: the iommufd/cdev path, DMA logging REPORT
	# (variant, migrate) and the detectors; the plain-vfio-pci topologies
	# are covered by the Debian kernels.
	if [ "$k" != src ]; then
		add "$k" vf-vfio-pci
		add "$k" token
		# the same with the VF on the variant driver (its match ops, 6.17+)
		[ "$k" != 7.3 ] || add "$k" token-variant
		add "$k" dma
		add "$k" foreign-vf "${NVME_ARGS[@]}"
	fi
	# the suite's run-level contract (exit codes, verdicts, certificates)
	if [ "$k" = 6.12 ]; then
		add "$k" verdicts
	fi
	add "$k" pf-reset
	add "$k" variant
	add "$k" migrate
	if [ "$k" = 7.3 ]; then
		# a 1 MiB device memory (DEV-MEM-001) through the variant driver's
		# chunked streaming: STOP_COPY, PRE_COPY, blackout, each state
		# checked on the second VF (bench/guest/refdev-migbench.c)
		add "$k" migbench --endpoint "refdev,vf-mem-size=1M" \
			--append "refdev.mem=1048576 refdev.migbench=all"
		# the pre-copy area with that device memory: an idle VF's empty
		# DELTA is staged too, and must still be dropped (REQ-PRECOPY-003)
		add "$k" precopy-mem --endpoint "refdev,vf-mem-size=1M" \
			--append "refdev.mem=1048576"
		# docs/tutorial.md, every step and its output (ci/tutorial.sh)
		add "$k" tutorial
		# The QEMU 10.0 build (make certify QEMU=10.0, with the TCG fix of
		# hw-model/qemu/patches/10.0/): refdev certified on it, and the
		# race that fix closes, MMIO reads while another VF's BARs remap
		# (README, "QEMU versions")
		add "$k" certify-qemu10.0
		add "$k" mmio-race-qemu10.0
		# the same race on the default QEMU 7.2 (its own port of the fix,
		# hw-model/qemu/patches/7.2/): unpatched, QEMU dies of SIGSEGV
		add "$k" mmio-race
	fi
	# the kernel's own VFIO selftests, on kernels from 6.18 on, every IOMMU
	# mode the kernel has (ci/kselftest-crosscheck.sh compares them with the
	# suite). vfio_pci_driver_test pins 1 GiB of shmem per test: src's
	# fragment has THP, so that is 512 folios (its 7 iommufd tests in
	# under a minute under KASAN/TCG instead of ~4 min each).
	if has_kselftests "$k"; then
		add "$k" kselftests
	fi
	if [ "$k" = src ]; then
		# the VF-token matrix over the cdev path (BIND_FLAG_TOKEN) needs
		# iommufd, which only this kernel has
		add "$k" token
		# the dma-buf revocations that need iommufd (the importer) and,
		# for Command.MEM, a function that is no VF: the PF on vfio-pci
		add "$k" dmabuf-pf
		add "$k" runner-selftest
		# the kernel's mtty sample, judged against its expected result for
		# this kernel version (fixtures/expected/mdev-<version>.txt)
		if expect_file "$k" mdev >/dev/null; then
			add "$k" mdev
		fi
	fi
	# the soak's short form (ci/soak.sh, make soak): certification and
	# migration again, QEMU under ASan/UBSan, on the kernel where QEMU was
	# once seen to crash (issue 11); make check-vm builds it first, and a
	# missing or plain binary fails these runs (ci/run-vm.sh), never drops them
	if [ "$k" = 6.1 ]; then
		add "$k" soak-certify
		add "$k" soak-migrate
	fi
	# the mutation matrix: this kernel's boots of the plan that
	# ci/mutant-runs.sh prepare wrote (make check-vm writes it first)
	local g
	for g in "${mutant_groups[@]}"; do
		[ "${g%% *}" = "$k" ] && add "$k" "${g#* }"
	done
}

mutant_groups=()
[ ! -f "$BUILD_DIR/mutants/plan" ] ||
	mapfile -t mutant_groups < <(bash "$REPO_ROOT/ci/mutant-runs.sh" groups)

# has_kselftests KERNEL: the kernel is 6.18 or later (the selftests were
# written for the uAPI of the newest linux-source; src may be any tree)
has_kselftests() {
	local kver
	kver=$(kenv KVER "$1")
	kver=${kver%%[+-]*}
	[ -n "$kver" ] && [ "$(printf '6.18\n%s\n' "$kver" | sort -V | head -n 1)" = 6.18 ]
}

names=() labels=() cmds=()
# add KERNEL SCENARIO [ARGS...]: queue one guest run (ARGS go to run-vm.sh)
add() {
	local pat pats
	if [ -n "${CHECK_RUNS:-}" ]; then
		read -ra pats <<<"$CHECK_RUNS"	# words, no file-name expansion
		for pat in "${pats[@]}"; do
			# shellcheck disable=SC2053 # a pattern on purpose
			[[ "$1/$2" == $pat ]] && break
			pat=""
		done
		[ -n "$pat" ] || return 0
	fi
	names+=("$1-$2")
	labels+=("$1/$2")
	cmds+=("$(printf '%q ' "$@")")
}

# run_one KERNEL SCENARIO [ARGS...]: one guest (runs in a background job).
# A guest that froze with every vCPU idle and no lockup report (a wakeup
# TCG lost, seen on src/token beside other guests on old and new configs
# alike) is an infrastructure failure, no verdict on the code: it runs once
# more, as LAVA retries infrastructure errors, and the first attempt's
# evidence stays in the run's folder (first-attempt/). QEMU crashes and
# freezes in our drivers (a FAIL) never run again.
run_one() {
	local dir=$out/$1-$2
	launch "$@"
	if grep -q '^infrastructure failure: guest froze: .*no lockup report' "$dir/status" 2>/dev/null; then
		echo "[check] $1/$2: $(cat "$dir/status"); running it once more"
		rm -rf "$dir.first" && mv "$dir" "$dir.first"
		launch "$@"
		mv "$dir.first" "$dir/first-attempt"
	fi
	echo "$1/$2" >"$dir/label"
	expect_judge "$1" "$2"
}

# launch KERNEL SCENARIO [ARGS...]: the guest run itself (SCENARIO-qemu10.0
# on QEMU 10.0, soak-SCENARIO on the ASan QEMU)
launch() {
	local k=$1 s=$2 dir=$out/$1-$2 qemu=${REFDEV_QEMU:-}
	shift 2
	case $s in
	runner-selftest) bash "$REPO_ROOT/ci/runner-selftest.sh" "$dir"; return ;;
	mutants-* | hw-*) bash "$REPO_ROOT/ci/mutant-runs.sh" run "$k" "$s" "$dir"; return ;;
	*-qemu10.0) s=${s%-qemu10.0} && set -- --qemu-version 10.0 "$@" ;;
	soak-*) s=${s#soak-} qemu=asan ;;
	esac
	REFDEV_QEMU=$qemu bash "$REPO_ROOT/ci/run-vm.sh" --kernel "$k" --initramfs "$BUILD_DIR/guest/initramfs-$k.cpio.gz" \
		--scenario "$s" --out "$dir" --timeout "$(guest_timeout "$s")" "$@"
}

# guest_timeout SCENARIO: VM_TIMEOUT, doubled for kselftests, which runs
# the seven programs once per IOMMU mode (five on the source-built kernel:
# 441 s alone, 1019 s beside another guest, over 900 s at a load of 12).
guest_timeout() {
	local t=${VM_TIMEOUT:-900}
	[ "$1" = kselftests ] && t=$((2 * t))
	echo "$t"
}

# A run of an implementation we did not write is judged against its
# expected result, fixtures/expected/<scenario>-<major.minor of the
# kernel>.txt (an expectation holds for the kernel it was measured on), by
# ci/expect.sh, whose own TAP (OUT_DIR/<run>-expected/) the harness counts
# instead of the raw run.
expect_file() {
	local kver f
	kver=$(kenv KVER "$1")
	[ -n "$kver" ] || return 1
	f=$REPO_ROOT/fixtures/expected/$2-$(echo "$kver" | cut -d. -f1-2).txt
	[ -f "$f" ] && echo "$f"
}
expect_judge() {
	local exp dir=$out/$1-$2
	exp=$(expect_file "$1" "$2") || return 0
	echo "$exp" >"$dir/expected"
	bash "$REPO_ROOT/ci/expect.sh" "$dir" "$exp" "$dir-expected"
}

# Durations ("name seconds"): the longest guests start first, so that they
# do not end the run alone. The last run's figures live in the cache, which
# outlives a fresh clone; a machine without them starts from the figures
# committed in fixtures/check-vm-times (one measured whole run).
times_file=$REFDEV_CACHE/check-vm-times
seed_times=$REPO_ROOT/fixtures/check-vm-times
declare -A cost=()
load_costs() {
	local name secs f
	for f in "$seed_times" "$times_file"; do
		[ -f "$f" ] || continue
		while read -r name secs; do
			cost[$name]=$secs
		done <"$f"
	done
}

# start order: known-long first, unknown ones (no figure yet) before all
start_order() {
	local i
	for i in "${!names[@]}"; do
		printf '%s %s\n' "${cost[${names[$i]}]:-999999}" "$i"
	done | sort -s -k1,1nr | cut -d' ' -f2
}

declare -A job_of=() began=()
running=0 finished=0 failed_runs=0

start_job() {
	local i=$1 name=${names[$1]}
	eval "run_one ${cmds[$i]}" >"$out/$name.log" 2>&1 &
	job_of[$!]=$i
	began[$i]=$SECONDS
	running=$((running + 1))
	log check "start ${labels[$i]}"
}

# reap: wait for any one guest, report it, remember its duration
reap() {
	local pid i name label status took
	wait -n -p pid
	i=${job_of[$pid]}
	unset "job_of[$pid]"
	running=$((running - 1))
	finished=$((finished + 1))
	name=${names[$i]} label=${labels[$i]}
	took=$((SECONDS - ${began[$i]}))
	# a run that never got to boot (no status) says nothing of its length
	[ ! -f "$out/$name/status" ] || cost[$name]=$took
	status=$(cat "$out/$name/status" 2>/dev/null || echo "no status (see $out/$name.log)")
	if [ "$status" = ok ]; then
		log check "done  $label in ${took}s ($finished/${#names[@]})"
	else
		failed_runs=$((failed_runs + 1))
		log check "FAIL  $label in ${took}s: $status ($finished/${#names[@]}; $out/$name.log)"
	fi
}

save_costs() {
	local name
	for name in "${!cost[@]}"; do
		printf '%s %s\n' "$name" "${cost[$name]}"
	done | sort >"$times_file.$$" 2>/dev/null && mv "$times_file.$$" "$times_file"
}

main() {
	local k i t0=$SECONDS
	rm -rf "$out"
	mkdir -p "$out"
	for k in "${kernels[@]}"; do
		matrix "$k"
	done
	# Decide the accelerator once, before guests race to probe it.
	if [ ${#kernels[@]} -gt 0 ]; then
		bash "$REPO_ROOT/ci/probe-kvm.sh" "${kernels[0]}" \
			"$BUILD_DIR/guest/initramfs-${kernels[0]}.cpio.gz" >/dev/null
	fi
	load_costs
	log check "${#names[@]} guest runs, $jobs at a time; runner logs in $out/<run>.log"
	for i in $(start_order); do
		while [ "$running" -ge "$jobs" ]; do
			reap
		done
		start_job "$i"
	done
	while [ "$running" -gt 0 ]; do
		reap
	done
	save_costs
	log check "all ${#names[@]} guest runs ended in $((SECONDS - t0))s ($failed_runs not ok)"
	for k in "${kernels[@]}"; do
		bash "$REPO_ROOT/ci/kselftest-crosscheck.sh" "$out" "$k"
	done
	# the kill matrix (mutant x kernel x failing tests), kept in
	# OUT_DIR/kill-matrix.txt; each boot's verdicts are also TAP (below)
	if [ ${#mutant_groups[@]} -gt 0 ]; then
		bash "$REPO_ROOT/ci/mutant-runs.sh" matrix "$out" || true
	fi
	local runs=() d
	for d in "$out"/*/; do
		[ -f "$d/expected" ] || runs+=("$d")
	done
	bash "$REPO_ROOT/ci/tap-harness.sh" "${runs[@]}" | tee "$out/harness.txt"
	return "${PIPESTATUS[0]}"
}

# sourced by ci/check-vm-selftest.sh for its functions alone
[ "${BASH_SOURCE[0]}" != "$0" ] || main
