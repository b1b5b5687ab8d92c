#!/usr/bin/env bash
# Run-level exit codes of vfio-conform that need no VFIO device (SPEC.md
# 2.6): usage errors (2), setup errors (3) with one line naming every cause,
# --version/--list (0).  The codes that need a device (0, 1, 4, 128+N) are
# checked in the guest (fixtures/guest/init, the "variant" scenario).
#   tests/exit-codes.sh BINARY
set -uo pipefail
bin=$1
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect() {	# expect CODE PATTERN ARGS...: exit CODE, stderr/stdout matching PATTERN
	local want=$1 pat=$2 rc who=""
	shift 2
	if [ "$1" = --setpriv-nobody ]; then
		shift
		who=" (as uid 65534)"
		setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" "$@" >"$tmp/out" 2>&1
	else
		"$bin" "$@" >"$tmp/out" 2>&1
	fi
	rc=$?
	if [ "$rc" != "$want" ] || ! grep -qE -- "$pat" "$tmp/out"; then
		echo "FAIL: vfio-conform $*$who -> exit $rc (want $want, /$pat/):"
		sed 's/^/    /' "$tmp/out"
		fails=$((fails + 1))
	else
		echo "ok: vfio-conform $*$who -> exit $rc"
	fi
}

expect 0 '^vfio-conform [0-9.]+ \(.+\)$' --version
expect 0 '^info/get-info REQ-INFO-001' --list
expect 2 "option '--list' takes no argument" --list=yes
expect 2 "option '--help' takes no argument" --help=1
expect 2 'no device given' --filter 'info/*'
expect 2 'not a PCI address' 0000:zz:00.0
expect 2 'no such PCI device' 0000:ff:1f.7
expect 2 'no test matches' --filter 'nothing/*' --list
# an existing host device that is not on VFIO (the build host has no vfio)
dev=$(find /sys/bus/pci/devices -mindepth 1 -maxdepth 1 -printf "%f\n" 2>/dev/null | sort | head -n 1)
if [ -n "$dev" ]; then
	expect 2 'name the same file' --json "$tmp/a" --junit "$tmp/a" "$dev"
	expect 2 'cannot write there' --json "$tmp/no/such/dir/c.json" "$dev"
	# --baseline (regression mode): an unreadable or foreign file is a usage
	# error found before the setup checks and the first test
	expect 2 '^vfio-conform: --baseline .*/none.json: No such file' \
		--baseline "$tmp/none.json" "$dev"
	printf '{"format_version": 1, "requirements": {}}\n' > "$tmp/v1.json"
	expect 2 'v1.json: format_version is not 2' --baseline "$tmp/v1.json" "$dev"
	printf '{"format_version": 2, "requirements": {"REQ-INFO-001": {"verdict": "pass"},}}\n' \
		> "$tmp/bad.json"
	expect 2 "bad.json: string or '}' expected near '}' \\(line 1\\)" --baseline "$tmp/bad.json" "$dev"
	expect 2 '--baseline needs a certificate file' --baseline '' "$dev"
	if [ ! -e /dev/vfio/vfio ] && [ ! -e /sys/module/vfio ]; then
		expect 3 '^vfio-conform: setup error: .*; VFIO is not loaded' "$dev"
		# an iommufd-only selection gets the same preflight
		expect 3 'setup error: .*VFIO is not loaded' --filter 'iommufd/*' "$dev"
		# a readable baseline does not change the setup error
		printf '{"format_version": 2, "requirements": {}}\n' > "$tmp/ok.json"
		expect 3 'setup error: .*VFIO is not loaded' --baseline "$tmp/ok.json" "$dev"
		[ ! -e "$tmp/r.json" ] || { echo "FAIL: a report was written"; fails=$((fails + 1)); }
		# not root: warned about, up front
		if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
			expect 3 'warning: not running as root \(uid 65534\)' \
				--setpriv-nobody "$dev"
		fi
	else
		echo "skip: the setup-error checks (this host has VFIO loaded)"
	fi
else
	echo "skip: no PCI device on this host"
fi
[ "$fails" = 0 ] && echo "exit-codes: all passed" || echo "exit-codes: $fails FAILED"
[ "$fails" = 0 ]
