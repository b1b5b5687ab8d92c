#!/usr/bin/env bash
# check-vm.sh's retry of an infrastructure freeze: a run whose guest froze
# with no lockup report runs once more, its first attempt kept in
# first-attempt/; a QEMU crash and a passing run run once. And which runs'
# durations it keeps for the next start order.
#   ci/check-vm-selftest.sh        (make unit)
set -uo pipefail
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
# shellcheck source=ci/check-vm.sh
. "$(dirname "$0")/check-vm.sh" "$t/out"
bad=0

# launch stub: the statuses a run's attempts end with, one per line in
# $t/<run>.statuses; each attempt counted in $t/<run>.n
launch() {
	local dir=$out/$1-$2 n
	n=$(($(cat "$t/$1-$2.n" 2>/dev/null || echo 0) + 1))
	echo "$n" >"$t/$1-$2.n"
	mkdir -p "$dir"
	sed -n "${n}p" "$t/$1-$2.statuses" >"$dir/status"
}
expect_judge() { :; }

check() {	# NAME WANT_ATTEMPTS WANT_FIRST_ATTEMPT(yes|no) STATUS...
	local name=$1 want=$2 first=$3 got
	shift 3
	printf '%s\n' "$@" >"$t/k-$name.statuses"
	run_one k "$name" >/dev/null
	got=$(cat "$t/k-$name.n")
	if [ "$got" = "$want" ] && { [ -d "$out/k-$name/first-attempt" ] && echo yes || echo no; } | grep -qx "$first"; then
		echo "ok   check-vm-selftest $name"
	else
		echo "FAIL check-vm-selftest $name: $got attempts (want $want), first-attempt/ $first wanted"
		bad=1
	fi
}
mkdir -p "$out"
check idle-freeze 2 yes \
	"infrastructure failure: guest froze: no end within 900s and no lockup report (NMI sent)" "ok"
check qemu-crash 1 no "infrastructure failure: QEMU crashed (exit 139)"
check passes 1 no "ok"
check froze-twice 2 yes \
	"infrastructure failure: guest froze: no end within 900s and no lockup report (NMI sent)" \
	"infrastructure failure: guest froze: no end within 900s and no lockup report (NMI sent)"

# reap keeps a run's duration for the next start order only when the run
# booted (left a status): one that could not start says nothing of it
reap_case() {	# NAME STATUS(-: none) kept|replaced
	names=("$1") labels=("k/$1") began=([0]=$SECONDS) cost=([$1]=77)
	mkdir -p "$out/$1"
	[ "$2" = - ] || echo "$2" >"$out/$1/status"
	sleep 0 &
	job_of[$!]=0 running=1
	reap 2>/dev/null
	if { [ "${cost[$1]}" = 77 ] && echo kept || echo replaced; } | grep -qx "$3"; then
		echo "ok   check-vm-selftest $1"
	else
		echo "FAIL check-vm-selftest $1: duration 77 became ${cost[$1]} ($3 wanted)"
		bad=1
	fi
}
reap_case never-booted - kept
reap_case booted-and-failed failed replaced
[ "$bad" = 0 ] && echo "check-vm-selftest: all passed"
exit "$bad"
