# SPDX-License-Identifier: GPL-2.0-or-later OR MIT
#
# SPEC.md section 2 -> the suite's requirement table (C source).
# Reads only rows "| REQ-<AREA>-NNN | LEVEL | ... |" (SPEC.md 2, "Format").
# Fails on a level other than MUST/SHOULD/INFO and on a duplicate ID.
#   awk -f gen-reqs.awk SPEC.md > reqs.c
BEGIN { FS = "|"; n = 0; bad = 0 }
/^\| *REQ-[A-Z0-9]+-[0-9]+ *\|/ {
	id = $2; lvl = $3
	gsub(/^ +| +$/, "", id); gsub(/^ +| +$/, "", lvl)
	if (lvl != "MUST" && lvl != "SHOULD" && lvl != "INFO") {
		printf "SPEC.md:%d: %s: level '%s' is not MUST, SHOULD or INFO\n",
			NR, id, lvl > "/dev/stderr"
		bad = 1
	}
	if (id in seen) {
		printf "SPEC.md:%d: %s defined twice (first on line %d)\n",
			NR, id, seen[id] > "/dev/stderr"
		bad = 1
	}
	seen[id] = NR
	ids[++n] = id; lvls[n] = lvl
}
END {
	if (bad)
		exit 1
	if (n == 0) {
		print "SPEC.md: no requirement rows found" > "/dev/stderr"
		exit 1
	}
	print "/* Generated from SPEC.md by tools/gen-reqs.awk: do not edit. */"
	print "#include \"reqs.h\""
	print ""
	print "const struct conform_req conform_reqs[] = {"
	for (i = 1; i <= n; i++)
		printf "\t{ \"%s\", CONFORM_%s },\n", ids[i], lvls[i]
	print "};"
	print ""
	printf "const size_t conform_nreqs = %d;\n", n
}
