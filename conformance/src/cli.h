/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/* Command line and environment of vfio-conform. */
#ifndef CONFORM_CLI_H
#define CONFORM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "runner.h"
#include "sysfs.h"

#define CLI_MAX_PATTERNS	64
/* Exit status (SPEC.md 2.6; --help).  A run ended by SIGTERM/SIGINT: 128 + signal. */
#define CLI_EXIT_OK		0	/* conformant, with warnings, or a passing selection */
#define CLI_EXIT_FAIL		1	/* not conformant: a MUST failed, or the device wedged */
#define CLI_EXIT_USAGE		2	/* bad arguments, unwritable or clashing output paths */
#define CLI_EXIT_SETUP		3	/* host setup: driver, IOMMU group, VFIO, open; reports */
#define CLI_EXIT_SKIP		4	/* every test skipped (kselftest KSFT_SKIP) */

struct cli_opts {
	bool help;
	bool version;
	bool list;
	const char *device;		/* canonical BDF or lower-case mdev UUID (in device_buf), or NULL */
	const char *pf;			/* canonical BDF or NULL */
	const char *peer;		/* canonical BDF / mdev UUID or NULL (--peer) */
	const char *token;		/* UUID string (points into token_buf) */
	const char *filters[CLI_MAX_PATTERNS];
	size_t nfilters;
	const char *reqs[CLI_MAX_PATTERNS];
	size_t nreqs;
	unsigned int timeout_s;
	const char *junit;
	const char *json;
	const char *baseline;		/* --baseline: an earlier certificate, or NULL */
	char device_buf[BDF_LEN];
	char pf_buf[BDF_LEN];
	char peer_buf[BDF_LEN];
	char token_buf[40];
};

/*
 * Parse argv and the environment (VFIO_CONFORM_DEVICE, VFIO_CONFORM_PF, VFIO_CONFORM_PEER,
 * VFIO_CONFORM_VF_TOKEN; the command line wins).  Returns 0, or
 * CLI_EXIT_USAGE after printing a message to err.
 */
int cli_parse(int argc, char **argv, struct cli_opts *o, FILE *err);
void cli_usage(FILE *f, const char *prog);
/*
 * The exit status of a run that reached the tests, from how it ended and
 * the certificate verdict: 128 + signal; 1 for not-conformant or a run
 * that ended early (a wedge); 4 when no test passed or failed; else 0.
 */
int cli_exit_status(const struct conform_totals *t, const char *verdict);
/*
 * With --baseline the comparison decides instead (SPEC.md 2.6): 128 +
 * signal; 1 when a requirement regressed; else 0, whatever the verdict.
 */
int cli_exit_status_baseline(const struct conform_totals *t, size_t regressions);

#endif /* CONFORM_CLI_H */
