#!/usr/bin/env bash
# Judge a guest run of an implementation we did not write (the kernel's mtty
# sample, ...) against the expected result kept in the repo.
#
#   ci/expect.sh [--write] RUN_DIR EXPECTED_FILE [OUT_DIR]
#
# RUN_DIR is what ci/run-vm.sh wrote (tap.log, status, console.log,
# dmesg.txt). Each requirement's verdict is taken from the TAP stream: fail
# when a test citing it failed, pass when one passed, skip when all its
# tests skipped, not-run when none of its tests has a result (the run ended
# before them). EXPECTED_FILE (format in fixtures/expected/README.md) lists
# the verdict of every requirement; a change in either direction fails.
# Also checked: every failing test quotes the sentence its requirement rests
# on (` -- vfio.h: "..."`; the PCI specs by section: ` -- PCI Local Bus
# 6.2.5.1: ...`; SPEC.md 2), the run ended (plan met or an
# explicit Bail out!), the JSON certificate validates against the schema
# (and has the verdict of `certificate-verdict:` when the file names one),
# and every kernel report (ci/run-vm.sh's patterns) has the module named by
# `allow-kernel-report:` in its call trace.
#
# Writes OUT_DIR/tap.log (one TAP result per check), OUT_DIR/status and
# OUT_DIR/label, so that ci/tap-harness.sh counts the judgment like any run;
# prints the same results. Exit 0 when everything matched, 1 otherwise.
# --write prints a new expected file for this run instead (to update the
# expectation on purpose; fill in the sentence and why of each failure).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
export LC_ALL=C	# sort and join agree on the order

write=0
if [ "${1:-}" = --write ]; then
	write=1
	shift
fi
[ $# -ge 2 ] || die "usage: $0 [--write] RUN_DIR EXPECTED_FILE [OUT_DIR]"
run=$1 exp=$2 outdir=${3:-}
[ -f "$exp" ] || [ "$write" = 1 ] || die "expect: no expected file $exp"

# req_verdicts TAP: "REQ-ID verdict" for every requirement the stream cites;
# "TEST <name> <reqs,...> <fail|quoted-fail|timeout>" for every failing test.
req_verdicts() {
	awk '
	{ sub(/\r$/, "") }
	/^# REQ-[A-Z]+-[0-9]+/ {
		reqs = ""
		for (i = 2; i <= NF; i++)
			if ($i ~ /^REQ-[A-Z]+-[0-9]+/) { r = $i; sub(/[^A-Z0-9-].*$/, "", r); reqs = reqs " " r }
		quoted = 0; to = 0
		next
	}
	/^#/ {
		if ($0 ~ / -- (vfio\.h|iommufd\.h): "/ || $0 ~ / -- PCI[^:]*: /) quoted = 1
		if ($0 ~ /timed out after|wedged/) to = 1
		next
	}
	/^(not )?ok [0-9]+/ {
		notok = ($0 ~ /^not ok/)
		skip = (!notok && $0 ~ / # [Ss][Kk][Ii][Pp]/)
		name = $0; sub(/^(not )?ok [0-9]+ -? ?/, "", name); sub(/ # .*$/, "", name)
		n = split(reqs, rs, " ")
		for (i = 1; i <= n; i++) {
			seen[rs[i]] = 1
			if (notok) fail[rs[i]] = 1
			else if (skip) sk[rs[i]] = 1
			else pass[rs[i]] = 1
		}
		if (notok) {
			list = reqs; gsub(/^ /, "", list); gsub(/ /, ",", list)
			printf "TEST %s %s %s\n", name, (list == "" ? "-" : list),
				(quoted ? "quoted-fail" : to ? "timeout" : "fail")
		}
		reqs = ""; quoted = 0; to = 0
		next
	}
	END {
		for (r in seen)
			printf "%s %s\n", r, (r in fail) ? "fail" : (r in pass) ? "pass" : "skip"
	}' "$1"
}

# levels from SPEC.md section 2: "REQ-ID LEVEL"
spec_levels() {
	sed -n 's/^| \(REQ-[A-Z]*-[0-9]*\) | \(MUST\|SHOULD\|INFO\) |.*/\1 \2/p' "$REPO_ROOT/SPEC.md"
}

# kernel_reports: one line per kernel report: "<module>|<first line>";
# module is the one named in brackets in the report's trace (or "-").
kernel_reports() {
	local f
	for f in console.log dmesg.txt; do
		[ -f "$run/$f" ] || continue
		awk -v re="$BAD_KERNEL_RE" -v allow="$1" '
		{ sub(/\r$/, ""); line[NR] = $0 }
		END {
			for (i = 1; i <= NR; i++) {
				if (line[i] !~ re) continue
				# the report runs to its end marker (at most 80 lines)
				for (j = i + 1; j <= NR && j < i + 80; j++)
					if (line[j] ~ /---\[ end trace|\] =====+$/) break
				mod = "-"
				for (k = i; k <= j && k <= NR; k++)
					if (allow != "" && index(line[k], "[" allow "]")) { mod = allow; break }
				txt = line[i]; sub(/^[^]]*\] /, "", txt)
				print mod "|" txt
				i = j
			}
		}' "$run/$f"
	done | sort -u
}

# the certificate's top-level verdict
cert_verdict() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1])).get("verdict", ""))' "$1" 2>/dev/null
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tap=$run/tap.log
req_verdicts "${tap}" >"$tmp/all" 2>/dev/null || true
grep '^REQ-' "$tmp/all" | sort >"$tmp/got" || true
grep '^TEST ' "$tmp/all" >"$tmp/fails" || true
spec_levels | sort >"$tmp/levels"
allow=$(sed -n 's/^allow-kernel-report: *\([A-Za-z0-9_]*\).*/\1/p' "$exp" 2>/dev/null | head -n 1)

if [ "$write" = 1 ]; then
	# every requirement of SPEC.md: not cited by the stream -> not-run
	join -a 1 -e not-run -o 1.1,2.2 "$tmp/levels" "$tmp/got" | while read -r id v; do
		if [ "$v" = fail ]; then
			echo "$id fail | \"<sentence>\" | <why>"
		else
			echo "$id $v"
		fi
	done
	cert=$(find "$run" -maxdepth 1 -name '*cert*.json' | sort | head -n 1)
	[ -n "$cert" ] && echo "certificate-verdict: $(cert_verdict "$cert")"
	exit 0
fi

results=() bad=0
check() { # check OK|FAIL NAME [DIAG...]
	local verdict=$1 name=$2
	shift 2
	results+=("$verdict|$name|$*")
	[ "$verdict" = ok ] || bad=$((bad + 1))
}

# 1. the run ended: a plan that was met, or an explicit Bail out! (a wedge)
plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' "$tap" 2>/dev/null | head -n 1)
ran=$(grep -cE '^(not )?ok [0-9]+' "$tap" 2>/dev/null || true)
if [ -z "$plan" ]; then
	check FAIL run-complete "no TAP plan in $tap"
elif [ "$ran" = "$plan" ] || grep -q '^Bail out!' "$tap"; then
	check ok run-complete "$ran of $plan tests reported$(grep -q '^Bail out!' "$tap" && echo ', Bail out!')"
else
	check FAIL run-complete "plan says $plan tests, $ran reported, no Bail out!"
fi
status=$(cat "$run/status" 2>/dev/null || echo "no status")
case "$status" in
ok | "guest kernel reported a problem") ;;
*) check FAIL guest "run-vm status: $status" ;;
esac

# 2. requirement verdicts against the expectation (both directions)
sed -n 's/^\(REQ-[A-Z]*-[0-9]*\) \([a-z-]*\).*/\1 \2/p' "$exp" | sort >"$tmp/want"
join -a 1 -a 2 -e not-run -o 0,1.2,2.2 "$tmp/want" "$tmp/got" >"$tmp/cmp"
while read -r id want got; do
	why=$(grep -m1 "^$id " "$exp" | sed -n 's/^[^|]*| *//p')
	if [ "$want" = "$got" ]; then
		check ok "$id $got" "$why"
	elif ! grep -q "^$id " "$exp"; then
		# a requirement newer than the file: a new failure must be
		# looked at; a pass or skip is reported until the file has it
		if [ "$got" = fail ]; then
			check FAIL "$id $got" "not in $(basename "$exp"): a new requirement fails (add it on purpose)"
		else
			check ok "$id $got" "not in $(basename "$exp") yet (a new requirement: add it)"
		fi
	else
		check FAIL "$id expected $want, got $got" "$why"
	fi
done <"$tmp/cmp"

# 3. every failing test quotes its sentence and cites a MUST or SHOULD
# requirement (a test citing only INFO requirements is reported, not held)
while read -r _ name reqs kind; do
	lv=""
	for r in ${reqs//,/ }; do
		lv="$lv $(awk -v r="$r" '$1 == r { print $2 }' "$tmp/levels")"
	done
	case "$lv" in
	*MUST* | *SHOULD*) ;;
	*) continue ;;
	esac
	if [ "$kind" = quoted-fail ]; then
		check ok "quote $name"
	elif [ "$kind" = timeout ]; then
		check ok "quote $name" "timed out: the runner's verdict, not the test's"
	else
		check FAIL "quote $name" "the FAIL diagnostic quotes no uAPI sentence (SPEC.md 2)"
	fi
done <"$tmp/fails"

# 4. the certificate: valid against the schema, and the expected verdict
cert=$(find "$run" -maxdepth 1 -name '*cert*.json' | sort | head -n 1)
if [ -z "$cert" ]; then
	check FAIL certificate "no JSON certificate in $run"
elif bash "$REPO_ROOT/ci/validate-certificates.sh" "$cert" >"$tmp/valid" 2>&1; then
	check ok certificate-valid "$(tail -n 1 "$tmp/valid")"
else
	check FAIL certificate-valid "$(grep -m1 INVALID "$tmp/valid")"
fi
want_v=$(sed -n 's/^certificate-verdict: *\([a-z-]*\).*/\1/p' "$exp" | head -n 1)
if [ -n "$cert" ] && [ -n "$want_v" ]; then
	got_v=$(cert_verdict "$cert")
	if [ "$got_v" = "$want_v" ]; then
		check ok "certificate-verdict $got_v"
	else
		check FAIL "certificate-verdict expected $want_v, got ${got_v:-none}"
	fi
fi

# 5. kernel reports: only the allowed module's
kernel_reports "$allow" >"$tmp/reports"
nrep=$(wc -l <"$tmp/reports")
if [ -n "$allow" ]; then
	other=$(grep -v "^$allow|" "$tmp/reports" || true)
else
	other=$(cat "$tmp/reports")
fi
if [ -n "$other" ]; then
	check FAIL kernel-reports "reports outside ${allow:-any allowed module}: $(echo "$other" | cut -d'|' -f2 | head -n 3 | tr '\n' ';')"
else
	check ok kernel-reports "$nrep report(s), all inside ${allow:-(none allowed)}"
fi

# TAP of the judgment (the harness counts it like any run)
{
	echo "TAP version 13"
	echo "1..${#results[@]}"
	i=0
	for r in "${results[@]}"; do
		i=$((i + 1))
		IFS='|' read -r v name diag <<<"$r"
		[ -n "$diag" ] && echo "# $diag"
		if [ "$v" = ok ]; then echo "ok $i expect/$name"; else echo "not ok $i expect/$name"; fi
	done
} >"$tmp/tap"
if [ -n "$outdir" ]; then
	mkdir -p "$outdir"
	cp "$tmp/tap" "$outdir/tap.log"
	echo ok >"$outdir/status"
	echo "$(cat "$run/label" 2>/dev/null || basename "$run") vs $(basename "$exp")" >"$outdir/label"
fi
grep -E '^(not ok|# )' "$tmp/tap" | grep -B1 '^not ok' | grep -v '^--$' || true
echo "expect: $(basename "$run") vs $(basename "$exp"): ${#results[@]} checks, $bad mismatched"
[ "$bad" = 0 ]
