// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/* Host-side unit tests of the command line and environment parsing. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "cli.h"
#include "conform.h"

static char g_err[4096];

static int parse(struct cli_opts *o, ...)
{
	char *argv[32];
	int argc = 0, rc;
	va_list ap;
	FILE *err;

	argv[argc++] = (char *)"vfio-conform";
	va_start(ap, o);
	while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	memset(g_err, 0, sizeof(g_err));
	err = fmemopen(g_err, sizeof(g_err) - 1, "w");
	assert_non_null(err);
	rc = cli_parse(argc, argv, o, err);
	fclose(err);
	return rc;
}

static int env_reset(void **state)
{
	(void)state;
	unsetenv("VFIO_CONFORM_DEVICE");
	unsetenv("VFIO_CONFORM_PF");
	unsetenv("VFIO_CONFORM_VF_TOKEN");
	return 0;
}

#define assert_usage_error(rc, needle)					\
	do {								\
		assert_int_equal((rc), CLI_EXIT_USAGE);			\
		if (!strstr(g_err, (needle)))				\
			fail_msg("expected [%s] in: %s", (needle), g_err); \
		if (!strstr(g_err, "--help"))				\
			fail_msg("no --help hint in: %s", g_err);	\
	} while (0)

static void test_defaults(void **state)
{
	struct cli_opts o;

	(void)state;
	assert_int_equal(parse(&o, NULL), 0);
	assert_null(o.device);
	assert_null(o.pf);
	assert_int_equal(o.timeout_s, 60);
	assert_string_equal(o.token, CONFORM_DEFAULT_VF_TOKEN);
	assert_false(o.list);
	assert_int_equal(o.nfilters, 0);
}

static void test_device_and_options(void **state)
{
	struct cli_opts o;

	(void)state;
	assert_int_equal(parse(&o, "--filter", "info/*", "--filter", "region/*", "--req",
			       "REQ-INFO-001", "--timeout", "5", "--pf", "0000:01:00.0",
			       "--junit", "j.xml", "--json", "c.json", "0000:01:00.1", NULL), 0);
	assert_string_equal(o.device, "0000:01:00.1");
	assert_string_equal(o.pf, "0000:01:00.0");
	assert_int_equal(o.nfilters, 2);
	assert_string_equal(o.filters[1], "region/*");
	assert_int_equal(o.nreqs, 1);
	assert_int_equal(o.timeout_s, 5);
	assert_string_equal(o.junit, "j.xml");
	assert_string_equal(o.json, "c.json");
	assert_int_equal(parse(&o, "--filter=token/*", "--list", NULL), 0);
	assert_true(o.list);
	assert_string_equal(o.filters[0], "token/*");
	assert_int_equal(parse(&o, "-h", NULL), 0);
	assert_true(o.help);
}

static void test_bdf_forms(void **state)
{
	struct cli_opts o;

	(void)state;
	assert_int_equal(parse(&o, "01:00.1", NULL), 0);
	assert_string_equal(o.device, "0000:01:00.1");
	assert_int_equal(parse(&o, "0001:AB:1F.7", NULL), 0);
	assert_string_equal(o.device, "0001:ab:1f.7");
	assert_usage_error(parse(&o, "0000:01:00", NULL), "not a PCI address");
	assert_usage_error(parse(&o, "0000:01:20.0", NULL), "not a PCI address");
	assert_usage_error(parse(&o, "0000:01:00.8", NULL), "not a PCI address");
	assert_usage_error(parse(&o, "00000:01:00.0", NULL), "not a PCI address");
	assert_usage_error(parse(&o, "0000:01:00.1x", NULL), "not a PCI address");
	assert_usage_error(parse(&o, "eth0", NULL), "not a PCI address");
	assert_usage_error(parse(&o, "--pf", "zz", "0000:01:00.1", NULL), "--pf 'zz'");
}

/* Identity: a BDF, an mdev UUID, or garbage (exit 2, naming both forms). */
static void test_mdev_uuid(void **state)
{
	struct cli_opts o;

	(void)state;
	assert_int_equal(parse(&o, "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001", NULL), 0);
	assert_string_equal(o.device, "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001");
	assert_true(dev_is_mdev(o.device));
	assert_int_equal(parse(&o, "83B8F4F2-509F-382F-3C1E-E6BFE0FA1001", NULL), 0);
	assert_string_equal(o.device, "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001");
	assert_int_equal(parse(&o, "0000:01:00.1", NULL), 0);
	assert_false(dev_is_mdev(o.device));
	assert_int_equal(parse(&o, "--peer", "83b8f4f2-509f-382f-3c1e-e6bfe0fa1002",
			       "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001", NULL), 0);
	assert_string_equal(o.peer, "83b8f4f2-509f-382f-3c1e-e6bfe0fa1002");
	/* wrong length, misplaced dash, non-hex, braces */
	assert_usage_error(parse(&o, "83b8f4f2-509f-382f-3c1e-e6bfe0fa100", NULL),
			   "nor a mediated device UUID");
	assert_usage_error(parse(&o, "83b8f4f2-509f-382f-3c1ee6bfe0fa-1001", NULL),
			   "not a PCI address");
	assert_usage_error(parse(&o, "83b8f4f2-509f-382f-3c1e-e6bfe0fa100g", NULL),
			   "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
	assert_usage_error(parse(&o, "{83b8f4f2-509f-382f-3c1e-e6bfe0fa1001}", NULL),
			   "device '{83b8f4f2");
	/* a UUID is no PF */
	assert_usage_error(parse(&o, "--pf", "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001",
				 "0000:01:00.1", NULL), "--pf '83b8f4f2");
	setenv("VFIO_CONFORM_DEVICE", "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001", 1);
	assert_int_equal(parse(&o, NULL), 0);
	assert_string_equal(o.device, "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001");
	setenv("VFIO_CONFORM_DEVICE", "83b8f4f2-509f-382f", 1);
	assert_usage_error(parse(&o, NULL), "nor a mediated device UUID");
	env_reset(NULL);
}

static void test_bad_arguments(void **state)
{
	struct cli_opts o;

	(void)state;
	assert_usage_error(parse(&o, "--bogus", NULL), "unknown option '--bogus'");
	assert_usage_error(parse(&o, "-x", NULL), "unknown option '-x'");
	assert_usage_error(parse(&o, "--timeout", NULL), "needs an argument");
	assert_usage_error(parse(&o, "--timeout", "0", NULL), "--timeout '0'");
	assert_usage_error(parse(&o, "--timeout", "abc", NULL), "--timeout 'abc'");
	assert_usage_error(parse(&o, "--timeout", "-3", NULL), "--timeout '-3'");
	assert_usage_error(parse(&o, "--timeout", "5s", NULL), "--timeout '5s'");
	assert_usage_error(parse(&o, "--req", "INFO-1", NULL), "not a requirement ID");
	assert_usage_error(parse(&o, "--req", "REQ-info-001", NULL), "not a requirement ID");
	assert_usage_error(parse(&o, "--filter", "", NULL), "non-empty");
	assert_usage_error(parse(&o, "--json", "", NULL), "--json needs a file name");
	assert_usage_error(parse(&o, "0000:01:00.1", "0000:01:00.2", NULL),
			   "more than one device");
	/* getopt's optopt is no character for long-only options (issue 14) */
	assert_usage_error(parse(&o, "--list=yes", NULL),
			   "option '--list' takes no argument ('--list=yes')");
	assert_usage_error(parse(&o, "--help=1", NULL),
			   "option '--help' takes no argument ('--help=1')");
	assert_usage_error(parse(&o, "--version=2", NULL), "'--version' takes no argument");
	assert_usage_error(parse(&o, "--pf", NULL), "option '--pf' needs an argument");
	assert_int_equal(parse(&o, "--version", NULL), 0);
	assert_true(o.version);
}

static void test_environment(void **state)
{
	struct cli_opts o;

	(void)state;
	setenv("VFIO_CONFORM_DEVICE", "02:00.3", 1);
	setenv("VFIO_CONFORM_PF", "0000:02:00.0", 1);
	setenv("VFIO_CONFORM_VF_TOKEN", "ABCDEF01-2345-6789-ABCD-EF0123456789", 1);
	assert_int_equal(parse(&o, NULL), 0);
	assert_string_equal(o.device, "0000:02:00.3");
	assert_string_equal(o.pf, "0000:02:00.0");
	assert_string_equal(o.token, "abcdef01-2345-6789-abcd-ef0123456789");
	/* the command line wins */
	assert_int_equal(parse(&o, "--pf", "0000:03:00.0", "0000:03:00.4", NULL), 0);
	assert_string_equal(o.device, "0000:03:00.4");
	assert_string_equal(o.pf, "0000:03:00.0");
	setenv("VFIO_CONFORM_VF_TOKEN", "abcdef01-2345-6789-abcd-ef012345678", 1);
	assert_usage_error(parse(&o, NULL), "VFIO_CONFORM_VF_TOKEN");
	setenv("VFIO_CONFORM_VF_TOKEN", "abcdef01x2345-6789-abcd-ef0123456789", 1);
	assert_usage_error(parse(&o, NULL), "is not a UUID");
	unsetenv("VFIO_CONFORM_VF_TOKEN");
	setenv("VFIO_CONFORM_DEVICE", "nonsense", 1);
	assert_usage_error(parse(&o, NULL), "VFIO_CONFORM_DEVICE 'nonsense'");
	env_reset(NULL);
}

static void test_usage_text(void **state)
{
	static char buf[16384];
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	(void)state;
	assert_non_null(f);
	cli_usage(f, "vfio-conform");
	fclose(f);
	assert_non_null(strstr(buf, "Usage: vfio-conform [options] [BDF|UUID]"));
	assert_non_null(strstr(buf, "--timeout SEC"));
	assert_non_null(strstr(buf, "VFIO_CONFORM_VF_TOKEN"));
	assert_non_null(strstr(buf, "--version"));
	/* every exit status is documented */
	assert_non_null(strstr(buf, "  0  conformant"));
	assert_non_null(strstr(buf, "  1  not conformant"));
	assert_non_null(strstr(buf, "  2  usage error"));
	assert_non_null(strstr(buf, "  3  setup error"));
	assert_non_null(strstr(buf, "  4  every test skipped"));
	/* the codes themselves are what SPEC.md 2.6 says */
	assert_int_equal(CLI_EXIT_OK, 0);
	assert_int_equal(CLI_EXIT_FAIL, 1);
	assert_int_equal(CLI_EXIT_USAGE, 2);
	assert_int_equal(CLI_EXIT_SETUP, 3);
	assert_int_equal(CLI_EXIT_SKIP, 4);
}

static void test_exit_status(void **state)
{
	static const struct conform_test culprit = { "a/b", { NULL }, NULL, 0, 0 };
	struct conform_totals t = { .pass = 3, .skip = 2 };

	(void)state;
	assert_int_equal(cli_exit_status(&t, "conformant"), CLI_EXIT_OK);
	assert_int_equal(cli_exit_status(&t, "conformant-with-warnings"), CLI_EXIT_OK);
	assert_int_equal(cli_exit_status(&t, "incomplete"), CLI_EXIT_OK);	/* a selection */
	t.fail = 1;
	assert_int_equal(cli_exit_status(&t, "not-conformant"), CLI_EXIT_FAIL);
	t.culprit = &culprit;
	snprintf(t.end_reason, sizeof(t.end_reason), "device wedged by a/b: gone");
	assert_int_equal(cli_exit_status(&t, "incomplete"), CLI_EXIT_FAIL);	/* a wedge */
	t = (struct conform_totals){ .skip = 5 };
	assert_int_equal(cli_exit_status(&t, "incomplete"), CLI_EXIT_SKIP);
	t = (struct conform_totals){ .pass = 1, .not_run = 4, .signal = 15 };
	assert_int_equal(cli_exit_status(&t, "incomplete"), 128 + 15);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_defaults, env_reset),
		cmocka_unit_test_setup(test_device_and_options, env_reset),
		cmocka_unit_test_setup(test_bdf_forms, env_reset),
		cmocka_unit_test_setup(test_bad_arguments, env_reset),
		cmocka_unit_test_setup(test_environment, env_reset),
		cmocka_unit_test(test_usage_text),
		cmocka_unit_test(test_mdev_uuid),
		cmocka_unit_test(test_exit_status),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
