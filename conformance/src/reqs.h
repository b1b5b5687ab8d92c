/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * Requirement levels (SPEC.md section 2).  The suite's table is generated
 * from SPEC.md at build time (tools/gen-reqs.awk -> $(O)/gen/reqs.c); the
 * unit tests bring their own.
 */
#ifndef CONFORM_REQS_H
#define CONFORM_REQS_H

#include <stddef.h>

enum conform_level {
	CONFORM_INFO,
	CONFORM_SHOULD,
	CONFORM_MUST,
};

struct conform_req {
	const char *id;
	enum conform_level level;
};

/* The suite's table (generated); a sorted copy is not needed: ~100 rows. */
extern const struct conform_req conform_reqs[];
extern const size_t conform_nreqs;

/* "MUST", "SHOULD", "INFO" */
const char *conform_level_name(enum conform_level l);
/* The level of id in tab, or -1 when tab lacks it. */
int conform_req_level(const struct conform_req *tab, size_t n, const char *id);

#endif /* CONFORM_REQS_H */
