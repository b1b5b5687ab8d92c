// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * The suite's areas, in run order.  Each area registers itself with
 * CONFORM_AREA (conform.h) in its own file (areas/<name>.c, a personality's
 * tests in personalities/<dev>/); the Makefile links every such file, so a
 * new area is one new file and no list.
 */
#include <stdlib.h>

#include "conform.h"

/* The linker's bounds of section conform_areas (weak: none is no area). */
extern const struct conform_area *const __start_conform_areas[] __attribute__((weak));
extern const struct conform_area *const __stop_conform_areas[] __attribute__((weak));

static int by_order(const void *a, const void *b)
{
	const struct conform_area *x = *(const struct conform_area *const *)a;
	const struct conform_area *y = *(const struct conform_area *const *)b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The registered areas sorted by run order; computed once. */
static size_t areas(const struct conform_area *const **out)
{
	static const struct conform_area **sorted;
	static size_t n;

	if (!sorted && __start_conform_areas) {
		n = (size_t)(__stop_conform_areas - __start_conform_areas);
		sorted = malloc(n * sizeof(*sorted));
		if (!sorted)
			abort();
		memcpy(sorted, __start_conform_areas, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), by_order);
	}
	*out = sorted;
	return n;
}

size_t suite_tests(const struct conform_test **out, size_t max)
{
	const struct conform_area *const *all;
	size_t a, i, n = 0, na = areas(&all);

	for (a = 0; a < na; a++)
		for (i = 0; i < all[a]->count; i++) {
			if (out && n < max)
				out[n] = &all[a]->tests[i];
			n++;
		}
	return n;
}

size_t suite_count(void)
{
	return suite_tests(NULL, 0);
}
