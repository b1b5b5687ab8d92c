// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "conform.h"

#define MAX_TIMEOUT_S	86400

enum {
	OPT_LIST = 1000,
	OPT_FILTER,
	OPT_REQ,
	OPT_TIMEOUT,
	OPT_PF,
	OPT_JUNIT,
	OPT_JSON,
	OPT_PEER,
	OPT_VERSION,
	OPT_BASELINE,
};

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "filter", required_argument, NULL, OPT_FILTER },
	{ "req", required_argument, NULL, OPT_REQ },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "pf", required_argument, NULL, OPT_PF },
	{ "junit", required_argument, NULL, OPT_JUNIT },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "peer", required_argument, NULL, OPT_PEER },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ NULL, 0, NULL, 0 },
};

void cli_usage(FILE *f, const char *prog)
{
	fprintf(f,
"Usage: %s [options] [BDF|UUID]\n"
"VFIO uAPI conformance suite for a PCI device bound to a VFIO driver, or a\n"
"mediated device.\n"
"\n"
"  BDF                 device to test, e.g. 0000:01:00.1 (or VFIO_CONFORM_DEVICE)\n"
"  UUID                a mediated device (/sys/bus/mdev/devices/UUID) instead\n"
"  --pf BDF            the VF's PF, bound to vfio-pci with enable_sriov=1\n"
"                      (or VFIO_CONFORM_PF): sets the VF token, enables token/*\n"
"  --peer BDF|UUID     a second device of the same kind (or VFIO_CONFORM_PEER):\n"
"                      target of the migration-data/*-peer tests\n"
"  --list              list tests and their requirement IDs, then exit\n"
"  --filter GLOB       run tests whose name matches GLOB (repeatable)\n"
"  --req ID            run tests citing requirement ID (repeatable)\n"
"  --timeout SEC       per-test timeout in seconds (default 60); tests with a\n"
"                      longer timeout of their own scale with it\n"
"  --junit FILE        write JUnit XML to FILE\n"
"  --json FILE         write the JSON certificate to FILE\n"
"  --baseline FILE     compare with an earlier certificate, requirement by\n"
"                      requirement; exit 1 only for a regression (CI gating)\n"
"  --version           suite version and source revision, then exit\n"
"  -h, --help          this help\n"
"\n"
"Environment: VFIO_CONFORM_DEVICE, VFIO_CONFORM_PF, VFIO_CONFORM_PEER,\n"
"VFIO_CONFORM_VF_TOKEN\n"
"(the VF token UUID; default " CONFORM_DEFAULT_VF_TOKEN ").\n"
"Output: TAP 13 on stdout; the verdict (conformant, conformant-with-warnings,\n"
"not-conformant, incomplete) on stderr and in the JSON certificate.\n"
"Exit status:\n"
"  0  conformant or conformant-with-warnings, or a selection that passed\n"
"  1  not conformant: a MUST requirement failed, or a test wedged the device\n"
"  2  usage error: bad arguments, a device that does not exist, unwritable or\n"
"     identical --junit/--json paths\n"
"  3  setup error: device not on a VFIO driver, no IOMMU group, VFIO not\n"
"     loaded, the device cannot be opened, a report could not be written\n"
"  4  every test skipped (kselftest's KSFT_SKIP)\n"
"  128+N  ended by signal N (SIGTERM, SIGINT): reports marked incomplete\n"
"With --baseline: 0 when no requirement regressed (even if not conformant),\n"
"  1 when one did (a pass now fail, warn, skip or not-run; a new failure; a\n"
"  requirement gone), 2 when FILE cannot be read or is not a certificate;\n"
"  3 and 128+N as above.\n",
		prog);
}

static int usage_error(FILE *err, const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int usage_error(FILE *err, const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(err, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fprintf(err, "\nTry '%s --help' for more information.\n", prog);
	return CLI_EXIT_USAGE;
}

static bool parse_timeout(const char *s, unsigned int *out)
{
	unsigned long v;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v == 0 || v > MAX_TIMEOUT_S)
		return false;
	*out = (unsigned int)v;
	return true;
}

static bool valid_req_id(const char *s)
{
	size_t i;

	if (strncmp(s, "REQ-", 4) || !s[4])
		return false;
	for (i = 4; s[i]; i++)
		if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
		    s[i] != '-')
			return false;
	return true;
}

static int set_bdf(const char *prog, FILE *err, const char *what, const char *in,
		   char buf[BDF_LEN], const char **out)
{
	if (!bdf_normalize(in, buf))
		return usage_error(err, prog, "%s '%s' is not a PCI address "
				   "(expected DDDD:BB:DD.F, e.g. 0000:01:00.1)", what, in);
	*out = buf;
	return 0;
}

/* The device (and --peer): a PCI BDF, or the UUID of a mediated device. */
static int set_dev(const char *prog, FILE *err, const char *what, const char *in,
		   char buf[BDF_LEN], const char **out)
{
	if (!bdf_normalize(in, buf) && !mdev_uuid_normalize(in, buf))
		return usage_error(err, prog, "%s '%s' is not a PCI address "
				   "(DDDD:BB:DD.F, e.g. 0000:01:00.1) nor a mediated device "
				   "UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", what, in);
	*out = buf;
	return 0;
}

static int add_pattern(const char *prog, FILE *err, const char **arr, size_t *n,
		       const char *what, const char *val)
{
	if (*n == CLI_MAX_PATTERNS)
		return usage_error(err, prog, "too many %s options (at most %d)",
				   what, CLI_MAX_PATTERNS);
	arr[(*n)++] = val;
	return 0;
}

static int parse_one(int c, const char *prog, FILE *err, struct cli_opts *o)
{
	switch (c) {
	case 'h':
		o->help = true;
		return 0;
	case OPT_LIST:
		o->list = true;
		return 0;
	case OPT_VERSION:
		o->version = true;
		return 0;
	case OPT_FILTER:
		if (!optarg[0])
			return usage_error(err, prog, "--filter needs a non-empty GLOB");
		return add_pattern(prog, err, o->filters, &o->nfilters, "--filter", optarg);
	case OPT_REQ:
		if (!valid_req_id(optarg))
			return usage_error(err, prog, "--req '%s' is not a requirement ID "
					   "(REQ-<AREA>-NNN)", optarg);
		return add_pattern(prog, err, o->reqs, &o->nreqs, "--req", optarg);
	case OPT_TIMEOUT:
		if (!parse_timeout(optarg, &o->timeout_s))
			return usage_error(err, prog, "--timeout '%s' is not a number of "
					   "seconds in 1..%d", optarg, MAX_TIMEOUT_S);
		return 0;
	case OPT_PF:
		return set_bdf(prog, err, "--pf", optarg, o->pf_buf, &o->pf);
	case OPT_PEER:
		return set_dev(prog, err, "--peer", optarg, o->peer_buf, &o->peer);
	case OPT_BASELINE:
		if (!optarg[0])
			return usage_error(err, prog, "--baseline needs a certificate file");
		o->baseline = optarg;
		return 0;
	case OPT_JUNIT:
	case OPT_JSON:
		if (!optarg[0])
			return usage_error(err, prog, "%s needs a file name",
					   c == OPT_JUNIT ? "--junit" : "--json");
		if (c == OPT_JUNIT)
			o->junit = optarg;
		else
			o->json = optarg;
		return 0;
	default:
		return usage_error(err, prog, "unknown option");
	}
}

/* The long option named by "--name[=value]", or NULL. */
static const struct option *long_opt_of(const char *arg)
{
	size_t len = strcspn(arg + 2, "=");
	const struct option *lo;

	for (lo = long_opts; lo->name; lo++)
		if (strlen(lo->name) == len && !strncmp(lo->name, arg + 2, len))
			return lo;
	return NULL;
}

/*
 * getopt's '?' / ':' in words: its optopt is an option's val (1000+ for
 * long-only ones, not a character) so the message names the argument.
 */
static int bad_option(FILE *err, const char *prog, int c, const char *arg)
{
	const struct option *lo = NULL;

	if (!strncmp(arg, "--", 2))
		lo = long_opt_of(arg);
	if (c == ':')
		return usage_error(err, prog, "option '%s' needs an argument", arg);
	if (lo && lo->has_arg == no_argument && strchr(arg, '='))
		return usage_error(err, prog, "option '--%s' takes no argument ('%s')",
				   lo->name, arg);
	if (lo)
		return usage_error(err, prog, "option '--%s' needs an argument", lo->name);
	return usage_error(err, prog, "unknown option '%s'", arg);
}

static int parse_env(const char *prog, FILE *err, struct cli_opts *o)
{
	const char *v;
	int rc;

	v = getenv("VFIO_CONFORM_DEVICE");
	if (!o->device && v && v[0]) {
		rc = set_dev(prog, err, "VFIO_CONFORM_DEVICE", v, o->device_buf, &o->device);
		if (rc)
			return rc;
	}
	v = getenv("VFIO_CONFORM_PF");
	if (!o->pf && v && v[0]) {
		rc = set_bdf(prog, err, "VFIO_CONFORM_PF", v, o->pf_buf, &o->pf);
		if (rc)
			return rc;
	}
	v = getenv("VFIO_CONFORM_PEER");
	if (!o->peer && v && v[0]) {
		rc = set_dev(prog, err, "VFIO_CONFORM_PEER", v, o->peer_buf, &o->peer);
		if (rc)
			return rc;
	}
	v = getenv("VFIO_CONFORM_VF_TOKEN");
	if (v && v[0]) {
		if (!uuid_valid(v))
			return usage_error(err, prog, "VFIO_CONFORM_VF_TOKEN '%s' is not "
					   "a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", v);
		snprintf(o->token_buf, sizeof(o->token_buf), "%s", v);
	} else {
		snprintf(o->token_buf, sizeof(o->token_buf), "%s", CONFORM_DEFAULT_VF_TOKEN);
	}
	for (char *p = o->token_buf; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	o->token = o->token_buf;
	return 0;
}

int cli_parse(int argc, char **argv, struct cli_opts *o, FILE *err)
{
	const char *prog = argc > 0 && argv[0] && argv[0][0] ?
			   (strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0]) :
			   "vfio-conform";
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->timeout_s = 60;
	optind = 0;	/* full getopt re-initialisation (the unit tests parse often) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", long_opts, NULL)) != -1) {
		if (c == '?' || c == ':')
			return bad_option(err, prog, c, argv[optind - 1]);
		rc = parse_one(c, prog, err, o);
		if (rc)
			return rc;
	}
	if (optind < argc) {
		if (argc - optind > 1)
			return usage_error(err, prog, "more than one device given ('%s', '%s')",
					   argv[optind], argv[optind + 1]);
		rc = set_dev(prog, err, "device", argv[optind], o->device_buf, &o->device);
		if (rc)
			return rc;
	}
	return parse_env(prog, err, o);
}

int cli_exit_status(const struct conform_totals *t, const char *verdict)
{
	if (t->signal)
		return 128 + t->signal;
	if (!strcmp(verdict, "not-conformant") || t->culprit || t->end_reason[0])
		return CLI_EXIT_FAIL;
	if (!t->pass && !t->fail)
		return CLI_EXIT_SKIP;
	return CLI_EXIT_OK;
}

int cli_exit_status_baseline(const struct conform_totals *t, size_t regressions)
{
	if (t->signal)
		return 128 + t->signal;
	return regressions ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
