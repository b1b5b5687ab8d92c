#!/usr/bin/env bash
# Python-free TAP harness: judge the TAP streams of one or more guest runs.
#
#   ci/tap-harness.sh RUN_DIR...
#
# Diagnostic lines ("# ...") belong to the result line that follows them.
# Each RUN_DIR is what ci/run-vm.sh wrote (tap.log, status). Prints every
# result as "<verdict> <run> <test>" (failures with their diagnostics), one
# summary line per run, and as the very last line:
#   N passed, N failed, N skipped
# A run counts one extra failure when its plan is missing or not met, when it
# timed out, or when the guest kernel reported an oops/BUG/WARN.
# "Bail out! <reason>" ends a stream early (SPEC.md 2.6: a device wedged by
# a test, a signal, a device that cannot be opened): the tests after it are
# reported as "not-run <run> <N> tests: <reason>", not as failures; the
# bail-out itself counts one failure only when no test of the run failed
# (the culprit's FAIL already stands for a wedge).
# Every JSON certificate in a RUN_DIR is validated against the suite's
# schema (ci/validate-certificates.sh), every JUnit file against
# conformance/schema/junit-10.xsd (ci/validate-junit.sh), and the TAP read
# as LAVA's kselftest parser reads it (ci/check-kselftest.sh) must give the
# same counts; each mismatch or invalid file counts one failure.
# A run that ended in an infrastructure failure (ci/run-vm.sh wrote
# RUN_DIR/infra-failure.txt: the guest froze, QEMU crashed) is reported as
# "INFRA <run> run: <kind>" with the start of its evidence, not as a FAIL:
# its missing plan or results become not-run lines. The closing line then
# adds ", N infrastructure failures".
# A guest that froze in the code under test (ci/run-vm.sh's status "guest
# froze in the code under test: ...", SPEC.md 2.6) fails the test that was
# running (DIR/tests.txt; none when the hung task is an earlier test's
# unreaped process: that test's FAIL stands), the rest not-run, and the run.
# Exit status: 0 when nothing failed, 1 when a test or check failed, 3 when
# only infrastructure failed.
set -uo pipefail

total_pass=0 total_fail=0 total_skip=0 total_infra=0

# judge_tap LABEL FILE: prints results; last line "COUNTS pass fail skip problem"
judge_tap() {
	awk -v label="$1" '
	{ sub(/\r$/, "") }
	/^TAP version 13$/ { seen_version = 1; next }
	/^Bail out!/ { if (bail == "") { bail = substr($0, 11); sub(/^ +/, "", bail) }; next }
	/^1\.\.[0-9]+/ { if (plan != "") dup_plan = 1; plan = substr($1, 4) + 0; next }
	/^(not )?ok [0-9]+/ {
		n++
		line = $0
		notok = (line ~ /^not ok/)
		sub(/^(not )?ok [0-9]+ -? ?/, "", line)
		name = line; reason = ""
		if (match(line, / # [Ss][Kk][Ii][Pp]/)) {
			name = substr(line, 1, RSTART - 1)
			reason = substr(line, RSTART + 7)
			sub(/^[ :]+/, "", reason)
			if (!notok) {
				skip++; diag = ""
				if (reason == "") { fail++; printf "FAIL %s %s (SKIP without a reason)\n", label, name; next }
				printf "skip %s %s: %s\n", label, name, reason
				next
			}
		}
		if (notok) { fail++; printf "FAIL %s %s\n%s", label, name, diag }
		else { pass++; printf "ok   %s %s\n", label, name }
		diag = ""
		next
	}
	# Diagnostics precede the result they belong to (kselftest style).
	/^#/ { diag = diag "       " $0 "\n"; next }
	END {
		problem = ""
		notrun = 0
		if (!seen_version) problem = "no \"TAP version 13\" line"
		else if (plan == "") problem = "no plan line"
		else if (dup_plan) problem = "more than one plan"
		else if (bail != "") {
			notrun = plan - n
			if (notrun > 0) printf "not-run %s %d tests: %s\n", label, notrun, bail
			if (fail == 0) problem = "Bail out! " bail
		}
		else if (n != plan) problem = sprintf("plan says %d tests, %d ran", plan, n)
		printf "COUNTS %d %d %d %d %d %s\n", pass, fail, skip, notrun, n, problem
	}' "$2"
}

# ci/run-vm.sh's status of a guest that froze in the code under test
DUT_FROZE="guest froze in the code under test"

# frozen_test DIR N: "stuck NAME" when the hung task (its pid in
# DIR/freeze.txt) is the process of an earlier test that the runner could
# not reap after SIGKILL (that test already FAILed: its timeout), else
# "running NAME": the test after the stream's N results, by the run's list
# of its tests in order (DIR/tests.txt, sent by the guest's init)
frozen_test() {
	local pid name
	pid=$(sed -n 's/.*INFO: task [^ ]*:\([0-9]*\) blocked for more than.*/\1/p' \
		"$1/freeze.txt" 2>/dev/null | head -n 1)
	if [ -n "$pid" ]; then
		name=$(tr -d '\r' <"$1/tap.log" | awk -v p="test process $pid did not exit" '
			index($0, p) { s = 1; next }
			s && /^(not )?ok [0-9]+/ { sub(/^(not )?ok [0-9]+ -? ?/, ""); sub(/ # .*/, ""); print; exit }')
		[ -z "$name" ] || { echo "stuck $name"; return; }
	fi
	name=$(sed -n "$(($2 + 1))s/ .*//p" "$1/tests.txt" 2>/dev/null)
	echo "running ${name:-test $(($2 + 1))}"
}

judge_run() {
	local dir=$1 label status pass=0 fail=0 skip=0 notrun=0 ran=0 problem="" counts infra=""
	label=$(cat "$dir/label" 2>/dev/null || basename "$dir")
	status=$(cat "$dir/status" 2>/dev/null || echo "no status (runner did not finish)")
	[ -f "$dir/infra-failure.txt" ] && infra=$(head -n 1 "$dir/infra-failure.txt")
	if [ -f "$dir/tap.log" ]; then
		judge_tap "$label" "$dir/tap.log" >"$tmp"
		grep -v '^COUNTS ' "$tmp"
		counts=$(grep '^COUNTS ' "$tmp")
		read -r _ pass fail skip notrun ran problem <<<"$counts"
	else
		problem="no tap.log"
	fi
	if [ -n "$problem" ] && [ -n "$infra" ]; then
		echo "not-run $label rest of the stream: $problem (infrastructure failure)"
	elif [ -n "$problem" ] && [[ $status == "$DUT_FROZE"* ]]; then
		local how name
		read -r how name <<<"$(frozen_test "$dir" "$ran")"
		if [ "$how" = running ]; then
			echo "FAIL $label $name (the guest froze in it: ${status#"$DUT_FROZE": })"
			fail=$((fail + 1))
			echo "not-run $label rest of the stream: $problem (the guest froze)"
		else
			# not the running test's doing: no FAIL of it (a false FAIL)
			echo "not-run $label rest of the stream: $problem (the guest froze in the task of $name, which did not exit after SIGKILL)"
		fi
	elif [ -n "$problem" ]; then
		echo "FAIL $label TAP stream: $problem"
		fail=$((fail + 1))
	fi
	if [ -n "$(find "$dir" -maxdepth 1 \( -name '*cert*.json' -o -name certificate.json \) -print -quit 2>/dev/null)" ]; then
		if ! bash "$(dirname "$0")/validate-certificates.sh" "$dir" >"$tmp" 2>&1; then
			echo "FAIL $label certificate does not validate against the schema"
			grep -v '^valid ' "$tmp" | sed 's/^/       /'
			fail=$((fail + 1))
		fi
	fi
	if [ -n "$(find "$dir" -maxdepth 1 -name '*junit*.xml' -print -quit 2>/dev/null)" ]; then
		if ! bash "$(dirname "$0")/validate-junit.sh" "$dir" >"$tmp" 2>&1; then
			echo "FAIL $label JUnit does not validate against conformance/schema/junit-10.xsd"
			grep -v '^valid ' "$tmp" | sed 's/^/       /'
			fail=$((fail + 1))
		fi
	fi
	if [ -f "$dir/tap.log" ] && ! bash "$(dirname "$0")/check-kselftest.sh" "$dir" >"$tmp" 2>&1; then
		grep -v '^ok ' "$tmp"
		fail=$((fail + 1))
	fi
	if [ -n "$infra" ]; then
		echo "INFRA $label run: $infra (not a verdict on the code under test; evidence: $dir/infra-failure.txt)"
		sed -n '2,16s/^/       /p' "$dir/infra-failure.txt"
		total_infra=$((total_infra + 1))
	elif [ "$status" != ok ]; then
		echo "FAIL $label run: $status"
		[ -f "$dir/kernel-problems.txt" ] && sed 's/^/       /' "$dir/kernel-problems.txt"
		fail=$((fail + 1))
	fi
	echo "# $label: $pass passed, $fail failed, $skip skipped${infra:+, infrastructure failure}"
	[ "$notrun" = 0 ] || echo "# $label: $notrun not run (the stream bailed out)"
	total_pass=$((total_pass + pass))
	total_fail=$((total_fail + fail))
	total_skip=$((total_skip + skip))
}

[ $# -gt 0 ] || { echo "usage: $0 RUN_DIR..." >&2; exit 2; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for d in "$@"; do
	judge_run "$d"
done
infra_words=""
[ "$total_infra" = 0 ] || infra_words=", $total_infra infrastructure failure$([ "$total_infra" = 1 ] || echo s)"
echo "$total_pass passed, $total_fail failed, $total_skip skipped$infra_words"
[ "$total_fail" = 0 ] || exit 1
[ "$total_infra" = 0 ] || exit 3
