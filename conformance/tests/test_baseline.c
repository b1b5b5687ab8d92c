// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Host-side unit tests of regression mode (--baseline, SPEC.md 2.6): the
 * certificate reader, the classification of each change, the comparison
 * and what it writes into TAP and the certificate.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "baseline.h"

#define CERT_HEAD "{\"format_version\": 2, \"suite\": \"vfio-conform\", " \
	"\"suite_version\": \"1.2\", \"source_revision\": \"abc\", \"kernel\": \"7.3\", " \
	"\"results\": [{\"name\": \"x/y\", \"requirements\": [\"REQ-A-001\"]}], "
#define CERT_TAIL ", \"verdict\": \"conformant\"}"

static char errbuf[512];

static int parse(const char *text, struct baseline *b)
{
	errbuf[0] = '\0';
	b->path = "old.json";
	return baseline_parse(text, strlen(text), b, errbuf, sizeof(errbuf));
}

/* A baseline of REQ-A-001 pass, REQ-A-002 pass, REQ-A-003 fail, REQ-A-004 skip. */
static void base4(struct baseline *b)
{
	assert_int_equal(parse(CERT_HEAD "\"requirements\": {"
			       "\"REQ-A-002\": {\"level\": \"MUST\", \"verdict\": \"pass\", \"tests\": 1},"
			       "\"REQ-A-001\": {\"level\": \"MUST\", \"verdict\": \"pass\", \"tests\": 2},"
			       "\"REQ-A-003\": {\"level\": \"MUST\", \"verdict\": \"fail\", \"tests\": 1},"
			       "\"REQ-A-004\": {\"level\": \"SHOULD\", \"verdict\": \"skip\", \"tests\": 1}}"
			       CERT_TAIL, b), 0);
}

static void test_parse_certificate(void **state)
{
	struct baseline b;

	(void)state;
	base4(&b);
	assert_int_equal(b.nreqs, 4);
	assert_string_equal(b.reqs[0].id, "REQ-A-001");	/* sorted */
	assert_int_equal(b.reqs[0].status, REQ_PASS);
	assert_int_equal(b.reqs[2].status, REQ_FAIL);
	assert_int_equal(b.reqs[3].status, REQ_SKIP);
	assert_string_equal(b.suite_version, "1.2");
	assert_string_equal(b.kernel, "7.3");
	assert_string_equal(b.verdict, "conformant");
	baseline_free(&b);
}

static void test_parse_escapes_and_empty(void **state)
{
	struct baseline b;

	(void)state;
	assert_int_equal(parse("{\"format_version\": 2.0e0, \"requirements\": {}}", &b), -1);
	assert_int_equal(parse("{\"format_version\": 2, \"kernel\": \"a\\u00e9\\ud83d\\ude00\\n\","
			       " \"x\": [1, -0.5e+3, true, false, null, {\"k\": []}],"
			       " \"requirements\": {\"REQ-\\u0041-001\": {\"verdict\": \"not-run\"}}}",
			       &b), 0);
	assert_string_equal(b.kernel, "a\xc3\xa9\xf0\x9f\x98\x80\n");
	assert_int_equal(b.nreqs, 1);
	assert_string_equal(b.reqs[0].id, "REQ-A-001");
	assert_int_equal(b.reqs[0].status, REQ_NOT_RUN);
	baseline_free(&b);
}

static void bad(const char *text, const char *why)
{
	struct baseline b;

	if (parse(text, &b) != -1)
		fail_msg("accepted: %s", text);
	if (!strstr(errbuf, why))
		fail_msg("for %s: expected [%s] in [%s]", text, why, errbuf);
	assert_null(b.reqs);
}

/* jansson's messages, with the line of the syntax error. */
static void test_parse_rejects(void **state)
{
	static char deep[4200];
	int i;

	(void)state;
	bad("", "'[' or '{' expected near end of file");
	bad("[]", "not a JSON object");
	bad("{\"format_version\": 1, \"requirements\": {}}", "format_version is not 2");
	bad("{\"requirements\": {}}", "format_version is not 2");
	bad("{\"format_version\": 2}", "no \"requirements\"");
	bad("{\"format_version\": 2, \"requirements\": []}", "not an object");
	bad("{\"format_version\": 2, \"requirements\": {\"REQ-A-001\": {}}}", "no \"verdict\"");
	bad("{\"format_version\": 2, \"requirements\": {\"REQ-A-001\": {\"verdict\": \"ok\"}}}",
	    "unknown verdict");
	bad("{\"format_version\": 2, \"requirements\": {\"REQ-A-001\": {\"verdict\": 1}}}",
	    "not a string");
	bad("{\"format_version\": 2, \"kernel\": 7, \"requirements\": {}}",
	    "\"kernel\" is not a string");
	bad("{\"format_version\": 2, \"requirements\": {\"REQ-A-001\": {\"verdict\": \"pass\"},"
	    " \"REQ-A-001\": {\"verdict\": \"fail\"}}}", "duplicate object key near '\"REQ-A-001\"'");
	bad("{\"format_version\": 2, \"requirements\": {}} x", "end of file expected near 'x'");
	bad("{\"format_version\": 2, \"requirements\": {},}", "string or '}' expected");
	bad("{\"format_version\": 2, \"requirements\": {}", "'}' expected near end of file");
	bad("{\"format_version\": 02, \"requirements\": {}}", "invalid token");
	bad("{\"format_version\": 2, \"kernel\": \"a\x01b\", \"requirements\": {}}",
	    "control character 0x1");
	bad("{\"format_version\": 2, \"kernel\": \"a\nb\", \"requirements\": {}}", "unexpected newline");
	bad("{\"format_version\": 2, \"kernel\": \"\\x\", \"requirements\": {}}", "invalid escape");
	bad("{\"format_version\": 2, \"kernel\": \"\\ud800\", \"requirements\": {}}",
	    "invalid Unicode '\\uD800'");
	bad("{\"format_version\": 2, \"kernel\": \"\xc3\x28\", \"requirements\": {}}",
	    "unable to decode byte 0xc3");
	bad("{\"format_version\": 2, \"kernel\": \"abc", "premature end of input");
	bad("{\"format_version\": tru, \"requirements\": {}}", "invalid token near 'tru'");
	bad("{\"format_version\": 2,\n\"requirements\": {\"REQ-A-001\": {\"verdict\": \"pass\"}}\n,}",
	    "(line 3)");
	for (i = 0; i < 4100; i++)
		deep[i] = '[';
	deep[4100] = '\0';
	bad(deep, "maximum parsing depth reached");
}

static void test_load_missing_file(void **state)
{
	struct baseline b = { .path = NULL };

	(void)state;
	assert_int_equal(baseline_load("/nonexistent/old.json", &b, errbuf, sizeof(errbuf)), -1);
	assert_non_null(strstr(errbuf, "/nonexistent/old.json: No such file"));
}

/*
 * Every transition: a pass that no longer passes regresses (to skip too:
 * a feature no longer advertised must not pass the gate); a new failure
 * regresses; passing now improves; other moves are listed only.
 */
static void test_classify(void **state)
{
	(void)state;
	assert_int_equal(baseline_classify(REQ_PASS, REQ_PASS), BL_SAME);
	assert_int_equal(baseline_classify(REQ_FAIL, REQ_FAIL), BL_SAME);
	assert_int_equal(baseline_classify(REQ_PASS, REQ_FAIL), BL_REGRESSED);
	assert_int_equal(baseline_classify(REQ_PASS, REQ_WARN), BL_REGRESSED);
	assert_int_equal(baseline_classify(REQ_PASS, REQ_NOT_RUN), BL_REGRESSED);
	assert_int_equal(baseline_classify(REQ_PASS, REQ_SKIP), BL_REGRESSED);
	assert_int_equal(baseline_classify(REQ_SKIP, REQ_FAIL), BL_REGRESSED);
	assert_int_equal(baseline_classify(REQ_NOT_RUN, REQ_WARN), BL_REGRESSED);
	assert_int_equal(baseline_classify(REQ_WARN, REQ_FAIL), BL_REGRESSED);
	assert_int_equal(baseline_classify(REQ_FAIL, REQ_PASS), BL_IMPROVED);
	assert_int_equal(baseline_classify(REQ_SKIP, REQ_PASS), BL_IMPROVED);
	assert_int_equal(baseline_classify(REQ_NOT_RUN, REQ_PASS), BL_IMPROVED);
	assert_int_equal(baseline_classify(REQ_FAIL, REQ_WARN), BL_CHANGED);
	assert_int_equal(baseline_classify(REQ_FAIL, REQ_SKIP), BL_CHANGED);
	assert_int_equal(baseline_classify(REQ_SKIP, REQ_NOT_RUN), BL_CHANGED);
}

#define V(i, s) { .id = i, .level = CONFORM_MUST, .status = s, .tests = 1 }

static void test_identical(void **state)
{
	const struct req_verdict v[] = { V("REQ-A-001", REQ_PASS), V("REQ-A-002", REQ_PASS),
					 V("REQ-A-003", REQ_FAIL), V("REQ-A-004", REQ_SKIP) };
	struct baseline_diff d[8];
	struct baseline b;

	(void)state;
	base4(&b);
	assert_int_equal(baseline_compare(&b, v, 4, false, d), 0);
	assert_int_equal(baseline_compare(&b, v, 4, true, d), 4);
	assert_int_equal(baseline_regressions(d, 4), 0);
	baseline_free(&b);
}

static void check_one(const struct req_verdict *v, size_t n, const char *id,
		      enum baseline_change c, int was, int now, size_t regressions)
{
	struct baseline_diff d[8];
	struct baseline b;
	size_t k;

	base4(&b);
	k = baseline_compare(&b, v, n, false, d);
	assert_int_equal(k, 1);
	assert_string_equal(d[0].id, id);
	assert_int_equal(d[0].change, c);
	assert_int_equal(d[0].was, was);
	assert_int_equal(d[0].now, now);
	assert_int_equal(baseline_regressions(d, k), regressions);
	baseline_free(&b);
}

static void test_pass_to_fail(void **state)
{
	const struct req_verdict v[] = { V("REQ-A-001", REQ_PASS), V("REQ-A-002", REQ_FAIL),
					 V("REQ-A-003", REQ_FAIL), V("REQ-A-004", REQ_SKIP) };

	(void)state;
	check_one(v, 4, "REQ-A-002", BL_REGRESSED, REQ_PASS, REQ_FAIL, 1);
}

static void test_pass_to_not_run(void **state)
{
	const struct req_verdict v[] = { V("REQ-A-001", REQ_NOT_RUN), V("REQ-A-002", REQ_PASS),
					 V("REQ-A-003", REQ_FAIL), V("REQ-A-004", REQ_SKIP) };

	(void)state;
	check_one(v, 4, "REQ-A-001", BL_REGRESSED, REQ_PASS, REQ_NOT_RUN, 1);
}

static void test_pass_to_skip(void **state)
{
	const struct req_verdict v[] = { V("REQ-A-001", REQ_PASS), V("REQ-A-002", REQ_SKIP),
					 V("REQ-A-003", REQ_FAIL), V("REQ-A-004", REQ_SKIP) };

	(void)state;
	check_one(v, 4, "REQ-A-002", BL_REGRESSED, REQ_PASS, REQ_SKIP, 1);
}

static void test_disappeared(void **state)
{
	const struct req_verdict v[] = { V("REQ-A-001", REQ_PASS), V("REQ-A-003", REQ_FAIL),
					 V("REQ-A-004", REQ_SKIP) };

	(void)state;
	check_one(v, 3, "REQ-A-002", BL_REMOVED, REQ_PASS, -1, 1);
}

static void test_improvement_is_no_regression(void **state)
{
	const struct req_verdict v[] = { V("REQ-A-001", REQ_PASS), V("REQ-A-002", REQ_PASS),
					 V("REQ-A-003", REQ_PASS), V("REQ-A-004", REQ_SKIP) };

	(void)state;
	check_one(v, 4, "REQ-A-003", BL_IMPROVED, REQ_FAIL, REQ_PASS, 0);
}

static void test_new_requirement_is_listed(void **state)
{
	const struct req_verdict v[] = { V("REQ-A-001", REQ_PASS), V("REQ-A-002", REQ_PASS),
					 V("REQ-A-003", REQ_FAIL), V("REQ-A-004", REQ_SKIP),
					 V("REQ-B-001", REQ_FAIL) };

	(void)state;
	check_one(v, 5, "REQ-B-001", BL_ADDED, -1, REQ_FAIL, 0);
}

static char *written(const struct baseline *b, const struct baseline_diff *d, size_t n,
		     bool json)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (json) {
		json_t *j = baseline_json(b, d, n);

		assert_non_null(j);
		assert_int_equal(json_dumpf(j, f, 0), 0);	/* one line, ", " and ": " */
		json_decref(j);
	} else {
		baseline_tap(f, b, d, n);
	}
	fclose(f);
	return buf;
}

static void test_outputs(void **state)
{
	const struct req_verdict v[] = { V("REQ-A-001", REQ_SKIP), V("REQ-A-003", REQ_PASS),
					 V("REQ-A-004", REQ_SKIP) };
	struct baseline_diff d[8];
	struct baseline b;
	size_t n;
	char *s;

	(void)state;
	base4(&b);
	n = baseline_compare(&b, v, 3, false, d);
	assert_int_equal(n, 3);
	s = written(&b, d, n, false);
	assert_non_null(strstr(s, "# baseline: old.json (suite 1.2, revision abc, kernel 7.3, "
			       "verdict conformant)\n"));
	assert_non_null(strstr(s, "# baseline: regressed   REQ-A-001: pass -> skip\n"));
	assert_non_null(strstr(s, "# baseline: disappeared REQ-A-002: pass -> absent\n"));
	assert_non_null(strstr(s, "# baseline: improved    REQ-A-003: fail -> pass\n"));
	assert_non_null(strstr(s, "# baseline: 2 regressed, 1 improved, 0 new, 0 changed "
			       "otherwise: REGRESSION\n"));
	free(s);
	s = written(&b, d, n, true);
	assert_non_null(strstr(s, "\"regressed\": true"));
	assert_non_null(strstr(s, "{\"id\": \"REQ-A-002\", \"was\": \"pass\", \"now\": null}"));
	assert_non_null(strstr(s, "\"improvements\": [{\"id\": \"REQ-A-003\", "
			       "\"was\": \"fail\", \"now\": \"pass\"}]"));
	assert_non_null(strstr(s, "\"new\": [], "));
	free(s);
	baseline_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_certificate),
		cmocka_unit_test(test_parse_escapes_and_empty),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_load_missing_file),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_pass_to_fail),
		cmocka_unit_test(test_pass_to_not_run),
		cmocka_unit_test(test_pass_to_skip),
		cmocka_unit_test(test_disappeared),
		cmocka_unit_test(test_improvement_is_no_regression),
		cmocka_unit_test(test_new_requirement_is_listed),
		cmocka_unit_test(test_outputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
