#!/usr/bin/env bash
# Per-test wall times of a vfio-conform JUnit file: count, p25, median, p75,
# max, and the sum (seconds). Skipped tests count too: they open and close
# the device like any other.
#   bench/junit-times.sh JUNIT.xml
set -euo pipefail
sed -n 's/.*<testcase [^>]*time="\([0-9.]*\)".*/\1/p' "$1" | sort -n | awk '
	{ t[NR] = $1; sum += $1 }
	function q(p) { return t[int((NR - 1) * p) + 1] }
	END {
		if (!NR) { print "no testcase times"; exit 1 }
		printf "tests %d p25 %.3f median %.3f p75 %.3f max %.3f sum %.1f\n",
			NR, q(0.25), q(0.5), q(0.75), t[NR], sum
	}'
