// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * The suite's areas, in run order.  A new area is one new area_<name>.c
 * file plus one line here.
 */
#include "conform.h"

static const struct conform_area *const areas[] = {
	&conform_area_info,
	&conform_area_info_fdinfo,
	&conform_area_region,
	&conform_area_region_mmap,
	&conform_area_feature,
	&conform_area_config,
	&conform_area_token,
	&conform_area_device,
	&conform_area_irq,
	&conform_area_reset,
	&conform_area_migration,
	&conform_area_precopy,
	&conform_area_migration_data,
	&conform_area_resume,
	&conform_area_dirty,
	&conform_area_iommu,
	&conform_area_dmabuf,
	&conform_area_iommufd,
};

size_t suite_tests(const struct conform_test **out, size_t max)
{
	size_t a, i, n = 0;

	for (a = 0; a < sizeof(areas) / sizeof(areas[0]); a++)
		for (i = 0; i < areas[a]->count; i++) {
			if (out && n < max)
				out[n] = &areas[a]->tests[i];
			n++;
		}
	return n;
}

size_t suite_count(void)
{
	return suite_tests(NULL, 0);
}
