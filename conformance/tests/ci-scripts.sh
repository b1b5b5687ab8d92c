#!/usr/bin/env bash
# The CI side of the verdict model, on canned run directories: the TAP
# harness reads "Bail out!" as the end of a stream (not-run, no cascade, one
# failure for a bail-out without a culprit), the verdict table shows each
# failure's level, and the certificate validator rejects what the schema
# forbids (issue 9).
#   tests/ci-scripts.sh REPO_ROOT
set -uo pipefail
root=$1
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {	# check NAME FILE PATTERN: FILE has a line matching PATTERN
	if grep -qE -- "$3" "$2"; then
		echo "ok: $1"
	else
		echo "FAIL: $1: no /$3/ in:"
		sed 's/^/    /' "$2"
		fails=$((fails + 1))
	fi
}

# a wedged run: one FAIL (the culprit), two tests not run, Bail out!
mkdir -p "$tmp/w"
printf '%s\n' 'TAP version 13' '1..4' '# vfio-conform 0.3.0 (test), kernel 6.12' '# REQ-A-001 (MUST)' 'ok 1 a/x' \
	'# timed out after 60 s' 'not ok 2 a/y' \
	'# 2 tests not run: device wedged by a/y: gone' \
	'Bail out! device wedged by a/y: gone' \
	'# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:0 error:0' > "$tmp/w/tap.log"
echo ok > "$tmp/w/status"
# a run that could not open the device
mkdir -p "$tmp/b"
printf '%s\n' 'TAP version 13' '1..3' 'Bail out! cannot open the device through VFIO: x' \
	> "$tmp/b/tap.log"
echo ok > "$tmp/b/status"
bash "$root/ci/tap-harness.sh" "$tmp/w" > "$tmp/w.out" 2>&1
check "harness: the wedge's tests are not-run" "$tmp/w.out" '^not-run w 2 tests: device wedged by a/y: gone$'
check "harness: no cascade, the culprit is the one failure" "$tmp/w.out" '^1 passed, 1 failed, 0 skipped$'
bash "$root/ci/tap-harness.sh" "$tmp/b" > "$tmp/b.out" 2>&1
check "harness: a bail-out without a culprit fails once" "$tmp/b.out" '^0 passed, 1 failed, 0 skipped$'

# a guest that froze mid-stream (ci/run-vm.sh wrote infra-failure.txt):
# INFRA, not FAIL; the tests it never reached are not-run; exit 3
mkdir -p "$tmp/f"
printf '%s\n' 'TAP version 13' '1..3' 'ok 1 a/x' > "$tmp/f/tap.log"
echo "infrastructure failure: guest froze: soft lockup - CPU#" > "$tmp/f/status"
printf '%s\n' 'guest froze: soft lockup - CPU#' 'watchdog: BUG: soft lockup - CPU#1 stuck for 22s!' \
	'Call Trace:' > "$tmp/f/infra-failure.txt"
bash "$root/ci/tap-harness.sh" "$tmp/f" > "$tmp/f.out" 2>&1
echo "exit $?" >> "$tmp/f.out"
check "harness: a freeze is INFRA with its evidence" "$tmp/f.out" '^INFRA f run: guest froze: soft lockup - CPU# \(not a verdict'
check "harness: a freeze keeps its backtrace in the output" "$tmp/f.out" '^ +Call Trace:$'
check "harness: a freeze's missing results are not-run" "$tmp/f.out" '^not-run f rest of the stream: plan says 3 tests, 1 ran'
check "harness: a freeze is no test failure" "$tmp/f.out" '^1 passed, 0 failed, 0 skipped, 1 infrastructure failure$'
check "harness: infrastructure only exits 3" "$tmp/f.out" '^exit 3$'
bash "$root/ci/verdict-table.sh" "$tmp/f" > "$tmp/fv.out" 2>&1
check "verdict table: says the run is an infrastructure failure" "$tmp/fv.out" '^certify: INFRASTRUCTURE FAILURE \(guest froze'

# the verdict table: levels from the certificate
cert=$tmp/c/certify.cert.json
mkdir -p "$tmp/c"
cp "$tmp/w/tap.log" "$tmp/c/tap.log"
cat > "$cert" <<'JSON'
{"format_version": 2, "suite": "vfio-conform", "suite_version": "0.3.0",
 "source_revision": "test", "kernel": "6.12.0", "timestamp": "2026-01-01T00:00:00Z",
 "device": {"kind": "pci", "bdf": "0000:01:00.1", "vendor": "0x1b36", "device": "0x10f1",
  "subsystem_vendor": "0x1b36", "subsystem_device": "0x10f1", "physfn": null,
  "physfn_driver": null, "driver": "vfio-pci", "driver_version": null,
  "driver_srcversion": null, "iommu_group": 4, "is_vf": false},
 "run": {"selection": {"filters": [], "requirements": [], "complete": true},
  "topology": {"pf": null, "pf_driver": null, "peer": null},
  "timeouts": {"test_s": 60, "reap_grace_s": 5, "probe_s": 15}, "root": true,
  "ended_early": null},
 "results": [
  {"name": "a/x", "status": "pass", "level": "MUST", "reason": "", "requirements": ["REQ-A-001"],
   "timed_out": false, "wedged": false, "duration_ms": 1},
  {"name": "a/y", "status": "fail", "level": "SHOULD", "reason": "no", "requirements": ["REQ-B-001"],
   "timed_out": false, "wedged": false, "duration_ms": 1}],
 "requirements": {"REQ-A-001": {"level": "MUST", "verdict": "pass", "tests": 1},
  "REQ-B-001": {"level": "SHOULD", "verdict": "warn", "tests": 1}},
 "summary": {"passed": 1, "failed": 1, "skipped": 0, "not_run": 0, "requirement_warnings": 1},
 "incomplete_because": null, "verdict": "conformant-with-warnings"}
JSON
bash "$root/ci/verdict-table.sh" "$tmp/c" > "$tmp/c.out" 2>&1
check "verdict table: a failure shows its level" "$tmp/c.out" '^  warn +SHOULD +a/y \(SHOULD REQ-B-001\)$'
check "verdict table: the certificate's verdict" "$tmp/c.out" '^verdict: CONFORMANT WITH WARNINGS$'

# the validator: this one is valid; a MUST requirement that "warns" is not
if python3 -c 'import jsonschema' 2>/dev/null; then
	bash "$root/ci/validate-certificates.sh" "$tmp/c/certificate.json" > "$tmp/v.out" 2>&1
	check "schema: a valid certificate" "$tmp/v.out" '^certificates: 1 valid, 0 invalid$'
	sed 's/"REQ-B-001": {"level": "SHOULD"/"REQ-B-001": {"level": "MUST"/' \
		"$tmp/c/certificate.json" > "$tmp/bad.cert.json"
	bash "$root/ci/validate-certificates.sh" "$tmp/bad.cert.json" > "$tmp/v2.out" 2>&1
	check "schema: a MUST cannot warn" "$tmp/v2.out" '^certificates: 0 valid, 1 invalid$'
	# --baseline's block: regressed must agree with its list of regressions
	blk='"baseline": {"file": "old.json", "suite_version": "1.0.0", "source_revision": "x",'
	blk="$blk"' "kernel": "7.3", "verdict": "conformant", "regressed": true, "regressions":'
	blk="$blk"' [{"id": "REQ-B-001", "was": "pass", "now": "warn"}], "improvements": [],'
	blk="$blk"' "new": [{"id": "REQ-C-001", "was": null, "now": "pass"}], "changed": []},'
	sed "s/^ \"incomplete_because\"/ $blk &/" "$tmp/c/certificate.json" > "$tmp/bl.cert.json"
	bash "$root/ci/validate-certificates.sh" "$tmp/bl.cert.json" > "$tmp/v3.out" 2>&1
	check "schema: a baseline block" "$tmp/v3.out" '^certificates: 1 valid, 0 invalid$'
	sed 's/"regressed": true/"regressed": false/' "$tmp/bl.cert.json" > "$tmp/bl2.cert.json"
	bash "$root/ci/validate-certificates.sh" "$tmp/bl2.cert.json" > "$tmp/v4.out" 2>&1
	check "schema: a regression with regressed false" "$tmp/v4.out" \
		'^certificates: 0 valid, 1 invalid$'
else
	echo "skip: schema checks (python3-jsonschema missing: ci/install-deps.sh)"
fi
# JUnit against junit-10.xsd: the harness fails a run whose JUnit file the
# schema rejects (<properties> inside <testcase>, as before 0.3.0)
if command -v xmllint >/dev/null; then
	mkdir -p "$tmp/j"
	cp "$tmp/w/tap.log" "$tmp/w/status" "$tmp/j/"
	printf '%s\n' '<?xml version="1.0" encoding="UTF-8"?>' \
		'<testsuites name="s" tests="1"><testsuite name="s" tests="1" skipped="0">' \
		'<testcase classname="a" name="x"><system-out># REQ-A-001 (MUST)</system-out></testcase>' \
		'</testsuite></testsuites>' > "$tmp/j/j.junit.xml"
	bash "$root/ci/validate-junit.sh" "$tmp/j" > "$tmp/j1.out" 2>&1
	check "junit: a valid file" "$tmp/j1.out" '^junit: 1 valid, 0 invalid$'
	sed -i 's|<testcase classname="a" name="x">|&<properties><property name="level" value="MUST"/></properties>|' \
		"$tmp/j/j.junit.xml"
	bash "$root/ci/tap-harness.sh" "$tmp/j" > "$tmp/j2.out" 2>&1
	check "harness: a JUnit file the schema rejects fails the run" "$tmp/j2.out" \
		'^FAIL j JUnit does not validate'
else
	echo "skip: JUnit schema checks (xmllint missing: ci/install-deps.sh)"
fi
# the kselftest collection entry: no device is KSFT_SKIP (4) with a KTAP
# plan; otherwise KTAP v1 and vfio-conform's own exit status
mkdir -p "$tmp/k"
cp "$root/conformance/kselftest/vfio-conform.sh" "$tmp/k/"
printf '#!/bin/sh\nprintf "TAP version 13\\n1..1\\nnot ok 1 a/x\\n"\nexit 1\n' > "$tmp/k/vfio-conform"
chmod +x "$tmp/k/vfio-conform"
(cd "$tmp/k" && env -u VFIO_CONFORM_DEVICE ./vfio-conform.sh > "$tmp/k1.out"; echo "rc=$?" >> "$tmp/k1.out")
check "kselftest: no device is a SKIP" "$tmp/k1.out" '^1\.\.0 # SKIP VFIO_CONFORM_DEVICE is not set'
check "kselftest: no device exits 4" "$tmp/k1.out" '^rc=4$'
(cd "$tmp/k" && VFIO_CONFORM_DEVICE=x ./vfio-conform.sh > "$tmp/k2.out"; echo "rc=$?" >> "$tmp/k2.out")
check "kselftest: KTAP v1 header" "$tmp/k2.out" '^KTAP version 1$'
check "kselftest: the suite's exit status" "$tmp/k2.out" '^rc=1$'
# LAVA's rules on the wedged run above: 1 pass, 1 fail, as the TAP says
bash "$root/ci/check-kselftest.sh" "$tmp/w" > "$tmp/k3.out" 2>&1
check "kselftest: LAVA's parser agrees with the TAP" "$tmp/k3.out" 'pass/fail/skip 1 1 0\)$'

[ "$fails" = 0 ] && echo "ci-scripts: all passed" || echo "ci-scripts: $fails FAILED"
[ "$fails" = 0 ]
