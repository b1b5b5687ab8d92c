#!/usr/bin/env bash
# make bench: ratios measured side by side in one run, never a pass/fail on
# an absolute time (TCG on a shared machine: only ratios mean something).
#   bench/run.sh OUT_DIR [KERNEL]      (default kernel 6.12; images must exist)
# Rows:
#   time-to-verdict  the certify guest vs a bare boot-and-poweroff (`boot`
#                    scenario) of the same image, host wall time per guest;
#   admin-rtt        an admin command through refdev_core vs a plain MMIO
#                    read of the PF (`bench` scenario, bench/guest/refdev-bench.c).
# Writes OUT_DIR/bench.json (one object per run, to compare runs) and prints
# one line per row. Exit 1 only when a guest did not run.
set -uo pipefail
. "$(dirname "$0")/../ci/lib.sh"

out=${1:?usage: bench/run.sh OUT_DIR [KERNEL]}
k=${2:-6.12}
img=$BUILD_DIR/guest/initramfs-$k.cpio.gz
rm -rf "$out"
mkdir -p "$out"

# guest SCENARIO [run-vm args]: run one guest; prints its host wall time (s)
guest() {
	local s=$1 t0
	shift
	t0=$EPOCHREALTIME
	bash "$REPO_ROOT/ci/run-vm.sh" --kernel "$k" --initramfs "$img" --scenario "$s" \
		--out "$out/$s" --timeout "${VM_TIMEOUT:-900}" "$@" >"$out/$s.log" 2>&1 || {
		log bench "$s guest failed: $(cat "$out/$s/status" 2>/dev/null) ($out/$s.log)"
		return 1
	}
	awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f\n", b - a }'
}

# median_ns ROW FILE: a row's median from refdev-bench's JSON
median_ns() {
	sed -n "s/.*\"$1\": {[^}]*\"median_ns\": \([0-9]*\).*/\1/p" "$2"
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f\n", (b > 0 ? a / b : 0) }'
}

main() {
	local load0 boot certify suite per_test aq mmio sys admin rc=0
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	log bench "kernel $k, load average $load0; 3 guests one after another"
	boot=$(guest boot) || rc=1
	certify=$(guest certify) || rc=1
	# iomem=relaxed: refdev_core owns BAR0, and a strict kernel (Debian's)
	# refuses user mappings of a driver's region; the MMIO row needs one.
	guest bench --append iomem=relaxed >/dev/null || rc=1
	suite=$(sed -n 's/.*<testsuites [^>]*time="\([0-9.]*\)".*/\1/p' "$out/certify/certify.junit.xml" 2>/dev/null)
	per_test=$(bash "$REPO_ROOT/bench/junit-times.sh" "$out/certify/certify.junit.xml" 2>/dev/null |
		sed -n 's/.* median \([0-9.]*\) .*/\1/p')
	aq=$out/bench/bench-aq.json
	mmio=$(median_ns mmio_read "$aq" 2>/dev/null)
	sys=$(median_ns syscall "$aq" 2>/dev/null)
	admin=$(median_ns admin_cmd "$aq" 2>/dev/null)
	if [ "$rc" != 0 ] || [ -z "$mmio" ] || [ -z "$admin" ]; then
		log bench "incomplete run (see $out/*.log)"
		return 1
	fi
	printf 'bench: time-to-verdict  certify guest %ss / bare boot %ss = %sx (issue 12 target <= 2x); suite %ss, %ss per test (median)\n' \
		"$certify" "$boot" "$(ratio "$certify" "$boot")" "${suite:-?}" "${per_test:-?}"
	printf 'bench: admin-rtt        admin command %s ns / MMIO read %s ns = %sx (target <= 3x); write(2) floor %s ns\n' \
		"$admin" "$mmio" "$(ratio "$admin" "$mmio")" "$sys"
	cat >"$out/bench.json" <<-EOF
	{
	  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
	  "kernel": "$k",
	  "commit": "$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null)",
	  "nproc": $(nproc),
	  "loadavg_start": "$load0",
	  "loadavg_end": "$(cut -d' ' -f1-3 /proc/loadavg)",
	  "time_to_verdict": {"certify_s": $certify, "boot_s": $boot, "ratio": $(ratio "$certify" "$boot"), "suite_s": ${suite:-null}, "per_test_median_s": ${per_test:-null}},
	  "admin_rtt": {"admin_ns": $admin, "mmio_read_ns": $mmio, "syscall_ns": ${sys:-0}, "ratio": $(ratio "$admin" "$mmio")}
	}
	EOF
	log bench "results in $out/bench.json"
}

main
