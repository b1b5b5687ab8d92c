#!/usr/bin/env bash
# Print the certification verdict table of one run directory (per area:
# passed / failed / skipped), list failures and where the outputs are.
#   ci/verdict-table.sh RUN_DIR
set -uo pipefail
dir=$1
tap=$dir/tap.log
if [ ! -s "$tap" ]; then
	echo "certify: no TAP output (run status: $(cat "$dir/status" 2>/dev/null || echo unknown)); see $dir/console.log"
	exit 0
fi
# Keep the names the suite gave; a copy of the TAP under a stable name.
cp "$tap" "$dir/results.tap"
[ -f "$dir/certify.junit.xml" ] && mv "$dir/certify.junit.xml" "$dir/junit.xml"
[ -f "$dir/certify.cert.json" ] && mv "$dir/certify.cert.json" "$dir/certificate.json"
awk '
{ sub(/\r$/, "") }
/^(not )?ok [0-9]+ / {
	line = $0; notok = (line ~ /^not ok/)
	sub(/^(not )?ok [0-9]+ /, "", line)
	skip = (line ~ / # SKIP/)
	name = line; sub(/ # .*/, "", name)
	area = name; sub(/\/.*/, "", area)
	if (!(area in seen)) { seen[area] = 1; order[++n] = area }
	if (notok) { f[area]++; failed = failed "  " name "\n" }
	else if (skip) s[area]++
	else p[area]++
}
END {
	printf "%-16s %7s %7s %7s\n", "area", "passed", "failed", "skipped"
	for (i = 1; i <= n; i++) {
		a = order[i]
		printf "%-16s %7d %7d %7d\n", a, p[a], f[a], s[a]
		tp += p[a]; tf += f[a]; ts += s[a]
	}
	printf "%-16s %7d %7d %7d\n", "total", tp, tf, ts
	if (failed != "") printf "failed:\n%s", failed
	printf "verdict: %s\n", (tf == 0 && tp > 0) ? "CONFORMANT" : "NOT CONFORMANT"
}' "$tap"
echo "outputs: $dir/{results.tap,junit.xml,certificate.json,console.log}"
