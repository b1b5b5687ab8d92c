#!/usr/bin/env bash
# A guest freeze judged by ci/run-vm.sh and ci/tap-harness.sh, on a made-up
# QEMU (ci/fake-qemu.sh) whose guest ran 2 of its 3 tests and then reported
# a hung task:
#   in-driver: the hung task's own stack is in refdev_vfio_pci: the product's
#     bug (SPEC.md 2.6), the running test (3rd of tests.txt) is a FAIL, the
#     run fails (exit 1), no infra-failure.txt, the backtrace in freeze.txt;
#   elsewhere: the stack is in vfio-pci-core and the kernel only (a refdev
#     frame only in another CPU's NMI backtrace, in panic_print's task list
#     and as an unreliable "? " address): an infrastructure failure (INFRA,
#     exit 3), not a FAIL;
#   earlier-test: as in-driver, but the hung task is the process of test 2,
#     which timed out and could not be reaped (the runner's diagnostic names
#     its pid): test 2's FAIL stands, test 3 is not-run, not a FAIL.
# No kernel, no image: a few seconds.
#   ci/freeze-selftest.sh        (make unit)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
bad=0

mkdir -p "$t/build" "$t/kernel"
echo "KDIR_0_0=$t/kernel" >"$t/build/kernels.env"
: >"$t/initramfs"

# check NAME STACK RC_RUN RC_HARNESS PATTERN: run-vm.sh and the harness must
# exit RC_RUN and RC_HARNESS, and the harness print PATTERN (grep -E)
check() {
	local name=$1 out=$t/out-$1 rc=0 hrc=0 why=""
	FAKE=hung-task FAKE_STACK=$2 FAKE_T2=${T2:-} BUILD_DIR=$t/build REFDEV_QEMU=$here/fake-qemu.sh REFDEV_ACCEL=tcg \
		bash "$here/run-vm.sh" --kernel 0.0 --initramfs "$t/initramfs" \
		--scenario fake --out "$out" --timeout 60 >"$t/$name.log" 2>&1 || rc=$?
	echo "$name" >"$out/label"
	bash "$here/tap-harness.sh" "$out" >"$t/$name.harness" 2>&1 || hrc=$?
	[ "$rc" = "$3" ] || why+=" run-vm.sh exit $rc (want $3);"
	[ "$hrc" = "$4" ] || why+=" harness exit $hrc (want $4);"
	grep -Eq "$5" "$t/$name.harness" || why+=" no line /$5/;"
	[ -s "$out/freeze.txt" ] || why+=" no freeze.txt;"
	if [ -z "$why" ]; then
		echo "ok   freeze-selftest $name"
	else
		echo "FAIL freeze-selftest $name:$why status: $(cat "$out/status" 2>/dev/null)" >&2
		sed 's/^/    /' "$t/$name.harness" >&2
		bad=1
	fi
}

check in-driver "refdev_vfio_reset_done+0x2c/0x90 [refdev_vfio_pci]" 1 1 \
	'^FAIL in-driver migration/arc-stop-to-resuming \(the guest froze in it: .*refdev_vfio_reset_done\+0x2c/0x90 \[refdev_vfio_pci\]'
[ ! -f "$t/out-in-driver/infra-failure.txt" ] || { echo "FAIL freeze-selftest in-driver: infra-failure.txt written" >&2; bad=1; }
check elsewhere "vfio_pci_core_reset_done+0x2c/0x90 [vfio_pci_core]" 1 3 \
	'^INFRA elsewhere run: guest froze: blocked for more than 120 seconds'
grep -q '^FAIL' "$t/elsewhere.harness" && { echo "FAIL freeze-selftest elsewhere: a FAIL line" >&2; bad=1; }
T2='# test process 321 did not exit within 5 s after SIGKILL (stuck in the kernel?)\nnot ok 2 ' \
	check earlier-test "refdev_vfio_reset_done+0x2c/0x90 [refdev_vfio_pci]" 1 1 \
	'^not-run earlier-test rest of the stream: .*in the task of migration/arc-running-to-stop, which did not exit after SIGKILL'
grep -q '^FAIL earlier-test migration/arc-stop-to-resuming' "$t/earlier-test.harness" &&
	{ echo "FAIL freeze-selftest earlier-test: the running test failed for an earlier one's task" >&2; bad=1; }
[ "$bad" = 0 ] && echo "freeze-selftest: all passed"
exit "$bad"
