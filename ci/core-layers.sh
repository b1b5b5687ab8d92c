#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later OR MIT
# ci/core-layers.sh: the device core (the .c files of hw-model/qemu/files.txt
# but qemu/) has no import circle: each file's undefined symbols that another
# core file defines make an edge "file -> that file", and the graph must sort
# (tsort). The order it must follow is written in hw-model/core/refdev_dev.h.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
hw=$here/hw-model
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mapfile -t srcs < <(grep -v '^#' "$hw/qemu/files.txt" | grep '\.c$' | grep -v '^qemu/')
for s in "${srcs[@]}"; do
	o=$tmp/$(basename "$s" .c).o
	"${CC:-cc}" -std=gnu11 -c -I"$hw/core" -I"$hw/include" -I"$here/libvfio" \
		-o "$o" "$hw/$s"
	nm "$o" | awk -v f="$(basename "$s" .c)" '$2 ~ /^[TDBR]$/ { print "def", f, $3 }
		$1 == "U" { print "use", f, $2 }'
done >"$tmp/syms"
awk '$1 == "def" { def[$3] = $2 } $1 == "use" { use[NR] = $2 " " $3 }
	END { for (i in use) { split(use[i], u, " ");
		if ((u[2] in def) && def[u[2]] != u[1]) print u[1], def[u[2]] } }' \
	"$tmp/syms" | sort -u >"$tmp/edges"
if ! tsort "$tmp/edges" >"$tmp/order" 2>"$tmp/err"; then
	echo "core-layers: an import circle among the device core's files:" >&2
	cat "$tmp/err" >&2
	exit 1
fi
echo "core-layers: ${#srcs[@]} core files, $(wc -l <"$tmp/edges") calls between them, no circle"
