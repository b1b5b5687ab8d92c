#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later OR MIT
#
# Validate every JUnit file vfio-conform wrote under the given run
# directories (or the given files) against the common CI-server schema,
# conformance/schema/junit-10.xsd, with xmllint (issue 14: "every JUnit
# file validates"). One line per file and, last,
#   junit: N valid, N invalid
# Exit 1 when one is invalid or none was found.
#   ci/validate-junit.sh RUN_DIR_OR_FILE...
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
schema=$here/conformance/schema/junit-10.xsd
[ $# -gt 0 ] || { echo "usage: $0 RUN_DIR_OR_FILE..." >&2; exit 2; }
command -v xmllint >/dev/null || { echo "junit: xmllint is missing (libxml2-utils, ci/install-deps.sh)"; exit 1; }
files=()
for a in "$@"; do
	if [ -d "$a" ]; then
		while IFS= read -r f; do files+=("$f"); done < <(find "$a" -name '*junit*.xml' | sort)
	else
		files+=("$a")
	fi
done
good=0 bad=0
for f in "${files[@]}"; do
	if out=$(xmllint --noout --schema "$schema" "$f" 2>&1); then
		echo "valid   $f"
		good=$((good + 1))
	else
		grep -v 'fails to validate$' <<<"$out" | head -n 5 | sed "s|^|INVALID |"
		bad=$((bad + 1))
	fi
done
echo "junit: $good valid, $bad invalid"
[ "$bad" -eq 0 ] && [ "$good" -gt 0 ]
