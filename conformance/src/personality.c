// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/* Personality registry and generic helpers (see personality.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "personality.h"

/* The linker's bounds of section conform_personalities (weak: none). */
extern const struct personality *const __start_conform_personalities[] __attribute__((weak));
extern const struct personality *const __stop_conform_personalities[] __attribute__((weak));

static int by_name(const void *a, const void *b)
{
	return strcmp((*(const struct personality *const *)a)->name,
		      (*(const struct personality *const *)b)->name);
}

/* The registered personalities in name order; computed once. */
static size_t all_personalities(const struct personality *const **out)
{
	static const struct personality **sorted;
	static size_t n;

	if (!sorted && __start_conform_personalities) {
		n = (size_t)(__stop_conform_personalities - __start_conform_personalities);
		sorted = malloc(n * sizeof(*sorted));
		if (!sorted)
			abort();
		memcpy(sorted, __start_conform_personalities, n * sizeof(*sorted));
		qsort(sorted, n, sizeof(*sorted), by_name);
	}
	*out = sorted;
	return n;
}

int pers_find(struct vfio_dev *d, struct pers_dev *p)
{
	uint32_t vendor = 0, device = 0;
	const struct personality *const *all;
	size_t i, n = all_personalities(&all);
	char pf[BDF_LEN * 2];

	memset(p, 0, sizeof(*p));
	p->d = d;
	sysfs_read_u32(d->bdf, "vendor", &vendor);
	sysfs_read_u32(d->bdf, "device", &device);
	p->vendor = (uint16_t)vendor;
	p->device = (uint16_t)device;
	p->is_vf = !sysfs_physfn(d->bdf, pf, sizeof(pf));
	for (i = 0; i < n; i++)
		if (all[i]->match(p->vendor, p->device, p->is_vf)) {
			p->ops = all[i];
			return all[i]->init(p);
		}
	if (dev_is_mdev(d->bdf))
		snprintf(p->why, sizeof(p->why), "mediated device: no PCI sysfs identity "
			 "(no personality for an mdev)");
	else
		snprintf(p->why, sizeof(p->why), "no personality for %04x:%04x", p->vendor,
			 p->device);
	return -ENOENT;
}

bool pers_state_equal(const struct pers_state *a, const struct pers_state *b,
		      char *why, size_t len)
{
	unsigned int i;
	size_t j;

	if (a->nregs != b->nregs || a->memlen != b->memlen) {
		snprintf(why, len, "snapshots of different shape (%u/%u registers, "
			 "%zu/%zu bytes)", a->nregs, b->nregs, a->memlen, b->memlen);
		return false;
	}
	for (i = 0; i < a->nregs; i++)
		if (a->regs[i] != b->regs[i]) {
			snprintf(why, len, "register 0x%03x: 0x%08x vs 0x%08x",
				 a->reg_off[i], a->regs[i], b->regs[i]);
			return false;
		}
	for (j = 0; j < a->memlen; j++)
		if (a->mem[j] != b->mem[j]) {
			snprintf(why, len, "memory byte 0x%zx: 0x%02x vs 0x%02x", j,
				 a->mem[j], b->mem[j]);
			return false;
		}
	return true;
}
