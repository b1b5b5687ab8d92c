/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * Machine-readable outputs: JUnit XML and the JSON certificate.
 */
#ifndef CONFORM_REPORT_H
#define CONFORM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "reqs.h"
#include "runner.h"

struct report_device {
	const char *bdf;		/* for an mdev: its UUID */
	const char *vendor;		/* sysfs text, e.g. "0x1b36" */
	const char *device;
	const char *subsystem_vendor;
	const char *subsystem_device;
	const char *driver;		/* NULL: unbound */
	bool is_vf;
	bool mdev;			/* bdf is an mdev UUID; no PCI sysfs identity */
	const char *mdev_type;		/* mdev: basename of the mdev_type link */
	const char *parent;		/* mdev: the parent device */
};

struct report_meta {
	const char *suite;
	const char *suite_version;
	const char *kernel;		/* uname -r */
	const char *timestamp;		/* ISO 8601, UTC */
	const char *error;		/* the run bailed out before the tests */
	struct report_device dev;
};

struct req_verdict {
	const char *id;
	enum conform_status status;
};

/* Write s with XML (attribute-safe / element text) or JSON string escaping. */
void xml_escape(FILE *f, const char *s);
void xml_escape_text(FILE *f, const char *s);	/* newline and tab kept */
void json_string(FILE *f, const char *s);	/* with the quotes; NULL -> null */

/*
 * One verdict per requirement cited by the results, sorted by ID:
 * fail if any citing test failed, pass if one passed and none failed,
 * else skip.  Returns the count written; give room for n * CONFORM_MAX_REQS.
 */
size_t report_req_verdicts(const struct conform_result *r, size_t n,
			   struct req_verdict *out, size_t max);
const char *report_verdict(const struct conform_result *r, size_t n);

int report_write_junit(FILE *f, const struct report_meta *m,
		       const struct conform_result *r, size_t n);
int report_write_json(FILE *f, const struct report_meta *m,
		      const struct conform_result *r, size_t n);
/* Open path, write, close; returns 0 or -errno. */
int report_junit_file(const char *path, const struct report_meta *m,
		      const struct conform_result *r, size_t n);
int report_json_file(const char *path, const struct report_meta *m,
		     const struct conform_result *r, size_t n);

#endif /* CONFORM_REPORT_H */
