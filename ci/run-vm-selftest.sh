#!/usr/bin/env bash
# ci/run-vm.sh on a made-up QEMU (ci/fake-qemu.sh; no kernel, no image:
# a few seconds).
# Panic watch: the fake writes a "Kernel panic" line and hangs, as a guest
# whose panic dump stalls does; run-vm.sh must stop it REFDEV_PANIC_GRACE s
# after the line, not at the hard timeout, and boot again a panic before
# /init (3 boots in all), not one after it. Crash evidence: the fake prints
# a long sanitizer report and exits 134; infra-failure.txt must hold the
# kind line and the report's first 200 lines, not the log's tail after them
# (head's early exit must not count as "no report"). NMI at the timeout:
# the fake boots and then says nothing, as a frozen guest; run-vm.sh must
# ask the monitor for each vCPU's registers and local APIC and send "nmi"
# at --timeout, and keep them, the symbols of the kernel addresses among
# them (nm of a made-up vmlinux) and the panic the NMI causes as evidence,
# and name the one idle vCPU whose local APIC still has a vector in service
# (a lost EOI).
# A hung task (SPEC.md 2.6), judged by run-vm.sh and ci/tap-harness.sh,
# after the guest ran 2 of its 3 tests:
#   in-driver: the hung task's own stack is in refdev_vfio_pci: the product's
#     bug, the running test (3rd of tests.txt) is a FAIL, the run fails
#     (exit 1), no infra-failure.txt, the backtrace in freeze.txt;
#   elsewhere: the stack is in vfio-pci-core and the kernel only (a refdev
#     frame only in another CPU's NMI backtrace, in panic_print's task list
#     and as an unreliable "? " address): an infrastructure failure (INFRA,
#     exit 3), not a FAIL;
#   earlier-test: as in-driver, but the hung task is the process of test 2,
#     which timed out and could not be reaped (the runner's diagnostic names
#     its pid): test 2's FAIL stands, test 3 is not-run, not a FAIL.
# Files: a gzipped result file (the guest's send_file_gz) comes back under
# its own name; one cut short stays as it came.
#   ci/run-vm-selftest.sh        (make unit)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
bad=0

mkdir -p "$t/build" "$t/kernel"
# a vmlinux whose nm(1) has two functions where the kernel's text starts
printf 'void fake_stuck_function(void) { for (;;) ; }\nvoid fake_caller(void) { fake_stuck_function(); }\n' >"$t/fake.c"
cc -O0 -nostdlib -static -Wl,-Ttext=0xffffffff81000000 -Wl,-e,fake_caller -o "$t/kernel/vmlinux" "$t/fake.c"
echo "KDIR_0_0=$t/kernel" >"$t/build/kernels.env"
: >"$t/initramfs"

# run NAME [TIMEOUT]: run-vm.sh on the fake QEMU FAKE=NAME (unless FAKE is
# set) into $t/out-NAME; sets rc, secs (its wall time) and out
run() {
	local t0=$SECONDS
	out=$t/out-$1 rc=0
	FAKE=${FAKE:-$1} BUILD_DIR=$t/build REFDEV_QEMU=$here/fake-qemu.sh REFDEV_ACCEL=tcg \
		REFDEV_PANIC_GRACE=2 bash "$here/run-vm.sh" --kernel 0.0 \
		--initramfs "$t/initramfs" --scenario fake --out "$out" \
		--timeout "${2:-120}" >"$t/$1.log" 2>&1 || rc=$?
	secs=$((SECONDS - t0))
}

# verdict NAME OK WHAT: prints the case's line, the log on a failure
verdict() {
	if [ "$2" = 0 ]; then
		echo "ok   run-vm-selftest $1"
		return
	fi
	echo "FAIL run-vm-selftest $1: exit $rc after $secs s, $3" >&2
	tail -n 20 "$t/$1.log" | sed 's/^/    /' >&2
	bad=1
}

# panic NAME BOOTS: run-vm.sh fails within 30 s with the panic status
# after BOOTS boots
panic() {
	local n ok=1
	run "$1"
	n=$(($(find "$out" -maxdepth 1 -name 'attempt-*' | wc -l) + 1))
	[ "$rc" = 1 ] && [ "$secs" -lt 30 ] && [ "$n" = "$2" ] &&
		grep -q "panicked and its panic dump did not end within 2s" "$out/status" 2>/dev/null && ok=0
	verdict "$1" "$ok" "$n boot(s), status: $(cat "$out/status" 2>/dev/null)"
}

panic panic-after-init 1
panic panic-before-init 3
run crash
f=$out/infra-failure.txt ok=1
[ "$rc" = 1 ] && [ "$(head -n 1 "$f" 2>/dev/null)" = "QEMU crashed (exit 134)" ] &&
	[ "$(wc -l <"$f")" = 201 ] && ! grep -q "the last line" "$f" && ok=0
verdict crash "$ok" "$(wc -l <"$f" 2>/dev/null) lines of evidence, its end: $(tail -n 1 "$f" 2>/dev/null)"
run freeze 4
f=$out/infra-failure.txt ok=1
[ "$rc" = 1 ] && [ "$secs" -lt 20 ] &&
	[ "$(head -n 1 "$f" 2>/dev/null)" = "guest froze: no end within 4s and no lockup report (NMI sent)" ] &&
	grep -q "^RIP=ffffffff81000003" "$f" && grep -q "^Timer.*current_count = 0" "$f" &&
	grep -q "^  fake_stuck_function+0x3$" "$f" && grep -q "^  fake_caller+0x5$" "$f" &&
	[ "$(grep -c "^vCPU [0-9] idles with interrupts enabled and vector" "$f")" = 1 ] &&
	grep -q "^vCPU 1 idles with interrupts enabled and vector 236 in service (pending: 236; PPR 0xe0)" "$f" &&
	[ ! -e "$out/monitor.in" ] && ok=0
verdict freeze "$ok" "status: $(cat "$out/status" 2>/dev/null), evidence: $(head -c 300 "$f" 2>/dev/null)"

# hung NAME STACK RC_RUN RC_HARNESS PATTERN [NOT]: a task hung with STACK
# (FAKE=hung-task); run-vm.sh and the harness must exit RC_RUN and
# RC_HARNESS (3: INFRA; else no infra-failure.txt), the harness print
# PATTERN and no NOT line (grep -E), freeze.txt keep the backtrace
hung() {
	local hrc=0 why=""
	FAKE=hung-task FAKE_STACK=$2 run "$1" 60
	echo "$1" >"$out/label"
	bash "$here/tap-harness.sh" "$out" >"$t/$1.harness" 2>&1 || hrc=$?
	[ "$rc" = "$3" ] || why+=" run-vm.sh exit $rc (want $3);"
	[ "$hrc" = "$4" ] || why+=" harness exit $hrc (want $4);"
	grep -Eq "$5" "$t/$1.harness" || why+=" no line /$5/;"
	[ -z "${6:-}" ] || ! grep -Eq "$6" "$t/$1.harness" || why+=" a line /$6/;"
	[ -s "$out/freeze.txt" ] || why+=" no freeze.txt;"
	[ "$4" = 3 ] || [ ! -f "$out/infra-failure.txt" ] || why+=" infra-failure.txt written;"
	verdict "$1" "${#why}" "${why# } status: $(cat "$out/status" 2>/dev/null)"
	[ -z "$why" ] || sed 's/^/    /' "$t/$1.harness" >&2
}

hung in-driver "refdev_vfio_reset_done+0x2c/0x90 [refdev_vfio_pci]" 1 1 \
	'^FAIL in-driver migration/arc-stop-to-resuming \(the guest froze in it: .*refdev_vfio_reset_done\+0x2c/0x90 \[refdev_vfio_pci\]'
hung elsewhere "vfio_pci_core_reset_done+0x2c/0x90 [vfio_pci_core]" 1 3 \
	'^INFRA elsewhere run: guest froze: blocked for more than 120 seconds' '^FAIL'
FAKE_T2='# test process 321 did not exit within 5 s after SIGKILL (stuck in the kernel?)\nnot ok 2 ' \
	hung earlier-test "refdev_vfio_reset_done+0x2c/0x90 [refdev_vfio_pci]" 1 1 \
	'^not-run earlier-test rest of the stream: .*in the task of migration/arc-running-to-stop, which did not exit after SIGKILL' \
	'^FAIL earlier-test migration/arc-stop-to-resuming'
run files
ok=1
[ "$(cat "$out/plain.txt" 2>/dev/null)" = plain ] &&
	[ "$(cat "$out/packed.json" 2>/dev/null)" = '{"packed": true}' ] &&
	[ ! -e "$out/packed.json.gz.base64" ] && [ -s "$out/cut.json.gz.base64" ] &&
	[ ! -e "$out/cut.json" ] && ok=0
verdict files "$ok" "files: $(find "$out" -maxdepth 1 -type f -printf '%f ')"
[ "$bad" = 0 ] && echo "run-vm-selftest: all passed"
exit "$bad"
