// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Regression mode (SPEC.md 2.6): read an earlier certificate and compare its
 * requirement verdicts with this run's.  The reader is a small strict JSON
 * parser (RFC 8259) that keeps only what the comparison needs, so that the
 * suite stays free of libraries in the static guest image.  Its limits:
 * nesting up to 32 levels, a file up to 16 MiB, strings are not checked to
 * be valid UTF-8 (only IDs and verdict words are interpreted).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"

#define MAX_DEPTH	32
#define MAX_FILE	(16u << 20)

enum jtype { J_ERR = -1, J_OBJ, J_ARR, J_STR, J_NUM, J_LIT, J_NULL };

struct jp {
	const char *s, *end;
	char *err;
	size_t errlen;
	bool failed;
};

/* Called for each member of an object: must consume the value. */
typedef int (*member_fn)(struct jp *p, const char *key, int depth, void *ctx);

static int jerr(struct jp *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return J_ERR;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return J_ERR;
}

static void ws(struct jp *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static size_t put_cp(char *buf, size_t len, size_t at, unsigned int c)
{
	unsigned char u[4];
	size_t n, i;

	if (c < 0x80) {
		u[0] = (unsigned char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (unsigned char)(0xc0 | c >> 6);
		u[1] = (unsigned char)(0x80 | (c & 0x3f));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (unsigned char)(0xe0 | c >> 12);
		u[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (c & 0x3f));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xf0 | c >> 18);
		u[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
		u[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		u[3] = (unsigned char)(0x80 | (c & 0x3f));
		n = 4;
	}
	for (i = 0; i < n; i++, at++)
		if (buf && at + 1 < len)
			buf[at] = (char)u[i];
	return at;
}

static int hex4(struct jp *p, unsigned int *v)
{
	int i;

	*v = 0;
	if (p->end - p->s < 4)
		return jerr(p, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		char c = *p->s++;

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned int)(c - 'A' + 10);
		else
			return jerr(p, "bad \\u escape");
	}
	return 0;
}

static int escape(struct jp *p, unsigned int *c)
{
	unsigned int lo;

	switch (*p->s++) {
	case '"': *c = '"'; return 0;
	case '\\': *c = '\\'; return 0;
	case '/': *c = '/'; return 0;
	case 'b': *c = '\b'; return 0;
	case 'f': *c = '\f'; return 0;
	case 'n': *c = '\n'; return 0;
	case 'r': *c = '\r'; return 0;
	case 't': *c = '\t'; return 0;
	case 'u':
		break;
	default:
		return jerr(p, "bad escape in a string");
	}
	if (hex4(p, c))
		return J_ERR;
	if (*c >= 0xdc00 && *c <= 0xdfff)
		return jerr(p, "lone low surrogate in a string");
	if (*c < 0xd800 || *c > 0xdbff)
		return 0;
	if (p->end - p->s < 2 || p->s[0] != '\\' || p->s[1] != 'u')
		return jerr(p, "lone high surrogate in a string");
	p->s += 2;
	if (hex4(p, &lo))
		return J_ERR;
	if (lo < 0xdc00 || lo > 0xdfff)
		return jerr(p, "bad surrogate pair in a string");
	*c = 0x10000 + ((*c - 0xd800) << 10) + (lo - 0xdc00);
	return 0;
}

/* A string at p->s (the opening quote) into buf (NUL-terminated, cut to len); *full: it fit. */
static int string(struct jp *p, char *buf, size_t len, bool *full)
{
	size_t at = 0;
	unsigned int c;

	p->s++;
	for (;;) {
		if (p->s >= p->end)
			return jerr(p, "unterminated string");
		c = (unsigned char)*p->s++;
		if (c == '"')
			break;
		if (c < 0x20)
			return jerr(p, "control character in a string");
		if (c == '\\') {
			if (p->s >= p->end)
				return jerr(p, "unterminated string");
			if (escape(p, &c))
				return J_ERR;
			at = put_cp(buf, len, at, c);
		} else {
			if (buf && at + 1 < len)
				buf[at] = (char)c;
			at++;
		}
	}
	if (buf && len)
		buf[at < len ? at : len - 1] = '\0';
	if (full)
		*full = at < len;
	return J_STR;
}

static bool digit(struct jp *p)
{
	return p->s < p->end && *p->s >= '0' && *p->s <= '9';
}

static int number(struct jp *p, long long *v)
{
	const char *start = p->s;
	bool integral = true;
	char tmp[32];

	if (*p->s == '-')
		p->s++;
	if (!digit(p))
		return jerr(p, "bad number");
	if (*p->s++ != '0')
		while (digit(p))
			p->s++;
	if (p->s < p->end && *p->s == '.') {
		p->s++;
		integral = false;
		if (!digit(p))
			return jerr(p, "bad number");
		while (digit(p))
			p->s++;
	}
	if (p->s < p->end && (*p->s == 'e' || *p->s == 'E')) {
		p->s++;
		integral = false;
		if (p->s < p->end && (*p->s == '+' || *p->s == '-'))
			p->s++;
		if (!digit(p))
			return jerr(p, "bad number");
		while (digit(p))
			p->s++;
	}
	if (v) {
		*v = -1;	/* not a small integer: no format_version */
		if (integral && p->s - start < (long)sizeof(tmp) - 1) {
			snprintf(tmp, sizeof(tmp), "%.*s", (int)(p->s - start), start);
			*v = strtoll(tmp, NULL, 10);
		}
	}
	return J_NUM;
}

static int literal(struct jp *p, const char *word, int type)
{
	size_t n = strlen(word);

	if ((size_t)(p->end - p->s) < n || memcmp(p->s, word, n))
		return jerr(p, "unexpected character '%c'", *p->s);
	p->s += n;
	return type;
}

static int value(struct jp *p, int depth, char *sbuf, size_t slen, long long *num,
		 member_fn fn, void *ctx);

static int object(struct jp *p, int depth, member_fn fn, void *ctx)
{
	char key[BASELINE_STR_LEN];
	bool fit;

	p->s++;
	ws(p);
	if (p->s < p->end && *p->s == '}') {
		p->s++;
		return J_OBJ;
	}
	for (;;) {
		ws(p);
		if (p->s >= p->end || *p->s != '"')
			return jerr(p, "expected a member name");
		if (string(p, key, sizeof(key), &fit) < 0)
			return J_ERR;
		if (!fit)
			key[0] = '\0';	/* a name we do not know: matches nothing */
		ws(p);
		if (p->s >= p->end || *p->s++ != ':')
			return jerr(p, "expected ':' after \"%s\"", key);
		if (fn ? fn(p, key, depth + 1, ctx) < 0 :
		    value(p, depth + 1, NULL, 0, NULL, NULL, NULL) < 0)
			return J_ERR;
		ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == '}') {
			p->s++;
			return J_OBJ;
		}
		return jerr(p, "expected ',' or '}'");
	}
}

static int array(struct jp *p, int depth)
{
	p->s++;
	ws(p);
	if (p->s < p->end && *p->s == ']') {
		p->s++;
		return J_ARR;
	}
	for (;;) {
		if (value(p, depth + 1, NULL, 0, NULL, NULL, NULL) < 0)
			return J_ERR;
		ws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == ']') {
			p->s++;
			return J_ARR;
		}
		return jerr(p, "expected ',' or ']'");
	}
}

/*
 * One value.  A string goes to sbuf, an integer to num, an object's
 * members to fn (when given); everything else is checked and skipped.
 */
static int value(struct jp *p, int depth, char *sbuf, size_t slen, long long *num,
		 member_fn fn, void *ctx)
{
	if (depth > MAX_DEPTH)
		return jerr(p, "nested deeper than %d", MAX_DEPTH);
	ws(p);
	if (p->s >= p->end)
		return jerr(p, "unexpected end of file");
	switch (*p->s) {
	case '{':
		return object(p, depth, fn, ctx);
	case '[':
		return array(p, depth);
	case '"':
		return string(p, sbuf, slen, NULL);
	case 't':
		return literal(p, "true", J_LIT);
	case 'f':
		return literal(p, "false", J_LIT);
	case 'n':
		return literal(p, "null", J_NULL);
	default:
		if (*p->s == '-' || (*p->s >= '0' && *p->s <= '9'))
			return number(p, num);
		return jerr(p, "unexpected character '%c'", *p->s);
	}
}

/* ---------------- the certificate's members ---------------- */

struct top {
	struct baseline *b;
	long long format_version;
	bool has_reqs;
	size_t cap;
};

struct req_ctx {
	char verdict[32];
	bool has_verdict;
};

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

static int req_member(struct jp *p, const char *key, int depth, void *ctx)
{
	struct req_ctx *r = ctx;

	if (strcmp(key, "verdict"))
		return value(p, depth, NULL, 0, NULL, NULL, NULL);
	r->verdict[0] = '\0';
	if (value(p, depth, r->verdict, sizeof(r->verdict), NULL, NULL, NULL) != J_STR)
		return jerr(p, "a requirement's \"verdict\" is not a string");
	r->has_verdict = true;
	return 0;
}

static int add_req(struct jp *p, struct top *t, const char *id, const char *verdict)
{
	struct baseline *b = t->b;
	struct baseline_req *n;
	enum req_status st;
	size_t i;

	if (status_of(verdict, &st))
		return jerr(p, "%s: unknown verdict \"%s\"", id, verdict);
	for (i = 0; i < b->nreqs; i++)
		if (!strcmp(b->reqs[i].id, id))
			return jerr(p, "%s is listed twice", id);
	if (b->nreqs == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		n = realloc(b->reqs, t->cap * sizeof(*n));
		if (!n)
			return jerr(p, "out of memory");
		b->reqs = n;
	}
	snprintf(b->reqs[b->nreqs].id, BASELINE_ID_LEN, "%s", id);
	b->reqs[b->nreqs++].status = st;
	return 0;
}

static int reqs_member(struct jp *p, const char *key, int depth, void *ctx)
{
	struct req_ctx r = { .has_verdict = false };

	if (!key[0] || strlen(key) >= BASELINE_ID_LEN)
		return jerr(p, "a requirement ID is empty or too long");
	if (value(p, depth, NULL, 0, NULL, req_member, &r) != J_OBJ)
		return jerr(p, "%s: not an object", key);
	if (!r.has_verdict)
		return jerr(p, "%s: no \"verdict\"", key);
	return add_req(p, ctx, key, r.verdict);
}

static int top_member(struct jp *p, const char *key, int depth, void *ctx)
{
	struct top *t = ctx;
	struct baseline *b = t->b;
	char *s = NULL;
	int type;

	if (!strcmp(key, "format_version")) {
		if (value(p, depth, NULL, 0, &t->format_version, NULL, NULL) != J_NUM)
			return jerr(p, "\"format_version\" is not a number");
		return 0;
	}
	if (!strcmp(key, "requirements")) {
		if (value(p, depth, NULL, 0, NULL, reqs_member, t) != J_OBJ)
			return jerr(p, "\"requirements\" is not an object");
		t->has_reqs = true;
		return 0;
	}
	if (!strcmp(key, "suite_version"))
		s = b->suite_version;
	else if (!strcmp(key, "source_revision"))
		s = b->source_revision;
	else if (!strcmp(key, "kernel"))
		s = b->kernel;
	else if (!strcmp(key, "verdict"))
		s = b->verdict;
	type = value(p, depth, s, s ? BASELINE_STR_LEN : 0, NULL, NULL, NULL);
	if (s && type != J_STR && type != J_NULL && type != J_ERR)
		return jerr(p, "\"%s\" is not a string", key);
	return type < 0 ? J_ERR : 0;
}

static int cmp_req(const void *a, const void *b)
{
	return strcmp(((const struct baseline_req *)a)->id, ((const struct baseline_req *)b)->id);
}

int baseline_parse(const char *text, size_t len, struct baseline *b, char *err, size_t errlen)
{
	struct jp p = { .s = text, .end = text + len, .err = err, .errlen = errlen };
	struct top t = { .b = b, .format_version = -1 };
	const char *path = b->path;
	size_t line = 1;
	const char *c;

	memset(b, 0, sizeof(*b));
	b->path = path;
	if (value(&p, 0, NULL, 0, NULL, top_member, &t) == J_OBJ) {
		ws(&p);
		if (p.s != p.end)
			jerr(&p, "text after the certificate");
	} else {
		jerr(&p, "not a JSON object");
	}
	if (!p.failed && t.format_version != REPORT_FORMAT_VERSION)
		jerr(&p, "format_version is not %d (a certificate of this suite)",
		     REPORT_FORMAT_VERSION);
	if (!p.failed && !t.has_reqs)
		jerr(&p, "no \"requirements\" object");
	if (!p.failed) {
		qsort(b->reqs, b->nreqs, sizeof(*b->reqs), cmp_req);
		return 0;
	}
	for (c = text; c < p.s && c < p.end; c++)
		line += *c == '\n';
	if (p.s <= p.end && strlen(err) + 24 < errlen) {
		char where[32];

		snprintf(where, sizeof(where), " (line %zu)", line);
		strcat(err, where);
	}
	baseline_free(b);
	return -1;
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

const char *baseline_change_name(enum baseline_change c)
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

static void json_changes(FILE *f, const char *key, const struct baseline_diff *d, size_t n,
			 enum baseline_change c1, enum baseline_change c2, bool comma)
{
	bool first = true;
	size_t i;

	fprintf(f, "    \"%s\": [", key);
	for (i = 0; i < n; i++) {
		if (d[i].change != c1 && d[i].change != c2)
			continue;
		fputs(first ? "\n      " : ",\n      ", f);
		first = false;
		fputs("{\"id\": ", f);
		json_string(f, d[i].id);
		fputs(", \"was\": ", f);
		json_string(f, d[i].was < 0 ? NULL : st_name(d[i].was));
		fputs(", \"now\": ", f);
		json_string(f, d[i].now < 0 ? NULL : st_name(d[i].now));
		fputs("}", f);
	}
	fputs(first ? "]" : "\n    ]", f);
	fputs(comma ? ",\n" : "\n", f);
}

void baseline_json(FILE *f, const struct baseline *b, const struct baseline_diff *d, size_t n)
{
	fputs("  \"baseline\": {\n    \"file\": ", f);
	json_string(f, b->path);
	fputs(",\n    \"suite_version\": ", f);
	json_string(f, b->suite_version);
	fputs(",\n    \"source_revision\": ", f);
	json_string(f, b->source_revision);
	fputs(",\n    \"kernel\": ", f);
	json_string(f, b->kernel);
	fputs(",\n    \"verdict\": ", f);
	json_string(f, b->verdict);
	fprintf(f, ",\n    \"regressed\": %s,\n", baseline_regressions(d, n) ? "true" : "false");
	json_changes(f, "regressions", d, n, BL_REGRESSED, BL_REMOVED, true);
	json_changes(f, "improvements", d, n, BL_IMPROVED, BL_IMPROVED, true);
	json_changes(f, "new", d, n, BL_ADDED, BL_ADDED, true);
	json_changes(f, "changed", d, n, BL_CHANGED, BL_CHANGED, false);
	fputs("  }", f);
}
