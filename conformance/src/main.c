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
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include "baseline.h"
#include "cli.h"
#include "conform.h"
#include "pci_names.h"
#include "report.h"
#include "revision.h"	/* generated: CONFORM_SOURCE_REVISION */

#define REAP_GRACE_S	5
#define PROBE_TIMEOUT_S	15

/* SIGTERM/SIGINT: the runner ends the running test's group, we report. */
static volatile sig_atomic_t g_interrupted;

static void on_signal(int sig)
{
	g_interrupted = sig;
}

struct dev_strings {
	char vendor[16], device[16], subsystem_vendor[16], subsystem_device[16];
	char vendor_name[128], device_name[128];	/* pci.ids, "" if none */
	char driver[64];
	char driver_version[64], driver_srcversion[64];
	bool has_driver;
	bool is_vf;
	char physfn[BDF_LEN * 2];
	char physfn_driver[64];
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
	pci_names(s->vendor, s->device, s->vendor_name, sizeof(s->vendor_name),
		  s->device_name, sizeof(s->device_name));
	s->has_driver = !sysfs_driver(bdf, s->driver, sizeof(s->driver));
	/* the driver's module: version (if it declares one) and srcversion */
	sysfs_read_attr(bdf, "driver/module/version", s->driver_version,
			sizeof(s->driver_version));
	sysfs_read_attr(bdf, "driver/module/srcversion", s->driver_srcversion,
			sizeof(s->driver_srcversion));
	s->is_vf = !sysfs_physfn(bdf, s->physfn, sizeof(s->physfn));
	if (s->is_vf)
		sysfs_driver(s->physfn, s->physfn_driver, sizeof(s->physfn_driver));
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

/* Append "; what" to a list of causes. */
static void add_cause(char *buf, size_t len, const char *what)
{
	size_t used = strlen(buf);

	snprintf(buf + used, len - used, "%s%s", used ? "; " : "", what);
}

/*
 * The host side, once, whatever the selection (SPEC.md 2.6): the device on
 * a VFIO driver, an IOMMU group, the VFIO modules.  All causes found go in
 * one line; exit 3.
 */
static int setup_check(const char *prog, const struct cli_opts *o)
{
	char drv[64], causes[768] = "", what[256];
	bool mdev = dev_is_mdev(o->device);
	struct stat st;
	int group = -1;

	if (sysfs_driver(o->device, drv, sizeof(drv))) {
		snprintf(what, sizeof(what), "%s is bound to no driver (bind it to %s)",
			 o->device, mdev ? "its mdev parent's driver" : "vfio-pci");
		add_cause(causes, sizeof(causes), what);
	} else if (!mdev && !driver_is_vfio(drv)) {
		snprintf(what, sizeof(what), "%s is bound to %s, not to a VFIO driver",
			 o->device, drv);
		add_cause(causes, sizeof(causes), what);
	}
	if (sysfs_iommu_group(o->device, &group)) {
		snprintf(what, sizeof(what), "%s has no IOMMU group (no IOMMU enabled? "
			 "intel_iommu=on / iommu=pt)", o->device);
		add_cause(causes, sizeof(causes), what);
	}
	if (stat("/dev/vfio/vfio", &st) && stat("/sys/module/vfio", &st))
		add_cause(causes, sizeof(causes), "VFIO is not loaded (no /dev/vfio/vfio, "
			  "no /sys/module/vfio: modprobe vfio-pci)");
	if (!causes[0])
		return 0;
	fprintf(stderr, "%s: setup error: %s\n", prog, causes);
	return CLI_EXIT_SETUP;
}

/* Output paths before the first test: writable, and not the same file. */
static int outputs_check(const char *prog, const struct cli_opts *o)
{
	const char *paths[2] = { o->junit, o->json };
	const char *names[2] = { "--junit", "--json" };
	struct stat a, b;
	int i, rc;

	if (o->junit && o->json && (!strcmp(o->junit, o->json) ||
	    (!stat(o->junit, &a) && !stat(o->json, &b) && a.st_dev == b.st_dev &&
	     a.st_ino == b.st_ino)))
		return fatal(prog, "--junit and --json name the same file (%s)", o->json);
	for (i = 0; i < 2; i++) {
		if (!paths[i])
			continue;
		rc = report_path_check(paths[i]);
		if (rc)
			return fatal(prog, "%s %s: cannot write there: %s", names[i], paths[i],
				     strerror(-rc));
	}
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
		if (asprintf(&text, "%s %s (%s), kernel %s\nmediated device %s type %s, "
			     "parent %s, driver %s, IOMMU group %s",
			     SUITE_NAME, SUITE_VERSION, CONFORM_SOURCE_REVISION, kernel, o->device,
			     s->mdev_type[0] ? s->mdev_type : "unknown",
			     s->parent[0] ? s->parent : "unknown",
			     s->has_driver ? s->driver : "none", group) < 0)
			text = NULL;
		free(pfline);
		free(note);
		return text;
	}
	if (asprintf(&text, "%s %s (%s), kernel %s\ndevice %s [%s:%s] %s %s, driver %s%s%s, "
		     "IOMMU group %s%s%s%s%s",
		     SUITE_NAME, SUITE_VERSION, CONFORM_SOURCE_REVISION, kernel, o->device,
		     hex_id(s->vendor), hex_id(s->device),
		     s->vendor_name[0] ? s->vendor_name : "(vendor not in pci.ids)",
		     s->device_name[0] ? s->device_name : "(device not in pci.ids)",
		     s->has_driver ? s->driver : "none",
		     s->driver_srcversion[0] ? " srcversion " : "", s->driver_srcversion, group,
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
			 const struct conform_totals *totals,
			 const struct conform_result *res, size_t n,
			 const struct baseline *bl, const struct baseline_diff *bd, size_t nbd)
{
	char pf_drv[64] = "";
	struct report_meta m = {
		.suite = SUITE_NAME,
		.suite_version = SUITE_VERSION,
		.source_revision = CONFORM_SOURCE_REVISION,
		.kernel = kernel,
		.timestamp = stamp,
		.error = error,
		.dev = {
			.bdf = o->device,
			.vendor = s->vendor,
			.device = s->device,
			.vendor_name = s->vendor_name[0] ? s->vendor_name : NULL,
			.device_name = s->device_name[0] ? s->device_name : NULL,
			.subsystem_vendor = s->subsystem_vendor,
			.subsystem_device = s->subsystem_device,
			.driver = s->has_driver ? s->driver : NULL,
			.driver_version = s->driver_version[0] ? s->driver_version : NULL,
			.driver_srcversion = s->driver_srcversion[0] ? s->driver_srcversion : NULL,
			.iommu_group = s->group,
			.is_vf = s->is_vf,
			.physfn = s->is_vf ? s->physfn : NULL,
			.physfn_driver = s->physfn_driver[0] ? s->physfn_driver : NULL,
			.mdev = s->mdev,
			.mdev_type = s->mdev_type[0] ? s->mdev_type : NULL,
			.parent = s->parent[0] ? s->parent : NULL,
		},
		.run = {
			.filters = o->filters,
			.nfilters = o->nfilters,
			.reqs = o->reqs,
			.nreqs = o->nreqs,
			.pf = o->pf,
			.peer = o->peer,
			.timeout_s = o->timeout_s,
			.reap_grace_s = REAP_GRACE_S,
			.probe_timeout_s = PROBE_TIMEOUT_S,
			.root = geteuid() == 0,
			.totals = totals,
		},
		.reqs = conform_reqs,
		.nreqs = conform_nreqs,
		.baseline = bl,
		.bdiff = bd,
		.nbdiff = nbd,
	};
	int rc, ret = 0;

	if (o->pf && !sysfs_driver(o->pf, pf_drv, sizeof(pf_drv)))
		m.run.pf_driver = pf_drv;
	if (o->junit) {
		rc = report_junit_file(o->junit, &m, res, n);
		if (rc) {
			fprintf(stderr, "%s: writing %s: %s\n", prog, o->junit, strerror(-rc));
			ret = CLI_EXIT_SETUP;
		}
	}
	if (o->json) {
		rc = report_json_file(o->json, &m, res, n);
		if (rc) {
			fprintf(stderr, "%s: writing %s: %s\n", prog, o->json, strerror(-rc));
			ret = CLI_EXIT_SETUP;
		}
	}
	if (!ret) {
		const char *why = report_incomplete_why(&m, res, n);

		fprintf(stderr, "%s: verdict: %s%s%s%s\n", prog, report_verdict(&m, res, n),
			why[0] ? " (" : "", why, why[0] ? ")" : "");
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
 * Open the device once before forking the tests, and check it is as a
 * fresh user finds it: when that cannot work, one clear "Bail out!" beats
 * the same setup failure in every test.
 */
static int trial_open(char *err, size_t errlen)
{
	char note[256], why[VFIO_ERR_LEN];
	struct vfio_dev *d;
	int rc = conform_fixture_open(&d, err, errlen);

	if (rc)
		return rc;
	rc = conform_fixture_check(d, note, sizeof(note), why, sizeof(why));
	if (rc)
		snprintf(err, errlen, "device not usable: %.*s", (int)(errlen > 40 ? errlen - 40 : 0), why);
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
	fprintf(stderr, "%s: setup error: cannot open the device through VFIO: %s\n",
		prog, err);
}

static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

/*
 * --baseline: this run's requirement verdicts against the earlier
 * certificate's, as TAP diagnostics after the totals; the diffs (all
 * requirements) in *out for the certificate.  Returns the regressions.
 */
static size_t compare_baseline(const struct baseline *bl, const struct report_meta *vm,
			       const struct conform_result *res, size_t n,
			       struct baseline_diff **out, size_t *nout)
{
	size_t cap = vm->nreqs + n * CONFORM_MAX_REQS + 1, cnt;
	struct req_verdict *v = calloc(cap, sizeof(*v));

	*out = calloc(cap + bl->nreqs, sizeof(**out));
	*nout = 0;
	if (!v || !*out) {
		free(v);
		return 1;	/* cannot tell: not a pass */
	}
	cnt = report_req_verdicts(vm, res, n, v, cap);
	*nout = baseline_compare(bl, v, cnt, false, *out);
	baseline_tap(stdout, bl, *out, *nout);
	fflush(stdout);
	free(v);	/* the diffs point into the suite's static IDs and bl */
	return baseline_regressions(*out, *nout);
}

static int run(const char *prog, const struct cli_opts *o,
	       const struct conform_test **sel, size_t n, const struct baseline *bl)
{
	struct runner_opts ro = {
		.tap = stdout,
		.timeout_s = o->timeout_s,
		.reap_grace_s = REAP_GRACE_S,
		.probe_timeout_s = PROBE_TIMEOUT_S,
		.setup = conform_fixture_setup,
		.teardown = conform_fixture_teardown,
		.probe = conform_fixture_probe,
		.reqs = conform_reqs,
		.nreqs = conform_nreqs,
		.interrupted = &g_interrupted,
	};
	char stamp[32], *pre, *full = NULL, err[VFIO_ERR_LEN] = "";
	struct report_meta vm = { .reqs = conform_reqs, .nreqs = conform_nreqs };
	struct conform_result *res;
	struct conform_totals totals = { 0 };
	struct baseline_diff *bd = NULL;
	size_t nbd = 0, regressions = 0;
	struct dev_strings s;
	struct utsname uts;
	int rc, wrc;

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
	if (geteuid() != 0 && asprintf(&full, "%s\nwarning: not running as root (uid %u): "
				       "the host's config space beyond 64 bytes and some sysfs "
				       "facts are unreadable; tests comparing with them may SKIP",
				       pre ? pre : "", (unsigned int)geteuid()) >= 0) {
		free(pre);
		pre = full;
	}
	catch_signals();

	if (needs_fixture(sel, n) && trial_open(err, sizeof(err))) {
		bail_out(prog, n, pre, err);
		wrc = write_reports(prog, o, &s, uts.release, stamp, err, NULL, res, 0,
				    NULL, NULL, 0);
		rc = wrc ? wrc : CLI_EXIT_SETUP;
	} else {
		ro.preamble = pre;
		runner_run(sel, n, &ro, res, &totals);
		if (bl)
			regressions = compare_baseline(bl, &vm, res, n, &bd, &nbd);
		wrc = write_reports(prog, o, &s, uts.release, stamp, NULL, &totals, res, n,
				    bl, bd, nbd);
		vm.run.nfilters = o->nfilters;
		vm.run.nreqs = o->nreqs;
		vm.run.totals = &totals;
		rc = bl ? cli_exit_status_baseline(&totals, regressions) :
			  cli_exit_status(&totals, report_verdict(&vm, res, n));
		if (wrc && !totals.signal)
			rc = wrc;
		runner_results_free(res, n);
	}
	free(bd);
	free(pre);
	free(res);
	return rc;
}

int main(int argc, char **argv)
{
	const char *prog = "vfio-conform";
	const struct conform_test **all, **sel;
	struct baseline bl = { .path = NULL };
	char blerr[512];
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
	if (o.version) {
		printf("%s %s (%s)\n", SUITE_NAME, SUITE_VERSION, CONFORM_SOURCE_REVISION);
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
	if (!rc)
		rc = outputs_check(prog, &o);
	/* a baseline that cannot be read is a usage error, before any test */
	if (!rc && o.baseline && baseline_load(o.baseline, &bl, blerr, sizeof(blerr)))
		rc = fatal(prog, "--baseline %s", blerr);
	if (!rc && geteuid() != 0)
		fprintf(stderr, "%s: warning: not running as root (uid %u): host-side checks "
			"that read config space beyond 64 bytes or root-only sysfs facts are "
			"weakened (tests comparing with them may SKIP)\n", prog,
			(unsigned int)geteuid());
	if (!rc)
		rc = setup_check(prog, &o);
	if (rc)
		goto out;
	signal(SIGPIPE, SIG_IGN);
	rc = run(prog, &o, sel, n, o.baseline ? &bl : NULL);
out:
	baseline_free(&bl);
	free(all);
	free(sel);
	return rc;
}
