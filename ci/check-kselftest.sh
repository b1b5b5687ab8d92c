#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later OR MIT
#
# vfio-conform's output as KernelCI/LAVA see it (issue 14, item 3): each
# run's tap.log is replayed through the kselftest collection entry
# (conformance/kselftest/vfio-conform.sh, with a stand-in binary that
# prints that log), wrapped as tools/testing/selftests/kselftest/runner.sh
# wraps a test ("# selftests: vfio-conform: vfio-conform.sh", output
# prefixed "# ", "ok 1 selftests: ..." / "# SKIP" for exit 4; the serial
# console's CRs dropped), and parsed
# with LAVA's kselftest rules (conformance/kselftest/kselftest-parse.sh).
# The parsed pass/fail/skip counts must equal the TAP's own.
#   ci/check-kselftest.sh RUN_DIR...
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
ks=$here/conformance/kselftest
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0

# runner.sh's framing of one test of a collection
run_collection() {	# run_collection DIR
	local rc
	echo "TAP version 13"
	echo "1..1"
	echo "# selftests: vfio-conform: vfio-conform.sh"
	(cd "$1" && VFIO_CONFORM_DEVICE=0000:00:00.0 ./vfio-conform.sh) >"$tmp/out" 2>&1
	rc=$?
	sed 's/^/# /' "$tmp/out"
	case $rc in
	0) echo "ok 1 selftests: vfio-conform: vfio-conform.sh" ;;
	4) echo "ok 1 selftests: vfio-conform: vfio-conform.sh # SKIP" ;;
	*) echo "not ok 1 selftests: vfio-conform: vfio-conform.sh # exit=$rc" ;;
	esac
}

for d in "$@"; do
	[ -f "$d/tap.log" ] || continue
	# only vfio-conform's streams (other scenarios print TAP of their own)
	head -n 5 "$d/tap.log" | grep -q '^# vfio-conform [0-9]' || continue
	label=$(cat "$d/label" 2>/dev/null || basename "$d")
	mkdir -p "$tmp/c"
	cp "$ks/vfio-conform.sh" "$tmp/c/"
	printf '#!/bin/sh\ntr -d "\\r" < %q\n' "$(cd "$d" && pwd)/tap.log" >"$tmp/c/vfio-conform"
	chmod +x "$tmp/c/vfio-conform"
	run_collection "$tmp/c" >"$tmp/ksft.log"
	grep -q '^# KTAP version 1$' "$tmp/ksft.log" ||
		{ echo "FAIL $label kselftest: no KTAP version 1 header"; bad=1; }
	sh "$ks/kselftest-parse.sh" "$tmp/ksft.log" |
		grep '^vfio-conform\.vfio-conform\.sh\.' >"$tmp/parsed"
	lava=$(awk '{ n[$2]++ } END { printf "%d %d %d", n["pass"], n["fail"], n["skip"] }' "$tmp/parsed")
	tap=$(awk '/^ok [0-9]+ .*# SKIP/ { s++; next } /^ok [0-9]+ / { p++; next }
		/^not ok [0-9]+ / { f++ } END { printf "%d %d %d", p, f, s }' "$d/tap.log")
	if [ "$lava" != "$tap" ]; then
		echo "FAIL $label kselftest: LAVA's parser reads pass/fail/skip $lava, the TAP has $tap"
		bad=1
	else
		echo "ok $label kselftest: LAVA's kselftest parser reads the run as the TAP says (pass/fail/skip $lava)"
	fi
done
exit "$bad"
