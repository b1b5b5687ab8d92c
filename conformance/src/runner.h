/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * vfio-conform test registry and runner: a small harness in the kselftest
 * style.
 *
 * Every test runs in a forked child (its own process group) which calls the
 * test function directly.  The child's stdout/stderr go to a pipe that the
 * parent prints as TAP diagnostic lines; a second pipe, owned by the
 * runner, carries the test's result and message (conform_check, fail_msg,
 * conform_skip write a record there and _exit).  The parent enforces the
 * per-test timeout and decides, when a child hangs, whether the device is
 * still usable (the probe); if not, the run ends cleanly ("device wedged").
 * Nothing here knows about VFIO: the unit tests drive it with a test-only
 * registry.
 */
#ifndef CONFORM_RUNNER_H
#define CONFORM_RUNNER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "reqs.h"
#include "tap.h"

#define CONFORM_MAX_REQS	8
#define CONFORM_MAX_REASON	512
#define CONFORM_DEFAULT_TIMEOUT_S	60

typedef void (*conform_fn)(void **state);

struct conform_test {
	const char *name;	/* "<area>/<case>", lower case */
	/* SPEC.md requirement IDs, NULL-terminated */
	const char *reqs[CONFORM_MAX_REQS + 1];
	conform_fn fn;		/* the test: void fn(void **state) */
	unsigned int flags;	/* CONFORM_F_* */
	/* 0: the runner's timeout; else seconds at the default --timeout 60,
	 * scaled with --timeout like every other timeout */
	unsigned int timeout_s;
};

/* The runner's fixture (opening the device) is not used: the test opens
 * whatever it needs itself (token tests) or needs nothing. */
#define CONFORM_F_NO_FIXTURE	(1u << 0)

struct conform_area {
	const char *name;
	const struct conform_test *tests;
	size_t count;
	unsigned int order;	/* run order: lower first (CONFORM_AREA) */
};

enum conform_status {
	CONFORM_PASS,
	CONFORM_FAIL,
	CONFORM_SKIP,
	CONFORM_NOT_RUN,	/* the run ended before it (wedge, signal) */
};

struct conform_result {
	const struct conform_test *test;
	enum conform_status status;
	char *reason;		/* skip/not-run reason or failure summary; NULL on pass */
	char *output;		/* captured child output ("" if none) */
	uint64_t duration_ms;
	bool timed_out;
	bool wedged;		/* this test left the device unusable: the run ended */
};

struct conform_totals {
	unsigned int pass;
	unsigned int fail;
	unsigned int skip;
	unsigned int not_run;
	/* how the run ended early, if it did */
	const struct conform_test *culprit;	/* the test that wedged the device */
	char end_reason[CONFORM_MAX_REASON + 256]; /* "" when the run completed */
	int signal;				/* SIGTERM/SIGINT that ended it, or 0 */
};

struct runner_opts {
	FILE *tap;			/* TAP stream (stdout) */
	unsigned int timeout_s;		/* per test; 0 means 60 */
	unsigned int reap_grace_s;	/* after SIGKILL; 0 means 5 */
	int (*setup)(void **state);	/* fixture, unless CONFORM_F_NO_FIXTURE */
	int (*teardown)(void **state);
	/*
	 * Is the device still usable?  Called in a forked child after a test
	 * timed out, its child could not be reaped or its fixture could not
	 * open the device; 0 when usable, else why in why[].  NULL: assume so.
	 */
	int (*probe)(char *why, size_t len);
	unsigned int probe_timeout_s;	/* 0 means 15 */
	int (*kill_fn)(pid_t pid, int sig); /* NULL: kill(2); unit tests */
	const char *preamble;		/* diagnostic lines after the plan */
	const struct conform_req *reqs;	/* levels for the TAP lines, or NULL */
	size_t nreqs;
	/* set (to the signal number) by a SIGTERM/SIGINT handler */
	const volatile sig_atomic_t *interrupted;
};

/* ---- selection ---- */
bool runner_test_cites(const struct conform_test *t, const char *req);
bool runner_test_selected(const struct conform_test *t,
			  const char *const *filters, size_t nfilters,
			  const char *const *reqs, size_t nreqs);
/* The highest level the test cites (MUST when the table lacks one). */
enum conform_level runner_test_level(const struct conform_test *t,
				     const struct conform_req *tab, size_t n);
/* A test's timeout: its own scaled by timeout_s / 60, or timeout_s. */
unsigned int runner_test_timeout(const struct conform_test *t, unsigned int timeout_s);

/* ---- running ---- */
/* Returns 1 when a test failed or the run ended early, else 0. */
int runner_run(const struct conform_test *const *tests, size_t n,
	       const struct runner_opts *opts,
	       struct conform_result *results, struct conform_totals *totals);
void runner_results_free(struct conform_result *results, size_t n);

/* ---- TAP output (exposed for the unit tests; the writer is libvfio's) ---- */
void tap_reqs(FILE *f, const struct conform_test *t,
	      const struct conform_req *tab, size_t ntab);
void tap_result(FILE *f, size_t num, const struct conform_result *r);
void tap_totals(FILE *f, const struct conform_totals *t);
const char *conform_status_name(enum conform_status s);

/* ---- for test code, in the child ---- */
/*
 * End the running test: failed with a message (the location is appended),
 * skipped with a reason (a skip without one counts as FAILED: suite bug),
 * or "the device did not come back" (fixture only: the run ends, the
 * previous test is named as the culprit).
 */
void _conform_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
void _conform_skip(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
void conform_wedged(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/* The fixture could not open the device: FAIL, and the runner probes it. */
void conform_setup_failed(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/* Diagnostic output of the running test (TAP "#" lines). */
void conform_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define conform_skip(...) _conform_skip(__FILE__, __LINE__, __VA_ARGS__)

#endif /* CONFORM_RUNNER_H */
