// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/* TAP 13 output (tap.h). */
#include <stdarg.h>
#include <string.h>

#include "tap.h"

void tap_header(FILE *f, size_t n)
{
	fprintf(f, "TAP version 13\n");
	fflush(f);
	fprintf(f, "1..%zu\n", n);
	fflush(f);
}

void tap_line(FILE *f, size_t num, const char *name, enum tap_status s, const char *why)
{
	if (s == TAP_SKIP)
		fprintf(f, "ok %zu %s # SKIP %s\n", num, name, why ? why : "");
	else
		fprintf(f, "%sok %zu %s\n", s == TAP_PASS ? "" : "not ", num, name);
	fflush(f);
}

static void tap_diag_line(FILE *f, const char *line, size_t len)
{
	if (len)
		fprintf(f, "# %.*s\n", (int)len, line);
	else
		fprintf(f, "#\n");
	fflush(f);
}

void tap_diag(FILE *f, const char *text)
{
	const char *p = text, *nl;

	if (!text)
		return;
	while (*p) {
		nl = strchr(p, '\n');
		if (!nl) {
			tap_diag_line(f, p, strlen(p));
			return;
		}
		tap_diag_line(f, p, (size_t)(nl - p));
		p = nl + 1;
	}
}

void tap_diagf(FILE *f, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	tap_diag(f, buf);
}

void tap_vbail(FILE *f, const char *fmt, va_list ap)
{
	fprintf(f, "Bail out! ");
	vfprintf(f, fmt, ap);
	fprintf(f, "\n");
	fflush(f);
}

void tap_bail(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vbail(f, fmt, ap);
	va_end(ap);
}
