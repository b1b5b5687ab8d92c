#!/usr/bin/env bash
# The made-up QEMU of ci/run-vm-selftest.sh: it creates its -serial files
# as QEMU does (console, TAP, framed files) and plays the guest FAKE names:
#   panic-after-init, panic-before-init: a panic (after the /init line or
#     before it) whose dump never ends;
#   crash: far more sanitizer report than a pipe holds (grep is still
#     writing when head ends), exit 134;
#   freeze: boots, then says nothing; answers the monitor (vCPU 1 idle with
#     a vector in service), panics at "nmi";
#   files: result files framed on ttyS2, one gzipped (send_file_gz), one
#     of those cut short;
#   hung-task: ran 2 of its 3 tests, then a hung task whose stack holds
#     $FAKE_STACK, then the panic, as hung_task_panic=1 and -no-reboot end
#     a real one ($FAKE_T2: test 2's TAP lines, default "ok 2 ").
ser=() monitor=""
while [ $# -gt 0 ]; do
	case "$1" in
	-serial)
		ser+=("${2#file:}")
		: >"${2#file:}"
		;;
	pipe,id=mon0,path=*) monitor=${1#*path=} ;;
	esac
	shift
done
console=${ser[0]}
case "$FAKE" in
freeze)
	lapics=0
	echo "[init] booted fake at 1.00 s" >>"$console"
	# monitor.out stays open from the first answer on, as QEMU keeps it:
	# reopened per answer, the reader could see EOF between two and leave
	# the next open blocked, the nmi never read (run-vm-selftest's freeze
	# case then took 64 s)
	reply() {
		[ -n "${out_open:-}" ] || { exec 3>"$monitor.out"; out_open=1; }
		# shellcheck disable=SC2059 # the format is ours
		printf "$@" >&3
	}
	while read -r cmd; do
		case "$cmd" in
		"info registers") reply 'RIP=ffffffff81000003 RFL=00000246 [---Z-P-] CPL=0 II=0 A20=1 SMM=0 HLT=1\n' ;;
		x/48gx*) reply 'ffff888000001000: 0xffffffff8100000b 0x0000000000000001\n' ;;
		"info lapic")
			# vCPU 1 idles with the timer's vector in service (a lost EOI)
			isr="(none)"
			[ "$((lapics++))" = 0 ] || isr=236
			reply 'dumping local APIC state for CPU %d\nTimer\t DCR=0x3 (divide by 16) initial_count = 100 current_count = 0\nISR\t %s \nIRR\t 236 \nAPR 0x00 TPR 0x00 DFR 0x0f LDR 0x00 PPR 0xe0\n' \
				"$((lapics - 1))" "$isr" ;;
		nmi)
			{
				echo "Uhhuh. NMI received for unknown reason 00 on CPU 0."
				echo "Kernel panic - not syncing: NMI: Not continuing"
				echo "Kernel Offset: disabled"
				echo " fake_stuck_function+0x10/0x20"
			} >>"$console"
			exit 0 ;;
		esac
	done <"$monitor.in"
	exit 1 ;;
crash)
	for i in $(seq 1 5000); do
		echo "runtime error: fake report line $i, padded to fill the pipe ........"
	done
	echo "the last line of the log"
	exit 134 ;;
files)
	# framed files as the guest's send_file and send_file_gz send them; the
	# last one cut short, as a guest that froze while sending would leave it
	echo "[init] booted fake at 1.00 s" >>"$console"
	{
		printf '=== BEGIN FILE plain.txt ===\nplain\n=== END FILE plain.txt ===\n'
		echo "=== BEGIN FILE packed.json.gz.base64 ==="
		printf '{"packed": true}\n' | gzip -c | base64
		echo "=== END FILE packed.json.gz.base64 ==="
		echo "=== BEGIN FILE cut.json.gz.base64 ==="
		printf '{"cut": true}\n' | gzip -c | base64 | head -c 12
		printf '\n=== END FILE cut.json.gz.base64 ===\n'
	} >"${ser[2]}"
	echo "[    2.00] reboot: Power down" >>"$console"
	exit 0 ;;
hung-task)
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
	} >>"$console"
	exit 0 ;;
esac
{
	[ "$FAKE" != panic-after-init ] || echo "[init] booted fake at 1.00 s"
	echo "Kernel panic - not syncing: fake"
	echo "panic_print: task dump follows"
} >>"$console"
exec sleep 600
