#!/usr/bin/env bash
# Validate every JSON certificate vfio-conform wrote under the given run
# directories (or the given files) against conformance/schema/
# certificate.schema.json (issue 9: "every JSON certificate that make check
# produces validates"). Prints one line per certificate and, last,
#   certificates: N valid, N invalid
# Exit 1 when one is invalid or none was found.
#   ci/validate-certificates.sh RUN_DIR_OR_FILE...
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
schema=$here/conformance/schema/certificate.schema.json
[ $# -gt 0 ] || { echo "usage: $0 RUN_DIR_OR_FILE..." >&2; exit 2; }
files=()
for a in "$@"; do
	if [ -d "$a" ]; then
		while IFS= read -r f; do files+=("$f"); done < <(find "$a" -name '*.json' \
			\( -name '*cert*.json' -o -name 'certificate.json' \) | sort)
	else
		files+=("$a")
	fi
done
python3 - "$schema" "${files[@]}" <<'PY'
import json, sys
try:
    import jsonschema
except ImportError:
    print("certificates: python3-jsonschema is missing (ci/install-deps.sh)")
    sys.exit(1)
schema = json.load(open(sys.argv[1]))
jsonschema.Draft7Validator.check_schema(schema)
val = jsonschema.Draft7Validator(schema)
good = bad = 0
for path in sys.argv[2:]:
    try:
        doc = json.load(open(path))
    except (OSError, ValueError) as e:
        print("INVALID %s: %s" % (path, e))
        bad += 1
        continue
    errs = sorted(val.iter_errors(doc), key=lambda e: list(e.path))
    if errs:
        bad += 1
        for e in errs[:5]:
            print("INVALID %s: %s: %s" % (path, "/".join(map(str, e.path)) or "(top)", e.message))
    else:
        good += 1
        print("valid   %s (%s)" % (path, doc.get("verdict")))
print("certificates: %d valid, %d invalid" % (good, bad))
sys.exit(0 if bad == 0 and good > 0 else 1)
PY
