/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * vfio-conform test registry and runner.
 *
 * Every test runs in a forked child (its own process group) which calls
 * cmocka's group runner on that one test.  The child's stdout/stderr go to a
 * pipe that the parent prints as TAP diagnostic lines; a second pipe carries
 * the skip reason and the child's verdict.  The parent enforces the per-test
 * timeout.  Nothing here knows about VFIO: the unit tests drive it with a
 * test-only registry.
 */
#ifndef CONFORM_RUNNER_H
#define CONFORM_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define CONFORM_MAX_REQS	8

typedef void (*conform_fn)(void **state);

struct conform_test {
	const char *name;	/* "<area>/<case>", lower case */
	/* SPEC.md requirement IDs, NULL-terminated */
	const char *reqs[CONFORM_MAX_REQS + 1];
	conform_fn fn;		/* a cmocka test function */
	unsigned int flags;	/* CONFORM_F_* */
	unsigned int timeout_s;	/* 0: the runner's default */
};

/* The runner's fixture (opening the device) is not used: the test opens
 * whatever it needs itself (token tests) or needs nothing. */
#define CONFORM_F_NO_FIXTURE	(1u << 0)

struct conform_area {
	const char *name;
	const struct conform_test *tests;
	size_t count;
};

enum conform_status {
	CONFORM_PASS,
	CONFORM_FAIL,
	CONFORM_SKIP,
};

struct conform_result {
	const struct conform_test *test;
	enum conform_status status;
	char *reason;		/* skip reason or failure summary; NULL on pass */
	char *output;		/* captured, filtered child output ("" if none) */
	uint64_t duration_ms;
	bool timed_out;
};

struct conform_totals {
	unsigned int pass;
	unsigned int fail;
	unsigned int skip;
};

struct runner_opts {
	FILE *tap;			/* TAP stream (stdout) */
	unsigned int timeout_s;		/* per test; 0 means 60 */
	unsigned int reap_grace_s;	/* after SIGKILL; 0 means 5 */
	int (*setup)(void **state);	/* fixture, unless CONFORM_F_NO_FIXTURE */
	int (*teardown)(void **state);
	int (*kill_fn)(pid_t pid, int sig); /* NULL: kill(2); unit tests */
	const char *preamble;		/* diagnostic lines after the plan */
};

/* ---- selection ---- */
bool runner_test_cites(const struct conform_test *t, const char *req);
bool runner_test_selected(const struct conform_test *t,
			  const char *const *filters, size_t nfilters,
			  const char *const *reqs, size_t nreqs);

/* ---- running ---- */
int runner_run(const struct conform_test *const *tests, size_t n,
	       const struct runner_opts *opts,
	       struct conform_result *results, struct conform_totals *totals);
void runner_results_free(struct conform_result *results, size_t n);

/* ---- TAP output (exposed for the unit tests) ---- */
void tap_header(FILE *f, size_t n);
void tap_diag(FILE *f, const char *text);
void tap_reqs(FILE *f, const struct conform_test *t);
void tap_result(FILE *f, size_t num, const struct conform_result *r);
void tap_totals(FILE *f, const struct conform_totals *t);
const char *conform_status_name(enum conform_status s);
bool runner_is_cmocka_noise(const char *line);
char *runner_failure_summary(const char *output);

/* ---- for test code, in the child ---- */
/*
 * Skip the running test with a reason.  The reason goes to the parent
 * through the status pipe, then cmocka's skip() ends the test.  A test that
 * cmocka reports skipped without a reason counts as FAILED (suite bug).
 */
void _conform_skip(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
#define conform_skip(...) _conform_skip(__FILE__, __LINE__, __VA_ARGS__)

#endif /* CONFORM_RUNNER_H */
