// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Host-side unit tests of the JUnit and JSON writers: escaping, requirement
 * verdict aggregation, verdict, document shape.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "baseline.h"
#include "report.h"

#define assert_contains(hay, needle)					\
	do {								\
		if (!strstr((hay), (needle)))				\
			fail_msg("expected to find [%s] in:\n%s", (needle), (hay)); \
	} while (0)

static void check_utf8(bool xml, const char *in, const char *want)
{
	char *out = report_utf8(in, xml);

	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

/* What the writers hand their libraries: valid UTF-8, XML 1.0 characters. */
static void test_utf8_repair(void **state)
{
	(void)state;
	check_utf8(true, "plain <&>\"'", "plain <&>\"'");	/* the libraries escape */
	check_utf8(true, "l1\nl2\tx\r", "l1\nl2\tx\r");
	/* C0 controls are not XML 1.0 characters */
	check_utf8(true, "a\x01z\x1b", "a\xef\xbf\xbdz\xef\xbf\xbd");
	check_utf8(false, "a\x01z\x1b", "a\x01z\x1b");	/* JSON escapes them */
	check_utf8(true, "caf\xc3\xa9 \xf0\x9f\x98\x80", "caf\xc3\xa9 \xf0\x9f\x98\x80");
	check_utf8(false, "x\xffy", "x\xef\xbf\xbdy");
	check_utf8(false, "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");	/* overlong */
	/* libunistring: one U+FFFD for a whole ill-formed 3- or 4-byte sequence */
	check_utf8(false, "\xed\xa0\x80", "\xef\xbf\xbd");	/* surrogate */
	check_utf8(false, "\xf4\x90\x80\x80z", "\xef\xbf\xbdz");	/* > U+10FFFF */
	check_utf8(false, "\xc3", "\xef\xbf\xbd");	/* truncated */
	check_utf8(true, "\xef\xbf\xbe", "\xef\xbf\xbd");	/* U+FFFE */
	check_utf8(false, "\xef\xbf\xbe", "\xef\xbf\xbe");
	check_utf8(true, NULL, "");
}

/* ---------------- results fixtures ---------------- */

static const struct conform_test t_ab = { "info/a-b", { "REQ-A-001", "REQ-B-001" }, NULL, 0, 0 };
static const struct conform_test t_b = { "info/b", { "REQ-B-001" }, NULL, 0, 0 };
static const struct conform_test t_c = { "region/c", { "REQ-C-001" }, NULL, 0, 0 };
static const struct conform_test t_a = { "region/a", { "REQ-A-001" }, NULL, 0, 0 };
static const struct conform_test t_d1 = { "token/d1", { "REQ-D-001" }, NULL, 0, 0 };
static const struct conform_test t_d2 = { "token/d2", { "REQ-D-001" }, NULL, 0, 0 };
static const struct conform_test t_none = { "noarea", { NULL }, NULL, 0, 0 };

static void set(struct conform_result *r, const struct conform_test *t,
		enum conform_status st, const char *reason, const char *output, uint64_t ms)
{
	memset(r, 0, sizeof(*r));
	r->test = t;
	r->status = st;
	r->reason = reason ? (char *)reason : NULL;
	r->output = (char *)(output ? output : "");
	r->duration_ms = ms;
}

static size_t fixture_results(struct conform_result *r)
{
	set(&r[0], &t_ab, CONFORM_PASS, NULL, "region 0: ok\n", 12);
	set(&r[1], &t_b, CONFORM_FAIL, "0x1 != 0x2 <\"&'>", "[  ERROR   ] --- 0x1 != 0x2\n"
	    "bytes \x01\xff\n", 1500);
	set(&r[2], &t_c, CONFORM_SKIP, "no PF given (--pf or VFIO_CONFORM_PF)", NULL, 3);
	set(&r[3], &t_a, CONFORM_SKIP, "n/a", NULL, 1);
	set(&r[4], &t_d1, CONFORM_PASS, NULL, NULL, 2);
	set(&r[5], &t_d2, CONFORM_SKIP, "later", NULL, 2);
	set(&r[6], &t_none, CONFORM_PASS, NULL, NULL, 0);
	return 7;
}

static const struct conform_req levels[] = {
	{ "REQ-A-001", CONFORM_MUST }, { "REQ-B-001", CONFORM_MUST },
	{ "REQ-C-001", CONFORM_MUST }, { "REQ-D-001", CONFORM_SHOULD },
	{ "REQ-E-001", CONFORM_INFO }, { "REQ-F-001", CONFORM_MUST },
};

static const struct report_meta lv = { .reqs = levels, .nreqs = 6 };

static void test_req_verdicts(void **state)
{
	struct conform_result r[8];
	struct req_verdict v[16];
	size_t n = fixture_results(r), cnt;

	(void)state;
	cnt = report_req_verdicts(NULL, r, n, v, 8);	/* no table: cited only, MUST */
	assert_int_equal(cnt, 4);
	assert_string_equal(v[0].id, "REQ-A-001");
	assert_int_equal(v[0].status, REQ_PASS);	/* one pass, one skip */
	assert_string_equal(v[1].id, "REQ-B-001");
	assert_int_equal(v[1].status, REQ_FAIL);	/* a pass and a fail */
	assert_int_equal(v[1].tests, 2);
	assert_string_equal(v[2].id, "REQ-C-001");
	assert_int_equal(v[2].status, REQ_SKIP);	/* only skips */
	assert_string_equal(v[3].id, "REQ-D-001");
	assert_int_equal(v[3].status, REQ_PASS);

	/* with levels: every row of the table, uncited ones not-run */
	r[4].status = CONFORM_FAIL;			/* token/d1: SHOULD only */
	r[5].status = CONFORM_NOT_RUN;
	cnt = report_req_verdicts(&lv, r, n, v, 16);
	assert_int_equal(cnt, 6);
	assert_int_equal(v[1].status, REQ_FAIL);
	assert_int_equal(v[3].status, REQ_WARN);	/* SHOULD broken: a warning */
	assert_int_equal(v[3].level, CONFORM_SHOULD);
	assert_string_equal(v[4].id, "REQ-E-001");
	assert_int_equal(v[4].status, REQ_NOT_RUN);	/* no test ran for it */
	assert_int_equal(v[4].tests, 0);
	r[4].status = CONFORM_PASS;
	cnt = report_req_verdicts(&lv, r, n, v, 16);
	assert_int_equal(v[3].status, REQ_NOT_RUN);	/* a pass and a not-run */

	/* too small an array: the first ones seen, still merged and sorted */
	cnt = report_req_verdicts(NULL, r, n, v, 2);
	assert_int_equal(cnt, 2);
	assert_string_equal(v[0].id, "REQ-A-001");
	assert_string_equal(v[1].id, "REQ-B-001");
	assert_int_equal(v[1].status, REQ_FAIL);
	assert_string_equal(req_status_name(REQ_NOT_RUN), "not-run");
	assert_string_equal(req_status_name(REQ_WARN), "warn");
}

static void test_verdict(void **state)
{
	const char *filters[] = { "info/*" };
	struct conform_totals wedged = { .culprit = &t_b };
	struct conform_result r[8];
	struct report_meta m = lv;
	size_t n = fixture_results(r);

	(void)state;
	assert_string_equal(report_verdict(&m, r, n), "not-conformant");	/* MUST B */
	r[1].status = CONFORM_PASS;
	assert_string_equal(report_verdict(&m, r, n), "conformant");
	assert_string_equal(report_incomplete_why(&m, r, n), "");
	/* a SHOULD failure warns; an INFO one alone does not */
	r[4].status = CONFORM_FAIL;
	assert_string_equal(report_verdict(&m, r, n), "conformant-with-warnings");
	r[4].status = CONFORM_PASS;
	{
		static const struct conform_test t_e = { "x/e", { "REQ-E-001" }, NULL, 0, 0 };

		r[7] = r[4];
		r[7].test = &t_e;
		r[7].status = CONFORM_FAIL;
		assert_string_equal(report_verdict(&m, r, 8), "conformant");
	}
	/* skips only, nothing, a selection, a run that ended: incomplete */
	assert_string_equal(report_verdict(&m, &r[2], 2), "incomplete");
	assert_string_equal(report_incomplete_why(&m, &r[2], 2), "no test passed");
	assert_string_equal(report_verdict(&m, r, 0), "incomplete");
	m.run.filters = filters;
	m.run.nfilters = 1;
	assert_string_equal(report_verdict(&m, r, n), "incomplete");
	assert_contains(report_incomplete_why(&m, r, n), "--filter");
	m.run.nfilters = 0;
	snprintf(wedged.end_reason, sizeof(wedged.end_reason), "device wedged by info/b: x");
	m.run.totals = &wedged;
	assert_string_equal(report_verdict(&m, r, n), "incomplete");
	assert_string_equal(report_incomplete_why(&m, r, n), "device wedged by info/b: x");
	r[1].status = CONFORM_FAIL;			/* the culprit cites a MUST */
	assert_string_equal(report_verdict(&m, r, n), "not-conformant");
	m.run.totals = NULL;
	m.error = "cannot open";
	r[1].status = CONFORM_PASS;
	assert_string_equal(report_verdict(&m, r, n), "incomplete");
}

static const struct report_meta meta = {
	.suite = "vfio-conform",
	.suite_version = "0.1.0",
	.source_revision = "v0-test",
	.kernel = "6.12.0-test",
	.timestamp = "2025-01-01T00:00:00Z",
	.dev = {
		.bdf = "0000:01:00.1",
		.vendor = "0x1b36",
		.device = "0x10f1",
		.vendor_name = "Red Hat, Inc.",
		.subsystem_vendor = "0x1b36",
		.subsystem_device = "0x10f1",
		.driver = "vfio-pci",
		.driver_srcversion = "ABC123",
		.iommu_group = 7,
		.is_vf = true,
	},
	.run = { .timeout_s = 60, .reap_grace_s = 5, .probe_timeout_s = 15, .root = true },
};

static char *render(int (*fn)(FILE *, const struct report_meta *,
			      const struct conform_result *, size_t),
		    const struct report_meta *m, const struct conform_result *r, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fn(f, m, r, n), 0);
	fclose(f);
	return buf;
}

/* text into a new file named after the mkstemp() template path */
static void write_tmp(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_junit(void **state)
{
	struct conform_result r[8];
	size_t n = fixture_results(r);
	char *x = render(report_write_junit, &meta, r, n);

	(void)state;
	assert_contains(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	/* junit-10.xsd: no "skipped" on <testsuites>, no <properties> in <testcase> */
	assert_contains(x, "<testsuites name=\"vfio-conform\" tests=\"7\" failures=\"1\" "
			"errors=\"0\" time=\"1.520\">");
	assert_contains(x, "<testsuite name=\"vfio-conform\" tests=\"7\" failures=\"1\" "
			"errors=\"0\" skipped=\"3\" time=\"1.520\"");
	assert_contains(x, "<testcase classname=\"info\" name=\"a-b\" time=\"0.012\">\n"
			"      <system-out># REQ-A-001 REQ-B-001\n# level: MUST\n"
			"region 0: ok\n</system-out>\n");
	/* the requirements also as suite properties, one per test */
	assert_contains(x, "      <property name=\"info/a-b\" value=\"MUST REQ-A-001 REQ-B-001\"/>\n");
	assert_null(strstr(x, "<testcase classname=\"info\" name=\"a-b\" time=\"0.012\">\n"
			    "      <properties>"));
	/* libxml2 leaves ' alone in a "-quoted attribute */
	assert_contains(x, "<failure message=\"0x1 != 0x2 &lt;&quot;&amp;'&gt;\" "
			"type=\"failure\">[  ERROR   ] --- 0x1 != 0x2\nbytes "
			"\xef\xbf\xbd\xef\xbf\xbd\n</failure>");
	assert_contains(x, "<testcase classname=\"region\" name=\"c\" time=\"0.003\">");
	assert_contains(x, "<skipped message=\"no PF given (--pf or VFIO_CONFORM_PF)\"/>");
	assert_contains(x, "<testcase classname=\"vfio-conform\" name=\"noarea\"");
	assert_contains(x, "<property name=\"is_vf\" value=\"true\"/>");
	assert_contains(x, "</testsuite>\n</testsuites>\n");
	free(x);
}

static void test_junit_levels(void **state)
{
	struct conform_result r[8];
	size_t n = fixture_results(r);
	struct report_meta m = meta;
	char *x;

	(void)state;
	m.reqs = levels;
	m.nreqs = 6;
	x = render(report_write_junit, &m, r, n);
	assert_contains(x, "<system-out># REQ-A-001 (MUST) REQ-B-001 (MUST)\n# level: MUST\n");
	free(x);
}

/* The rendered file validates against schema/junit-10.xsd (xmllint). */
static void test_junit_schema(void **state)
{
	struct conform_result r[8];
	size_t n = fixture_results(r);
	struct report_meta m = meta;
	char path[] = "/tmp/test_report-junit.XXXXXX", cmd[512];
	const char *schema = CONFORM_SCHEMA_DIR "/junit-10.xsd";
	char *x;

	(void)state;
	if (system("command -v xmllint > /dev/null 2>&1") != 0)
		skip();
	for (int bail = 0; bail < 2; bail++) {
		m.error = bail ? "open /dev/vfio/vfio: <none>" : NULL;
		x = render(report_write_junit, &m, bail ? NULL : r, bail ? 0 : n);
		write_tmp(path, x);
		snprintf(cmd, sizeof(cmd), "xmllint --noout --schema '%s' '%s'", schema, path);
		assert_int_equal(system(cmd), 0);
		unlink(path);
		strcpy(path, "/tmp/test_report-junit.XXXXXX");
		free(x);
	}
}

static void test_junit_bail_out(void **state)
{
	struct report_meta m = meta;
	char *x;

	(void)state;
	m.error = "open /dev/vfio/vfio: <none>";
	x = render(report_write_junit, &m, NULL, 0);
	assert_contains(x, "tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\"");
	assert_contains(x, "<testcase classname=\"vfio-conform\" name=\"preflight\" time=\"0.000\">\n"
			"      <error message=\"open /dev/vfio/vfio: &lt;none&gt;\"/>");
	free(x);
}

/*
 * Whatever a reason holds, each writer's file parses (jansson, libxml2) back
 * to the reason made valid UTF-8 (and XML characters).
 */
static void test_escaping_round_trip(void **state)
{
	static const char odd[] = "q\"b\\s/ \b\f\n\r\t \x01\x1f\x7f caf\xc3\xa9 bad\xfe <t a='1'>&";
	static const char want_json[] = "q\"b\\s/ \b\f\n\r\t \x01\x1f\x7f caf\xc3\xa9 "
					"bad\xef\xbf\xbd <t a='1'>&";
	static const char want_xml[] = "q\"b\\s/ \xef\xbf\xbd\xef\xbf\xbd\n\r\t "
				       "\xef\xbf\xbd\xef\xbf\xbd\x7f caf\xc3\xa9 bad\xef\xbf\xbd "
				       "<t a='1'>&";
	struct conform_result r[8];
	size_t n = fixture_results(r);
	json_error_t je;
	xmlDocPtr doc;
	xmlNodePtr node;
	xmlChar *msg;
	json_t *cert;
	char *text;

	(void)state;
	r[1].reason = (char *)odd;
	text = render(report_write_json, &meta, r, n);
	assert_contains(text, "\"reason\": \"q\\\"b\\\\s/ \\b\\f\\n\\r\\t \\u0001");
	cert = json_loads(text, 0, &je);
	if (!cert)
		fail_msg("certificate does not parse: %s (line %d)", je.text, je.line);
	assert_string_equal(json_string_value(json_object_get(
		json_array_get(json_object_get(cert, "results"), 1), "reason")), want_json);
	json_decref(cert);
	free(text);

	text = render(report_write_junit, &meta, r, n);
	doc = xmlReadMemory(text, (int)strlen(text), "junit.xml", NULL, XML_PARSE_NONET);
	if (!doc)
		fail_msg("JUnit does not parse:\n%s", text);
	node = xmlDocGetRootElement(doc);			/* testsuites */
	node = xmlFirstElementChild(node);			/* testsuite */
	node = xmlFirstElementChild(node);			/* properties */
	node = xmlNextElementSibling(xmlNextElementSibling(node));	/* info/b */
	node = xmlFirstElementChild(node);			/* failure */
	assert_string_equal((const char *)node->name, "failure");
	msg = xmlGetProp(node, BAD_CAST "message");
	assert_string_equal((const char *)msg, want_xml);
	xmlFree(msg);
	xmlFreeDoc(doc);
	free(text);
}

/* o's member key (an array index when key is a number) equals the JSON text want. */
static void assert_member(json_t *o, const char *key, const char *want)
{
	json_t *w = json_loads(want, JSON_DECODE_ANY, NULL);
	json_t *got = key[0] >= '0' && key[0] <= '9' ? json_array_get(o, strtoul(key, NULL, 10)) :
						      json_object_get(o, key);
	char *g;

	assert_non_null(w);
	if (!json_equal(got, w)) {
		g = got ? json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
		fail_msg("%s: got %s, want %s", key, g ? g : "(absent)", want);
	}
	json_decref(w);
}

static void test_json(void **state)
{
	struct conform_result r[8];
	size_t n = fixture_results(r);
	char *j = render(report_write_json, &meta, r, n);
	json_t *c, *res;

	(void)state;
	/* the members in the documented order, two spaces of indent */
	assert_contains(j, "{\n  \"format_version\": 2,\n  \"suite\": \"vfio-conform\",\n"
			"  \"suite_version\": \"0.1.0\",\n  \"source_revision\": \"v0-test\",\n"
			"  \"kernel\": \"6.12.0-test\",\n");
	assert_contains(j, "\n  \"verdict\": \"not-conformant\"\n}\n");
	c = json_loads(j, 0, NULL);
	assert_non_null(c);
	assert_member(c, "timestamp", "\"2025-01-01T00:00:00Z\"");
	assert_member(c, "device", "{\"kind\": \"pci\", \"bdf\": \"0000:01:00.1\","
		      " \"vendor\": \"0x1b36\", \"device\": \"0x10f1\","
		      " \"vendor_name\": \"Red Hat, Inc.\", \"device_name\": null,"
		      " \"subsystem_vendor\": \"0x1b36\", \"subsystem_device\": \"0x10f1\","
		      " \"physfn\": null, \"physfn_driver\": null, \"driver\": \"vfio-pci\","
		      " \"driver_version\": null, \"driver_srcversion\": \"ABC123\","
		      " \"iommu_group\": 7, \"is_vf\": true}");
	assert_member(c, "run", "{\"selection\": {\"filters\": [], \"requirements\": [],"
		      " \"complete\": true},"
		      " \"topology\": {\"pf\": null, \"pf_driver\": null, \"peer\": null},"
		      " \"timeouts\": {\"test_s\": 60, \"reap_grace_s\": 5, \"probe_s\": 15},"
		      " \"root\": true, \"ended_early\": null}");
	assert_null(json_object_get(c, "error"));
	res = json_object_get(c, "results");
	assert_int_equal(json_array_size(res), 7);
	assert_member(res, "0", "{\"name\": \"info/a-b\", \"status\": \"pass\","
		      " \"level\": \"MUST\", \"reason\": \"\","
		      " \"requirements\": [\"REQ-A-001\", \"REQ-B-001\"],"
		      " \"timed_out\": false, \"wedged\": false, \"duration_ms\": 12}");
	assert_member(json_array_get(res, 1), "reason", "\"0x1 != 0x2 <\\\"&'>\"");
	assert_member(json_array_get(res, 1), "status", "\"fail\"");
	assert_member(json_array_get(res, 2), "status", "\"skip\"");
	assert_member(json_array_get(res, 2), "reason",
		      "\"no PF given (--pf or VFIO_CONFORM_PF)\"");
	assert_member(json_array_get(res, 6), "requirements", "[]");
	assert_member(c, "requirements", "{"
		      "\"REQ-A-001\": {\"level\": \"MUST\", \"verdict\": \"pass\", \"tests\": 2},"
		      "\"REQ-B-001\": {\"level\": \"MUST\", \"verdict\": \"fail\", \"tests\": 2},"
		      "\"REQ-C-001\": {\"level\": \"MUST\", \"verdict\": \"skip\", \"tests\": 1},"
		      "\"REQ-D-001\": {\"level\": \"MUST\", \"verdict\": \"pass\", \"tests\": 2}}");
	assert_contains(j, "\"REQ-A-001\": {\n      \"level\": \"MUST\"");	/* in ID order */
	assert_member(c, "summary", "{\"passed\": 3, \"failed\": 1, \"skipped\": 3,"
		      " \"not_run\": 0, \"requirement_warnings\": 0}");
	assert_member(c, "incomplete_because", "null");
	assert_member(c, "verdict", "\"not-conformant\"");
	json_decref(c);
	free(j);
}

static void test_json_empty_and_null_driver(void **state)
{
	struct report_meta m = meta;
	char *j;

	(void)state;
	m.dev.driver = NULL;
	m.error = "no \"vfio\"";
	j = render(report_write_json, &m, NULL, 0);
	assert_contains(j, "\"driver\": null,");
	assert_contains(j, "\"error\": \"no \\\"vfio\\\"\",\n");
	assert_contains(j, "\"results\": [],\n");
	assert_contains(j, "\"requirements\": {},\n");
	assert_contains(j, "\"verdict\": \"incomplete\"");
	assert_contains(j, "\"incomplete_because\": \"the run stopped before the first test\"");
	free(j);
}

/* path validates against schema/certificate.schema.json (python3-jsonschema). */
static void validate_certificate(const char *text)
{
	char path[] = "/tmp/test_report-cert.XXXXXX", cmd[1024];

	write_tmp(path, text);
	snprintf(cmd, sizeof(cmd), "python3 -c 'import json, sys, jsonschema; "
		 "jsonschema.Draft7Validator(json.load(open(sys.argv[1]))).validate("
		 "json.load(open(sys.argv[2])))' '%s' '%s'",
		 CONFORM_SCHEMA_DIR "/certificate.schema.json", path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
}

/* What jansson writes follows the schema: a full run, a bail-out, a baseline. */
static void test_json_schema(void **state)
{
	static const struct baseline old = { .path = "old.json", .suite_version = "0.1.0",
					      .source_revision = "x", .kernel = "7.3",
					      .verdict = "conformant" };
	static const struct baseline_diff d[] = {
		{ .id = "REQ-B-001", .change = BL_REGRESSED, .was = REQ_PASS, .now = REQ_FAIL },
		{ .id = "REQ-E-001", .change = BL_ADDED, .was = -1, .now = REQ_PASS },
	};
	struct conform_result r[8];
	size_t n = fixture_results(r) - 1;	/* not "noarea": the schema wants area/case */
	struct report_meta m = meta;
	char *j;

	(void)state;
	if (system("python3 -c 'import jsonschema' > /dev/null 2>&1") != 0)
		skip();
	j = render(report_write_json, &m, r, n);
	validate_certificate(j);
	free(j);
	m.baseline = &old;
	m.bdiff = d;
	m.nbdiff = 2;
	j = render(report_write_json, &m, r, n);
	assert_contains(j, "\"regressed\": true");
	validate_certificate(j);
	free(j);
	m = meta;
	m.error = "open /dev/vfio/vfio: <none>";
	j = render(report_write_json, &m, NULL, 0);
	validate_certificate(j);
	free(j);
}

static void test_json_mdev_device(void **state)
{
	struct report_meta m = meta;
	char *j, *x;

	(void)state;
	m.dev.bdf = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";
	m.dev.vendor = m.dev.device = "";
	m.dev.subsystem_vendor = m.dev.subsystem_device = "";
	m.dev.driver = "vfio_mdev";
	m.dev.mdev = true;
	m.dev.mdev_type = "mtty-2";
	m.dev.parent = "mtty";
	j = render(report_write_json, &m, NULL, 0);
	assert_contains(j, "  \"device\": {\n    \"kind\": \"mdev\",\n"
			"    \"uuid\": \"83b8f4f2-509f-382f-3c1e-e6bfe0fa1001\",\n"
			"    \"bdf\": null,\n    \"parent\": \"mtty\",\n"
			"    \"mdev_type\": \"mtty-2\",\n    \"driver\": \"vfio_mdev\",\n");
	assert_contains(j, "    \"is_vf\": false\n  },\n");
	assert_null(strstr(j, "\"vendor\""));
	free(j);
	x = render(report_write_junit, &m, NULL, 0);
	assert_contains(x, "<property name=\"mdev_type\" value=\"mtty-2\"/>");
	assert_contains(x, "<property name=\"mdev_parent\" value=\"mtty\"/>");
	free(x);
	/* a PCI device has neither */
	x = render(report_write_junit, &meta, NULL, 0);
	assert_null(strstr(x, "mdev_type"));
	free(x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_repair),
		cmocka_unit_test(test_escaping_round_trip),
		cmocka_unit_test(test_req_verdicts),
		cmocka_unit_test(test_verdict),
		cmocka_unit_test(test_junit),
		cmocka_unit_test(test_junit_levels),
		cmocka_unit_test(test_junit_schema),
		cmocka_unit_test(test_junit_bail_out),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_empty_and_null_driver),
		cmocka_unit_test(test_json_schema),
		cmocka_unit_test(test_json_mdev_device),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
