// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * VF device memory (SPEC DEV-MEM-*): the part of a VF's migratable state
 * that only its DMA engine reaches, sized by the host (QEMU property
 * vf-mem-size). Allocated on the first write, so an unused VF costs
 * nothing; a page bitmap records what changed since the last save
 * (STR-008). Also the per-VF staging buffer of chunked saves and loads
 * (ADM-014/015).
 */
#include <stdlib.h>
#include <string.h>

#include "refdev_dev.h"

static uint32_t mem_pages(const struct refdev_dev *d)
{
	return d->mem_size / REFDEV_MEM_PAGE;
}

/* STR-008: bitmap bytes of a MEM_DELTA, padded to 8 (STR-002). */
uint32_t refdev_mem_bitmap_bytes(const struct refdev_dev *d)
{
	return ((mem_pages(d) + 63) / 64) * 8;
}

/* DEV-MEM-001: a size the host may configure; 0 = no device memory. */
bool refdev_dev_set_mem_size(struct refdev_dev *d, uint32_t bytes)
{
	if (bytes % REFDEV_MEM_PAGE || bytes > REFDEV_MEM_MAX_SIZE)
		return false;
	for (unsigned int i = 0; i < REFDEV_MAX_VFS; i++)
		refdev_mem_reset(&d->vf[i]);
	d->mem_size = bytes;
	return true;
}

void refdev_stage_free(struct refdev_vf *vf)
{
	free(vf->stage.buf);
	memset(&vf->stage, 0, sizeof(vf->stage));
}

/* Power-on, FLR: zeros, every page changed (STR-008), nothing staged. */
void refdev_mem_reset(struct refdev_vf *vf)
{
	free(vf->mem.data);
	free(vf->mem.changed);
	memset(&vf->mem, 0, sizeof(vf->mem));
	vf->mem.all_changed = true;
	refdev_stage_free(vf);
}

/* Backing memory for @vf's device memory; false when out of memory. */
bool refdev_mem_ensure(struct refdev_dev *d, struct refdev_vf *vf)
{
	if (vf->mem.data)
		return true;
	vf->mem.data = calloc(1, d->mem_size);
	vf->mem.changed = calloc(1, refdev_mem_bitmap_bytes(d));
	if (vf->mem.data && vf->mem.changed)
		return true;
	free(vf->mem.data);
	free(vf->mem.changed);
	vf->mem.data = vf->mem.changed = NULL;
	return false;
}

static bool in_range(const struct refdev_dev *d, uint64_t off, uint32_t len)
{
	return off <= d->mem_size && len <= d->mem_size - off;
}

/* DEV-MEM-002: false = outside the device memory (a read/write fault). */
bool refdev_mem_write(struct refdev_dev *d, struct refdev_vf *vf,
		      uint64_t off, const void *buf, uint32_t len)
{
	if (!in_range(d, off, len) || !refdev_mem_ensure(d, vf))
		return false;
	memcpy(vf->mem.data + off, buf, len);
	vf->mem.gen++;
	for (uint64_t p = off / REFDEV_MEM_PAGE;
	     len && p <= (off + len - 1) / REFDEV_MEM_PAGE; p++)
		vf->mem.changed[p / 8] |= (uint8_t)(1u << (p % 8));
	return true;
}

bool refdev_mem_read(struct refdev_dev *d, const struct refdev_vf *vf,
		     uint64_t off, void *buf, uint32_t len)
{
	if (!in_range(d, off, len))
		return false;
	if (vf->mem.data)
		memcpy(buf, vf->mem.data + off, len);
	else
		memset(buf, 0, len);
	return true;
}

bool refdev_mem_page_changed(const struct refdev_vf *vf, uint32_t page)
{
	return vf->mem.all_changed ||
	       (vf->mem.changed && (vf->mem.changed[page / 8] & (1u << (page % 8))));
}

uint32_t refdev_mem_changed_pages(const struct refdev_dev *d,
				  const struct refdev_vf *vf)
{
	uint32_t n = 0;

	if (vf->mem.all_changed)
		return mem_pages(d);
	if (!vf->mem.changed)
		return 0;
	for (uint32_t i = 0; i < refdev_mem_bitmap_bytes(d); i++)
		n += (uint32_t)__builtin_popcount(vf->mem.changed[i]);
	return n;
}

/* A save went out: the next delta starts here (STR-008). */
void refdev_mem_saved(const struct refdev_dev *d, struct refdev_vf *vf)
{
	vf->mem.all_changed = false;
	if (vf->mem.changed)
		memset(vf->mem.changed, 0, refdev_mem_bitmap_bytes(d));
}

/* A load or a re-initialisation: a save from here carries everything. */
void refdev_mem_all_changed(struct refdev_vf *vf)
{
	vf->mem.all_changed = true;
}

/* The staging buffer, grown to @len bytes; NULL when out of memory. */
uint8_t *refdev_stage_buf(struct refdev_vf *vf, uint32_t len)
{
	uint8_t *b;

	if (vf->stage.cap >= len)
		return vf->stage.buf;
	b = realloc(vf->stage.buf, len);
	if (!b)
		return NULL;
	vf->stage.buf = b;
	vf->stage.cap = len;
	return b;
}
