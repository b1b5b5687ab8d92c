// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * JUnit XML (libxml2's xmlTextWriter) and JSON certificate (jansson)
 * writers.  Strings from test output can hold anything: both emit valid
 * UTF-8 only (report_utf8: ill-formed sequences become U+FFFD); the
 * libraries do the escaping (XML 1.0, RFC 8259).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <libxml/chvalid.h>
#include <libxml/xmlwriter.h>
#include <unistr.h>

#include "baseline.h"

#define REPLACEMENT_CHAR	0xfffdu
#include "report.h"

/*
 * s as valid UTF-8, malloc'd: libunistring decodes it, each ill-formed
 * sequence (RFC 3629: overlong, surrogate, beyond U+10FFFF, truncated)
 * becomes U+FFFD, and so does each character XML 1.0 forbids when xml.
 */
char *report_utf8(const char *s, bool xml)
{
	const uint8_t *p = (const uint8_t *)(s ? s : "");
	size_t n = strlen((const char *)p), i = 0, o = 0;
	uint8_t *out = malloc(3 * n + 1);	/* U+FFFD for each byte at worst */
	ucs4_t c;
	int k;

	if (!out)
		return NULL;
	while (i < n) {
		i += (size_t)u8_mbtouc(&c, p + i, n - i);	/* >= 1 */
		if (xml && !xmlIsCharQ(c))
			c = REPLACEMENT_CHAR;
		k = u8_uctomb(out + o, c, 4);	/* c is a scalar value: 1..3 bytes */
		o += k > 0 ? (size_t)k : 0;
	}
	out[o] = '\0';
	return (char *)out;
}

/* s as a JSON string (valid UTF-8 made of it), null for NULL. */
json_t *report_json_str(const char *s)
{
	char *u;
	json_t *j;

	if (!s)
		return json_null();
	u = report_utf8(s, false);
	j = u ? json_string(u) : NULL;
	free(u);
	return j;
}

/* An array of strings. */
static json_t *json_strs(const char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, report_json_str(v[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
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

/* libxml2's text writer; the first failed call makes err -EIO. */
struct xw {
	xmlTextWriterPtr w;
	int err;
};

static void xcheck(struct xw *x, int rc)
{
	if (rc < 0)
		x->err = -EIO;
}

static void xstart(struct xw *x, const char *element)
{
	xcheck(x, xmlTextWriterStartElement(x->w, BAD_CAST element));
}

static void xend(struct xw *x)
{
	xcheck(x, xmlTextWriterEndElement(x->w));
}

static void xattr(struct xw *x, const char *name, const char *value)
{
	char *u = report_utf8(value, true);

	xcheck(x, u ? xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST u) : -1);
	free(u);
}

static void __attribute__((format(printf, 3, 4)))
xattrf(struct xw *x, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	xcheck(x, xmlTextWriterWriteVFormatAttribute(x->w, BAD_CAST name, fmt, ap));
	va_end(ap);
}

static void xtext(struct xw *x, const char *s)
{
	char *u = report_utf8(s, true);

	xcheck(x, u ? xmlTextWriterWriteString(x->w, BAD_CAST u) : -1);
	free(u);
}

static void xml_property(struct xw *x, const char *name, const char *value)
{
	xstart(x, "property");
	xattr(x, "name", name);
	xattr(x, "value", value ? value : "");
	xend(x);
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
static void junit_reqs_out(struct xw *x, const struct report_meta *m,
			   const struct conform_result *r)
{
	char buf[512];
	size_t len = 1, j;
	int l;

	buf[0] = '#';
	for (j = 0; j < CONFORM_MAX_REQS && r->test->reqs[j] && len < sizeof(buf); j++) {
		l = conform_req_level(m->reqs, m->nreqs, r->test->reqs[j]);
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %s%s%s%s",
					r->test->reqs[j], l >= 0 ? " (" : "",
					l >= 0 ? conform_level_name((enum conform_level)l) : "",
					l >= 0 ? ")" : "");
	}
	if (len < sizeof(buf))
		snprintf(buf + len, sizeof(buf) - len, "\n# level: %s\n",
			 conform_level_name(runner_test_level(r->test, m->reqs, m->nreqs)));
	xtext(x, buf);
}

static void junit_skipped(struct xw *x, const struct conform_result *r)
{
	char *msg = NULL;

	xstart(x, "skipped");
	if (r->status == CONFORM_SKIP) {
		xattr(x, "message", r->reason ? r->reason : "");
	} else {
		if (asprintf(&msg, "not-run: %s", r->reason ? r->reason : "") < 0)
			msg = NULL;
		xattr(x, "message", msg ? msg : "not-run");
		free(msg);
	}
	xend(x);
}

static void junit_testcase(struct xw *x, const struct report_meta *m,
			   const struct conform_result *r)
{
	const char *tcase;
	char area[64];

	split_name(r->test->name, area, sizeof(area), &tcase);
	xstart(x, "testcase");
	xattr(x, "classname", area);
	xattr(x, "name", tcase);
	xattrf(x, "time", "%.3f", (double)r->duration_ms / 1000.0);
	if (r->status == CONFORM_FAIL) {
		xstart(x, "failure");
		xattr(x, "message", r->reason ? r->reason : "test failed");
		xattr(x, "type", r->wedged ? "wedged" : r->timed_out ? "timeout" : "failure");
		xtext(x, r->output ? r->output : "");
		xend(x);
	} else if (r->status == CONFORM_SKIP || r->status == CONFORM_NOT_RUN) {
		junit_skipped(x, r);
	}
	xstart(x, "system-out");
	junit_reqs_out(x, m, r);
	if (r->status != CONFORM_FAIL && r->output)
		xtext(x, r->output);
	xend(x);
	xend(x);
}

/* Per test: property "<test name>" = "<LEVEL> <REQ-ID>...". */
static void junit_test_property(struct xw *x, const struct report_meta *m,
				const struct conform_result *r)
{
	char buf[256];
	size_t len, j;

	len = (size_t)snprintf(buf, sizeof(buf), "%s",
			       conform_level_name(runner_test_level(r->test, m->reqs, m->nreqs)));
	for (j = 0; j < CONFORM_MAX_REQS && r->test->reqs[j] && len < sizeof(buf); j++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, " %s", r->test->reqs[j]);
	xml_property(x, r->test->name, buf);
}

/* <testsuites> has no "skipped" in the schema: only <testsuite> says it. */
static void junit_counts(struct xw *x, const struct conform_totals *t, size_t n,
			 unsigned int errors, uint64_t ms, bool suite)
{
	xattrf(x, "tests", "%zu", n + errors);
	xattrf(x, "failures", "%u", t->fail);
	xattrf(x, "errors", "%u", errors);
	if (suite)
		xattrf(x, "skipped", "%u", t->skip + t->not_run);
	xattrf(x, "time", "%.3f", (double)ms / 1000.0);
}

/* A run that bailed out: one errored pseudo test case says why. */
static void junit_bail_out(struct xw *x, const char *error)
{
	xstart(x, "testcase");
	xattr(x, "classname", "vfio-conform");
	xattr(x, "name", "preflight");
	xattr(x, "time", "0.000");
	xstart(x, "error");
	xattr(x, "message", error);
	xend(x);
	xend(x);
}

static void junit_properties(struct xw *x, const struct report_meta *m,
			     const struct conform_result *r, size_t n)
{
	size_t i;

	xstart(x, "properties");
	xml_property(x, "suite_version", m->suite_version);
	xml_property(x, "source_revision", m->source_revision);
	xml_property(x, "verdict", report_verdict(m, r, n));
	xml_property(x, "kernel", m->kernel);
	xml_property(x, "device", m->dev.bdf);
	xml_property(x, "vendor", m->dev.vendor);
	xml_property(x, "device_id", m->dev.device);
	xml_property(x, "vendor_name", m->dev.vendor_name);
	xml_property(x, "device_name", m->dev.device_name);
	xml_property(x, "driver", m->dev.driver);
	xml_property(x, "is_vf", m->dev.is_vf ? "true" : "false");
	if (m->dev.mdev) {
		xml_property(x, "mdev_type", m->dev.mdev_type);
		xml_property(x, "mdev_parent", m->dev.parent);
	}
	for (i = 0; i < n; i++)
		junit_test_property(x, m, &r[i]);
	xend(x);
}

static void junit_document(struct xw *x, const struct report_meta *m,
			   const struct conform_result *r, size_t n)
{
	unsigned int errors = m->error ? 1 : 0;
	struct conform_totals t;
	uint64_t ms = total_ms(r, n);
	size_t i;

	count(r, n, &t);
	xcheck(x, xmlTextWriterSetIndent(x->w, 1));
	xcheck(x, xmlTextWriterSetIndentString(x->w, BAD_CAST "  "));
	xcheck(x, xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL));
	xstart(x, "testsuites");
	xattr(x, "name", m->suite);
	junit_counts(x, &t, n, errors, ms, false);
	xstart(x, "testsuite");
	xattr(x, "name", m->suite);
	junit_counts(x, &t, n, errors, ms, true);
	if (m->timestamp)
		xattr(x, "timestamp", m->timestamp);
	junit_properties(x, m, r, n);
	if (m->error)
		junit_bail_out(x, m->error);
	for (i = 0; i < n; i++)
		junit_testcase(x, m, &r[i]);
	xcheck(x, xmlTextWriterEndDocument(x->w));	/* closes what is open */
}

int report_write_junit(FILE *f, const struct report_meta *m,
		       const struct conform_result *r, size_t n)
{
	xmlOutputBufferPtr out = xmlOutputBufferCreateFile(f, NULL);
	struct xw x = { .w = out ? xmlNewTextWriter(out) : NULL };

	if (!x.w) {
		xmlOutputBufferClose(out);
		return -ENOMEM;
	}
	junit_document(&x, m, r, n);
	xmlFreeTextWriter(x.w);		/* flushes into f; f stays open */
	return x.err ? x.err : ferror(f) ? -EIO : 0;
}

/* ---------------- JSON ---------------- */

static json_t *json_device(const struct report_device *d)
{
	json_t *o;

	if (d->mdev)	/* no PCI sysfs identity: say what it is instead */
		o = json_pack("{s:s, s:o, s:n, s:o, s:o}", "kind", "mdev",
			      "uuid", report_json_str(d->bdf), "bdf",
			      "parent", report_json_str(d->parent),
			      "mdev_type", report_json_str(d->mdev_type));
	else
		o = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			      "kind", "pci", "bdf", report_json_str(d->bdf),
			      "vendor", report_json_str(d->vendor),
			      "device", report_json_str(d->device),
			      "vendor_name", report_json_str(d->vendor_name),
			      "device_name", report_json_str(d->device_name),
			      "subsystem_vendor", report_json_str(d->subsystem_vendor),
			      "subsystem_device", report_json_str(d->subsystem_device),
			      "physfn", report_json_str(d->physfn),
			      "physfn_driver", report_json_str(d->physfn_driver));
	if (o && json_object_update_new(o, json_pack(
			"{s:o, s:o, s:o, s:o, s:b}", "driver", report_json_str(d->driver),
			"driver_version", report_json_str(d->driver_version),
			"driver_srcversion", report_json_str(d->driver_srcversion),
			"iommu_group", d->iommu_group >= 0 ? json_integer(d->iommu_group) :
							     json_null(),
			"is_vf", d->is_vf && !d->mdev))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *json_ended_early(const struct conform_totals *t)
{
	char sig[32];

	if (!t || !t->end_reason[0])
		return json_null();
	snprintf(sig, sizeof(sig), "SIG%s", t->signal ? sigabbrev_np(t->signal) : "");
	return json_pack("{s:o, s:o, s:o}", "reason", report_json_str(t->end_reason),
			 "culprit", report_json_str(t->culprit ? t->culprit->name : NULL),
			 "signal", report_json_str(t->signal ? sig : NULL));
}

static json_t *json_run(const struct report_meta *m)
{
	const struct report_run *run = &m->run;

	return json_pack("{s:{s:o, s:o, s:b}, s:{s:o, s:o, s:o}, s:{s:I, s:I, s:I}, s:b, s:o}",
			 "selection", "filters", json_strs(run->filters, run->nfilters),
			 "requirements", json_strs(run->reqs, run->nreqs),
			 "complete", !filtered(m),
			 "topology", "pf", report_json_str(run->pf),
			 "pf_driver", report_json_str(run->pf_driver),
			 "peer", report_json_str(run->peer),
			 "timeouts", "test_s", (json_int_t)run->timeout_s,
			 "reap_grace_s", (json_int_t)run->reap_grace_s,
			 "probe_s", (json_int_t)run->probe_timeout_s,
			 "root", run->root, "ended_early", json_ended_early(run->totals));
}

static json_t *json_result(const struct report_meta *m, const struct conform_result *r)
{
	size_t j = 0;

	while (j < CONFORM_MAX_REQS && r->test->reqs[j])
		j++;
	return json_pack("{s:o, s:s, s:s, s:o, s:o, s:b, s:b, s:I}",
			 "name", report_json_str(r->test->name),
			 "status", conform_status_name(r->status),
			 "level", conform_level_name(runner_test_level(r->test, m->reqs, m->nreqs)),
			 "reason", report_json_str(r->reason ? r->reason : ""),
			 "requirements", json_strs(r->test->reqs, j),
			 "timed_out", r->timed_out, "wedged", r->wedged,
			 "duration_ms", (json_int_t)r->duration_ms);
}

static json_t *json_results(const struct report_meta *m, const struct conform_result *r,
			    size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_result(m, &r[i]))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* The per-requirement verdicts; *warn counts the warnings. */
static json_t *json_requirements(const struct report_meta *m, const struct conform_result *r,
				 size_t n, unsigned int *warn)
{
	size_t cap = m->nreqs + n * CONFORM_MAX_REQS + 1, cnt, i;
	struct req_verdict *v = calloc(cap, sizeof(*v));
	json_t *o = v ? json_object() : NULL;

	cnt = o ? report_req_verdicts(m, r, n, v, cap) : 0;
	*warn = 0;
	for (i = 0; o && i < cnt; i++) {
		if (json_object_set_new(o, v[i].id, json_pack(
				"{s:s, s:s, s:I}", "level", conform_level_name(v[i].level),
				"verdict", req_status_name(v[i].status),
				"tests", (json_int_t)v[i].tests))) {
			json_decref(o);
			o = NULL;
		}
		*warn += v[i].status == REQ_WARN;
	}
	free(v);
	return o;
}

static json_t *json_certificate(const struct report_meta *m, const struct conform_result *r,
				size_t n)
{
	const char *why = report_incomplete_why(m, r, n);
	struct conform_totals t;
	unsigned int warn = 0;
	json_t *o, *reqs;

	count(r, n, &t);
	o = json_pack("{s:i, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
		      "format_version", REPORT_FORMAT_VERSION, "suite", report_json_str(m->suite),
		      "suite_version", report_json_str(m->suite_version),
		      "source_revision", report_json_str(m->source_revision),
		      "kernel", report_json_str(m->kernel),
		      "timestamp", report_json_str(m->timestamp),
		      "device", json_device(&m->dev), "run", json_run(m));
	if (!o)
		return NULL;
	if (m->error && json_object_set_new(o, "error", report_json_str(m->error)))
		goto fail;
	reqs = json_requirements(m, r, n, &warn);
	if (json_object_update_new(o, json_pack(
			"{s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I}}",
			"results", json_results(m, r, n), "requirements", reqs,
			"summary", "passed", (json_int_t)t.pass, "failed", (json_int_t)t.fail,
			"skipped", (json_int_t)t.skip, "not_run", (json_int_t)t.not_run,
			"requirement_warnings", (json_int_t)warn)))
		goto fail;
	if (m->baseline && json_object_set_new(o, "baseline",
					       baseline_json(m->baseline, m->bdiff, m->nbdiff)))
		goto fail;
	if (json_object_update_new(o, json_pack("{s:o, s:s}", "incomplete_because",
						report_json_str(why[0] ? why : NULL),
						"verdict", report_verdict(m, r, n))))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

int report_write_json(FILE *f, const struct report_meta *m,
		      const struct conform_result *r, size_t n)
{
	json_t *cert = json_certificate(m, r, n);
	int rc;

	if (!cert)
		return -ENOMEM;
	rc = json_dumpf(cert, f, JSON_INDENT(2));
	json_decref(cert);
	if (rc || fputc('\n', f) == EOF || ferror(f))
		return -EIO;
	return 0;
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
