#!/usr/bin/env bash
# Every sentence a test quotes as vfio.h's (VFIO_H("...") in src/) is in
# the vendored include/uapi/linux/vfio.h: a misquote is a FAIL resting on
# words the uAPI does not say (SPEC.md 2). "..." in a quote elides words;
# each part must appear, whitespace and comment stars ignored.
#   tools/check-quotes.sh [CONFORMANCE_DIR]
set -euo pipefail
dir=${1:-$(dirname "$0")/..}
hdr=$dir/include/uapi/linux/vfio.h

# the header as one line of words
text=$(sed -e 's|^[[:space:]]*/\?\*\+/\?||' -e 's|\*/||g' "$hdr" | tr -s ' \t\n' ' ')

# the quotes: VFIO_H("a" "b") spans lines; join the string pieces
quotes=$(cat "$dir"/src/*.c "$dir"/src/*.h | tr '\n' ' ' |
	grep -o 'VFIO_H("\([^)]\|)[^ ;,]\)*)' |
	sed -e 's/^VFIO_H(//' -e 's/)$//' -e 's/"[[:space:]]*\\\?[[:space:]]*"//g' -e 's/^"//' -e 's/"$//' \
		-e 's/\\"/"/g' | sort -u)

bad=0 n=0
while IFS= read -r q; do
	[ -n "$q" ] || continue
	n=$((n + 1))
	rest=$q
	while [ -n "$rest" ]; do
		part=${rest%%...*}
		if [ "$part" = "$rest" ]; then rest=""; else rest=${rest#*...}; fi
		part=$(echo "$part" | tr -s ' ' | sed 's/^ //; s/ $//')
		[ -n "$part" ] || continue
		if ! grep -qF -- "$part" <<<"$text"; then
			echo "check-quotes: not in vfio.h: \"$part\" (from \"$q\")" >&2
			bad=$((bad + 1))
		fi
	done
done <<<"$quotes"
echo "check-quotes: $n vfio.h quotes, $bad not found"
[ "$bad" = 0 ]
