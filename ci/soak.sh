#!/usr/bin/env bash
# The soak (issue 11 item 6): the certification and migration guests again
# and again on every kernel, with QEMU under ASan/UBSan, so that rare
# freezes and device-model crashes show up, each with its evidence.
#
#   ci/soak.sh [-j N] [-r ROUNDS] OUT_DIR KERNEL...
#
# Each round runs, per kernel, the `certify` scenario (the whole suite on
# the variant driver) and `migrate` (refdev-migrate), guests side by side.
# SOAK_QEMU picks the QEMU (REFDEV_QEMU of ci/run-vm.sh; default asan, the
# build of ci/build-qemu.sh --asan). Each run is OUT_DIR/rN/<kernel>-<scenario>/;
# each is counted as ok, a test failure, a freeze or a QEMU crash (ci/run-vm.sh's
# infra-failure.txt; a freeze in the code under test, freeze.txt without
# it, is a test's FAIL and counts as a freeze here too). OUT_DIR/soak-summary.txt ends with the figures line:
#   soak: N runs (...): N ok, N test failures, N freezes, N QEMU crashes
# Exit 0 only when every run was ok and each left its folder.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

jobs=$(guest_jobs) rounds=${SOAK_ROUNDS:-3}
while [ $# -gt 0 ]; do
	case "$1" in
	-j) jobs=$2; shift 2 ;;
	-r) rounds=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -ge 2 ] || die "usage: $0 [-j N] [-r ROUNDS] OUT_DIR KERNEL..."
out=$1
shift
kernels=("$@")
SCENARIOS=(certify migrate)
export REFDEV_QEMU=${SOAK_QEMU:-asan}

one() {
	local dir=$1 k=$2 s=$3
	# the run counts even when run-vm.sh dies before making its folder
	mkdir -p "$dir"
	bash "$REPO_ROOT/ci/run-vm.sh" --kernel "$k" --initramfs "$BUILD_DIR/guest/initramfs-$k.cpio.gz" \
		--scenario "$s" --out "$dir" --timeout "${VM_TIMEOUT:-900}" >"$dir.log" 2>&1
	echo "$k/$s" >"$dir/label"
	bash "$REPO_ROOT/ci/tap-harness.sh" "$dir" >"$dir/harness.txt" 2>&1
}

# verdict DIR: ok | test-failure | freeze | qemu-crash
verdict() {
	local kind
	kind=$(head -n 1 "$1/infra-failure.txt" 2>/dev/null)
	case "$kind" in
	"QEMU crashed"*) echo qemu-crash ;;
	"guest froze"*) echo freeze ;;
	?*) echo infra ;;
	*) if [ -f "$1/freeze.txt" ]; then	# froze in the code under test
		echo freeze
	elif tail -n 1 "$1/harness.txt" 2>/dev/null | grep -q ' 0 failed, '; then echo ok; else echo test-failure; fi ;;
	esac
}

main() {
	local r k s running=0 t0=$SECONDS d
	rm -rf "$out" && mkdir -p "$out"
	log soak "$rounds rounds x ${#kernels[@]} kernels x ${#SCENARIOS[@]} scenarios, QEMU $REFDEV_QEMU, $jobs at a time"
	for r in $(seq 1 "$rounds"); do
		for k in "${kernels[@]}"; do
			for s in "${SCENARIOS[@]}"; do
				mkdir -p "$out/r$r"
				one "$out/r$r/$k-$s" "$k" "$s" &
				running=$((running + 1))
				if [ "$running" -ge "$jobs" ]; then
					wait -n
					running=$((running - 1))
				fi
			done
		done
	done
	wait
	declare -A n=([ok]=0 [test-failure]=0 [freeze]=0 [qemu-crash]=0 [infra]=0)
	local total=0 v
	shopt -s nullglob	# no run folder at all counts 0, not the pattern
	{
		for d in "$out"/r*/*/; do
			d=${d%/}
			v=$(verdict "$d")
			n[$v]=$((n[$v] + 1))
			total=$((total + 1))
			[ "$v" = ok ] || echo "$v ${d#"$out"/}: $(cat "$d/status" 2>/dev/null); $(tail -n 1 "$d/harness.txt" 2>/dev/null)"
		done
		echo "soak: $total runs ($rounds rounds x ${kernels[*]} x ${SCENARIOS[*]}, QEMU $REFDEV_QEMU, $((SECONDS - t0)) s):" \
			"${n[ok]} ok, ${n[test-failure]} test failures, ${n[freeze]} freezes, ${n[qemu-crash]} QEMU crashes" \
			"$([ "${n[infra]}" = 0 ] || echo ", ${n[infra]} other infrastructure failures")"
	} >"$out/soak-summary.txt"
	cat "$out/soak-summary.txt"
	local want=$((rounds * ${#kernels[@]} * ${#SCENARIOS[@]}))
	if [ "$total" != "$want" ]; then
		log soak "FAIL: $total run folders, $want runs started" >&2
		return 1
	fi
	[ "${n[ok]}" = "$total" ]
}

main
