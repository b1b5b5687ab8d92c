// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Host-side unit tests of the runner: TAP formatting with levels, and whole
 * runs over a test-only registry (pass, fail, skip with and without a
 * reason, hang -> timeout, crash, early exit, a stray grandchild, an
 * unreapable child), and a device that cannot be trusted: a fake probe
 * says whether it is still usable (wedge -> culprit FAIL, the rest not-run,
 * "Bail out!"), a fixture that finds it did not come back, SIGTERM.
 * The fake tests use the runner's own harness (_conform_fail/conform_skip),
 * never cmocka's assertions: they run in the runner's children.
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

/* The harness, as conform.h spells it for the area files. */
#define T_FAIL(...)	_conform_fail(__FILE__, __LINE__, __VA_ARGS__)
#define T_CHECK(c, ...)	do { if (!(c)) T_FAIL(__VA_ARGS__); } while (0)

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

/* Result i of run r has status st and a reason containing why. */
#define assert_result(r, i, st, why)					\
	do {								\
		assert_int_equal((r).res[i].status, (st));		\
		assert_contains((r).res[i].reason, (why));		\
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
	int one = 1;

	(void)state;
	T_CHECK(one == 2, "0x%x != 0x%x", one, 2);
}

static void t_fail_msg(void **state)
{
	(void)state;
	T_FAIL("custom failure %d", 7);
}

static void t_skip_reason(void **state)
{
	(void)state;
	conform_skip("no widget (%s)", "test");
}

static void t_skip_bare(void **state)
{
	(void)state;
	conform_skip("%s", "");
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

/* Pipes closed well before the exit: only a wait on the exit itself ends
 * the test when the child does. */
static void t_close_then_exit(void **state)
{
	struct timespec ts = { 0, 2 * 1000 * 1000 };

	(void)state;
	for (int fd = 0; fd < 1024; fd++)
		close(fd);
	nanosleep(&ts, NULL);
	_exit(0);
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
	conform_setup_failed("no device here");
}

static int fx_setup_fails_quietly(void **state)
{
	(void)state;
	return -1;
}

static void t_uses_fixture(void **state)
{
	T_CHECK(*state != NULL, "no fixture state");
	T_CHECK(*(int *)*state == 42, "fixture state %d", *(int *)*state);
}

static void t_no_fixture(void **state)
{
	T_CHECK(*state == NULL, "fixture state where none was asked for");
}

static void t_should_fail(void **state)
{
	(void)state;
	T_FAIL("a SHOULD deviation");
}

static const struct conform_test reg[] = {
	{ "t/pass", { "REQ-T-001", "REQ-T-002" }, t_pass, 0, 0 },
	{ "t/fail", { "REQ-T-003" }, t_fail, 0, 0 },
	{ "t/fail-msg", { "REQ-T-003" }, t_fail_msg, 0, 0 },
	{ "t/skip-reason", { "REQ-T-004" }, t_skip_reason, 0, 0 },
	{ "t/skip-bare", { "REQ-T-004" }, t_skip_bare, 0, 0 },
	{ "t/skip-empty", { "REQ-T-004" }, t_skip_empty, 0, 0 },
	{ "t/hang", { "REQ-T-005" }, t_hang, 0, 0 },
	{ "t/hang-short", { "REQ-T-005" }, t_hang, 0, 1 },	/* its own 1 s timeout */
	{ "t/flood", { "REQ-T-005" }, t_flood, 0, 0 },
	{ "t/abort", { "REQ-T-006" }, t_abort, 0, 0 },
	{ "t/segv", { "REQ-T-006" }, t_segv, 0, 0 },
	{ "t/exit-early", { "REQ-T-006" }, t_exit_early, 0, 0 },
	{ "t/stray-grandchild", { "REQ-T-007" }, t_stray_grandchild, 0, 0 },
	{ "t/partial-line", { NULL }, t_partial_line, 0, 0 },
	{ "t/close-then-exit", { "REQ-T-006" }, t_close_then_exit, 0, 0 },
	{ "t/uses-fixture", { "REQ-T-008" }, t_uses_fixture, 0, 0 },
	{ "t/no-fixture", { "REQ-T-008" }, t_no_fixture, CONFORM_F_NO_FIXTURE, 0 },
	{ "t/should-fail", { "REQ-T-010" }, t_should_fail, 0, 0 },
	{ "t/mixed-fail", { "REQ-T-010", "REQ-T-001" }, t_should_fail, 0, 0 },
};

/* Levels of the fake requirements (the suite's come from SPEC.md). */
static const struct conform_req levels[] = {
	{ "REQ-T-001", CONFORM_MUST }, { "REQ-T-002", CONFORM_INFO },
	{ "REQ-T-003", CONFORM_MUST }, { "REQ-T-004", CONFORM_MUST },
	{ "REQ-T-005", CONFORM_MUST }, { "REQ-T-006", CONFORM_MUST },
	{ "REQ-T-007", CONFORM_MUST }, { "REQ-T-008", CONFORM_MUST },
	{ "REQ-T-010", CONFORM_SHOULD },
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

/* One run of the tests a space-separated list names: results, totals, exit
 * status, TAP text. */
struct run {
	struct conform_result res[REG_N];
	struct conform_totals tot;
	size_t n;
	int rc;
	char *tap;
};

static void run_named(struct run *r, const char *list, struct runner_opts *o)
{
	const struct conform_test *sel[REG_N];
	char names[512], *save, *name;
	struct memout m;
	size_t n = 0;

	snprintf(names, sizeof(names), "%s", list);
	for (name = strtok_r(names, " ", &save); name; name = strtok_r(NULL, " ", &save)) {
		assert_true(n < REG_N);
		sel[n++] = find(name);
	}
	mem_open(&m);
	o->tap = m.f;
	r->n = n;
	r->rc = runner_run(sel, n, o, r->res, &r->tot);
	r->tap = mem_close(&m);
}

static void run_free(struct run *r)
{
	runner_results_free(r->res, r->n);
	free(r->tap);
}

/* ---------------- TAP formatting ---------------- */

static void test_tap_format(void **state)
{
	struct conform_test t = { "area/case", { "REQ-T-001", "REQ-T-010" }, NULL, 0, 0 };
	struct conform_result r = { .test = &t };
	struct conform_totals tot = { .pass = 3, .fail = 1, .skip = 2 };
	struct memout m;
	char *out;

	(void)state;
	mem_open(&m);
	tap_header(m.f, 6);
	tap_reqs(m.f, &t, NULL, 0);
	tap_reqs(m.f, &t, levels, sizeof(levels) / sizeof(levels[0]));
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
		"# REQ-T-001 REQ-T-010\n"
		"# REQ-T-001 (MUST) REQ-T-010 (SHOULD)\n"
		"ok 1 area/case\n"
		"not ok 2 area/case\n"
		"ok 3 area/case # SKIP no PF given (--pf or VFIO_CONFORM_PF)\n"
		"# line one\n"
		"#\n"
		"# line three\n"
		"# Totals: pass:3 fail:1 xfail:0 xpass:0 skip:2 error:0\n");
	free(out);
}

static void test_levels_and_timeouts(void **state)
{
	const size_t nl = sizeof(levels) / sizeof(levels[0]);
	struct conform_test t120 = { "t/x", { "REQ-T-010" }, NULL, 0, 120 };

	(void)state;
	assert_int_equal(runner_test_level(find("t/pass"), levels, nl), CONFORM_MUST);
	assert_int_equal(runner_test_level(find("t/should-fail"), levels, nl), CONFORM_SHOULD);
	assert_int_equal(runner_test_level(find("t/mixed-fail"), levels, nl), CONFORM_MUST);
	assert_int_equal(runner_test_level(&t120, NULL, 0), CONFORM_MUST); /* unknown */
	assert_int_equal(conform_req_level(levels, nl, "REQ-T-002"), CONFORM_INFO);
	assert_int_equal(conform_req_level(levels, nl, "REQ-T-999"), -1);
	assert_string_equal(conform_level_name(CONFORM_SHOULD), "SHOULD");
	/* a test's own timeout scales with --timeout like the default */
	assert_int_equal(runner_test_timeout(&t120, 60), 120);
	assert_int_equal(runner_test_timeout(&t120, 0), 120);
	assert_int_equal(runner_test_timeout(&t120, 600), 1200);
	assert_int_equal(runner_test_timeout(&t120, 1), 2);
	assert_int_equal(runner_test_timeout(find("t/pass"), 30), 30);
	assert_int_equal(runner_test_timeout(find("t/pass"), 0), 60);
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
	struct runner_opts o = { .timeout_s = 20 };
	struct run r;

	(void)state;
	run_named(&r, "t/pass t/fail t/fail-msg t/skip-reason t/skip-bare t/skip-empty "
		  "t/abort t/segv t/exit-early t/partial-line", &o);

	assert_int_equal(r.res[0].status, CONFORM_PASS);
	assert_null(r.res[0].reason);
	assert_contains(r.res[0].output, "hello from pass\n");
	assert_contains(r.res[0].output, "and from stderr\n");
	assert_not_contains(r.res[0].output, "[ RUN      ]");

	assert_result(r, 1, CONFORM_FAIL, "0x1 != 0x2 (tests/test_runner.c:");
	assert_result(r, 2, CONFORM_FAIL, "custom failure 7 (tests/test_runner.c:");

	assert_int_equal(r.res[3].status, CONFORM_SKIP);
	assert_string_equal(r.res[3].reason, "no widget (test)");

	/* skip without a reason: a suite bug, never a pass */
	assert_result(r, 4, CONFORM_FAIL, "skipped without a reason");
	assert_result(r, 5, CONFORM_FAIL, "skipped without a reason");

	assert_result(r, 6, CONFORM_FAIL, "killed by signal 6");
	assert_result(r, 7, CONFORM_FAIL, "killed by signal 11");
	assert_result(r, 8, CONFORM_FAIL, "exited with status 0 before the test finished");
	assert_int_equal(r.res[9].status, CONFORM_PASS);
	assert_contains(r.res[9].output, "no newline at the end\n");

	assert_int_equal(r.tot.pass, 2);
	assert_int_equal(r.tot.skip, 1);
	assert_int_equal(r.tot.fail, 7);

	assert_contains(r.tap, "TAP version 13\n1..10\n");
	assert_contains(r.tap, "# REQ-T-001 REQ-T-002\n# hello from pass\n# and from stderr\nok 1 t/pass\n");
	assert_contains(r.tap, "# 0x1 != 0x2 (tests/test_runner.c:");
	assert_contains(r.tap, "not ok 2 t/fail\n");
	assert_contains(r.tap, "ok 4 t/skip-reason # SKIP no widget (test)\n");
	assert_contains(r.tap, "# test skipped without a reason (suite bug: use conform_skip())\n"
			"not ok 5 t/skip-bare\n");
	assert_contains(r.tap, "not ok 7 t/abort\n");
	assert_contains(r.tap, "# Totals: pass:2 fail:7 xfail:0 xpass:0 skip:1 error:0\n");
	assert_not_contains(r.tap, "Bail out!");
	run_free(&r);
}

/* Can this process read kernel stacks (root with CAP_SYS_ADMIN, STACKTRACE)? */
static bool can_read_stacks(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/stack", "re");
	bool ok = f && fgets(line, sizeof(line), f);

	if (f)
		fclose(f);
	return ok;
}

static void test_run_timeout(void **state)
{
	struct runner_opts o = { .timeout_s = 1 };
	struct run r;
	uint64_t t0 = mono_ms();

	(void)state;
	run_named(&r, "t/hang t/pass", &o);
	assert_int_equal(r.res[0].status, CONFORM_FAIL);
	assert_true(r.res[0].timed_out);
	assert_string_equal(r.res[0].reason, "timed out after 1 s");
	assert_contains(r.res[0].output, "about to hang\n");
	assert_true(r.res[0].duration_ms >= 1000);
	assert_int_equal(r.res[1].status, CONFORM_PASS);	/* the run went on */
	if (can_read_stacks()) {
		/* where it waits in the kernel, read before the SIGKILL */
		assert_contains(r.tap, "# about to hang\n# kernel stack of the test process at "
				"its timeout (pid ");
		assert_contains(r.tap, "pause+");
		assert_contains(r.tap, "\n# timed out after 1 s\nnot ok 1 t/hang\n");
	} else {
		assert_contains(r.tap, "# about to hang\n# timed out after 1 s\nnot ok 1 t/hang\n");
	}
	assert_contains(r.tap, "ok 2 t/pass\n");
	assert_true(mono_ms() - t0 < 10000);
	run_free(&r);
}

static void test_run_flood_timeout(void **state)
{
	struct runner_opts o = { .timeout_s = 3 };	/* 1 MiB of output even on a loaded host */
	struct run r;
	uint64_t t0 = mono_ms();

	(void)state;
	run_named(&r, "t/flood", &o);
	assert_true(r.res[0].timed_out);
	assert_true(mono_ms() - t0 < 10000);
	assert_contains(r.tap, "# [output truncated]\n");
	assert_contains(r.tap, "# timed out after 3 s\nnot ok 1 t/flood\n");
	assert_true(strlen(r.res[0].output) <= 1024 * 1024);
	run_free(&r);
}

static void test_run_per_test_timeout(void **state)
{
	struct runner_opts o = { .timeout_s = 60 };	/* the test's own 1 s, unscaled */
	struct run r;

	(void)state;
	run_named(&r, "t/hang-short", &o);
	assert_true(r.res[0].timed_out);
	assert_contains(r.tap, "# timed out after 1 s\n");
	run_free(&r);
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
	struct runner_opts o = { .timeout_s = 1, .reap_grace_s = 1, .kill_fn = fake_kill };
	struct run r;

	(void)state;
	g_unkilled = 0;
	run_named(&r, "t/hang t/pass", &o);
	assert_true(g_unkilled > 0);
	assert_int_equal(r.res[0].status, CONFORM_FAIL);
	assert_contains(r.tap, "did not exit within 1 s after SIGKILL");
	assert_contains(r.tap, "not ok 1 t/hang\n");
	assert_contains(r.tap, "ok 2 t/pass\n");
	kill(-g_unkilled, SIGKILL);
	kill(g_unkilled, SIGKILL);
	waitpid(g_unkilled, NULL, 0);
	run_free(&r);
}

static void test_run_stray_grandchild(void **state)
{
	struct runner_opts o = { .timeout_s = 20 };
	struct run r;

	(void)state;
	run_named(&r, "t/stray-grandchild", &o);
	assert_int_equal(r.res[0].status, CONFORM_PASS);
	assert_true(r.res[0].duration_ms < 5000);	/* not held up by the pipe */
	run_free(&r);
}

/*
 * The wait ends at the child's exit (a pidfd), not at the next 50 ms slice:
 * a slice-based wait makes every one of these runs last >= 50 ms, so even
 * on a loaded machine most of them end sooner now.
 */
static void test_run_exit_wakes_wait(void **state)
{
	struct runner_opts o = { .timeout_s = 20 };
	struct run r;
	unsigned int fast = 0;

	(void)state;
	for (int i = 0; i < 8; i++) {
		run_named(&r, "t/close-then-exit", &o);
		fast += r.res[0].duration_ms < 45;
		run_free(&r);
	}
	assert_true(fast >= 4);
}

static void test_run_fixture(void **state)
{
	struct runner_opts o = { .timeout_s = 20, .setup = fx_setup, .teardown = fx_teardown };
	struct run r;

	(void)state;
	g_setup_ran = 0;
	run_named(&r, "t/uses-fixture t/no-fixture", &o);
	assert_int_equal(r.res[0].status, CONFORM_PASS);
	assert_int_equal(r.res[1].status, CONFORM_PASS);
	assert_int_equal(g_setup_ran, 0);	/* it ran in the children only */
	run_free(&r);

	o.setup = fx_setup_fails;
	run_named(&r, "t/uses-fixture t/no-fixture", &o);
	assert_int_equal(r.res[0].status, CONFORM_FAIL);
	assert_string_equal(r.res[0].reason, "setup: no device here");
	assert_contains(r.tap, "# setup: no device here\n");
	assert_int_equal(r.res[1].status, CONFORM_PASS);	/* no fixture, no setup */
	run_free(&r);
}

static void test_run_preamble(void **state)
{
	struct runner_opts o = { .timeout_s = 20, .preamble = "suite x\ndevice y" };
	struct run r;

	(void)state;
	run_named(&r, "t/pass", &o);
	assert_contains(r.tap, "TAP version 13\n1..1\n# suite x\n# device y\n# REQ-T-001");
	run_free(&r);
}

/* ---------------- levels and a device that cannot be trusted ---------------- */

static int probe_bad(char *why, size_t len)
{
	snprintf(why, len, "VFIO_GROUP_GET_DEVICE_FD: Device or resource busy");
	return -1;
}

static int probe_ok(char *why, size_t len)
{
	(void)why;
	(void)len;
	return 0;
}

static int probe_hangs(char *why, size_t len)
{
	(void)why;
	(void)len;
	for (;;)
		pause();
	return 0;
}

static void test_run_levels(void **state)
{
	struct runner_opts o = { .timeout_s = 20, .reqs = levels,
				 .nreqs = sizeof(levels) / sizeof(levels[0]) };
	struct run r;

	(void)state;
	run_named(&r, "t/should-fail t/mixed-fail t/pass", &o);
	assert_contains(r.tap, "# REQ-T-010 (SHOULD)\n");
	assert_contains(r.tap, "# warn: SHOULD REQ-T-010 (a warning: not held against "
			"conformance)\nnot ok 1 t/should-fail\n");
	assert_contains(r.tap, "# fail: SHOULD REQ-T-010 MUST REQ-T-001\nnot ok 2 t/mixed-fail\n");
	assert_contains(r.tap, "# REQ-T-001 (MUST) REQ-T-002 (INFO)\n");
	assert_int_equal(r.tot.fail, 2);
	run_free(&r);
}

static void test_run_wedged_by_hang(void **state)
{
	struct runner_opts o = { .timeout_s = 1, .probe = probe_bad };
	struct run r;

	(void)state;
	run_named(&r, "t/pass t/hang t/pass t/skip-reason", &o);
	assert_int_equal(r.rc, 1);
	assert_int_equal(r.res[0].status, CONFORM_PASS);
	assert_int_equal(r.res[1].status, CONFORM_FAIL);
	assert_true(r.res[1].wedged);
	assert_true(r.res[1].timed_out);
	assert_string_equal(r.res[1].reason, "timed out after 1 s; device no longer usable: "
			    "VFIO_GROUP_GET_DEVICE_FD: Device or resource busy");
	assert_int_equal(r.res[2].status, CONFORM_NOT_RUN);
	assert_result(r, 3, CONFORM_NOT_RUN, "device wedged by t/hang: device no longer usable");
	assert_int_equal(r.tot.pass, 1);
	assert_int_equal(r.tot.fail, 1);
	assert_int_equal(r.tot.skip, 0);
	assert_int_equal(r.tot.not_run, 2);
	assert_ptr_equal(r.tot.culprit, find("t/hang"));
	assert_contains(r.tot.end_reason, "device wedged by t/hang");
	/* no cascade: one FAIL, the rest never printed as results */
	assert_contains(r.tap, "not ok 2 t/hang\n# 2 tests not run: device wedged by t/hang: "
			"device no longer usable: VFIO_GROUP_GET_DEVICE_FD");
	assert_contains(r.tap, "\nBail out! device wedged by t/hang: ");
	assert_not_contains(r.tap, "ok 3 ");
	assert_contains(r.tap, "# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:0 error:0\n");
	run_free(&r);

	/* the same hang on a device that is still usable: the run goes on */
	o.probe = probe_ok;
	run_named(&r, "t/pass t/hang t/pass t/skip-reason", &o);
	assert_int_equal(r.res[1].status, CONFORM_FAIL);
	assert_false(r.res[1].wedged);
	assert_int_equal(r.res[2].status, CONFORM_PASS);
	assert_int_equal(r.res[3].status, CONFORM_SKIP);
	assert_null(r.tot.culprit);
	assert_string_equal(r.tot.end_reason, "");
	assert_not_contains(r.tap, "Bail out!");
	run_free(&r);
}

static void test_run_wedged_unreapable(void **state)
{
	struct runner_opts o = { .timeout_s = 1, .reap_grace_s = 1, .kill_fn = fake_kill,
				 .probe = probe_bad };
	struct run r;

	(void)state;
	g_unkilled = 0;
	run_named(&r, "t/hang t/pass", &o);
	assert_int_equal(r.res[0].status, CONFORM_FAIL);
	assert_true(r.res[0].wedged);
	assert_int_equal(r.res[1].status, CONFORM_NOT_RUN);
	assert_contains(r.tap, "did not exit within 1 s after SIGKILL");
	assert_contains(r.tap, "Bail out! device wedged by t/hang");
	kill(-g_unkilled, SIGKILL);
	kill(g_unkilled, SIGKILL);
	waitpid(g_unkilled, NULL, 0);
	run_free(&r);
}

static void test_run_probe_hangs(void **state)
{
	struct runner_opts o = { .timeout_s = 1, .probe = probe_hangs, .probe_timeout_s = 1 };
	struct run r;
	uint64_t t0 = mono_ms();

	(void)state;
	run_named(&r, "t/hang t/pass", &o);
	assert_true(r.res[0].wedged);
	assert_contains(r.res[0].reason, "did not return within 1 s");
	if (can_read_stacks())
		assert_contains(r.tap, "# kernel stack of the probe (pid ");
	assert_int_equal(r.res[1].status, CONFORM_NOT_RUN);
	assert_true(mono_ms() - t0 < 10000);
	run_free(&r);
}

static char g_fx_path[64];

/* Each fixture use leaves a byte in a file: children share no memory. */
static int fx_uses(void)
{
	FILE *f = fopen(g_fx_path, "a");
	long n;

	if (!f)
		return 99;
	fputc('x', f);
	n = ftell(f);
	fclose(f);
	return (int)n;
}

static int fx_setup_wedges(void **state)
{
	static int token = 42;

	if (fx_uses() > 1)
		conform_wedged("migration state RESUMING at open, not RUNNING, and no "
			       "VFIO_DEVICE_FLAGS_RESET to bring it back");
	*state = &token;
	return 0;
}

static void test_run_fixture_wedge(void **state)
{
	struct runner_opts o = { .timeout_s = 20, .setup = fx_setup_wedges,
				 .teardown = fx_teardown, .probe = probe_ok };
	struct run r;
	int fd;

	(void)state;
	snprintf(g_fx_path, sizeof(g_fx_path), "/tmp/test_runner.XXXXXX");
	fd = mkstemp(g_fx_path);
	assert_true(fd >= 0);
	close(fd);
	run_named(&r, "t/uses-fixture t/no-fixture t/uses-fixture t/pass", &o);
	unlink(g_fx_path);
	/* the test before the one that found the device stuck is the culprit */
	assert_int_equal(r.res[0].status, CONFORM_FAIL);
	assert_true(r.res[0].wedged);
	assert_contains(r.res[0].reason, "migration state RESUMING at open");
	assert_int_equal(r.res[1].status, CONFORM_PASS);
	assert_int_equal(r.res[2].status, CONFORM_NOT_RUN);
	assert_int_equal(r.res[3].status, CONFORM_NOT_RUN);
	assert_string_equal(r.res[3].reason, "device wedged by t/uses-fixture: migration state "
			    "RESUMING at open, not RUNNING, and no VFIO_DEVICE_FLAGS_RESET to "
			    "bring it back");
	assert_int_equal(r.tot.pass, 1);
	assert_int_equal(r.tot.fail, 1);
	assert_int_equal(r.tot.not_run, 2);
	assert_ptr_equal(r.tot.culprit, find("t/uses-fixture"));
	assert_contains(r.tap, "ok 1 t/uses-fixture\n");
	assert_contains(r.tap, "# t/uses-fixture (test 1) is counted as a failure: the device did "
			"not come back after it\n");
	assert_contains(r.tap, "# 2 tests not run: device wedged by t/uses-fixture");
	assert_contains(r.tap, "# Totals: pass:1 fail:1 ");
	assert_contains(r.tap, "Bail out! device wedged by t/uses-fixture: migration state");
	run_free(&r);
}

static void test_run_setup_fail_probe(void **state)
{
	struct runner_opts o = { .timeout_s = 20, .setup = fx_setup_fails_quietly,
				 .teardown = fx_teardown, .probe = probe_bad };
	struct run r;

	(void)state;
	/* the first fixture use fails, the device is unusable: it is named */
	run_named(&r, "t/uses-fixture t/pass t/uses-fixture", &o);
	assert_int_equal(r.res[0].status, CONFORM_FAIL);
	assert_true(r.res[0].wedged);
	assert_contains(r.res[0].reason, "fixture setup failed");
	assert_int_equal(r.res[1].status, CONFORM_NOT_RUN);
	assert_int_equal(r.res[2].status, CONFORM_NOT_RUN);
	run_free(&r);
}

static volatile sig_atomic_t g_stop;

static void on_alarm(int sig)
{
	(void)sig;
	g_stop = SIGTERM;
}

static void test_run_interrupted(void **state)
{
	struct runner_opts o = { .timeout_s = 30, .interrupted = &g_stop };
	struct run r;
	uint64_t t0 = mono_ms();

	(void)state;
	g_stop = 0;
	signal(SIGALRM, on_alarm);
	alarm(1);
	run_named(&r, "t/pass t/hang t/pass", &o);
	signal(SIGALRM, SIG_DFL);
	assert_true(mono_ms() - t0 < 10000);
	assert_int_equal(r.res[0].status, CONFORM_PASS);
	assert_int_equal(r.res[1].status, CONFORM_NOT_RUN);
	assert_string_equal(r.res[1].reason, "run interrupted by SIGTERM");
	assert_int_equal(r.res[2].status, CONFORM_NOT_RUN);
	assert_int_equal(r.tot.signal, SIGTERM);
	assert_null(r.tot.culprit);
	assert_contains(r.tap, "Bail out! run interrupted by SIGTERM\n");
	run_free(&r);
	g_stop = 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tap_format),
		cmocka_unit_test(test_levels_and_timeouts),
		cmocka_unit_test(test_run_levels),
		cmocka_unit_test(test_run_wedged_by_hang),
		cmocka_unit_test(test_run_wedged_unreapable),
		cmocka_unit_test(test_run_probe_hangs),
		cmocka_unit_test(test_run_fixture_wedge),
		cmocka_unit_test(test_run_setup_fail_probe),
		cmocka_unit_test(test_run_interrupted),
		cmocka_unit_test(test_selection),
		cmocka_unit_test(test_run_statuses),
		cmocka_unit_test(test_run_timeout),
		cmocka_unit_test(test_run_flood_timeout),
		cmocka_unit_test(test_run_per_test_timeout),
		cmocka_unit_test(test_run_unreapable),
		cmocka_unit_test(test_run_stray_grandchild),
		cmocka_unit_test(test_run_exit_wakes_wait),
		cmocka_unit_test(test_run_fixture),
		cmocka_unit_test(test_run_preamble),
	};

	return cmocka_run_group_tests_name("runner", tests, NULL, NULL);
}
