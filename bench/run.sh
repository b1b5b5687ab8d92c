#!/usr/bin/env bash
# make bench: ratios measured side by side in one run, never a pass/fail on
# an absolute time (TCG on a shared machine: only ratios mean something).
#   bench/run.sh OUT_DIR [KERNEL]      (default kernel 6.12; images must exist)
# Rows:
#   time-to-verdict  the certify guest vs a bare boot-and-poweroff (`boot`
#                    scenario) of the same image, host wall time per guest;
#   admin-rtt        an admin NOP (ADM-016) through refdev_core's queue vs a
#                    readl() of the PF's ID register, both timed in the kernel
#                    (debugfs aq_bench); also from user space: a debugfs write
#                    vs a read of the mapped BAR (`bench` scenario,
#                    bench/guest/refdev-bench.c);
#   stopcopy         STOP_COPY read of a VF's whole state through the data fd
#                    vs memcpy of as many bytes, one `migbench` guest per state
#                    size (vf-mem-size 0 = the 4 KiB state, 1M, 64M, 256M);
#   precopy          PRE_COPY rounds and bytes until the remainder is under
#                    64 KiB, the DMA engine dirtying 1/4 of each round (1M);
#   blackout         VF1 -> VF2 with DMA running, 1 MiB of device memory,
#                    vs the STOP_COPY read alone (bench/guest/refdev-migbench.c);
#   report           DMA logging REPORT over 4 GiB at 4 KiB pages vs a copy of
#                    its 128 KiB bitmap, on REPORT_KERNEL (default 6.1, where
#                    REPORT reaches the driver; its image must exist).
# BENCH_ROWS=migration runs only the migration guests.
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

# field KEY FILE: the first number after "KEY": in a migbench JSON file
field() {
	sed -n "s/.*\"$1\": \([0-9.]*\).*/\1/p" "$2" | head -1
}

# One migbench guest per state size; prints the rows, writes $out/migration.json.
MIG_SIZES="0 1M 64M 256M"
migration_rows() {
	local m bytes j state rd mc kc first=1 rc=0 pre fin rounds bo bor pend
	{
		printf '  "stopcopy": ['
		for m in $MIG_SIZES; do
			bytes=$(numfmt --from=iec "$m")
			guest "migbench-$m" --scenario migbench --endpoint "refdev,vf-mem-size=$m" \
				--append "refdev.mem=$bytes$([ "$m" = 1M ] && echo ' refdev.migbench=all')" \
				>/dev/null || { rc=1; continue; }
			j=$out/migbench-$m/migbench.json
			state=$(field state_bytes "$j")
			rd=$(sed -n 's/.*"stopcopy": {"read_ns": \([0-9]*\), "memcpy_ns": \([0-9]*\).*/\1/p' "$j")
			mc=$(sed -n 's/.*"stopcopy": {"read_ns": \([0-9]*\), "memcpy_ns": \([0-9]*\).*/\2/p' "$j")
			kc=$(field kcopy_ns "$j")
			[ -n "$rd" ] || { rc=1; continue; }
			printf '%s{"vf_mem_size": "%s", "state_bytes": %s, "read_ns": %s, "memcpy_ns": %s, "kcopy_ns": %s, "ratio": %s, "kcopy_ratio": %s}' \
				"$([ $first = 1 ] || echo ', ')" "$m" "$state" "$rd" "$mc" "$kc" \
				"$(ratio "$mc" "$rd")" "$(ratio "$mc" "$kc")"
			first=0
			printf 'bench: stopcopy %-5s  %s bytes: read %s MB/s / memcpy %s MB/s = %sx (target >= 0.5x at 64M); read(2) of a RAM file %s MB/s = %sx memcpy\n' \
				"$m" "$state" "$(ratio "$state" "$(ratio "$rd" 1000)")" \
				"$(ratio "$state" "$(ratio "$mc" 1000)")" "$(ratio "$mc" "$rd")" \
				"$(ratio "$state" "$(ratio "$kc" 1000)")" "$(ratio "$mc" "$kc")" >&2
		done
		printf '],\n'
		j=$out/migbench-1M/migbench.json
		rounds=$(field rounds "$j")
		pre=$(field bytes_precopy "$j")
		fin=$(field bytes_final "$j")
		state=$(field state_bytes "$j")
		bo=$(field blackout_ns "$j")
		bor=$(sed -n 's/.*"blackout": {[^}]*"read_ns": \([0-9]*\).*/\1/p' "$j")
		pend=$(field pending_at_stop "$j")
		if [ -n "$rounds" ] && [ -n "$bo" ] && [ -n "$bor" ]; then
			printf '  "precopy": {"state_bytes": %s, "dirty_fraction": 0.25, "threshold": 65536, "rounds": %s, "bytes_precopy": %s, "bytes_final": %s, "bytes_ratio": %s},\n' \
				"$state" "$rounds" "$pre" "$fin" "$(ratio "$((pre + fin))" "$state")"
			printf '  "blackout": {"state_bytes": %s, "blackout_ns": %s, "stopcopy_read_ns": %s, "pending_descriptors": %s, "ratio": %s},\n' \
				"$state" "$bo" "$bor" "$pend" "$(ratio "$bo" "$bor")"
			printf 'bench: precopy  1M  %s rounds, %s + %s bytes sent = %sx the %s-byte state (1/4 dirtied per round, until < 64 KiB left)\n' \
				"$rounds" "$pre" "$fin" "$(ratio "$((pre + fin))" "$state")" "$state" >&2
			printf 'bench: blackout 1M  %s ns / STOP_COPY read %s ns = %sx (%s descriptors pending at STOP)\n' \
				"$bo" "$bor" "$(ratio "$bo" "$bor")" "$pend" >&2
		else
			rc=1
		fi
	} >"$out/migration.json.part"
	report_row >>"$out/migration.json.part" || rc=1
	return $rc
}

report_row() {
	local rk=${REPORT_KERNEL:-6.1} rimg j rn cn
	rimg=$BUILD_DIR/guest/initramfs-$rk.cpio.gz
	# not a failed guest: the row is left out (make bench builds one image)
	[ -f "$rimg" ] || { log bench "report row skipped: no $rk image (make images KERNELS=$rk)"; return 0; }
	bash "$REPO_ROOT/ci/run-vm.sh" --kernel "$rk" --initramfs "$rimg" --scenario migbench \
		--append "refdev.mem=0 refdev.migbench=report" --out "$out/report-$rk" \
		--timeout "${VM_TIMEOUT:-900}" >"$out/report-$rk.log" 2>&1 || return 1
	j=$out/report-$rk/migbench.json
	rn=$(field report_ns "$j")
	cn=$(field copy_ns "$j")
	[ -n "$rn" ] && [ -n "$cn" ] || return 1
	printf '  "report": {"kernel": "%s", "span": 4294967296, "page_size": 4096, "bitmap_bytes": 131072, "report_ns": %s, "bitmap_copy_ns": %s, "ratio": %s},\n' \
		"$rk" "$rn" "$cn" "$(ratio "$rn" "$cn")"
	printf 'bench: report 4 GiB at 4 KiB (%s)  REPORT %s ns / bitmap copy %s ns = %sx (target <= 4x)\n' \
		"$rk" "$rn" "$cn" "$(ratio "$rn" "$cn")" >&2
}

# verdict_row LOAD0: only the time-to-verdict row (BENCH_ROWS=verdict): the
# boot and certify guests, one after the other, and their bench.json.
verdict_row() {
	local boot certify suite per_test
	log bench "kernel $k, load average $1; time-to-verdict only (boot, certify)"
	boot=$(guest boot) && certify=$(guest certify) || return 1
	suite=$(sed -n 's/.*<testsuites [^>]*time="\([0-9.]*\)".*/\1/p' "$out/certify/certify.junit.xml")
	per_test=$(bash "$REPO_ROOT/bench/junit-times.sh" "$out/certify/certify.junit.xml" |
		sed -n 's/.* median \([0-9.]*\) .*/\1/p')
	printf 'bench: time-to-verdict  certify guest %ss / bare boot %ss = %sx (issue 12 target <= 2x); suite %ss, %ss per test (median)\n' \
		"$certify" "$boot" "$(ratio "$certify" "$boot")" "${suite:-?}" "${per_test:-?}"
	cat >"$out/bench.json" <<-EOF
	{
	  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "kernel": "$k",
	  "commit": "$(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null)",
	  "loadavg_start": "$1", "loadavg_end": "$(cut -d' ' -f1-3 /proc/loadavg)",
	  "time_to_verdict": {"certify_s": $certify, "boot_s": $boot, "ratio": $(ratio "$certify" "$boot"), "suite_s": ${suite:-null}, "per_test_median_s": ${per_test:-null}}
	}
	EOF
	log bench "results in $out/bench.json"
}

main() {
	local load0 boot certify suite per_test aq mmio sys admin kmmio knop rc=0
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	if [ "${BENCH_ROWS:-all}" = migration ]; then
		log bench "kernel $k, load average $load0; migration guests only"
		migration_rows || rc=1
		{ echo "{"; echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\", \"kernel\": \"$k\", \"loadavg_start\": \"$load0\","
		  sed '$ s/,$//' "$out/migration.json.part"; echo "}"; } >"$out/bench.json"
		log bench "results in $out/bench.json"
		return $rc
	fi
	if [ "${BENCH_ROWS:-all}" = verdict ]; then
		verdict_row "$load0"
		return
	fi
	log bench "kernel $k, load average $load0; 7 guests one after another"
	boot=$(guest boot) || rc=1
	certify=$(guest certify) || rc=1
	# iomem=relaxed: refdev_core owns BAR0, and a strict kernel (Debian's)
	# refuses user mappings of a driver's region; the MMIO row needs one.
	guest bench --append iomem=relaxed >/dev/null || rc=1
	migration_rows || rc=1
	suite=$(sed -n 's/.*<testsuites [^>]*time="\([0-9.]*\)".*/\1/p' "$out/certify/certify.junit.xml" 2>/dev/null)
	per_test=$(bash "$REPO_ROOT/bench/junit-times.sh" "$out/certify/certify.junit.xml" 2>/dev/null |
		sed -n 's/.* median \([0-9.]*\) .*/\1/p')
	aq=$out/bench/bench-aq.json
	mmio=$(median_ns mmio_read "$aq" 2>/dev/null)
	sys=$(median_ns syscall "$aq" 2>/dev/null)
	admin=$(median_ns admin_cmd "$aq" 2>/dev/null)
	kmmio=$(median_ns kernel_mmio_read "$aq" 2>/dev/null)
	knop=$(median_ns kernel_admin_nop "$aq" 2>/dev/null)
	if [ "$rc" != 0 ] || [ -z "$mmio" ] || [ -z "$admin" ] || [ -z "$kmmio" ] || [ -z "$knop" ]; then
		log bench "incomplete run (see $out/*.log)"
		return 1
	fi
	printf 'bench: time-to-verdict  certify guest %ss / bare boot %ss = %sx (issue 12 target <= 2x); suite %ss, %ss per test (median)\n' \
		"$certify" "$boot" "$(ratio "$certify" "$boot")" "${suite:-?}" "${per_test:-?}"
	printf 'bench: admin-rtt        admin NOP %s ns / MMIO read %s ns = %sx in the kernel (target <= 3x)\n' \
		"$knop" "$kmmio" "$(ratio "$knop" "$kmmio")"
	printf 'bench: admin-rtt (user) debugfs admin command %s ns / mapped MMIO read %s ns = %sx; write(2) floor %s ns\n' \
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
	  "admin_rtt": {"admin_nop_ns": $knop, "mmio_read_ns": $kmmio, "ratio": $(ratio "$knop" "$kmmio"),
	                "user": {"admin_ns": $admin, "mmio_read_ns": $mmio, "syscall_ns": ${sys:-0}, "ratio": $(ratio "$admin" "$mmio")}},
	$(sed '$ s/,$//' "$out/migration.json.part")
	}
	EOF
	log bench "results in $out/bench.json"
}

main
