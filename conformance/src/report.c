// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * JUnit XML and JSON certificate writers.  Strings from test output can hold
 * anything: both writers emit valid UTF-8 only (invalid bytes become
 * U+FFFD) and escape per XML 1.0 / RFC 8259.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "baseline.h"
#include "report.h"

#define REPLACEMENT_CHAR	0xfffdu

/* Decode one UTF-8 sequence; returns its length (1..4) or 0 if invalid. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
	size_t len, i;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		c = s[0] & 0x1f;
		min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		c = s[0] & 0x0f;
		min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		c = s[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)	/* also stops at the NUL */
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static void put_utf8(FILE *f, uint32_t c)
{
	if (c < 0x80) {
		fputc((int)c, f);
	} else if (c < 0x800) {
		fputc((int)(0xc0 | c >> 6), f);
		fputc((int)(0x80 | (c & 0x3f)), f);
	} else if (c < 0x10000) {
		fputc((int)(0xe0 | c >> 12), f);
		fputc((int)(0x80 | ((c >> 6) & 0x3f)), f);
		fputc((int)(0x80 | (c & 0x3f)), f);
	} else {
		fputc((int)(0xf0 | c >> 18), f);
		fputc((int)(0x80 | ((c >> 12) & 0x3f)), f);
		fputc((int)(0x80 | ((c >> 6) & 0x3f)), f);
		fputc((int)(0x80 | (c & 0x3f)), f);
	}
}

static bool xml_char_allowed(uint32_t c)
{
	return c == 0x9 || c == 0xa || c == 0xd ||
	       (c >= 0x20 && c <= 0xd7ff) ||
	       (c >= 0xe000 && c <= 0xfffd) ||
	       (c >= 0x10000 && c <= 0x10ffff);
}

static void xml_escape_mode(FILE *f, const char *s, bool attr)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	uint32_t c;
	size_t n;

	while (*p) {
		n = utf8_decode(p, &c);
		if (!n) {
			c = REPLACEMENT_CHAR;
			n = 1;
		}
		p += n;
		if (!xml_char_allowed(c))
			c = REPLACEMENT_CHAR;
		switch (c) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '\t': fputs(attr ? "&#9;" : "\t", f); break;
		case '\n': fputs(attr ? "&#10;" : "\n", f); break;
		case '\r': fputs("&#13;", f); break;
		default: put_utf8(f, c); break;
		}
	}
}

void xml_escape(FILE *f, const char *s)
{
	xml_escape_mode(f, s, true);
}

void xml_escape_text(FILE *f, const char *s)
{
	xml_escape_mode(f, s, false);
}

void json_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c;
	size_t n;

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*p) {
		n = utf8_decode(p, &c);
		if (!n) {
			c = REPLACEMENT_CHAR;
			n = 1;
		}
		p += n;
		switch (c) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\b': fputs("\\b", f); break;
		case '\f': fputs("\\f", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (c < 0x20)
				fprintf(f, "\\u%04x", c);
			else
				put_utf8(f, c);
			break;
		}
	}
	fputc('"', f);
}

/* ---------------- requirement verdicts ---------------- */

const char *req_status_name(enum req_status s)
{
	switch (s) {
	case REQ_PASS:
		return "pass";
	case REQ_FAIL:
		return "fail";
	case REQ_WARN:
		return "warn";
	case REQ_SKIP:
		return "skip";
	case REQ_NOT_RUN:
		return "not-run";
	}
	return "fail";
}

static int cmp_verdict(const void *a, const void *b)
{
	return strcmp(((const struct req_verdict *)a)->id,
		      ((const struct req_verdict *)b)->id);
}

/* Worse first: fail, warn, not-run, pass, skip. */
static int rank(enum req_status s)
{
	static const int r[] = {
		[REQ_FAIL] = 5, [REQ_WARN] = 4, [REQ_NOT_RUN] = 3, [REQ_PASS] = 2, [REQ_SKIP] = 1,
	};
	return r[s];
}

static enum req_status from_test(enum conform_status t, enum conform_level l)
{
	switch (t) {
	case CONFORM_PASS:
		return REQ_PASS;
	case CONFORM_SKIP:
		return REQ_SKIP;
	case CONFORM_NOT_RUN:
		return REQ_NOT_RUN;
	case CONFORM_FAIL:
		break;
	}
	return l == CONFORM_MUST ? REQ_FAIL : REQ_WARN;
}

static enum conform_level level_of(const struct report_meta *m, const char *id)
{
	int l = m ? conform_req_level(m->reqs, m->nreqs, id) : -1;

	return l < 0 ? CONFORM_MUST : (enum conform_level)l;
}

/* The row for id (added when new); NULL when out is full. */
static struct req_verdict *row(struct req_verdict *v, size_t *used, size_t max,
			       const struct report_meta *m, const char *id)
{
	size_t i;

	for (i = 0; i < *used; i++)
		if (!strcmp(v[i].id, id))
			return &v[i];
	if (*used == max)
		return NULL;
	v[*used] = (struct req_verdict){ .id = id, .level = level_of(m, id),
					 .status = REQ_NOT_RUN };
	return &v[(*used)++];
}

size_t report_req_verdicts(const struct report_meta *m, const struct conform_result *r,
			   size_t n, struct req_verdict *out, size_t max)
{
	struct req_verdict *v;
	enum req_status st;
	size_t i, j, used = 0;

	for (i = 0; m && m->reqs && i < m->nreqs; i++)
		row(out, &used, max, m, m->reqs[i].id);	/* not-run until cited */
	for (i = 0; i < n; i++) {
		for (j = 0; j < CONFORM_MAX_REQS && r[i].test->reqs[j]; j++) {
			v = row(out, &used, max, m, r[i].test->reqs[j]);
			if (!v)
				continue;
			st = from_test(r[i].status, v->level);
			if (!v->tests++ || rank(st) > rank(v->status))
				v->status = st;
		}
	}
	qsort(out, used, sizeof(*out), cmp_verdict);
	return used;
}

static bool filtered(const struct report_meta *m)
{
	return m->run.nfilters || m->run.nreqs;
}

static bool must_failed(const struct report_meta *m, const struct conform_result *r,
			size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		if (r[i].status != CONFORM_FAIL)
			continue;
		for (j = 0; j < CONFORM_MAX_REQS && r[i].test->reqs[j]; j++)
			if (level_of(m, r[i].test->reqs[j]) == CONFORM_MUST)
				return true;
		if (!r[i].test->reqs[0])
			return true;
	}
	return false;
}

static bool any_status(const struct conform_result *r, size_t n, enum conform_status s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (r[i].status == s)
			return true;
	return false;
}

const char *report_incomplete_why(const struct report_meta *m,
				  const struct conform_result *r, size_t n)
{
	const struct conform_totals *t = m->run.totals;

	if (m->error)
		return "the run stopped before the first test";
	if (t && t->end_reason[0])
		return t->end_reason;
	if (filtered(m))
		return "a selection (--filter/--req) of the tests ran";
	if (!any_status(r, n, CONFORM_PASS))
		return "no test passed";
	return "";
}

const char *report_verdict(const struct report_meta *m, const struct conform_result *r,
			   size_t n)
{
	if (must_failed(m, r, n))
		return "not-conformant";
	if (report_incomplete_why(m, r, n)[0])
		return "incomplete";
	if (any_status(r, n, CONFORM_FAIL)) {
		size_t i, j;

		/* a SHOULD broken warns; an INFO deviation alone does not */
		for (i = 0; i < n; i++)
			for (j = 0; r[i].status == CONFORM_FAIL && j < CONFORM_MAX_REQS &&
			     r[i].test->reqs[j]; j++)
				if (level_of(m, r[i].test->reqs[j]) == CONFORM_SHOULD)
					return "conformant-with-warnings";
	}
	return "conformant";
}

static void count(const struct conform_result *r, size_t n, struct conform_totals *t)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < n; i++) {
		if (r[i].status == CONFORM_PASS)
			t->pass++;
		else if (r[i].status == CONFORM_SKIP)
			t->skip++;
		else if (r[i].status == CONFORM_NOT_RUN)
			t->not_run++;
		else
			t->fail++;
	}
}

static uint64_t total_ms(const struct conform_result *r, size_t n)
{
	uint64_t ms = 0;
	size_t i;

	for (i = 0; i < n; i++)
		ms += r[i].duration_ms;
	return ms;
}

/* ---------------- JUnit ---------------- */

static void xml_attr(FILE *f, const char *name, const char *value)
{
	fprintf(f, " %s=\"", name);
	xml_escape(f, value);
	fputc('"', f);
}

static void xml_property(FILE *f, const char *indent, const char *name, const char *value)
{
	fprintf(f, "%s<property", indent);
	xml_attr(f, "name", name);
	xml_attr(f, "value", value ? value : "");
	fputs("/>\n", f);
}

static void split_name(const char *name, char *area, size_t alen, const char **tcase)
{
	const char *slash = strchr(name, '/');

	if (!slash) {
		snprintf(area, alen, "%s", "vfio-conform");
		*tcase = name;
		return;
	}
	snprintf(area, alen, "%.*s", (int)(slash - name), name);
	*tcase = slash + 1;
}

/*
 * The requirement IDs and the level where CI servers keep them: the common
 * JUnit schema (schema/junit-10.xsd) has no <properties> in <testcase>, and
 * lenient parsers drop them.  Each testcase's <system-out> starts with the
 * TAP line "# REQ-... (LEVEL) ..." and "# level: L" (the test's level); the
 * suite's <properties> map each test name to "LEVEL REQ-...".
 */
static void junit_reqs_out(FILE *f, const struct report_meta *m,
			   const struct conform_result *r)
{
	size_t j;
	int l;

	fputc('#', f);
	for (j = 0; j < CONFORM_MAX_REQS && r->test->reqs[j]; j++) {
		fputc(' ', f);
		xml_escape_text(f, r->test->reqs[j]);
		l = conform_req_level(m->reqs, m->nreqs, r->test->reqs[j]);
		if (l >= 0)
			fprintf(f, " (%s)", conform_level_name((enum conform_level)l));
	}
	fprintf(f, "\n# level: %s\n",
		conform_level_name(runner_test_level(r->test, m->reqs, m->nreqs)));
}

static void junit_testcase(FILE *f, const struct report_meta *m,
			   const struct conform_result *r)
{
	const char *tcase;
	char area[64];

	split_name(r->test->name, area, sizeof(area), &tcase);
	fputs("    <testcase", f);
	xml_attr(f, "classname", area);
	xml_attr(f, "name", tcase);
	fprintf(f, " time=\"%.3f\">\n", (double)r->duration_ms / 1000.0);
	if (r->status == CONFORM_FAIL) {
		fputs("      <failure", f);
		xml_attr(f, "message", r->reason ? r->reason : "test failed");
		xml_attr(f, "type", r->wedged ? "wedged" : r->timed_out ? "timeout" : "failure");
		fputc('>', f);
		xml_escape_text(f, r->output);
		fputs("</failure>\n", f);
	} else if (r->status == CONFORM_SKIP) {
		fputs("      <skipped", f);
		xml_attr(f, "message", r->reason ? r->reason : "");
		fputs("/>\n", f);
	} else if (r->status == CONFORM_NOT_RUN) {
		char *msg = NULL;

		fputs("      <skipped", f);
		if (asprintf(&msg, "not-run: %s", r->reason ? r->reason : "") < 0)
			msg = NULL;
		xml_attr(f, "message", msg ? msg : "not-run");
		free(msg);
		fputs("/>\n", f);
	}
	fputs("      <system-out>", f);
	junit_reqs_out(f, m, r);
	if (r->status != CONFORM_FAIL && r->output)
		xml_escape_text(f, r->output);
	fputs("</system-out>\n", f);
	fputs("    </testcase>\n", f);
}

/* Per test: property "<test name>" = "<LEVEL> <REQ-ID>...". */
static void junit_test_property(FILE *f, const struct report_meta *m,
				const struct conform_result *r)
{
	char buf[256];
	size_t len, j;

	len = (size_t)snprintf(buf, sizeof(buf), "%s",
			       conform_level_name(runner_test_level(r->test, m->reqs, m->nreqs)));
	for (j = 0; j < CONFORM_MAX_REQS && r->test->reqs[j] && len < sizeof(buf); j++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %s", r->test->reqs[j]);
	xml_property(f, "      ", r->test->name, buf);
}

/* <testsuites> has no "skipped" in the schema: only <testsuite> says it. */
static void junit_counts(FILE *f, const struct conform_totals *t, size_t n,
			 unsigned int errors, uint64_t ms, bool suite)
{
	fprintf(f, " tests=\"%zu\" failures=\"%u\" errors=\"%u\"", n + errors, t->fail, errors);
	if (suite)
		fprintf(f, " skipped=\"%u\"", t->skip + t->not_run);
	fprintf(f, " time=\"%.3f\"", (double)ms / 1000.0);
}

/* A run that bailed out: one errored pseudo test case says why. */
static void junit_bail_out(FILE *f, const char *error)
{
	fputs("    <testcase classname=\"vfio-conform\" name=\"preflight\" time=\"0.000\">\n"
	      "      <error", f);
	xml_attr(f, "message", error);
	fputs("/>\n    </testcase>\n", f);
}

int report_write_junit(FILE *f, const struct report_meta *m,
		       const struct conform_result *r, size_t n)
{
	unsigned int errors = m->error ? 1 : 0;
	struct conform_totals t;
	uint64_t ms = total_ms(r, n);
	size_t i;

	count(r, n, &t);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites", f);
	xml_attr(f, "name", m->suite);
	junit_counts(f, &t, n, errors, ms, false);
	fputs(">\n  <testsuite", f);
	xml_attr(f, "name", m->suite);
	junit_counts(f, &t, n, errors, ms, true);
	if (m->timestamp)
		xml_attr(f, "timestamp", m->timestamp);
	fputs(">\n    <properties>\n", f);
	xml_property(f, "      ", "suite_version", m->suite_version);
	xml_property(f, "      ", "source_revision", m->source_revision);
	xml_property(f, "      ", "verdict", report_verdict(m, r, n));
	xml_property(f, "      ", "kernel", m->kernel);
	xml_property(f, "      ", "device", m->dev.bdf);
	xml_property(f, "      ", "vendor", m->dev.vendor);
	xml_property(f, "      ", "device_id", m->dev.device);
	xml_property(f, "      ", "vendor_name", m->dev.vendor_name);
	xml_property(f, "      ", "device_name", m->dev.device_name);
	xml_property(f, "      ", "driver", m->dev.driver);
	xml_property(f, "      ", "is_vf", m->dev.is_vf ? "true" : "false");
	if (m->dev.mdev) {
		xml_property(f, "      ", "mdev_type", m->dev.mdev_type);
		xml_property(f, "      ", "mdev_parent", m->dev.parent);
	}
	for (i = 0; i < n; i++)
		junit_test_property(f, m, &r[i]);
	fputs("    </properties>\n", f);
	if (m->error)
		junit_bail_out(f, m->error);
	for (i = 0; i < n; i++)
		junit_testcase(f, m, &r[i]);
	fputs("  </testsuite>\n</testsuites>\n", f);
	return ferror(f) ? -EIO : 0;
}

/* ---------------- JSON ---------------- */

static void json_key(FILE *f, const char *indent, const char *key)
{
	fputs(indent, f);
	json_string(f, key);
	fputs(": ", f);
}

static void json_kv(FILE *f, const char *indent, const char *key, const char *val,
		    bool comma)
{
	json_key(f, indent, key);
	json_string(f, val);
	fputs(comma ? ",\n" : "\n", f);
}

static void json_num(FILE *f, const char *indent, const char *key, long long v, bool comma)
{
	json_key(f, indent, key);
	fprintf(f, "%lld%s", v, comma ? ",\n" : "\n");
}

static void json_bool(FILE *f, const char *indent, const char *key, bool v, bool comma)
{
	json_key(f, indent, key);
	fprintf(f, "%s%s", v ? "true" : "false", comma ? ",\n" : "\n");
}

static void json_strings(FILE *f, const char *const *v, size_t n)
{
	size_t i;

	fputc('[', f);
	for (i = 0; i < n; i++) {
		if (i)
			fputs(", ", f);
		json_string(f, v[i]);
	}
	fputc(']', f);
}

static void json_device(FILE *f, const struct report_device *d)
{
	fputs("  \"device\": {\n", f);
	if (d->mdev) {
		/* no PCI sysfs identity: say what it is instead */
		json_kv(f, "    ", "kind", "mdev", true);
		json_kv(f, "    ", "uuid", d->bdf, true);
		json_kv(f, "    ", "bdf", NULL, true);
		json_kv(f, "    ", "parent", d->parent, true);
		json_kv(f, "    ", "mdev_type", d->mdev_type, true);
	} else {
		json_kv(f, "    ", "kind", "pci", true);
		json_kv(f, "    ", "bdf", d->bdf, true);
		json_kv(f, "    ", "vendor", d->vendor, true);
		json_kv(f, "    ", "device", d->device, true);
		json_kv(f, "    ", "vendor_name", d->vendor_name, true);
		json_kv(f, "    ", "device_name", d->device_name, true);
		json_kv(f, "    ", "subsystem_vendor", d->subsystem_vendor, true);
		json_kv(f, "    ", "subsystem_device", d->subsystem_device, true);
		json_kv(f, "    ", "physfn", d->physfn, true);
		json_kv(f, "    ", "physfn_driver", d->physfn_driver, true);
	}
	json_kv(f, "    ", "driver", d->driver, true);
	json_kv(f, "    ", "driver_version", d->driver_version, true);
	json_kv(f, "    ", "driver_srcversion", d->driver_srcversion, true);
	json_key(f, "    ", "iommu_group");
	if (d->iommu_group >= 0)
		fprintf(f, "%d,\n", d->iommu_group);
	else
		fputs("null,\n", f);
	fprintf(f, "    \"is_vf\": %s\n  },\n", d->is_vf && !d->mdev ? "true" : "false");
}

static void json_run(FILE *f, const struct report_meta *m)
{
	const struct report_run *run = &m->run;
	const struct conform_totals *t = run->totals;

	fputs("  \"run\": {\n    \"selection\": {\"filters\": ", f);
	json_strings(f, run->filters, run->nfilters);
	fputs(", \"requirements\": ", f);
	json_strings(f, run->reqs, run->nreqs);
	fprintf(f, ", \"complete\": %s},\n", filtered(m) ? "false" : "true");
	fputs("    \"topology\": {\"pf\": ", f);
	json_string(f, run->pf);
	fputs(", \"pf_driver\": ", f);
	json_string(f, run->pf_driver);
	fputs(", \"peer\": ", f);
	json_string(f, run->peer);
	fputs("},\n", f);
	fprintf(f, "    \"timeouts\": {\"test_s\": %u, \"reap_grace_s\": %u, \"probe_s\": %u},\n",
		run->timeout_s, run->reap_grace_s, run->probe_timeout_s);
	json_bool(f, "    ", "root", run->root, true);
	fputs("    \"ended_early\": ", f);
	if (t && t->end_reason[0]) {
		fputs("{\"reason\": ", f);
		json_string(f, t->end_reason);
		fputs(", \"culprit\": ", f);
		json_string(f, t->culprit ? t->culprit->name : NULL);
		fputs(", \"signal\": ", f);
		if (t->signal)
			fprintf(f, "\"SIG%s\"", sigabbrev_np(t->signal));
		else
			fputs("null", f);
		fputs("}\n", f);
	} else {
		fputs("null\n", f);
	}
	fputs("  },\n", f);
}

static void json_result(FILE *f, const struct report_meta *m,
			const struct conform_result *r, bool comma)
{
	size_t j;

	fputs("    {\n", f);
	json_kv(f, "      ", "name", r->test->name, true);
	json_kv(f, "      ", "status", conform_status_name(r->status), true);
	json_kv(f, "      ", "level",
		conform_level_name(runner_test_level(r->test, m->reqs, m->nreqs)), true);
	json_kv(f, "      ", "reason", r->reason ? r->reason : "", true);
	fputs("      \"requirements\": [", f);
	for (j = 0; j < CONFORM_MAX_REQS && r->test->reqs[j]; j++) {
		if (j)
			fputs(", ", f);
		json_string(f, r->test->reqs[j]);
	}
	fputs("],\n", f);
	json_bool(f, "      ", "timed_out", r->timed_out, true);
	json_bool(f, "      ", "wedged", r->wedged, true);
	json_num(f, "      ", "duration_ms", (long long)r->duration_ms, false);
	fprintf(f, "    }%s\n", comma ? "," : "");
}

static int json_requirements(FILE *f, const struct report_meta *m,
			     const struct conform_result *r, size_t n, unsigned int *warn)
{
	size_t cap = m->nreqs + n * CONFORM_MAX_REQS + 1, cnt, i;
	struct req_verdict *v = calloc(cap, sizeof(*v));

	if (!v)
		return -ENOMEM;
	cnt = report_req_verdicts(m, r, n, v, cap);
	*warn = 0;
	fputs("  \"requirements\": {", f);
	for (i = 0; i < cnt; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		json_string(f, v[i].id);
		fputs(": {\"level\": ", f);
		json_string(f, conform_level_name(v[i].level));
		fputs(", \"verdict\": ", f);
		json_string(f, req_status_name(v[i].status));
		fprintf(f, ", \"tests\": %u}", v[i].tests);
		if (v[i].status == REQ_WARN)
			(*warn)++;
	}
	fputs(cnt ? "\n  },\n" : "},\n", f);
	free(v);
	return 0;
}

int report_write_json(FILE *f, const struct report_meta *m,
		      const struct conform_result *r, size_t n)
{
	struct conform_totals t;
	unsigned int warn = 0;
	size_t i;
	int rc;

	count(r, n, &t);
	fputs("{\n", f);
	json_num(f, "  ", "format_version", REPORT_FORMAT_VERSION, true);
	json_kv(f, "  ", "suite", m->suite, true);
	json_kv(f, "  ", "suite_version", m->suite_version, true);
	json_kv(f, "  ", "source_revision", m->source_revision, true);
	json_kv(f, "  ", "kernel", m->kernel, true);
	json_kv(f, "  ", "timestamp", m->timestamp, true);
	json_device(f, &m->dev);
	json_run(f, m);
	if (m->error)
		json_kv(f, "  ", "error", m->error, true);
	fputs(n ? "  \"results\": [\n" : "  \"results\": [", f);
	for (i = 0; i < n; i++)
		json_result(f, m, &r[i], i + 1 < n);
	fputs(n ? "  ],\n" : "],\n", f);
	rc = json_requirements(f, m, r, n, &warn);
	if (rc)
		return rc;
	fprintf(f, "  \"summary\": {\"passed\": %u, \"failed\": %u, \"skipped\": %u, "
		"\"not_run\": %u, \"requirement_warnings\": %u},\n",
		t.pass, t.fail, t.skip, t.not_run, warn);
	if (m->baseline) {
		baseline_json(f, m->baseline, m->bdiff, m->nbdiff);
		fputs(",\n", f);
	}
	json_kv(f, "  ", "incomplete_because", report_incomplete_why(m, r, n)[0] ?
		report_incomplete_why(m, r, n) : NULL, true);
	json_kv(f, "  ", "verdict", report_verdict(m, r, n), false);
	fputs("}\n", f);
	return ferror(f) ? -EIO : 0;
}

/* dir of path ("." when none) into buf */
static void dir_of(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(buf, len, ".");
	else if (slash == path)
		snprintf(buf, len, "/");
	else
		snprintf(buf, len, "%.*s", (int)(slash - path), path);
}

int report_path_check(const char *path)
{
	char dir[4096], tmpl[4200];
	struct stat stb;
	int fd;

	if (!stat(path, &stb) && S_ISDIR(stb.st_mode))
		return -EISDIR;
	if (!stat(path, &stb) && !S_ISREG(stb.st_mode)) {	/* /dev/stdout, a FIFO */
		fd = open(path, O_WRONLY | O_NONBLOCK);
		if (fd < 0)
			return errno == ENXIO ? 0 : -errno;	/* a FIFO without reader yet */
		close(fd);
		return 0;
	}
	dir_of(path, dir, sizeof(dir));
	snprintf(tmpl, sizeof(tmpl), "%s/.vfio-conform-check.XXXXXX", dir);
	fd = mkstemp(tmpl);
	if (fd < 0)
		return -errno;
	close(fd);
	unlink(tmpl);
	return 0;
}

static int write_file(const char *path,
		      int (*fn)(FILE *, const struct report_meta *,
				const struct conform_result *, size_t),
		      const struct report_meta *m, const struct conform_result *r, size_t n)
{
	char dir[4096], tmp[4200];
	struct stat stb;
	FILE *f;
	int fd, rc;

	if (!stat(path, &stb) && !S_ISREG(stb.st_mode)) {	/* nothing to rename over */
		f = fopen(path, "w");
		if (!f)
			return -errno;
		rc = fn(f, m, r, n);
		if (fclose(f) && !rc)
			rc = -errno;
		return rc;
	}
	dir_of(path, dir, sizeof(dir));
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir,
		 strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return -errno;
	fchmod(fd, 0644);
	f = fdopen(fd, "w");
	if (!f) {
		rc = -errno;
		close(fd);
		unlink(tmp);
		return rc;
	}
	rc = fn(f, m, r, n);
	if (!rc && fflush(f))
		rc = -errno;
	if (!rc && fsync(fileno(f)) && (errno == EIO || errno == ENOSPC || errno == EDQUOT))
		rc = -errno;
	if (fclose(f) && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path))
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

int report_junit_file(const char *path, const struct report_meta *m,
		      const struct conform_result *r, size_t n)
{
	return write_file(path, report_write_junit, m, r, n);
}

int report_json_file(const char *path, const struct report_meta *m,
		     const struct conform_result *r, size_t n)
{
	return write_file(path, report_write_json, m, r, n);
}

/* ---------------- requirement levels ---------------- */

const char *conform_level_name(enum conform_level l)
{
	switch (l) {
	case CONFORM_MUST:
		return "MUST";
	case CONFORM_SHOULD:
		return "SHOULD";
	case CONFORM_INFO:
		return "INFO";
	}
	return "MUST";
}

int conform_req_level(const struct conform_req *tab, size_t n, const char *id)
{
	size_t i;

	for (i = 0; tab && i < n; i++)
		if (!strcmp(tab[i].id, id))
			return (int)tab[i].level;
	return -1;
}
