#!/usr/bin/env bash
# Prove that the VM runner catches kernel bug reports: boot the source-built
# kernel with a planted leak and a planted lock-order inversion
# (ci/selftest/*.c) and check that each run FAILS with the expected report;
# and a planted soft lockup, which must end at once as an infrastructure
# failure (guest froze) that keeps the stacks.
# Writes a TAP stream of its own (runner/...) into OUT/tap.log for the harness.
#   ci/runner-selftest.sh OUT_DIR
set -euo pipefail
. "$(dirname "$0")/lib.sh"

out=$1
rm -rf "$out"
mkdir -p "$out"
kdir=$(kenv KDIR src)
[ -n "$kdir" ] || die "no source-built kernel (make kernel)"

mods=$BUILD_DIR/selftest-modules
rm -rf "$mods"
mkdir -p "$mods"
cp "$REPO_ROOT"/ci/selftest/{Kbuild,leak.c,lockorder.c,lockup.c} "$mods/"
run_logged "$out/modules-build.log" make -C "$kdir/headers" M="$mods" modules
img=$BUILD_DIR/guest/initramfs-src-selftest.cpio.gz
bash "$REPO_ROOT/ci/build-initramfs.sh" src "$img" \
	"$mods/refdev_selftest_leak.ko" "$mods/refdev_selftest_lockorder.ko" \
	"$mods/refdev_selftest_lockup.ko"

tap=$out/tap.log
n=0 failed=0
check() {
	# check NAME SCENARIO PATTERN: the run must fail and show PATTERN
	local name=$1 scenario=$2 pattern=$3 dir=$out/$2 rc=0
	n=$((n + 1))
	bash "$REPO_ROOT/ci/run-vm.sh" --kernel src --initramfs "$img" --scenario "$scenario" \
		--out "$dir" --timeout "${VM_TIMEOUT:-900}" || rc=$?
	echo "# REQ: the runner fails a run on a kernel report ($pattern)" >>"$tap"
	if [ "$rc" != 0 ] && grep -q "$pattern" "$dir/kernel-problems.txt" 2>/dev/null; then
		echo "ok $n runner/$name" >>"$tap"
	else
		echo "# run exit $rc, status '$(cat "$dir/status" 2>/dev/null)'; no '$pattern' in kernel-problems.txt" >>"$tap"
		echo "not ok $n runner/$name" >>"$tap"
		failed=$((failed + 1))
	fi
}
# check_freeze NAME SCENARIO: the run must end as an infrastructure failure
# (guest froze) well before its timeout, its evidence holding the stacks
check_freeze() {
	local name=$1 scenario=$2 dir=$out/$2 rc=0 t0=$SECONDS
	n=$((n + 1))
	bash "$REPO_ROOT/ci/run-vm.sh" --kernel src --initramfs "$img" --scenario "$scenario" \
		--out "$dir" --timeout "${VM_TIMEOUT:-900}" || rc=$?
	echo "# REQ: a frozen guest panics with its stacks and is an infrastructure failure" >>"$tap"
	if [ "$rc" != 0 ] && grep -q '^guest froze: ' "$dir/infra-failure.txt" 2>/dev/null &&
		grep -q 'Call Trace:' "$dir/infra-failure.txt" &&
		! grep -q 'no end within' "$dir/infra-failure.txt"; then
		echo "ok $n runner/$name" >>"$tap"
	else
		echo "# run exit $rc after $((SECONDS - t0))s, status '$(cat "$dir/status" 2>/dev/null)'; infra-failure.txt: $(head -n 1 "$dir/infra-failure.txt" 2>/dev/null)" >>"$tap"
		echo "not ok $n runner/$name" >>"$tap"
		failed=$((failed + 1))
	fi
}
printf 'TAP version 13\n1..3\n' >"$tap"
check flags-planted-leak selftest-leak 'unreferenced object'
check flags-planted-lock-inversion selftest-lockdep 'possible circular locking'
check_freeze freeze-is-infrastructure-with-stacks selftest-lockup
echo ok >"$out/status"
log selftest "runner self-test: $((n - failed))/$n planted bugs caught"
