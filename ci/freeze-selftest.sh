#!/usr/bin/env bash
# A guest freeze judged by ci/run-vm.sh and ci/tap-harness.sh, on a made-up
# QEMU whose guest ran 2 of its 3 tests and then reported a hung task:
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

# the fake QEMU: its three -serial files (console, TAP, framed files), the
# hung task's stack from $FAKE_STACK, then the panic, as the guest's
# hung_task_panic=1 and -no-reboot end a real one
cat >"$t/qemu" <<'EOF'
#!/usr/bin/env bash
ser=()
while [ $# -gt 0 ]; do
	if [ "$1" = -serial ]; then
		ser+=("${2#file:}")
		: >"${2#file:}"
	fi
	shift
done
printf 'TAP version 13\n1..3\nok 1 reset/flr\n%bmigration/arc-running-to-stop\n' "${FAKE_T2:-ok 2 }" >"${ser[1]}"
printf '=== BEGIN FILE tests.txt ===\nreset/flr REQ-RESET-001\nmigration/arc-running-to-stop REQ-MIG-001\nmigration/arc-stop-to-resuming REQ-MIG-001\n=== END FILE tests.txt ===\n' >"${ser[2]}"
{
	echo "[    1.00] [init] booted fake at 1.00 s"
	echo "[  200.00] INFO: task vfio-conform:321 blocked for more than 120 seconds."
	echo "[  200.00] task:vfio-conform    state:D stack:0     pid:321   ppid:300"
	echo "[  200.00] Call Trace:"
	echo "[  200.00]  <TASK>"
	echo "[  200.00]  __schedule+0x3a1/0xb40"
	echo "[  200.00]  mutex_lock+0x1d/0x30"
	echo "[  200.00]  ? refdev_vfio_ioctl+0x40/0x90 [refdev_vfio_pci]"
	echo "[  200.00]  $FAKE_STACK"
	echo "[  200.00]  vfio_pci_core_ioctl+0x12c/0x9a0 [vfio_pci_core]"
	echo "[  200.00]  </TASK>"
	echo "[  200.00] NMI backtrace for cpu 1"
	echo "[  200.00]  refdev_aq_poll+0x10/0x80 [refdev_core]"
	echo "[  200.00] Kernel panic - not syncing: hung_task: blocked tasks"
	echo "[  200.00] task:kworker/0:1 state:I"
	echo "[  200.00]  refdev_vfio_work+0x22/0x60 [refdev_vfio_pci]"
} >>"${ser[0]}"
exit 0
EOF
chmod +x "$t/qemu"
mkdir -p "$t/build" "$t/kernel"
echo "KDIR_0_0=$t/kernel" >"$t/build/kernels.env"
: >"$t/initramfs"

# check NAME STACK RC_RUN RC_HARNESS PATTERN: run-vm.sh and the harness must
# exit RC_RUN and RC_HARNESS, and the harness print PATTERN (grep -E)
check() {
	local name=$1 out=$t/out-$1 rc=0 hrc=0 why=""
	FAKE_STACK=$2 FAKE_T2=${T2:-} BUILD_DIR=$t/build REFDEV_QEMU=$t/qemu REFDEV_ACCEL=tcg \
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
