#!/usr/bin/env bash
# Mutants are patches against reference sources, applied to a copy at build
# time (driver-under-test/mutants/, hw-model/mutants/; the reference sources
# never carry a bug). One mechanism for every tree:
#
#   ci/mutants.sh list DIR             the mutant names in DIR (<NAME>.patch)
#   ci/mutants.sh apply SRC PATCH DEST FILE...
#        copy FILE... (relative to SRC) into DEST with PATCH applied; a file
#        whose content is unchanged keeps its time stamp (no rebuild)
#   ci/mutants.sh check                every patch of the project applies to
#        today's sources without fuzz, and each MUTANTS.md table lists
#        exactly the patches beside it (run by make unit)
set -euo pipefail

REPO_ROOT=${REPO_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
# The trees that have mutants: DIR (sources, patches in DIR/mutants/).
TREES="driver-under-test hw-model"

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

die() {
	printf 'mutants: %s\n' "$*" >&2
	exit 1
}

list() {
	local p
	for p in "$1"/*.patch; do
		[ -e "$p" ] || continue
		p=${p##*/}
		echo "${p%.patch}"
	done
}

# stage SRC PATCH STAGE: the files PATCH touches (and only those) copied
# from SRC into STAGE and patched; no fuzz, no reject files.
stage() {
	local src=$1 patch stage=$3 f
	patch=$(realpath "$2")
	while read -r f; do
		[ -f "$src/$f" ] || die "${patch##*/}: $f is not in $src"
		mkdir -p "$stage/$(dirname "$f")"
		cp -p "$src/$f" "$stage/$f"
	done < <(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$patch")
	patch -s -p1 -F0 -N --no-backup-if-mismatch -r - -d "$stage" -i "$patch" ||
		die "${patch##*/} does not apply cleanly to $src (refresh it: see MUTANTS.md)"
}

apply() {
	local src=$1 patch=$2 dest=$3 f
	shift 3
	[ -f "$patch" ] || die "no patch $patch"
	(cd "$src" && cp -p --parents "$@" "$TMP")
	stage "$src" "$patch" "$TMP"
	for f; do
		mkdir -p "$dest/$(dirname "$f")"
		# --remove-destination: DEST may hold a symlink into SRC
		cmp -s "$TMP/$f" "$dest/$f" ||
			cp -p --remove-destination "$TMP/$f" "$dest/$f"
	done
}

# The NAME column of a MUTANTS.md table: rows starting with | `NAME` |.
table_names() {
	# shellcheck disable=SC2016 # the backquotes are Markdown, not a command
	sed -n 's/^| `\([A-Z0-9_]*\)` |.*/\1/p' "$1" | sort -u
}

check() {
	local tree dir md n=0 m
	for tree in $TREES; do
		dir=$REPO_ROOT/$tree/mutants
		md=$REPO_ROOT/$tree/MUTANTS.md
		[ -d "$dir" ] || continue
		for m in $(list "$dir"); do
			rm -rf "${TMP:?}"/*
			stage "$REPO_ROOT/$tree" "$dir/$m.patch" "$TMP"
			n=$((n + 1))
		done
		[ -f "$md" ] || die "$tree/mutants/ without $tree/MUTANTS.md"
		if ! diff <(list "$dir" | sort) <(table_names "$md") >"$TMP/table.diff"; then
			sed 's/^</  patch only:/; s/^>/  MUTANTS.md only:/' "$TMP/table.diff" |
				grep only >&2
			die "$tree/MUTANTS.md and $tree/mutants/*.patch disagree"
		fi
	done
	echo "mutants: all $n patches apply cleanly and are documented"
}

case ${1:-} in
list) list "$2" ;;
apply) shift && apply "$@" ;;
check) check ;;
*) die "usage: $0 list DIR | apply SRC PATCH DEST FILE... | check" ;;
esac
