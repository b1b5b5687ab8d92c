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
# them (nm of a made-up vmlinux) and the panic the NMI causes as evidence.
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

# run NAME [TIMEOUT]: run-vm.sh on the fake QEMU FAKE=NAME into $t/out-NAME;
# sets rc, secs (its wall time) and out
run() {
	local t0=$SECONDS
	out=$t/out-$1 rc=0
	FAKE=$1 BUILD_DIR=$t/build REFDEV_QEMU=$here/fake-qemu.sh REFDEV_ACCEL=tcg \
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
	[ ! -e "$out/monitor.in" ] && ok=0
verdict freeze "$ok" "status: $(cat "$out/status" 2>/dev/null), evidence: $(head -c 300 "$f" 2>/dev/null)"
[ "$bad" = 0 ] && echo "run-vm-selftest: all passed"
exit "$bad"
