#!/usr/bin/env bash
# Print the certification verdict table of one run directory (per area:
# passed / failed / skipped / not run), each failure with its level (MUST
# fails, SHOULD warns, INFO informs; SPEC.md 2.6), the certificate's verdict
# and where the outputs are.
#   ci/verdict-table.sh RUN_DIR
set -uo pipefail
dir=$1
tap=$dir/tap.log
# ci/run-vm.sh's infrastructure failures (a frozen guest, a crashed QEMU)
# are no verdict on the device: said first, evidence kept beside the run.
if [ -f "$dir/infra-failure.txt" ]; then
	echo "certify: INFRASTRUCTURE FAILURE ($(head -n 1 "$dir/infra-failure.txt")): not a verdict on the device or its driver; evidence in $dir/infra-failure.txt; run it again"
fi
if [ ! -s "$tap" ]; then
	echo "certify: no TAP output (run status: $(cat "$dir/status" 2>/dev/null || echo unknown)); see $dir/console.log"
	exit 0
fi
# Keep the names the suite gave; a copy of the TAP under a stable name.
cp "$tap" "$dir/results.tap"
[ -f "$dir/certify.junit.xml" ] && mv "$dir/certify.junit.xml" "$dir/junit.xml"
[ -f "$dir/certify.cert.json" ] && mv "$dir/certify.cert.json" "$dir/certificate.json"
cert=$dir/certificate.json
if [ -s "$cert" ] && command -v python3 >/dev/null; then
	python3 - "$cert" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
d = c.get("device", {})
if d.get("kind") == "pci":
    # names from pci.ids (libpci in the suite); null: not listed there
    print("device %s [%s:%s] %s %s, driver %s" % (
        d.get("bdf"), (d.get("vendor") or "")[2:], (d.get("device") or "")[2:],
        d.get("vendor_name") or "(vendor not in pci.ids)",
        d.get("device_name") or "(device not in pci.ids)", d.get("driver") or "none"))
areas, order = {}, []
for r in c["results"]:
    a = r["name"].split("/")[0]
    if a not in areas:
        areas[a] = {"pass": 0, "fail": 0, "skip": 0, "not-run": 0}
        order.append(a)
    areas[a][r["status"]] += 1
print("%-16s %7s %7s %7s %7s" % ("area", "passed", "failed", "skipped", "not-run"))
tot = {"pass": 0, "fail": 0, "skip": 0, "not-run": 0}
for a in order:
    n = areas[a]
    print("%-16s %7d %7d %7d %7d" % (a, n["pass"], n["fail"], n["skip"], n["not-run"]))
    for k in tot:
        tot[k] += n[k]
print("%-16s %7d %7d %7d %7d" % ("total", tot["pass"], tot["fail"], tot["skip"], tot["not-run"]))
word = {"MUST": "fail", "SHOULD": "warn", "INFO": "info"}
failed = [r for r in c["results"] if r["status"] == "fail"]
if failed:
    print("failed:")
    for r in failed:
        lv = [c["requirements"][q]["level"] + " " + q for q in r["requirements"]
              if q in c["requirements"]]
        print("  %-6s %-7s %s (%s)%s" % (word.get(r["level"], "fail"), r["level"], r["name"],
              ", ".join(lv) or "no requirement", " [wedged the device]" if r.get("wedged") else ""))
end = c.get("run", {}).get("ended_early")
if end:
    print("run ended early: %s" % end["reason"])
v = c["verdict"]
why = c.get("incomplete_because")
print("verdict: %s%s" % (v.upper().replace("-", " "), " (%s)" % why if v == "incomplete" and why else ""))
PY
else
	awk '
	{ sub(/\r$/, "") }
	/^Bail out!/ { bail = $0 }
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
		if (failed != "") printf "failed (levels: see the certificate):\n%s", failed
		if (bail != "") print bail
		printf "verdict: %s (no certificate: from the TAP alone)\n", \
			(tf == 0 && tp > 0 && bail == "") ? "CONFORMANT" : "NOT CONFORMANT"
	}' "$tap"
fi
echo "outputs: $dir/{results.tap,junit.xml,certificate.json,console.log}"
