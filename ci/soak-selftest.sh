#!/usr/bin/env bash
# ci/soak.sh counts every run it started: one whose ci/run-vm.sh dies before
# making its folder (here: a kernel that was never fetched) is a failure,
# not a run left out of the count. No kernel, no QEMU: a second.
#   ci/soak-selftest.sh        (make unit)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/build"
: >"$t/build/kernels.env"
rc=0
BUILD_DIR=$t/build SOAK_QEMU=/bin/false bash "$here/soak.sh" -j 1 -r 1 \
	"$t/out" 0.0 >"$t/soak.log" 2>&1 || rc=$?
if [ "$rc" != 0 ] && grep -q '^soak: 2 runs ' "$t/out/soak-summary.txt" 2>/dev/null &&
	[ "$(grep -c '^test-failure ' "$t/out/soak-summary.txt")" = 2 ]; then
	echo "soak-selftest: a run whose run-vm.sh died is counted and fails the soak"
	exit 0
fi
echo "FAIL soak-selftest: exit $rc, summary:" >&2
sed 's/^/    /' "$t/out/soak-summary.txt" "$t/soak.log" >&2
exit 1
