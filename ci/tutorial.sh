#!/usr/bin/env bash
# docs/tutorial.md as steps for the guest's `tutorial` scenario:
#   ci/tutorial.sh DIR     (default docs/tutorial.md; TUTORIAL=FILE for another)
# Each ```sh step=NAME block becomes DIR/NN-NAME.sh, and the ```text block
# right after it DIR/NN-NAME.out, the output the step must print (stdout and
# stderr together). The guest (fixtures/guest/init, scenario_tutorial) runs
# the steps in order, each with `set -ae` and what the earlier ones set, and
# fails a step that exits non-zero or prints anything else.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

dir=${1:?usage: $0 DIR}
md=${TUTORIAL:-$REPO_ROOT/docs/tutorial.md}
rm -rf "$dir"
mkdir -p "$dir"
awk -v dir="$dir" '
	function fail(msg) { printf "%s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"; bad = 1; exit 1 }
	/^```sh step=/ {
		if (want_out) fail("step " name " has no ```text block after it")
		name = $0; sub(/^```sh step=/, "", name)
		if (name !~ /^[a-z0-9-]+$/) fail("bad step name \"" name "\"")
		n++; base = sprintf("%s/%02d-%s", dir, n, name)
		mode = "sh"; printf "" > (base ".sh"); next
	}
	/^```text$/ && want_out { mode = "out"; want_out = 0; printf "" > (base ".out"); next }
	/^```/ && mode != "" {
		if (mode == "sh") want_out = 1
		close(base "." mode); mode = ""; next
	}
	/^```/ { next }
	mode != "" { print > (base "." mode); next }
	want_out && NF { fail("text between step " name " and its ```text block") }
	END {
		if (bad) exit 1
		if (want_out) fail("step " name " has no ```text block after it")
		if (mode != "") fail("unterminated block in step " name)
		if (!n) fail("no ```sh step= blocks")
	}
' "$md"
log tutorial "$(find "$dir" -name '*.sh' | wc -l) steps from ${md#"$REPO_ROOT"/}"
