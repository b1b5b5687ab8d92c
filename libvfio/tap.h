/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * The one TAP 13 writer of the tree (the suite's runner, refdev-migrate,
 * refdev-dma): plan, results, diagnostics, bail out.  Every call flushes,
 * so a crash loses no line already written.
 */
#ifndef LIBVFIO_TAP_H
#define LIBVFIO_TAP_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

enum tap_status { TAP_PASS, TAP_FAIL, TAP_SKIP };

/* "TAP version 13" and the plan "1..n". */
void tap_header(FILE *f, size_t n);
/* "ok N name", "not ok N name" or "ok N name # SKIP why". */
void tap_line(FILE *f, size_t num, const char *name, enum tap_status s, const char *why);
/* text as "# " lines, one per line of text (NULL: nothing). */
void tap_diag(FILE *f, const char *text);
/* printf-style tap_diag. */
void tap_diagf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "Bail out! ..." (the run ends early on purpose). */
void tap_bail(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_vbail(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif /* LIBVFIO_TAP_H */
