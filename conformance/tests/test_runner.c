// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Host-side unit tests of the runner: TAP formatting, cmocka output
 * filtering, failure summaries, and whole runs over a test-only registry
 * (pass, fail, skip with and without a reason, hang -> timeout, crash,
 * early exit, a stray grandchild, an unreapable child).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <setjmp.h>
#include <cmocka.h>

#include "runner.h"

/* ---------------- helpers ---------------- */

struct memout {
	FILE *f;
	char *buf;
	size_t len;
};

static void mem_open(struct memout *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
}

static char *mem_close(struct memout *m)
{
	fclose(m->f);
	return m->buf;
}

#define assert_contains(hay, needle)					\
	do {								\
		if (!strstr((hay), (needle)))				\
			fail_msg("expected to find [%s] in:\n%s", (needle), (hay)); \
	} while (0)

#define assert_not_contains(hay, needle)				\
	do {								\
		if (strstr((hay), (needle)))				\
			fail_msg("did not expect [%s] in:\n%s", (needle), (hay)); \
	} while (0)

/* ---------------- test-only registry ---------------- */

static void t_pass(void **state)
{
	(void)state;
	printf("hello from pass\n");
	fprintf(stderr, "and from stderr\n");
}

static void t_fail(void **state)
{
	(void)state;
	assert_int_equal(1, 2);
}

static void t_fail_msg(void **state)
{
	(void)state;
	fail_msg("custom failure %d", 7);
}

static void t_skip_reason(void **state)
{
	(void)state;
	conform_skip("no widget (%s)", "test");
}

static void t_skip_bare(void **state)
{
	(void)state;
	skip();
}

static void t_skip_empty(void **state)
{
	(void)state;
	conform_skip("%s", "  ");
}

static void t_hang(void **state)
{
	(void)state;
	printf("about to hang\n");
	for (;;)
		pause();
}

static void t_flood(void **state)
{
	(void)state;
	for (;;)
		printf("flooding the pipe with output that never ends\n");
}

static void t_abort(void **state)
{
	(void)state;
	abort();
}

static void t_segv(void **state)
{
	(void)state;
	raise(SIGSEGV);
}

static void t_exit_early(void **state)
{
	(void)state;
	_exit(0);
}

static void t_stray_grandchild(void **state)
{
	(void)state;
	if (fork() == 0) {
		sleep(30);	/* holds the output pipe open */
		_exit(0);
	}
}

static void t_partial_line(void **state)
{
	(void)state;
	printf("no newline at the end");
}

static int g_setup_ran;

static int fx_setup(void **state)
{
	static int token = 42;

	*state = &token;
	g_setup_ran = 1;
	return 0;
}

static int fx_teardown(void **state)
{
	(void)state;
	return 0;
}

static int fx_setup_fails(void **state)
{
	(void)state;
	fprintf(stderr, "setup: no device here\n");
	return -1;
}

static void t_uses_fixture(void **state)
{
	assert_non_null(*state);
	assert_int_equal(*(int *)*state, 42);
}

static void t_no_fixture(void **state)
{
	assert_null(*state);
}

static const struct conform_test reg[] = {
	{ "t/pass", { "REQ-T-001", "REQ-T-002" }, t_pass, 0, 0 },
	{ "t/fail", { "REQ-T-003" }, t_fail, 0, 0 },
	{ "t/fail-msg", { "REQ-T-003" }, t_fail_msg, 0, 0 },
	{ "t/skip-reason", { "REQ-T-004" }, t_skip_reason, 0, 0 },
	{ "t/skip-bare", { "REQ-T-004" }, t_skip_bare, 0, 0 },
	{ "t/skip-empty", { "REQ-T-004" }, t_skip_empty, 0, 0 },
	{ "t/hang", { "REQ-T-005" }, t_hang, 0, 0 },
	{ "t/flood", { "REQ-T-005" }, t_flood, 0, 0 },
	{ "t/abort", { "REQ-T-006" }, t_abort, 0, 0 },
	{ "t/segv", { "REQ-T-006" }, t_segv, 0, 0 },
	{ "t/exit-early", { "REQ-T-006" }, t_exit_early, 0, 0 },
	{ "t/stray-grandchild", { "REQ-T-007" }, t_stray_grandchild, 0, 0 },
	{ "t/partial-line", { NULL }, t_partial_line, 0, 0 },
	{ "t/uses-fixture", { "REQ-T-008" }, t_uses_fixture, 0, 0 },
	{ "t/no-fixture", { "REQ-T-008" }, t_no_fixture, CONFORM_F_NO_FIXTURE, 0 },
};

#define REG_N	(sizeof(reg) / sizeof(reg[0]))

static const struct conform_test *find(const char *name)
{
	size_t i;

	for (i = 0; i < REG_N; i++)
		if (!strcmp(reg[i].name, name))
			return &reg[i];
	fail_msg("no test %s", name);
	return NULL;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Run the named tests; returns the TAP text (malloc'ed). */
static char *run_named(const char *const *names, size_t n, struct runner_opts *o,
		       struct conform_result *res, struct conform_totals *tot)
{
	const struct conform_test *sel[REG_N];
	struct memout m;
	size_t i;

	for (i = 0; i < n; i++)
		sel[i] = find(names[i]);
	mem_open(&m);
	o->tap = m.f;
	runner_run(sel, n, o, res, tot);
	return mem_close(&m);
}

/* ---------------- TAP formatting ---------------- */

static void test_tap_format(void **state)
{
	struct conform_test t = { "area/case", { "REQ-A-001", "REQ-B-002" }, NULL, 0, 0 };
	struct conform_result r = { .test = &t };
	struct conform_totals tot = { .pass = 3, .fail = 1, .skip = 2 };
	struct memout m;
	char *out;

	(void)state;
	mem_open(&m);
	tap_header(m.f, 6);
	tap_reqs(m.f, &t);
	r.status = CONFORM_PASS;
	tap_result(m.f, 1, &r);
	r.status = CONFORM_FAIL;
	tap_result(m.f, 2, &r);
	r.status = CONFORM_SKIP;
	r.reason = (char *)"no PF given (--pf or VFIO_CONFORM_PF)";
	tap_result(m.f, 3, &r);
	tap_diag(m.f, "line one\n\nline three");
	tap_totals(m.f, &tot);
	out = mem_close(&m);
	assert_string_equal(out,
		"TAP version 13\n"
		"1..6\n"
		"# REQ-A-001 REQ-B-002\n"
		"ok 1 area/case\n"
		"not ok 2 area/case\n"
		"ok 3 area/case # SKIP no PF given (--pf or VFIO_CONFORM_PF)\n"
		"# line one\n"
		"#\n"
		"# line three\n"
		"# Totals: pass:3 fail:1 xfail:0 xpass:0 skip:2 error:0\n");
	free(out);
}

static void test_noise_filter(void **state)
{
	(void)state;
	assert_true(runner_is_cmocka_noise("[==========] Running 1 test(s)."));
	assert_true(runner_is_cmocka_noise("[ RUN      ] info/flags-pci"));
	assert_true(runner_is_cmocka_noise("[       OK ] info/flags-pci"));
	assert_true(runner_is_cmocka_noise("[  PASSED  ] 1 test(s)."));
	assert_true(runner_is_cmocka_noise("[  FAILED  ] info/flags-pci"));
	assert_true(runner_is_cmocka_noise("[  SKIPPED ] info/flags-pci"));
	assert_true(runner_is_cmocka_noise(" 1 FAILED TEST(S)"));
	assert_true(runner_is_cmocka_noise(" 12 SKIPPED TEST(S)"));
	assert_true(runner_is_cmocka_noise(""));
	assert_false(runner_is_cmocka_noise("[  ERROR   ] --- 0x1 != 0x2"));
	assert_false(runner_is_cmocka_noise("[   LINE   ] --- a.c:12: error: Failure!"));
	assert_false(runner_is_cmocka_noise("ERROR: custom"));
	assert_false(runner_is_cmocka_noise("1 FAILED TEST(S)"));
	assert_false(runner_is_cmocka_noise(" x FAILED TEST(S)"));
	assert_false(runner_is_cmocka_noise("region 0: flags 0x7"));
}

static void check_summary(const char *output, const char *want)
{
	char *s = runner_failure_summary(output);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

static void test_failure_summary(void **state)
{
	(void)state;
	check_summary("[  ERROR   ] --- 0x1 != 0x2\n[   LINE   ] --- area_info.c:12: error: Failure!\n",
		      "0x1 != 0x2 (area_info.c:12)");
	check_summary("ERROR: num_irqs 3 < 5\n[  ERROR   ] --- [   LINE   ] --- x.c:9: error: Failure!\n",
		      "num_irqs 3 < 5 (x.c:9)");
	check_summary("setup: open /dev/vfio/7: busy\nCould not run test: Test setup failed\n",
		      "setup: open /dev/vfio/7: busy");
	check_summary("Could not run test: Test setup failed\n", "Test setup failed");
	check_summary("", "test failed");
	check_summary(NULL, "test failed");
}

/* ---------------- selection ---------------- */

static void test_selection(void **state)
{
	const char *f1[] = { "t/*" }, *f2[] = { "x/*", "*skip*" }, *f3[] = { "nomatch" };
	const char *r1[] = { "REQ-T-002" }, *r2[] = { "REQ-T-999", "REQ-T-003" };
	const struct conform_test *pass = find("t/pass"), *fail = find("t/fail");

	(void)state;
	assert_true(runner_test_selected(pass, NULL, 0, NULL, 0));
	assert_true(runner_test_selected(pass, f1, 1, NULL, 0));
	assert_false(runner_test_selected(pass, f2, 2, NULL, 0));
	assert_true(runner_test_selected(find("t/skip-bare"), f2, 2, NULL, 0));
	assert_false(runner_test_selected(pass, f3, 1, NULL, 0));
	assert_true(runner_test_selected(pass, NULL, 0, r1, 1));
	assert_false(runner_test_selected(fail, NULL, 0, r1, 1));
	assert_true(runner_test_selected(fail, NULL, 0, r2, 2));
	assert_false(runner_test_selected(fail, f3, 1, r2, 2));	/* both must hold */
	assert_true(runner_test_cites(pass, "REQ-T-001"));
	assert_false(runner_test_cites(pass, "REQ-T-00"));
}

/* ---------------- whole runs ---------------- */

static void test_run_statuses(void **state)
{
	static const char *const names[] = {
		"t/pass", "t/fail", "t/fail-msg", "t/skip-reason", "t/skip-bare",
		"t/skip-empty", "t/abort", "t/segv", "t/exit-early", "t/partial-line",
	};
	const size_t n = sizeof(names) / sizeof(names[0]);
	struct runner_opts o = { .timeout_s = 20 };
	struct conform_result res[sizeof(names) / sizeof(names[0])];
	struct conform_totals tot;
	char *tap;

	(void)state;
	tap = run_named(names, n, &o, res, &tot);

	assert_int_equal(res[0].status, CONFORM_PASS);
	assert_null(res[0].reason);
	assert_contains(res[0].output, "hello from pass\n");
	assert_contains(res[0].output, "and from stderr\n");
	assert_not_contains(res[0].output, "[ RUN      ]");

	assert_int_equal(res[1].status, CONFORM_FAIL);
	assert_contains(res[1].reason, "0x1 != 0x2");
	assert_int_equal(res[2].status, CONFORM_FAIL);
	assert_contains(res[2].reason, "custom failure 7 (tests/test_runner.c:");

	assert_int_equal(res[3].status, CONFORM_SKIP);
	assert_string_equal(res[3].reason, "no widget (test)");

	/* skip without a reason: a suite bug, never a pass */
	assert_int_equal(res[4].status, CONFORM_FAIL);
	assert_contains(res[4].reason, "skipped without a reason");
	assert_int_equal(res[5].status, CONFORM_FAIL);
	assert_contains(res[5].reason, "skipped without a reason");

	assert_int_equal(res[6].status, CONFORM_FAIL);
	assert_contains(res[6].reason, "killed by signal 6");
	assert_int_equal(res[7].status, CONFORM_FAIL);	/* cmocka catches SIGSEGV */
	assert_int_equal(res[8].status, CONFORM_FAIL);
	assert_contains(res[8].reason, "exited with status 0 before the test finished");
	assert_int_equal(res[9].status, CONFORM_PASS);
	assert_contains(res[9].output, "no newline at the end\n");

	assert_int_equal(tot.pass, 2);
	assert_int_equal(tot.skip, 1);
	assert_int_equal(tot.fail, 7);

	assert_contains(tap, "TAP version 13\n1..10\n");
	assert_contains(tap, "# REQ-T-001 REQ-T-002\n# hello from pass\n# and from stderr\nok 1 t/pass\n");
	assert_contains(tap, "# [  ERROR   ] --- 0x1 != 0x2\n");
	assert_contains(tap, "not ok 2 t/fail\n");
	assert_contains(tap, "ok 4 t/skip-reason # SKIP no widget (test)\n");
	assert_contains(tap, "# test skipped without a reason (suite bug: use conform_skip())\n"
			"not ok 5 t/skip-bare\n");
	assert_contains(tap, "not ok 7 t/abort\n");
	assert_contains(tap, "# Totals: pass:2 fail:7 xfail:0 xpass:0 skip:1 error:0\n");
	assert_not_contains(tap, "[==========]");
	runner_results_free(res, n);
	free(tap);
}

static void test_run_timeout(void **state)
{
	static const char *const names[] = { "t/hang", "t/pass" };
	struct runner_opts o = { .timeout_s = 1 };
	struct conform_result res[2];
	struct conform_totals tot;
	uint64_t t0 = mono_ms();
	char *tap;

	(void)state;
	tap = run_named(names, 2, &o, res, &tot);
	assert_int_equal(res[0].status, CONFORM_FAIL);
	assert_true(res[0].timed_out);
	assert_string_equal(res[0].reason, "timed out after 1 s");
	assert_contains(res[0].output, "about to hang\n");
	assert_true(res[0].duration_ms >= 1000);
	assert_int_equal(res[1].status, CONFORM_PASS);	/* the run went on */
	assert_contains(tap, "# about to hang\n# timed out after 1 s\nnot ok 1 t/hang\n");
	assert_contains(tap, "ok 2 t/pass\n");
	assert_true(mono_ms() - t0 < 10000);
	runner_results_free(res, 2);
	free(tap);
}

static void test_run_flood_timeout(void **state)
{
	static const char *const names[] = { "t/flood" };
	struct runner_opts o = { .timeout_s = 1 };
	struct conform_result res[1];
	struct conform_totals tot;
	uint64_t t0 = mono_ms();
	char *tap;

	(void)state;
	tap = run_named(names, 1, &o, res, &tot);
	assert_true(res[0].timed_out);
	assert_true(mono_ms() - t0 < 10000);
	assert_contains(tap, "# [output truncated]\n");
	assert_contains(tap, "# timed out after 1 s\nnot ok 1 t/flood\n");
	assert_true(strlen(res[0].output) <= 1024 * 1024);
	runner_results_free(res, 1);
	free(tap);
}

static void test_run_per_test_timeout(void **state)
{
	struct conform_test t = { "t/hang-short", { "REQ-T-005" }, t_hang, 0, 1 };
	const struct conform_test *sel[] = { &t };
	struct runner_opts o = { .timeout_s = 600 };
	struct conform_result res[1];
	struct conform_totals tot;
	struct memout m;
	char *tap;

	(void)state;
	mem_open(&m);
	o.tap = m.f;
	runner_run(sel, 1, &o, res, &tot);
	tap = mem_close(&m);
	assert_true(res[0].timed_out);
	assert_contains(tap, "# timed out after 1 s\n");
	runner_results_free(res, 1);
	free(tap);
}

static pid_t g_unkilled;

static int fake_kill(pid_t pid, int sig)
{
	(void)sig;
	if (pid > 0)
		g_unkilled = pid;
	return 0;	/* pretend; the child lives on, as if stuck in the kernel */
}

static void test_run_unreapable(void **state)
{
	static const char *const names[] = { "t/hang", "t/pass" };
	struct runner_opts o = { .timeout_s = 1, .reap_grace_s = 1, .kill_fn = fake_kill };
	struct conform_result res[2];
	struct conform_totals tot;
	char *tap;

	(void)state;
	g_unkilled = 0;
	tap = run_named(names, 2, &o, res, &tot);
	assert_true(g_unkilled > 0);
	assert_int_equal(res[0].status, CONFORM_FAIL);
	assert_contains(tap, "did not exit within 1 s after SIGKILL");
	assert_contains(tap, "not ok 1 t/hang\n");
	assert_contains(tap, "ok 2 t/pass\n");
	kill(-g_unkilled, SIGKILL);
	kill(g_unkilled, SIGKILL);
	waitpid(g_unkilled, NULL, 0);
	runner_results_free(res, 2);
	free(tap);
}

static void test_run_stray_grandchild(void **state)
{
	static const char *const names[] = { "t/stray-grandchild" };
	struct runner_opts o = { .timeout_s = 20 };
	struct conform_result res[1];
	struct conform_totals tot;
	char *tap;

	(void)state;
	tap = run_named(names, 1, &o, res, &tot);
	assert_int_equal(res[0].status, CONFORM_PASS);
	assert_true(res[0].duration_ms < 5000);	/* not held up by the pipe */
	runner_results_free(res, 1);
	free(tap);
}

static void test_run_fixture(void **state)
{
	static const char *const names[] = { "t/uses-fixture", "t/no-fixture" };
	struct runner_opts o = { .timeout_s = 20, .setup = fx_setup, .teardown = fx_teardown };
	struct conform_result res[2];
	struct conform_totals tot;
	char *tap;

	(void)state;
	g_setup_ran = 0;
	tap = run_named(names, 2, &o, res, &tot);
	assert_int_equal(res[0].status, CONFORM_PASS);
	assert_int_equal(res[1].status, CONFORM_PASS);
	assert_int_equal(g_setup_ran, 0);	/* it ran in the children only */
	runner_results_free(res, 2);
	free(tap);

	o.setup = fx_setup_fails;
	tap = run_named(names, 2, &o, res, &tot);
	assert_int_equal(res[0].status, CONFORM_FAIL);
	assert_string_equal(res[0].reason, "setup: no device here");
	assert_contains(tap, "# setup: no device here\n");
	assert_int_equal(res[1].status, CONFORM_PASS);	/* no fixture, no setup */
	runner_results_free(res, 2);
	free(tap);
}

static void test_run_preamble(void **state)
{
	static const char *const names[] = { "t/pass" };
	struct runner_opts o = { .timeout_s = 20, .preamble = "suite x\ndevice y" };
	struct conform_result res[1];
	struct conform_totals tot;
	char *tap;

	(void)state;
	tap = run_named(names, 1, &o, res, &tot);
	assert_contains(tap, "TAP version 13\n1..1\n# suite x\n# device y\n# REQ-T-001");
	runner_results_free(res, 1);
	free(tap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tap_format),
		cmocka_unit_test(test_noise_filter),
		cmocka_unit_test(test_failure_summary),
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_run_statuses),
		cmocka_unit_test(test_run_timeout),
		cmocka_unit_test(test_run_flood_timeout),
		cmocka_unit_test(test_run_per_test_timeout),
		cmocka_unit_test(test_run_unreapable),
		cmocka_unit_test(test_run_stray_grandchild),
		cmocka_unit_test(test_run_fixture),
		cmocka_unit_test(test_run_preamble),
	};

	return cmocka_run_group_tests_name("runner", tests, NULL, NULL);
}
