#!/usr/bin/env bash
# Every sentence a test quotes as vfio.h's (VFIO_H("...") in the suite) is in
# the vendored include/uapi/linux/vfio.h: a misquote is a FAIL resting on
# words the uAPI does not say (SPEC.md 2). "..." in a quote elides words;
# each part must appear, whitespace and comment stars ignored.
#   tools/check-quotes.sh [CONFORMANCE_DIR]
set -euo pipefail
dir=${1:-$(dirname "$0")/..}
hdr=$dir/include/uapi/linux/vfio.h

# the header as one line of words
text=$(sed -e 's|^[[:space:]]*/\?\*\+/\?||' -e 's|\*/||g' "$hdr" | tr -s ' \t\n' ' ')

# the quotes: VFIO_H("a" "b") spans lines; join its string literals
quotes=$(python3 - "$dir"/src/*.[ch] "$dir"/areas/*.c "$dir"/personalities/*/*.[ch] <<'PY'
import re, sys
lit = re.compile(r'\s*(?:\\\n\s*)?"((?:[^"\\]|\\.)*)"')
out = set()
for path in sys.argv[1:]:
    text = open(path).read()
    for m in re.finditer(r'VFIO_H\(', text):
        pos, parts = m.end(), []
        while True:
            lm = lit.match(text, pos)
            if not lm:
                break
            parts.append(lm.group(1))
            pos = lm.end()
        if parts:
            out.add("".join(parts).replace('\\"', '"'))
print("\n".join(sorted(out)))
PY
)

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
