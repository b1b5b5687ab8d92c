/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * Regression mode (SPEC.md 2.6, --baseline): this run's requirement
 * verdicts against those of an earlier certificate.
 */
#ifndef CONFORM_BASELINE_H
#define CONFORM_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "report.h"

#define BASELINE_ID_LEN		48
#define BASELINE_STR_LEN	128

struct baseline_req {
	char id[BASELINE_ID_LEN];
	enum req_status status;
};

/* What --baseline read: the earlier certificate's requirement verdicts. */
struct baseline {
	const char *path;
	char suite_version[BASELINE_STR_LEN];
	char source_revision[BASELINE_STR_LEN];
	char kernel[BASELINE_STR_LEN];
	char verdict[BASELINE_STR_LEN];
	struct baseline_req *reqs;	/* sorted by ID */
	size_t nreqs;
};

enum baseline_change {
	BL_SAME,
	BL_REGRESSED,	/* was pass, is not; or fails now and did not */
	BL_REMOVED,	/* in the baseline, not in this run: a regression */
	BL_IMPROVED,	/* passes now, did not */
	BL_ADDED,	/* not in the baseline (a newer SPEC.md): listed only */
	BL_CHANGED,	/* anything else (fail -> skip, skip -> not-run): listed only */
};

struct baseline_diff {
	const char *id;
	enum baseline_change change;
	int was;	/* enum req_status, or -1 (added) */
	int now;	/* enum req_status, or -1 (removed) */
};

/*
 * Read a format_version 2 certificate (conformance/schema/).  jansson checks
 * the whole file is JSON (RFC 8259, UTF-8, no member name twice); the reader takes
 * format_version, suite_version, source_revision, kernel, verdict and the
 * "requirements" object; nothing else of the file is interpreted.
 * Returns 0, or -1 with a message in err.
 */
int baseline_parse(const char *text, size_t len, struct baseline *b, char *err, size_t errlen);
int baseline_load(const char *path, struct baseline *b, char *err, size_t errlen);
void baseline_free(struct baseline *b);

/* Is going from was to now a regression (BL_REGRESSED)?  See baseline.c. */
enum baseline_change baseline_classify(enum req_status was, enum req_status now);

/*
 * Compare the verdicts v[0..n) of this run with b: one diff per requirement
 * of either (both sorted by ID), the changed ones only when all is false.
 * out needs room for n + b->nreqs.  Returns the count written.
 */
size_t baseline_compare(const struct baseline *b, const struct req_verdict *v, size_t n,
			bool all, struct baseline_diff *out);
/* Regressions (BL_REGRESSED, BL_REMOVED) among d[0..n). */
size_t baseline_regressions(const struct baseline_diff *d, size_t n);

/* The comparison as TAP diagnostics ("# baseline: ..."). */
void baseline_tap(FILE *f, const struct baseline *b, const struct baseline_diff *d, size_t n);
/* The certificate's "baseline" member (NULL when out of memory). */
json_t *baseline_json(const struct baseline *b, const struct baseline_diff *d, size_t n);

#endif /* CONFORM_BASELINE_H */
