#!/usr/bin/env bash
# SPEC.md's IDs and test names against the code (run by make lint):
#   ci/check-spec-ids.sh [VFIO_CONFORM]      (default build/conformance/vfio-conform)
# Fails on
#   - an ID SPEC.md defines (DEV-, ADM-, STR-, DRT-, REQ-) that no code or
#     test cites, unless EXEMPT below says why it needs none;
#   - an ID cited in code that SPEC.md does not define (the suite's own
#     build already checks the REQs it cites: not repeated here);
#   - a suite test SPEC.md names that `vfio-conform --list` lacks, a glob of
#     its tests column or a test conformance/README.md names matching none.
# Citations: "ADM-002", "ADM-002/003", "REQ-IOMMUFD-011..014" (a range).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SUITE=${1:-$BUILD_DIR/conformance/vfio-conform}
SPEC=$REPO_ROOT/SPEC.md

# IDs that describe and need no code of their own, with the reason.
EXEMPT=(
)

ID_RE='(DEV-[A-Z]+-|REQ-[A-Z0-9]+-|ADM-|STR-|DRT-)[0-9]{3}(([/]|[.][.])[0-9]{3})*'

# expand: "ADM-002/003" -> ADM-002 ADM-003; "X-011..014" -> X-011 .. X-014.
expand() {
	awk '{
		match($0, /[0-9][0-9][0-9]/)
		pfx = substr($0, 1, RSTART - 1)
		rest = substr($0, RSTART)
		gsub(/[.][.]/, "-", rest)
		n = split(rest, part, "/")
		for (i = 1; i <= n; i++) {
			if (split(part[i], r, "-") == 1)
				r[2] = r[1]
			for (j = r[1] + 0; j <= r[2] + 0; j++)
				printf "%s%03d\n", pfx, j
		}
	}'
}

# Code and tests: sources, scripts and the guest's /init; not the docs.
code_files() {
	git -C "$REPO_ROOT" ls-files -co --exclude-standard -- \
		'*.c' '*.h' '*.py' '*.sh' '*.build' 'Makefile' '*/Makefile' \
		'*/Kbuild' 'fixtures/guest/init' ':!conformance/include/uapi' ':!ci/check-spec-ids.sh'
}

# The IDs SPEC.md defines: every one it names (it defines them in list
# items, table rows, headings and sentences).
defined() {
	grep -oE "\b$ID_RE" "$SPEC" | expand | sort -u
}

# FILE... -> the IDs they cite, one per line, "ID<TAB>file".
cited() {
	local f
	for f; do
		grep -oE "\b$ID_RE" "$REPO_ROOT/$f" 2>/dev/null | expand |
			sed "s|\$|	$f|" || true
	done
}

fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
defined >"$tmp/defined"
mapfile -t files < <(code_files)
cited "${files[@]}" | sort -u >"$tmp/cited"
cut -f1 "$tmp/cited" | sort -u >"$tmp/cited-ids"
printf '%s\n' "${EXEMPT[@]%% *}" | sed '/^$/d' | sort -u >"$tmp/exempt"

# 1. defined, cited nowhere, not exempt
comm -23 "$tmp/defined" "$tmp/cited-ids" | comm -23 - "$tmp/exempt" >"$tmp/uncited"
if [ -s "$tmp/uncited" ]; then
	echo "spec-ids: SPEC.md IDs no code or test cites ($(wc -l <"$tmp/uncited")):" >&2
	sed 's/^/  /' "$tmp/uncited" >&2
	fail=1
fi
# an exemption for an ID that is cited (or gone) is stale
comm -13 "$tmp/defined" "$tmp/exempt" | sed 's/^/  exempt but not in SPEC.md: /' >"$tmp/stale"
comm -12 "$tmp/cited-ids" "$tmp/exempt" | sed 's/^/  exempt but cited: /' >>"$tmp/stale"
if [ -s "$tmp/stale" ]; then
	echo "spec-ids: stale exemptions in $0:" >&2
	cat "$tmp/stale" >&2
	fail=1
fi

# 2. cited, not defined (REQs of the suite: its build checks them)
grep -v -P '^REQ-[^\t]*\tconformance/' "$tmp/cited" |
	awk -F'\t' 'NR == FNR { def[$1] = 1; next } !($1 in def)' "$tmp/defined" - >"$tmp/unknown"
if [ -s "$tmp/unknown" ]; then
	echo "spec-ids: IDs cited in code that SPEC.md does not define:" >&2
	sed 's/\t/ in /; s/^/  /' "$tmp/unknown" >&2
	fail=1
fi

# 3. test names in SPEC.md (area/name of a suite area) that do not exist
[ -x "$SUITE" ] || die "no $SUITE (make suite)"
"$SUITE" --list | awk '{ print $1 }' | grep / | sort -u >"$tmp/tests"
cut -d/ -f1 "$tmp/tests" | sort -u >"$tmp/areas"
grep -oE '\b[a-z0-9]+(-[a-z0-9]+)*/[a-z0-9*]+(-[a-z0-9*]+)*' "$SPEC" | sort -u |
	awk -F/ 'NR == FNR { area[$1] = 1; next } ($1 in area) && $0 !~ /[*]/' "$tmp/areas" - |
	comm -23 - "$tmp/tests" >"$tmp/missing"
if [ -s "$tmp/missing" ]; then
	echo "spec-ids: tests SPEC.md names that vfio-conform --list does not have:" >&2
	sed 's/^/  /' "$tmp/missing" >&2
	fail=1
fi

# 4. the globs of SPEC.md's tests column (migration/arc-*-to-*) and the
#    test names conformance/README.md gives (`migration/arc-<from>-to-<to>`:
#    <x> is any text) each match a test of --list.
shopt -s extglob
mapfile -t tests <"$tmp/tests"
matches() {
	local pat=${1//<*([^>])>/*} t
	for t in "${tests[@]}"; do
		# shellcheck disable=SC2053 # $pat is a glob on purpose
		[[ $t == $pat ]] && return 0
	done
	return 1
}
areas=$(paste -sd'|' "$tmp/areas")
{
	awk -F'|' '/^\| *REQ-[A-Z0-9]+-[0-9]+ *\|/ {
		n = split($(NF - 1), e, ",")
		for (i = 1; i <= n; i++) {
			gsub(/`/, "", e[i]); split(e[i], w, " ")
			if (w[1] ~ /[*]/) print "SPEC.md:" FNR ": " w[1]
		}
	}' "$SPEC"
	(cd "$REPO_ROOT" && grep -HnoE "\`($areas)/[A-Za-z0-9*<>._-]+\`" conformance/README.md) |
		tr -d '`' | sed 's/:\([^:]*\)$/: \1/'
} >"$tmp/globs"
while IFS= read -r line; do
	matches "${line##*: }" && continue
	echo "spec-ids: ${line%: *}: '${line##*: }' matches no test of vfio-conform --list" >&2
	fail=1
done <"$tmp/globs"

[ "$fail" = 0 ] || exit 1
echo "spec-ids: $(wc -l <"$tmp/defined") SPEC IDs cited ($(wc -l <"$tmp/exempt") exempt)," \
	"$(wc -l <"$tmp/tests") suite tests, every SPEC test name exists"
