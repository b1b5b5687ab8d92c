// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * vfio-conform: VFIO uAPI conformance suite.  See `vfio-conform --help` and
 * SPEC.md section 2 (REQ-*).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/utsname.h>

#include "cli.h"
#include "conform.h"
#include "report.h"

struct dev_strings {
	char vendor[16], device[16], subsystem_vendor[16], subsystem_device[16];
	char driver[64];
	bool has_driver;
	bool is_vf;
	char physfn[BDF_LEN * 2];
	int group;
	bool mdev;			/* a mediated device: the three below */
	char mdev_type[64];		/* basename of the mdev_type link */
	char parent[128];		/* the parent device (e.g. a BDF, "mtty") */
};

static void read_dev_strings(const char *bdf, struct dev_strings *s)
{
	memset(s, 0, sizeof(*s));
	s->group = -1;
	sysfs_read_attr(bdf, "vendor", s->vendor, sizeof(s->vendor));
	sysfs_read_attr(bdf, "device", s->device, sizeof(s->device));
	sysfs_read_attr(bdf, "subsystem_vendor", s->subsystem_vendor,
			sizeof(s->subsystem_vendor));
	sysfs_read_attr(bdf, "subsystem_device", s->subsystem_device,
			sizeof(s->subsystem_device));
	s->has_driver = !sysfs_driver(bdf, s->driver, sizeof(s->driver));
	s->is_vf = !sysfs_physfn(bdf, s->physfn, sizeof(s->physfn));
	sysfs_iommu_group(bdf, &s->group);
	s->mdev = dev_is_mdev(bdf);
	if (s->mdev) {
		sysfs_mdev_type(bdf, s->mdev_type, sizeof(s->mdev_type));
		sysfs_mdev_parent(bdf, s->parent, sizeof(s->parent));
	}
}

static int fatal(const char *prog, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fatal(const char *prog, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_EXIT_USAGE;
}

/* "no such PCI device" or "no such mediated device", with the sysfs path */
static int no_such(const char *prog, const char *what, const char *name)
{
	return fatal(prog, "%s%s: no such %s (%s/%s does not exist)", what, name,
		     dev_is_mdev(name) ? "mediated device" : "PCI device",
		     sysfs_dev_root(name), name);
}

/* Arguments that name things which are not there are bad arguments too. */
static int preflight(const char *prog, const struct cli_opts *o)
{
	char physfn[BDF_LEN * 2];

	if (!sysfs_dev_exists(o->device))
		return no_such(prog, "", o->device);
	if (o->peer && !sysfs_dev_exists(o->peer))
		return no_such(prog, "--peer ", o->peer);
	if (o->peer && !strcmp(o->peer, o->device))
		return fatal(prog, "--peer %s: the peer must differ from the device", o->peer);
	if (!o->pf)
		return 0;
	if (dev_is_mdev(o->device))
		return fatal(prog, "--pf %s: device %s is a mediated device, not a VF "
			     "(no VF token applies)", o->pf, o->device);
	if (!sysfs_dev_exists(o->pf))
		return fatal(prog, "--pf %s: no such PCI device (%s/%s does not exist)",
			     o->pf, sysfs_pci_root, o->pf);
	if (!strcmp(o->pf, o->device))
		return 0;
	if (sysfs_physfn(o->device, physfn, sizeof(physfn)))
		return fatal(prog, "--pf %s: device %s is not a VF (no physfn link)",
			     o->pf, o->device);
	if (strcmp(physfn, o->pf))
		return fatal(prog, "--pf %s: device %s is a VF of %s, not of %s",
			     o->pf, o->device, physfn, o->pf);
	return 0;
}

/* "0x1b36" -> "1b36" for display */
static const char *hex_id(const char *s)
{
	return strncmp(s, "0x", 2) ? s : s + 2;
}

static char *preamble(const struct cli_opts *o, const struct dev_strings *s,
		      const char *kernel)
{
	char *text = NULL, *pfline = NULL, *note = NULL;
	char drv[64] = "none", group[16] = "none";
	unsigned int nvfs = 0;

	if (o->pf) {
		sysfs_driver(o->pf, drv, sizeof(drv));
		sysfs_num_vfs(o->pf, &nvfs);
		if (asprintf(&pfline, "\nPF %s: driver %s, %u VFs; VF token: %s", o->pf,
			     drv, nvfs, getenv("VFIO_CONFORM_VF_TOKEN") ?
			     "from VFIO_CONFORM_VF_TOKEN" : "suite default") < 0)
			pfline = NULL;
	} else if (s->is_vf && !sysfs_driver(s->physfn, drv, sizeof(drv)) &&
		   driver_is_vfio(drv)) {
		if (asprintf(&note, "\nnote: the PF %s is bound to %s: the device needs "
			     "a VF token, give --pf %s", s->physfn, drv, s->physfn) < 0)
			note = NULL;
	}
	if (s->group >= 0)
		snprintf(group, sizeof(group), "%d", s->group);
	if (s->mdev) {
		if (asprintf(&text, "%s %s, kernel %s\nmediated device %s type %s, parent %s, "
			     "driver %s, IOMMU group %s",
			     SUITE_NAME, SUITE_VERSION, kernel, o->device,
			     s->mdev_type[0] ? s->mdev_type : "unknown",
			     s->parent[0] ? s->parent : "unknown",
			     s->has_driver ? s->driver : "none", group) < 0)
			text = NULL;
		free(pfline);
		free(note);
		return text;
	}
	if (asprintf(&text, "%s %s, kernel %s\ndevice %s [%s:%s] driver %s, "
		     "IOMMU group %s%s%s%s%s",
		     SUITE_NAME, SUITE_VERSION, kernel, o->device, hex_id(s->vendor),
		     hex_id(s->device), s->has_driver ? s->driver : "none", group,
		     s->is_vf ? ", VF of " : "", s->is_vf ? s->physfn : "",
		     pfline ? pfline : "", note ? note : "") < 0)
		text = NULL;
	free(pfline);
	free(note);
	return text;
}

static size_t select_tests(const struct cli_opts *o, const struct conform_test **all,
			   size_t total, const struct conform_test **sel)
{
	size_t i, n = 0;

	for (i = 0; i < total; i++)
		if (runner_test_selected(all[i], o->filters, o->nfilters, o->reqs, o->nreqs))
			sel[n++] = all[i];
	return n;
}

static int check_reqs_known(const char *prog, const struct cli_opts *o,
			    const struct conform_test **all, size_t total)
{
	size_t r, i;

	for (r = 0; r < o->nreqs; r++) {
		for (i = 0; i < total; i++)
			if (runner_test_cites(all[i], o->reqs[r]))
				break;
		if (i == total)
			return fatal(prog, "--req %s: no test cites this requirement "
				     "(see --list)", o->reqs[r]);
	}
	return 0;
}

static void list_tests(const struct conform_test **sel, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		fputs(sel[i]->name, stdout);
		for (j = 0; j < CONFORM_MAX_REQS && sel[i]->reqs[j]; j++)
			printf(" %s", sel[i]->reqs[j]);
		putchar('\n');
	}
}

static int write_reports(const char *prog, const struct cli_opts *o,
			 const struct dev_strings *s, const char *kernel,
			 const char *stamp, const char *error,
			 const struct conform_result *res, size_t n)
{
	struct report_meta m = {
		.suite = SUITE_NAME,
		.suite_version = SUITE_VERSION,
		.kernel = kernel,
		.timestamp = stamp,
		.error = error,
		.dev = {
			.bdf = o->device,
			.vendor = s->vendor,
			.device = s->device,
			.subsystem_vendor = s->subsystem_vendor,
			.subsystem_device = s->subsystem_device,
			.driver = s->has_driver ? s->driver : NULL,
			.is_vf = s->is_vf,
			.mdev = s->mdev,
			.mdev_type = s->mdev_type[0] ? s->mdev_type : NULL,
			.parent = s->parent[0] ? s->parent : NULL,
		},
	};
	int rc, ret = 0;

	if (o->junit) {
		rc = report_junit_file(o->junit, &m, res, n);
		if (rc) {
			fprintf(stderr, "%s: writing %s: %s\n", prog, o->junit, strerror(-rc));
			ret = 1;
		}
	}
	if (o->json) {
		rc = report_json_file(o->json, &m, res, n);
		if (rc) {
			fprintf(stderr, "%s: writing %s: %s\n", prog, o->json, strerror(-rc));
			ret = 1;
		}
	}
	return ret;
}

static void utc_stamp(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool needs_fixture(const struct conform_test **sel, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!(sel[i]->flags & CONFORM_F_NO_FIXTURE))
			return true;
	return false;
}

/*
 * Open the device once before forking the tests: when that cannot work,
 * one clear "Bail out!" beats the same setup failure in every test.
 */
static int trial_open(char *err, size_t errlen)
{
	struct vfio_dev *d;
	int rc = conform_fixture_open(&d, err, errlen);

	if (!rc)
		conform_fixture_close(d);
	return rc;
}

static void bail_out(const char *prog, size_t n, const char *pre, const char *err)
{
	struct conform_totals none = { 0 };

	tap_header(stdout, n);
	tap_diag(stdout, pre);
	printf("Bail out! cannot open the device through VFIO: %s\n", err);
	fflush(stdout);
	tap_totals(stdout, &none);
	fprintf(stderr, "%s: cannot open the device through VFIO: %s\n", prog, err);
}

static int run(const char *prog, const struct cli_opts *o,
	       const struct conform_test **sel, size_t n)
{
	struct runner_opts ro = {
		.tap = stdout,
		.timeout_s = o->timeout_s,
		.setup = conform_fixture_setup,
		.teardown = conform_fixture_teardown,
	};
	char stamp[32], *pre, err[VFIO_ERR_LEN] = "";
	struct conform_result *res;
	struct conform_totals totals;
	struct dev_strings s;
	struct utsname uts;
	int rc;

	res = calloc(n, sizeof(*res));
	if (!res)
		return fatal(prog, "out of memory");
	if (uname(&uts))
		snprintf(uts.release, sizeof(uts.release), "unknown");
	read_dev_strings(o->device, &s);
	utc_stamp(stamp, sizeof(stamp));
	conform_env.bdf = o->device;
	conform_env.pf = o->pf;
	conform_env.token = o->token;
	conform_env.peer = o->peer;
	pre = preamble(o, &s, uts.release);

	if (needs_fixture(sel, n) && trial_open(err, sizeof(err))) {
		bail_out(prog, n, pre, err);
		write_reports(prog, o, &s, uts.release, stamp, err, res, 0);
		rc = 1;
	} else {
		ro.preamble = pre;
		rc = runner_run(sel, n, &ro, res, &totals);
		if (write_reports(prog, o, &s, uts.release, stamp, NULL, res, n))
			rc = 1;
		runner_results_free(res, n);
	}
	free(pre);
	free(res);
	return rc;
}

int main(int argc, char **argv)
{
	const char *prog = "vfio-conform";
	const struct conform_test **all, **sel;
	struct cli_opts o;
	size_t total, n;
	int rc;

	rc = cli_parse(argc, argv, &o, stderr);
	if (rc)
		return rc;
	if (o.help) {
		cli_usage(stdout, prog);
		return 0;
	}
	total = suite_count();
	all = calloc(total, sizeof(*all));
	sel = calloc(total, sizeof(*sel));
	if (!all || !sel)
		return fatal(prog, "out of memory");
	suite_tests(all, total);
	rc = check_reqs_known(prog, &o, all, total);
	if (rc)
		goto out;
	n = select_tests(&o, all, total, sel);
	if (!n) {
		rc = fatal(prog, "no test matches the given --filter/--req (see --list)");
		goto out;
	}
	if (o.list) {
		list_tests(sel, n);
		goto out;
	}
	if (!o.device) {
		cli_usage(stderr, prog);
		rc = fatal(prog, "no device given (BDF argument or VFIO_CONFORM_DEVICE)");
		goto out;
	}
	rc = preflight(prog, &o);
	if (rc)
		goto out;
	signal(SIGPIPE, SIG_IGN);
	rc = run(prog, &o, sel, n);
out:
	free(all);
	free(sel);
	return rc;
}
