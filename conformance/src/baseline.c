// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Regression mode (SPEC.md 2.6): read an earlier certificate and compare its
 * requirement verdicts with this run's.  jansson parses the file (RFC 8259,
 * valid UTF-8, a duplicate member name rejected; nesting up to its 2048
 * levels); only what the comparison needs is interpreted.  A file is read
 * up to 16 MiB.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"

#define MAX_FILE	(16u << 20)

static int status_of(const char *s, enum req_status *st)
{
	static const enum req_status all[] = { REQ_PASS, REQ_FAIL, REQ_WARN, REQ_SKIP,
					       REQ_NOT_RUN };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(s, req_status_name(all[i]))) {
			*st = all[i];
			return 0;
		}
	return -1;
}

static int __attribute__((format(printf, 3, 4)))
berr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* One member of "requirements": "REQ-...": {"verdict": "pass", ...}. */
static int add_req(struct baseline *b, size_t *cap, const char *id, json_t *v,
		   char *err, size_t errlen)
{
	json_t *verdict = json_object_get(v, "verdict");
	struct baseline_req *n;
	enum req_status st;

	if (!id[0] || strlen(id) >= BASELINE_ID_LEN)
		return berr(err, errlen, "a requirement ID is empty or too long");
	if (!json_is_object(v))
		return berr(err, errlen, "%s: not an object", id);
	if (!verdict)
		return berr(err, errlen, "%s: no \"verdict\"", id);
	if (!json_is_string(verdict))
		return berr(err, errlen, "%s: a requirement's \"verdict\" is not a string", id);
	if (status_of(json_string_value(verdict), &st))
		return berr(err, errlen, "%s: unknown verdict \"%s\"", id,
			    json_string_value(verdict));
	if (b->nreqs == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		n = realloc(b->reqs, *cap * sizeof(*n));
		if (!n)
			return berr(err, errlen, "out of memory");
		b->reqs = n;
	}
	snprintf(b->reqs[b->nreqs].id, BASELINE_ID_LEN, "%s", id);
	b->reqs[b->nreqs++].status = st;
	return 0;
}

/* A string member into buf (cut to BASELINE_STR_LEN); absent or null: "". */
static int top_string(json_t *root, const char *key, char *buf, char *err, size_t errlen)
{
	json_t *v = json_object_get(root, key);

	if (v && !json_is_string(v) && !json_is_null(v))
		return berr(err, errlen, "\"%s\" is not a string", key);
	snprintf(buf, BASELINE_STR_LEN, "%s", json_is_string(v) ? json_string_value(v) : "");
	return 0;
}

static int cmp_req(const void *a, const void *b)
{
	return strcmp(((const struct baseline_req *)a)->id, ((const struct baseline_req *)b)->id);
}

static int certificate(json_t *root, struct baseline *b, char *err, size_t errlen)
{
	json_t *fv = json_object_get(root, "format_version"), *reqs, *v;
	const char *id;
	size_t cap = 0;

	if (!json_is_object(root))
		return berr(err, errlen, "not a JSON object");
	if (!json_is_integer(fv) || json_integer_value(fv) != REPORT_FORMAT_VERSION)
		return berr(err, errlen, "format_version is not %d (a certificate of this suite)",
			    REPORT_FORMAT_VERSION);
	if (top_string(root, "suite_version", b->suite_version, err, errlen) ||
	    top_string(root, "source_revision", b->source_revision, err, errlen) ||
	    top_string(root, "kernel", b->kernel, err, errlen) ||
	    top_string(root, "verdict", b->verdict, err, errlen))
		return -1;
	reqs = json_object_get(root, "requirements");
	if (!reqs)
		return berr(err, errlen, "no \"requirements\" object");
	if (!json_is_object(reqs))
		return berr(err, errlen, "\"requirements\" is not an object");
	json_object_foreach(reqs, id, v)
		if (add_req(b, &cap, id, v, err, errlen))
			return -1;
	qsort(b->reqs, b->nreqs, sizeof(*b->reqs), cmp_req);
	return 0;
}

int baseline_parse(const char *text, size_t len, struct baseline *b, char *err, size_t errlen)
{
	const char *path = b->path;
	json_error_t je;
	json_t *root;
	int rc;

	memset(b, 0, sizeof(*b));
	b->path = path;
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!root)
		return berr(err, errlen, "%s (line %d)", je.text, je.line);
	rc = certificate(root, b, err, errlen);
	json_decref(root);
	if (rc)
		baseline_free(b);
	return rc;
}

int baseline_load(const char *path, struct baseline *b, char *err, size_t errlen)
{
	char *text = NULL, msg[256];
	size_t len = 0, got;
	FILE *f = fopen(path, "r");
	int rc;

	b->path = path;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	text = malloc(MAX_FILE + 1);
	if (!text) {
		fclose(f);
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	while ((got = fread(text + len, 1, MAX_FILE + 1 - len, f)) > 0 && len <= MAX_FILE)
		len += got;
	rc = ferror(f);
	fclose(f);
	if (rc || len > MAX_FILE) {
		snprintf(err, errlen, "%s: %s", path, rc ? "read error" : "larger than 16 MiB");
		free(text);
		return -1;
	}
	rc = baseline_parse(text, len, b, msg, sizeof(msg));
	free(text);
	b->path = path;
	if (rc)
		snprintf(err, errlen, "%s: %s", path, msg);
	return rc;
}

void baseline_free(struct baseline *b)
{
	free(b->reqs);
	b->reqs = NULL;
	b->nreqs = 0;
}

/* ---------------- the comparison ---------------- */

static bool failing(enum req_status s)
{
	return s == REQ_FAIL || s == REQ_WARN;
}

/*
 * A regression: what passed no longer passes (fails, warns, is not run, or
 * skips: a skip is the test finding the feature or the host facility absent,
 * so a patch that stops advertising migration would otherwise pass the gate
 * with every migration requirement gone from pass to skip); or something
 * fails that did not (a SHOULD that warned and is now a broken MUST counts).
 */
enum baseline_change baseline_classify(enum req_status was, enum req_status now)
{
	if (was == now)
		return BL_SAME;
	if (was == REQ_PASS)
		return BL_REGRESSED;
	if (failing(now) && (!failing(was) || now == REQ_FAIL))
		return BL_REGRESSED;
	if (now == REQ_PASS)
		return BL_IMPROVED;
	return BL_CHANGED;
}

size_t baseline_compare(const struct baseline *b, const struct req_verdict *v, size_t n,
			bool all, struct baseline_diff *out)
{
	const struct baseline_req *old = b->reqs;	/* sorted by baseline_parse() */
	size_t i = 0, j = 0, cnt = 0;
	struct baseline_diff d;
	int c;

	while (i < b->nreqs || j < n) {
		c = i == b->nreqs ? 1 : j == n ? -1 : strcmp(old[i].id, v[j].id);
		if (c < 0) {
			d = (struct baseline_diff){ .id = old[i].id, .change = BL_REMOVED,
						    .was = (int)old[i].status, .now = -1 };
			i++;
		} else if (c > 0) {
			d = (struct baseline_diff){ .id = v[j].id, .change = BL_ADDED, .was = -1,
						    .now = (int)v[j].status };
			j++;
		} else {
			d = (struct baseline_diff){
				.id = v[j].id, .was = (int)old[i].status, .now = (int)v[j].status,
				.change = baseline_classify(old[i].status, v[j].status) };
			i++;
			j++;
		}
		if (all || d.change != BL_SAME)
			out[cnt++] = d;
	}
	return cnt;
}

size_t baseline_regressions(const struct baseline_diff *d, size_t n)
{
	size_t i, r = 0;

	for (i = 0; i < n; i++)
		r += d[i].change == BL_REGRESSED || d[i].change == BL_REMOVED;
	return r;
}

static const char *baseline_change_name(enum baseline_change c)
{
	switch (c) {
	case BL_SAME:
		return "same";
	case BL_REGRESSED:
		return "regressed";
	case BL_REMOVED:
		return "disappeared";
	case BL_IMPROVED:
		return "improved";
	case BL_ADDED:
		return "new";
	case BL_CHANGED:
		return "changed";
	}
	return "changed";
}

static const char *st_name(int s)
{
	return s < 0 ? "absent" : req_status_name((enum req_status)s);
}

static size_t count_of(const struct baseline_diff *d, size_t n, enum baseline_change c)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += d[i].change == c;
	return k;
}

void baseline_tap(FILE *f, const struct baseline *b, const struct baseline_diff *d, size_t n)
{
	size_t i, reg = baseline_regressions(d, n);

	fprintf(f, "# baseline: %s (suite %s, revision %s, kernel %s, verdict %s)\n", b->path,
		b->suite_version, b->source_revision, b->kernel, b->verdict);
	for (i = 0; i < n; i++)
		if (d[i].change != BL_SAME)
			fprintf(f, "# baseline: %-11s %s: %s -> %s\n",
				baseline_change_name(d[i].change), d[i].id, st_name(d[i].was),
				st_name(d[i].now));
	fprintf(f, "# baseline: %zu regressed, %zu improved, %zu new, %zu changed otherwise: %s\n",
		reg, count_of(d, n, BL_IMPROVED), count_of(d, n, BL_ADDED),
		count_of(d, n, BL_CHANGED), reg ? "REGRESSION" : "no regression");
}

/* The changes of kind c1 or c2: [{"id": ..., "was": ..., "now": ...}, ...]. */
static json_t *json_changes(const struct baseline_diff *d, size_t n, enum baseline_change c1,
			    enum baseline_change c2)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++) {
		if (d[i].change != c1 && d[i].change != c2)
			continue;
		if (json_array_append_new(a, json_pack(
				"{s:o, s:o, s:o}", "id", report_json_str(d[i].id),
				"was", report_json_str(d[i].was < 0 ? NULL : st_name(d[i].was)),
				"now", report_json_str(d[i].now < 0 ? NULL : st_name(d[i].now))))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *baseline_json(const struct baseline *b, const struct baseline_diff *d, size_t n)
{
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o}",
			 "file", report_json_str(b->path),
			 "suite_version", report_json_str(b->suite_version),
			 "source_revision", report_json_str(b->source_revision),
			 "kernel", report_json_str(b->kernel),
			 "verdict", report_json_str(b->verdict),
			 "regressed", baseline_regressions(d, n) > 0,
			 "regressions", json_changes(d, n, BL_REGRESSED, BL_REMOVED),
			 "improvements", json_changes(d, n, BL_IMPROVED, BL_IMPROVED),
			 "new", json_changes(d, n, BL_ADDED, BL_ADDED),
			 "changed", json_changes(d, n, BL_CHANGED, BL_CHANGED));
}
