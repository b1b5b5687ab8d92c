/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * Machine-readable outputs: JUnit XML and the JSON certificate.
 */
#ifndef CONFORM_REPORT_H
#define CONFORM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "reqs.h"
#include "runner.h"

struct report_device {
	const char *bdf;		/* for an mdev: its UUID */
	const char *vendor;		/* sysfs text, e.g. "0x1b36" */
	const char *device;
	const char *vendor_name;	/* pci.ids (libpci), or NULL */
	const char *device_name;
	const char *subsystem_vendor;
	const char *subsystem_device;
	const char *driver;		/* NULL: unbound */
	const char *driver_version;	/* /sys/module/<driver>/version, or NULL */
	const char *driver_srcversion;	/* /sys/module/<driver>/srcversion, or NULL */
	int iommu_group;		/* -1: none */
	bool is_vf;
	const char *physfn;		/* a VF's PF (sysfs physfn), or NULL */
	const char *physfn_driver;	/* the driver of that PF, or NULL */
	bool mdev;			/* bdf is an mdev UUID; no PCI sysfs identity */
	const char *mdev_type;		/* mdev: basename of the mdev_type link */
	const char *parent;		/* mdev: the parent device */
};

/* What was run: the certificate says it (SPEC.md 2.6). */
struct report_run {
	const char *const *filters;	/* --filter */
	size_t nfilters;
	const char *const *reqs;	/* --req */
	size_t nreqs;
	const char *pf;			/* --pf, or NULL */
	const char *pf_driver;
	const char *peer;		/* --peer, or NULL */
	unsigned int timeout_s;		/* per test (--timeout) */
	unsigned int reap_grace_s;
	unsigned int probe_timeout_s;
	bool root;			/* euid 0 */
	const struct conform_totals *totals; /* how the run ended; NULL: before the tests */
};

struct baseline;
struct baseline_diff;

struct report_meta {
	const char *suite;
	const char *suite_version;
	const char *source_revision;	/* git describe at build time, or "unknown" */
	const char *kernel;		/* uname -r */
	const char *timestamp;		/* ISO 8601, UTC */
	const char *error;		/* the run bailed out before the tests */
	struct report_device dev;
	struct report_run run;
	/* every requirement of SPEC.md section 2 with its level; NULL: only
	 * those the results cite, all MUST (unit tests) */
	const struct conform_req *reqs;
	size_t nreqs;
	/* --baseline: the earlier certificate and the comparison; NULL: none */
	const struct baseline *baseline;
	const struct baseline_diff *bdiff;
	size_t nbdiff;
};

#define REPORT_FORMAT_VERSION	2

/* Per requirement (SPEC.md 2.6). */
enum req_status {
	REQ_PASS,
	REQ_FAIL,	/* a MUST broken */
	REQ_WARN,	/* a SHOULD or INFO broken */
	REQ_SKIP,
	REQ_NOT_RUN,	/* filtered out, or the run ended before it */
};

struct req_verdict {
	const char *id;
	enum conform_level level;
	enum req_status status;
	unsigned int tests;		/* results citing it */
};

const char *req_status_name(enum req_status s);

/*
 * s (NULL: "") as valid UTF-8, malloc'd (NULL when out of memory): each
 * ill-formed sequence becomes U+FFFD, and with xml each character XML 1.0
 * forbids (C0 controls but tab, newline, CR; U+FFFE, U+FFFF) too.  The
 * writers' libraries (jansson, libxml2) escape; they need valid UTF-8.
 */
char *report_utf8(const char *s, bool xml);
/* s as a jansson string made valid UTF-8 (report_utf8), json_null() for NULL. */
json_t *report_json_str(const char *s);

/*
 * One verdict per requirement, sorted by ID: every row of m->reqs (or, with
 * no table, every ID the results cite).  A failing test makes each MUST it
 * cites fail and each SHOULD/INFO warn; else not-run if a citing test did
 * not run (or none was selected); else pass if one passed; else skip.
 * Returns the count written; give room for m->nreqs + n * CONFORM_MAX_REQS.
 */
size_t report_req_verdicts(const struct report_meta *m, const struct conform_result *r,
			   size_t n, struct req_verdict *out, size_t max);
/*
 * conformant | conformant-with-warnings | not-conformant | incomplete:
 * not-conformant when a MUST failed; else incomplete for a filtered run, a
 * run that ended early or bailed out, or one where no test passed; else
 * conformant-with-warnings when a SHOULD failed; else conformant.
 */
const char *report_verdict(const struct report_meta *m, const struct conform_result *r,
			   size_t n);
/* Why the verdict is incomplete ("" otherwise), for people. */
const char *report_incomplete_why(const struct report_meta *m,
				  const struct conform_result *r, size_t n);

int report_write_junit(FILE *f, const struct report_meta *m,
		       const struct conform_result *r, size_t n);
int report_write_json(FILE *f, const struct report_meta *m,
		      const struct conform_result *r, size_t n);
/*
 * Write to a temporary file in path's directory, then rename it over path:
 * a reader never sees half a report.  Returns 0 or -errno.
 */
int report_junit_file(const char *path, const struct report_meta *m,
		      const struct conform_result *r, size_t n);
int report_json_file(const char *path, const struct report_meta *m,
		     const struct conform_result *r, size_t n);

/* Can path be written (created if need be)?  Before the run; 0 or -errno. */
int report_path_check(const char *path);

#endif /* CONFORM_REPORT_H */
