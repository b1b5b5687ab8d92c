#!/usr/bin/env bash
# Compare the kernel's VFIO selftests with vfio-conform on one kernel: for
# each behaviour both check (kselftests/crosscheck.tsv), their verdicts must
# agree. Writes a run folder the TAP harness judges like a guest's:
#
#   ci/kselftest-crosscheck.sh OUT_DIR KERNEL
#
# reads OUT_DIR/KERNEL-kselftests/tap.log and OUT_DIR/KERNEL-<scenario>/tap.log
# (the table's scenarios), writes OUT_DIR/KERNEL-crosscheck/ (tap.log, status,
# label; modes.txt: the selftests' totals per IOMMU mode). One TAP line per
# table row: ok when both sides pass or both fail, not ok when one passes and
# the other fails, SKIP (with the reason) when a side did not run or skipped;
# not ok too when the suite ran but reported no test of that name (a rename
# would otherwise turn the row into a SKIP for ever).
# Does nothing when KERNEL has no kselftests run.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

TABLE=$REPO_ROOT/kselftests/crosscheck.tsv

[ $# = 2 ] || die "usage: $0 OUT_DIR KERNEL"
out=$1 k=$2
ks_tap=$out/$k-kselftests/tap.log
[ -f "$ks_tap" ] || exit 0
dir=$out/$k-crosscheck
rm -rf "$dir"
mkdir -p "$dir"

# verdicts FILE: "name<TAB>pass|fail|skip" for each TAP result line
verdicts() {
	awk '{ sub(/\r$/, "") }
	/^(not )?ok [0-9]+ / {
		v = ($1 == "not") ? "fail" : "pass"
		line = $0
		sub(/^(not )?ok [0-9]+ -? ?/, "", line)
		if (match(line, / # [Ss][Kk][Ii][Pp]/)) { line = substr(line, 1, RSTART - 1); if (v == "pass") v = "skip" }
		print line "\t" v
	}' "$1"
}

# combine: one verdict from several (fail > pass > skip; "" if none)
combine() {
	awk -F'\t' '{ s[$2] = 1 } END { if (s["fail"]) print "fail"; else if (s["pass"]) print "pass"; else if (s["skip"]) print "skip" }'
}

verdicts "$ks_tap" | sed 's|^kselftest/||' >"$dir/kselftests.txt"
# the selftests' totals per IOMMU mode (program-level SKIPs count once)
awk -F'\t' '{ split($1, p, "/"); m = p[1]; seen[m] = 1; c[m, $2]++ }
	END { for (m in seen) printf "%s: %d passed, %d failed, %d skipped\n", m, c[m, "pass"], c[m, "fail"], c[m, "skip"] }' \
	"$dir/kselftests.txt" | sort >"$dir/modes.txt"
n=0 bad=0
{
	echo "TAP version 13"
	sed 's/^/# kselftest totals, /' "$dir/modes.txt"
	while IFS=$'\t' read -r pattern conform scenarios behaviour; do
		case "$pattern" in '#'* | '') continue ;; esac
		n=$((n + 1))
		ks=$(while IFS=$'\t' read -r name v; do
			# shellcheck disable=SC2254 # the table's column is a pattern
			case "$name" in $pattern) printf '%s\t%s\n' "$name" "$v" ;; esac
		done <"$dir/kselftests.txt" | combine)
		runs=0
		for s in ${scenarios//,/ }; do
			[ -f "$out/$k-$s/tap.log" ] && runs=$((runs + 1))
		done
		cf=$(for s in ${scenarios//,/ }; do
			if [ -f "$out/$k-$s/tap.log" ]; then verdicts "$out/$k-$s/tap.log"; fi
		done | awk -F'\t' -v t="$conform" '$1 == t' | combine)
		echo "# $behaviour"
		echo "# kselftest $pattern: ${ks:-not run}; vfio-conform $conform ($scenarios): ${cf:-not run}"
		name="crosscheck/$conform"
		if [ -z "$cf" ] && [ "$runs" -gt 0 ]; then
			# the suite reports every test it has (SKIPs included)
			echo "# the suite's runs ($scenarios) have no test $conform: renamed? fix kselftests/crosscheck.tsv"
			echo "not ok $n $name"
			bad=$((bad + 1))
		elif [ -z "$ks" ] || [ "$ks" = skip ] || [ -z "$cf" ] || [ "$cf" = skip ]; then
			echo "ok $n $name # SKIP not compared: kselftest ${ks:-not run}, vfio-conform ${cf:-not run}"
		elif [ "$ks" = "$cf" ]; then
			echo "ok $n $name"
		else
			echo "# DISAGREE: kselftest $ks, vfio-conform $cf"
			echo "not ok $n $name"
			bad=$((bad + 1))
		fi
	done <"$TABLE"
	echo "1..$n"
} >"$dir/tap.log"
echo ok >"$dir/status"
echo "$k/crosscheck" >"$dir/label"
log crosscheck "$k: $n behaviours, $bad disagreements ($dir/tap.log)"
