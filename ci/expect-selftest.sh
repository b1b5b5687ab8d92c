#!/usr/bin/env bash
# ci/expect.sh on made-up runs: it must pass a run that matches its
# expectation and fail each kind of change (a verdict either way, an
# unquoted FAIL, a kernel report outside the allowed module, a cut run).
#   ci/expect-selftest.sh        (make unit)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
bad=0

# run DIR: a TAP stream of three tests, a status and a certificate
mkrun() {
	mkdir -p "$1"
	cat >"$1/tap.log" <<'EOF'
TAP version 13
1..3
# REQ-IRQ-001 (MUST)
# GET_IRQ_INFO(index 2 < num_irqs 5): EINVAL -- vfio.h: "Unimplemented IRQ types return a count of zero"
not ok 1 irq/info-all-indexes
# REQ-IRQ-002 (MUST)
ok 2 irq/info-index-out-of-range-rejected
# REQ-IRQ-003 (SHOULD)
ok 3 irq/intx-count-matches-pin # SKIP device has no INTx
EOF
	echo ok >"$1/status"
	echo '{"verdict": "not-conformant"}' >"$1/x.cert.json"
}
mkexp() {
	cat >"$1" <<'EOF'
allow-kernel-report: mtty
REQ-IRQ-001 fail | "Unimplemented IRQ types return a count of zero" | test
REQ-IRQ-002 pass
REQ-IRQ-003 skip
certificate-verdict: not-conformant
EOF
}
# expect NAME 0|1 RUN EXP: ci/expect.sh's exit status must be as given
expect() {
	local rc
	# the certificate schema is not what this tests: count only the rest
	bash "$here/expect.sh" "$3" "$4" "$t/out-$1" >"$t/log-$1" 2>&1
	rc=$(grep -c '^not ok' "$t/out-$1/tap.log")
	rc=$((rc - $(grep -B1 '^not ok' "$t/out-$1/tap.log" | grep -c 'certificate-valid')))
	[ "$rc" -gt 0 ] && rc=1
	if [ "$rc" = "$2" ]; then
		echo "ok   expect-selftest $1"
	else
		echo "FAIL expect-selftest $1 (mismatches: $rc, wanted $2)"
		sed 's/^/     /' "$t/log-$1"
		bad=$((bad + 1))
	fi
}

mkrun "$t/a"
mkexp "$t/exp"
expect matches 0 "$t/a" "$t/exp"

sed 's/^REQ-IRQ-002 pass/REQ-IRQ-002 fail | "x" | y/' "$t/exp" >"$t/exp2"
expect verdict-changed 1 "$t/a" "$t/exp2"

mkrun "$t/b"
sed -i 's/ -- vfio.h: "Unimplemented IRQ types return a count of zero"//' "$t/b/tap.log"
expect unquoted-fail 1 "$t/b" "$t/exp"

mkrun "$t/c"
printf '[ 1.0] BUG: KASAN: null-ptr-deref in mtty_load_state+0x5d/0x120 [mtty]\n[ 1.0] ---[ end trace 0 ]---\n' >"$t/c/console.log"
expect mtty-report-allowed 0 "$t/c" "$t/exp"
printf '[ 2.0] WARNING: CPU: 0 PID: 1 at drivers/vfio/vfio_main.c:1 f+0x1/0x2\n[ 2.0] ---[ end trace 0 ]---\n' >>"$t/c/console.log"
expect other-report-fails 1 "$t/c" "$t/exp"

mkrun "$t/d"
sed -i '/^ok 3 /d' "$t/d/tap.log"
expect cut-run-fails 1 "$t/d" "$t/exp"

if [ "$bad" = 0 ]; then echo "expect-selftest: all passed"; else echo "expect-selftest: $bad FAILED"; fi
[ "$bad" = 0 ]
