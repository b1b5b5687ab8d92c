/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * What an area file needs: the registry types, the device fixture, and
 * check helpers that print a useful message on failure.
 *
 * Writing a test: `static void test_x(void **state)`; `struct vfio_dev *d =
 * *state` is the device under test, freshly opened for this test (unless
 * the test has CONFORM_F_NO_FIXTURE).  Fail with conform_check()/fail_msg();
 * skip only with conform_skip("reason") (an empty reason is reported as a
 * suite bug), or conform_skip_prereq() (area_util.h) when a requirement
 * the test builds on already failed.  All of them end the test (the runner's harness,
 * runner.h); print_message() adds diagnostic lines.
 */
#ifndef CONFORM_H
#define CONFORM_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "runner.h"
#include "sysfs.h"
#include "vfio_dev.h"

#define SUITE_NAME	"vfio-conform"
#define SUITE_VERSION	"0.3.0"

/* Fixed suite VF token; VFIO_CONFORM_VF_TOKEN overrides it. */
#define CONFORM_DEFAULT_VF_TOKEN	"5c6a04f4-8d2b-4e4a-9a8e-72656664657f"

struct conform_env {
	const char *bdf;	/* device under test, canonical BDF */
	const char *pf;		/* --pf / VFIO_CONFORM_PF, or NULL */
	const char *token;	/* VF token used with --pf */
	const char *peer;	/* --peer / VFIO_CONFORM_PEER: second device, or NULL */
};

extern struct conform_env conform_env;

/* Fixture: opens the device under test for one test (see fixture.c). */
int conform_fixture_open(struct vfio_dev **out, char *err, size_t errlen);
void conform_fixture_close(struct vfio_dev *d);
int conform_fixture_setup(void **state);
int conform_fixture_teardown(void **state);
/* The device is in RUNNING (reset if needed and possible); see fixture.c. */
int conform_fixture_check(struct vfio_dev *d, char *note, size_t nlen,
			  char *err, size_t errlen);
/* The runner's probe after a hang: opens, GET_INFO, closes. */
int conform_fixture_probe(char *why, size_t len);
/* Whether the fixture passes the VF token (PF given and a vfio driver). */
bool conform_use_token(void);

/*
 * A test that compares with PCI sysfs facts (vendor/device files, physfn,
 * the PF's config, reset attributes) SKIPs for a mediated device, which has
 * none; `what` names the missing fact.
 */
#define conform_skip_if_mdev(name, what)				\
	do {								\
		if (dev_is_mdev(name))					\
			conform_skip("mediated device: no PCI sysfs identity (%s)", \
				     what);				\
	} while (0)

#define CONFORM_DEV(state)	((struct vfio_dev *)*(state))

/*
 * Fail the running test with a message (its location is appended);
 * diagnostic output (TAP "#" lines before the result).  A host unit test
 * that includes cmocka.h first keeps cmocka's (the suite never links it).
 */
#ifndef fail_msg
#define fail_msg(...)		_conform_fail(__FILE__, __LINE__, __VA_ARGS__)
#endif
#ifndef print_message
#define print_message(...)	conform_print(__VA_ARGS__)
#endif


/* Fail with a message when cond is false. */
#define conform_check(cond, ...)			\
	do {						\
		if (!(cond))				\
			fail_msg(__VA_ARGS__);		\
	} while (0)

/* Fail with the errno text when rc (0 or -errno) is non-zero. */
#define conform_check_rc(rc, what, ...)					\
	do {								\
		int conform_rc_ = (rc);					\
		if (conform_rc_)					\
			fail_msg(what ": %s", ##__VA_ARGS__,		\
				 strerror(-conform_rc_));		\
	} while (0)

/*
 * Register an area: one line at the end of its file, nothing else to edit.
 * The linker gathers the pointers in section conform_areas (suite.c walks
 * it); order places the area in the run (and --list) order, which is a
 * user interface: give a new area a free number between its neighbours'.
 */
#define CONFORM_AREA(sym, area_name, array, run_order)			\
	static const struct conform_area sym = {			\
		.name = area_name,					\
		.tests = array,						\
		.count = sizeof(array) / sizeof((array)[0]),		\
		.order = run_order,					\
	};								\
	static const struct conform_area *const sym##_reg		\
	__attribute__((used, section("conform_areas"))) = &sym

/* suite.c: all tests in run order */
size_t suite_tests(const struct conform_test **out, size_t max);
size_t suite_count(void);

#endif /* CONFORM_H */
