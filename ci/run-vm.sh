#!/usr/bin/env bash
# Boot a test guest with refdev and collect what it reports.
#
#   ci/run-vm.sh --kernel SERIES --initramfs FILE --scenario NAME --out DIR
#                [--timeout SEC] [--endpoint 'QEMU -device ARGS'] [--append 'KERNEL ARGS']
#                [--qemu-arg ARG]... [--qemu-version 7.2|10.0]
#
# --endpoint replaces the refdev device behind the root port (e.g. a stock
# QEMU device with SR-IOV: 'nvme,serial=x,sriov_max_vfs=2,...'); its bus is
# always the root port rp1. --append adds kernel command-line words;
# --qemu-arg adds one QEMU argument (repeat it, e.g. --qemu-arg -device
# --qemu-arg nvme-subsys,id=s0). --qemu-version picks the QEMU refdev is
# built into (default: $QEMU_VERSION, else 7.2; ci/build-qemu.sh).
#
# Always ends QEMU: a hard wall-clock timeout (default 600 s) kills it.
# Accelerator: KVM only where a real boot probe succeeded on this host boot
# (ci/probe-kvm.sh), else TCG; REFDEV_ACCEL=kvm|tcg overrides.
# Writes into DIR: console.log (ttyS0), tap.log (ttyS1), the files the guest
# framed on ttyS2 (junit, certificate, dmesg.txt), qemu.log, status.
# Exit: 0 if the guest powered off by itself with no kernel oops, BUG, WARN
# (or lockdep/KASAN report) in its logs; 1 otherwise. The TAP verdicts are
# judged by ci/tap-harness.sh, not here.
#
# Infrastructure failures (SPEC.md 2.6: a guest that froze, a QEMU that
# crashed) write DIR/infra-failure.txt (the kind, then the evidence; a
# freeze's backtrace also in DIR/freeze.txt), which the harness reports as
# INFRA, not FAIL; a freeze in a frame of the code under test (lib.sh
# freeze_in_dut) is the product's bug: no infra-failure.txt, the status
# names the frame.
# REFDEV_QEMU=asan runs the ASan/UBSan build (ci/build-qemu.sh --asan),
# REFDEV_QEMU=PATH any other binary (e.g. a hw-model mutant's).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

series="" initramfs="" scenario="" out="" timeout_s=600 endpoint="" append=""
extra_args=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) series=$2; shift 2 ;;
	--initramfs) initramfs=$2; shift 2 ;;
	--scenario) scenario=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout_s=$2; shift 2 ;;
	--endpoint) endpoint=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--qemu-arg) extra_args+=("$2"); shift 2 ;;
	--qemu-version) QEMU_VERSION=$2; shift 2 ;;
	*) die "run-vm: unknown argument $1" ;;
	esac
done
{ [ -n "$series" ] && [ -n "$initramfs" ] && [ -n "$scenario" ] && [ -n "$out" ]; } ||
	die "usage: $0 --kernel SERIES --initramfs FILE --scenario NAME --out DIR [--timeout SEC]"

kdir=$(kenv KDIR "$series")
[ -n "$kdir" ] || die "kernel $series not fetched (ci/fetch-kernels.sh)"
vmlinux=$kdir/vmlinux
case "${REFDEV_QEMU:-}" in
"") qemu=$(qemu_bin) ;;
asan) qemu=$BUILD_DIR/qemu-system-x86_64-asan ;;
*) qemu=$REFDEV_QEMU ;;
esac
[ -x "$qemu" ] || die "no $qemu (${QEMU_VERSION:+QEMU_VERSION=$QEMU_VERSION }ci/build-qemu.sh${REFDEV_QEMU:+ --asan})"
# the soak's point is the sanitizer: never a plain build under its name
[ "${REFDEV_QEMU:-}" != asan ] || grep -q __asan_init "$qemu" ||
	die "$qemu has no ASan runtime (ci/build-qemu.sh --asan)"
# ASan/UBSan builds: stop at the first report with its stack (exit 139
# stays a crash: abort_on_error), no leak report at exit (QEMU's own).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=0:print_summary=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

select_accel() {
	case "${REFDEV_ACCEL:-}" in
	kvm | tcg) echo "$REFDEV_ACCEL"; return ;;
	esac
	"$(dirname "$0")/probe-kvm.sh" "$series" "$initramfs"
}

# A freeze ends the guest at once with its stacks instead of at the hard
# timeout with none: soft lockups and hung tasks (Debian: 120 s) panic after
# a backtrace of every CPU, an RCU stall panics after its own report, and
# the panic prints every task and, on lockdep kernels, every held lock
# (panic_print=0x9); oops=panic, panic=-1 and -no-reboot then end QEMU.
# A guest that froze without any of these reports gets an NMI at the
# timeout (send_nmi), and unknown_nmi_panic makes that a panic as well.
FREEZE_APPEND="unknown_nmi_panic softlockup_panic=1 softlockup_all_cpu_backtrace=1 hung_task_panic=1 sysctl.kernel.hung_task_all_cpu_backtrace=1 sysctl.kernel.panic_on_rcu_stall=1 panic_print=0x9"
QEMU_CRASH_RE='(ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|SUMMARY: (Address|Undefined)|Segmentation fault|core dumped)'

VCPUS=2

# no_timer_check: Linux's boot-time check that the timer interrupt arrives
# through the IO-APIC counts ticks in a busy loop; a TCG vCPU starved by a
# loaded host fails it ("timer doesn't work through Interrupt-remapped
# IO-APIC" panic, seen on Debian 7.3 with guests running side by side).
qemu_args() {
	local accel=$1
	local cpu=max
	[ "$accel" = kvm ] && cpu=host
	printf '%s\n' \
		-machine q35,kernel-irqchip=split -accel "$accel" -cpu "$cpu" \
		-smp "$VCPUS" -m "$(scenario_mem)" -nodefaults -display none -no-reboot \
		-L /usr/share/seabios -L /usr/share/qemu \
		-serial "file:$out/console.log" \
		-serial "file:$out/tap.log" \
		-serial "file:$out/files.log" \
		-chardev "pipe,id=mon0,path=$out/monitor" -mon chardev=mon0 \
		-device intel-iommu,intremap=on \
		"${extra_args[@]}" \
		-device pcie-root-port,id=rp1,bus=pcie.0,chassis=1,slot=1 \
		-device "${endpoint:-$(default_endpoint)},bus=rp1" \
		-kernel "$vmlinux" -initrd "$initramfs" \
		-append "console=ttyS0 panic=-1 oops=panic loglevel=6 no_timer_check $FREEZE_APPEND refdev.scenario=$scenario $append"
}

# default_endpoint: refdev as the guests see it unless --endpoint says.
# Linux 6.12 and older read a function's Immediate Readiness (DEV-CAP-005)
# only when it has the PM capability (pci_pm_init() returns before it), so
# there refdev's VFs keep theirs (vf-pm=on, DEV-CAP-006), or every VF FLR
# waits 100 ms: a test's median 0.25 s instead of 0.04 s on 6.1 and 6.12.
# Linux 7.3 reads it for every function (probe.c, pci_imm_ready_init());
# which release between moved the read is not pinned down: 6.13 is a guess
# that costs a slower run if wrong, never a verdict.
default_endpoint() {
	local kver
	kver=$(kenv KVER "$series")
	kver=${kver%%[+-]*}
	if [ -n "$kver" ] && [ "$(printf '6.13\n%s\n' "$kver" | sort -V | head -n 1)" != 6.13 ]; then
		echo refdev,total-vfs=8,vf-pm=on
	else
		echo refdev,total-vfs=8
	fi
}

# split_files: the guest frames files on ttyS2 as
# "=== BEGIN FILE name ===" ... "=== END FILE name ===".
split_files() {
	awk -v dir="$out" '
	/^=== BEGIN FILE [^ ]+ ===\r?$/ { name = $4; file = dir "/" name; printf "" > file; next }
	/^=== END FILE [^ ]+ ===\r?$/ { close(file); file = ""; next }
	file != "" { sub(/\r$/, ""); print >> file }' "$out/files.log"
	# NAME.gz.base64 (the guest's send_file_gz) back into NAME; one cut
	# short by a frozen guest stays as it came
	local f
	for f in "$out"/*.gz.base64; do
		[ -f "$f" ] || continue
		if base64 -d "$f" 2>/dev/null | gzip -dc >"${f%.gz.base64}" 2>/dev/null; then
			rm -f "$f"
		else
			rm -f "${f%.gz.base64}"
			log vm "$series/$scenario: ${f##*/} did not unpack (cut short?)"
		fi
	done
}

# Scenario needs that only the command line can meet: a built-in vfio-pci
# (source-built kernel) takes enable_sriov only from there.
scenario_append() {
	case "$scenario" in
	token | kselftests) echo "vfio_pci.enable_sriov=1" ;;
	esac
}

# Guest memory in MiB: vfio_pci_driver_test pins a 1 GiB buffer.
scenario_mem() {
	case "$scenario" in
	kselftests) echo 3072 ;;
	migbench) echo 2048 ;;	# up to 256 MiB of state, read and copied
	*) echo 1024 ;;
	esac
}

# A TCG guest on a loaded host sometimes comes up with a vCPU whose local
# APIC timer never fires (seen since no_timer_check, which lets such a boot
# go on instead of panicking): RCU then reports that its kthread's "timer
# wakeup didn't happen" and the guest makes no progress until the hard
# timeout. That is the emulator's fault, not the code under test's: the
# guest is stopped at once and main() boots it again.
TIMER_BROKEN_RE="timer wakeup didn't happen"

# A guest that panicked reboots at once (panic=-1, and -no-reboot ends
# QEMU), but under TCG its panic dump (panic_print's task list) can itself
# stall until the hard timeout: seen after an early-boot TCG "Oops: int3".
# PANIC_GRACE seconds after the panic line the guest is stopped.
PANIC_RE="Kernel panic - not syncing"
PANIC_GRACE=${REFDEV_PANIC_GRACE:-60}

# A guest still running at the timeout is sent an NMI through QEMU's
# monitor (on the FIFOs DIR/monitor.in and .out) and given NMI_GRACE more
# seconds: unknown_nmi_panic turns it into a panic that prints the stack
# the CPU was interrupted in, every task's stack and held locks, where the
# timeout alone left nothing to read. Every vCPU's registers, local APIC
# (its timer: a TCG vCPU whose timer stopped firing leaves its sleepers
# asleep for good) and top of stack go into DIR/registers.txt first.
NMI_GRACE=${REFDEV_NMI_GRACE:-60}

# Under TCG on a loaded host the kernel sometimes stops for good in early
# boot ("tsc: Unable to calibrate against PIT", then nothing; seen on the
# source-built 7.3, where no lockup detector runs that early). The slowest
# boot, the source-built kernel's, reaches /init at ~47 s at a load of 10,
# so a guest without /init after BOOT_GRACE seconds is stopped and booted
# again instead of holding a slot for the whole timeout.
INIT_RE="\[init\] booted "
BOOT_GRACE=${REFDEV_BOOT_GRACE:-300}

# send_nmi: the state of every vCPU into $out/registers.txt, then the NMI.
# The FIFO is opened read-write: QEMU holds it too, so neither open blocks,
# even if QEMU has just ended.
send_nmi() {
	local i
	{
		for ((i = 0; i < VCPUS; i++)); do
			# shellcheck disable=SC2016 # $rsp is the monitor's, not ours
			printf 'cpu %d\ninfo registers\ninfo lapic\nx/48gx $sp\n' "$i"
		done
		sleep 2
		echo nmi
	} 1<>"$out/monitor.in"
	timeout 3 cat "$out/monitor.out" >"$out/registers.txt" 2>/dev/null || true
}

# symbolize: the kernel-text addresses of $out/registers.txt (each vCPU's
# RIP and the words on top of its stack), in their order under "cpu N",
# each as the symbol of $vmlinux it falls in (nm -n; its 16-digit hex sorts
# as the numbers do), moved back by the KASLR offset the panic printed.
# Nothing when that offset is unknown (no panic line) or there is no nm.
symbolize() {
	local clean off a
	off=$(sed -n 's/.*Kernel Offset: \(0x[0-9a-f]*\|disabled\).*/\1/p' "$out/console.log" 2>/dev/null | head -n 1)
	[ "$off" != disabled ] || off=0
	{ [ -n "$off" ] && [ -f "$vmlinux" ] && command -v nm >/dev/null; } || return 0
	clean=$(sed 's/\x1b\[[0-9;]*[A-Za-z]//g; s/\r//g; s/^(qemu) .*\(cpu [0-9]*\)$/\1/' "$out/registers.txt")
	{
		nm -n "$vmlinux" 2>/dev/null | awk '$2 ~ /^[tTwW]$/ { print $1, $3 }'
		grep -Eo 'ffffffff[0-9a-f]{8}' <<<"$clean" | sort -u | while read -r a; do
			printf '%016x ~ %s\n' "$((0x$a - off))" "$a"
		done
	} | LC_ALL=C sort | awk '
	function num(h,   i, n) {
		n = 0
		for (i = 1; i <= length(h); i++)
			n = n * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
		return n
	}
	$2 == "~" {
		d = num(substr($1, 9)) - num(substr(at, 9))
		if (sym != "" && d >= 0 && d < 65536)
			printf "%s %s+0x%x\n", $3, sym, d
		next
	}
	{ at = $1; sym = $2 }' | awk 'NR == FNR { map[$1] = $2; next }
	/^cpu [0-9]+$/ { print; next }
	{
		s = $0
		while (match(s, /ffffffff[0-9a-f]+/)) {
			a = substr(s, RSTART, RLENGTH)
			if (a in map)
				print "  " map[a]
			s = substr(s, RSTART + RLENGTH)
		}
	}' - <(printf '%s\n' "$clean")
}

# lost_eoi: each vCPU of $out/registers.txt that idles (HLT=1, IF set in
# RFL) while its local APIC still has a vector in service (ISR): the guest
# returned from that interrupt, so the EOI it wrote never reached the
# APIC, which from then on holds back every interrupt of that priority
# class and below, the vCPU's own timer included (its sleepers sleep for
# good; idle, it trips no lockup detector): src/token's freeze on QEMU 7.2
# without hw-model/qemu/patches/7.2/0001, whose stale TLB section numbers
# sent MMIO stores, the EOI's too, to another MemoryRegion.
lost_eoi() {
	sed 's/\x1b\[[0-9;]*[A-Za-z]//g; s/\r//g' "$out/registers.txt" 2>/dev/null | awk '
	/^RIP=.* HLT=1/ && match($0, /RFL=[0-9a-f]+/) {
		rfl = substr($0, RSTART + 4, RLENGTH - 4)
		idle = index("2367abef", substr(rfl, length(rfl) - 2, 1)) > 0
		next
	}
	/^RIP=/ { idle = 0; next }
	/^dumping local APIC state for CPU/ { cpu = $NF; isr = ""; irr = ""; next }
	/^ISR/ && $2 != "(none)" { isr = $0; sub(/^ISR[ \t]+/, "", isr); sub(/ +$/, "", isr); next }
	/^IRR/ && $2 != "(none)" { irr = $0; sub(/^IRR[ \t]+/, "", irr); sub(/ +$/, "", irr); next }
	/^APR .* PPR / {
		if (idle && isr != "")
			printf "vCPU %s idles with interrupts enabled and vector %s in service (pending: %s; PPR %s): its EOI never reached the local APIC\n", cpu, isr, irr == "" ? "none" : irr, $NF
		idle = 0; isr = ""
	}'
}

# watch_timer PID: wait for PID; stop it early when the console shows a
# broken guest timer (sets timer_broken), a panic that does not end
# (sets panic_stuck) or no /init within BOOT_GRACE s (sets boot_stuck); at
# the timeout, NMI it (sets nmi_sent) unless it panicked already.
watch_timer() {
	local pid=$1 panic_at="" t0=$SECONDS init_seen=""
	timer_broken="" panic_stuck="" boot_stuck="" nmi_sent=""
	while kill -0 "$pid" 2>/dev/null; do
		if [ -z "$nmi_sent$panic_at" ] && [ $((SECONDS - t0)) -ge "$timeout_s" ]; then
			nmi_sent=1
			send_nmi
		fi
		if [ -z "$init_seen" ] && grep -q "$INIT_RE" "$out/console.log" 2>/dev/null; then
			init_seen=1
		fi
		if [ -z "$init_seen" ] && [ $((SECONDS - t0)) -ge "$BOOT_GRACE" ]; then
			boot_stuck=1
			kill "$pid" 2>/dev/null || true
			return
		fi
		if grep -q "$TIMER_BROKEN_RE" "$out/console.log" 2>/dev/null; then
			timer_broken=1
			kill "$pid" 2>/dev/null || true # timeout(1) passes it on to QEMU
			return
		fi
		if [ -z "$panic_at" ] && grep -q "$PANIC_RE" "$out/console.log" 2>/dev/null; then
			panic_at=$SECONDS
		fi
		if [ -n "$panic_at" ] && [ $((SECONDS - panic_at)) -ge "$PANIC_GRACE" ]; then
			panic_stuck=1
			kill "$pid" 2>/dev/null || true
			return
		fi
		sleep 2
	done
}

# classify_infra RC: sets infra to the kind of infrastructure failure of
# this boot ("" for none) and writes DIR/infra-failure.txt with the
# evidence: QEMU's own report or the guest's freeze report and stacks.
classify_infra() {
	local rc=$1 f=$out/infra-failure.txt
	infra=""
	rm -f "$f"
	# (a guest stopped in its panic dump was killed by us, not crashed)
	if grep -Eq "$QEMU_CRASH_RE" "$out/qemu.log" 2>/dev/null ||
		{ [ -z "$panic_stuck$boot_stuck" ] && [ "$rc" -gt 128 ] && [ "$rc" != 137 ]; }; then
		infra="QEMU crashed (exit $rc)"
		{
			echo "$infra"
			# one of the two: head's early exit fails grep (pipefail)
			if grep -Eq "$QEMU_CRASH_RE" "$out/qemu.log" 2>/dev/null; then
				grep -E -A 60 "$QEMU_CRASH_RE" "$out/qemu.log" | head -n 200 || true
			else
				tail -n 40 "$out/qemu.log"
			fi
		} >"$f"
	elif [ -n "$timer_broken" ]; then
		infra="guest timer broken (TCG)"
		echo "$infra" >"$f"
	elif [ -n "$boot_stuck" ]; then
		infra="guest froze in boot: no /init within ${BOOT_GRACE}s"
		{
			echo "$infra"
			tail -n 60 "$out/console.log"
		} >"$f"
	elif grep -Eq "$FREEZE_RE" "$out/console.log" 2>/dev/null; then
		local what culprit
		what=$(grep -Eo "$FREEZE_RE" "$out/console.log" | head -n 1)
		culprit=$(freeze_in_dut "$out/console.log" || true)
		{
			echo "guest froze: $what${culprit:+ in $culprit}"
			grep -E -B 5 -A 400 "$FREEZE_RE" "$out/console.log" | head -n 2000
		} >"$out/freeze.txt"
		if [ -n "$culprit" ]; then
			# the code under test hung: the product's bug, a FAIL
			status="guest froze in the code under test: $what in $culprit (backtrace: freeze.txt)"
		else
			infra="guest froze: $what"
			cp "$out/freeze.txt" "$f"
		fi
	elif [ -n "$nmi_sent" ]; then
		infra="guest froze: no end within ${timeout_s}s and no lockup report (NMI sent)"
		{
			echo "$infra"
			grep -E '^(dumping local APIC|LVTT|Timer|ISR|IRR|APR|RIP=)' "$out/registers.txt" 2>/dev/null || true
			lost_eoi
			echo "kernel addresses in each vCPU's registers, then on top of its stack (QEMU's monitor, nm of vmlinux):"
			symbolize
			if grep -q "$PANIC_RE" "$out/console.log" 2>/dev/null; then
				grep -E -B 5 -A 2000 "NMI received|$PANIC_RE" "$out/console.log" | head -n 3000
			else
				tail -n 60 "$out/console.log"
			fi
		} >"$out/freeze.txt"
		cp "$out/freeze.txt" "$f"
	elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		infra="guest froze: no end within ${timeout_s}s and no lockup report"
		{
			echo "$infra"
			tail -n 60 "$out/console.log"
		} >"$f"
	fi
	[ -z "$infra" ] || status="infrastructure failure: $infra"
}

# boot_once: one QEMU run and its verdict; sets status, took, bad, boot,
# timer_broken.
boot_once() {
	local accel=$1 rc=0
	status=ok
	rm -f "$out"/*.log "$out"/*.txt "$out"/*.xml "$out"/*.json "$out"/*.b64 "$out"/*.base64 "$out"/monitor.*
	mkfifo "$out/monitor.in" "$out/monitor.out"
	mapfile -t args < <(qemu_args "$accel")
	local t0=$SECONDS
	timeout --kill-after=10 "$((timeout_s + NMI_GRACE))" "$qemu" "${args[@]}" >"$out/qemu.log" 2>&1 &
	local pid=$!
	watch_timer "$pid"
	wait "$pid" || rc=$?
	# no FIFO left behind: a reader of the run's files would wait on it
	rm -f "$out/monitor.in" "$out/monitor.out"
	took=$((SECONDS - t0))
	# a timer that broke as the guest ended (its RCU report may panic it
	# before watch_timer looks)
	if [ -z "$timer_broken" ] && grep -q "$TIMER_BROKEN_RE" "$out/console.log" 2>/dev/null; then
		timer_broken=1
	fi
	split_files
	if [ -f "$out/gcov.tar.gz.b64" ]; then
		rm -rf "$out/gcov"
		mkdir -p "$out/gcov"
		base64 -d "$out/gcov.tar.gz.b64" | tar -xz -C "$out/gcov" 2>/dev/null ||
			log vm "$series/$scenario: could not unpack the guest's gcov data"
	fi
	if [ -n "$timer_broken" ]; then
		status="guest timer broken at boot (TCG, not the code under test): stopped after ${took}s"
	elif [ -n "$boot_stuck" ]; then
		status="guest did not reach /init within ${BOOT_GRACE}s: stopped"
	elif [ -n "$panic_stuck" ]; then
		status="guest kernel panicked and its panic dump did not end within ${PANIC_GRACE}s: stopped after ${took}s"
	elif [ -n "$nmi_sent" ] || [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		status="timeout after ${timeout_s}s"
	elif [ "$rc" != 0 ]; then
		status="qemu exited $rc: $(tail -n 3 "$out/qemu.log" | tr '\n' ' ')"
	fi
	bad=""
	[ -n "$timer_broken" ] ||
		bad=$(cat "$out/console.log" "$out/dmesg.txt" "$out/kmemleak.txt" 2>/dev/null | grep -E "$BAD_KERNEL_RE" | sort -u | head -n 5 || true)
	if [ -n "$bad" ] && [ "$status" = ok ]; then
		status="guest kernel reported a problem"
	fi
	classify_infra "$rc"
	boot=$(sed -n 's/.*\[init\] booted .* at \([0-9.]*\) s.*/\1/p' "$out/console.log" | head -n 1)
}

main() {
	append="$append $(scenario_append)"
	rm -rf "$out"
	mkdir -p "$out"
	local accel status took bad boot timer_broken panic_stuck boot_stuck infra try=1
	accel=$(select_accel)
	log vm "$series/$scenario: booting ($accel, timeout ${timeout_s}s, logs in $out)"
	boot_once "$accel"
	# A guest that failed before reaching /init (e.g. a TCG flake while the
	# kernel patches itself at boot) or whose timer is broken is booted
	# again, up to three boots in all; a failure caused by the device or
	# drivers under test repeats and is still reported.
	while [ "$status" != ok ] && { [ -z "$boot" ] || [ -n "$timer_broken" ]; } && [ "$try" -lt 3 ]; do
		log vm "$series/$scenario: boot $try failed (${boot:+after /init: }$status); booting again"
		mkdir -p "$out/attempt-$try"
		cp "$out"/console.log "$out"/qemu.log "$out/attempt-$try/" 2>/dev/null || true
		try=$((try + 1))
		boot_once "$accel"
	done
	if [ -n "$bad" ]; then
		# the whole report (lockdep, KASAN, WARN traces span many lines)
		for f in console.log dmesg.txt kmemleak.txt; do
			[ -f "$out/$f" ] || continue
			grep -E -A 40 "$BAD_KERNEL_RE" "$out/$f" | sed "s|^|$f: |" || true
		done | head -n 600 >"$out/kernel-problems.txt" || true
	fi
	echo "$status" >"$out/status"
	log vm "$series/$scenario: ${status} in ${took}s (accel $accel, /init at ${boot:-?} s guest time)"
	if [ -n "$bad" ]; then
		printf '    %s\n' "$bad" >&2
	fi
	[ "$status" = ok ]
}

main
