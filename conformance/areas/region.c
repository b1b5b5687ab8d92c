// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * region/...: VFIO_DEVICE_GET_REGION_INFO, region layout and the bounds of
 * read/write on the device fd (SPEC.md REQ-REGION-*).
 *
 * Beyond-the-end accesses are only tried where no other region lives:
 * the uAPI does not say regions are spaced apart (vfio-pci puts each at
 * index << 40), so a driver may legitimately pack them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/pci_regs.h>

#include "area_util.h"

#define REGION_INFO_MIN	offsetofend(struct vfio_region_info, offset)
#define MAX_REGIONS	1024
#define RW_FLAGS	(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE | \
			 VFIO_REGION_INFO_FLAG_MMAP)

struct regions {
	uint32_t n;
	struct vfio_region_info **ri;	/* NULL where REGION_INFO failed */
	int *rc;
};

static void regions_free(struct regions *r)
{
	uint32_t i;

	for (i = 0; r->ri && i < r->n; i++)
		free(r->ri[i]);
	free(r->ri);
	free(r->rc);
	memset(r, 0, sizeof(*r));
}

static void regions_load(const struct vfio_dev *d, struct regions *r)
{
	uint32_t i;

	r->n = d->info.num_regions;
	if (r->n > MAX_REGIONS) {
		print_message("num_regions %u: only the first %d are examined\n",
			      r->n, MAX_REGIONS);
		r->n = MAX_REGIONS;
	}
	r->ri = calloc(r->n ? r->n : 1, sizeof(*r->ri));
	r->rc = calloc(r->n ? r->n : 1, sizeof(*r->rc));
	conform_check(r->ri && r->rc, "out of memory");
	for (i = 0; i < r->n; i++)
		r->rc[i] = __vfio_region_info_get(d->fd, i, &r->ri[i]);
}

static const struct vfio_region_info *region(const struct regions *r, uint32_t i)
{
	return i < r->n ? r->ri[i] : NULL;
}

static bool ranges_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Does any other region cover part of [start, start + len) of the fd? */
static bool other_region_covers(const struct regions *r, uint32_t self,
				uint64_t start, uint64_t len)
{
	const struct vfio_region_info *o;
	uint32_t i;

	for (i = 0; i < r->n; i++) {
		o = region(r, i);
		if (i == self || !o || !o->size)
			continue;
		if (ranges_overlap(start, len, o->offset, o->size))
			return true;
	}
	return false;
}

static bool is_vga(uint32_t i)
{
	return i == VFIO_PCI_VGA_REGION_INDEX;
}

static void test_info_all_indexes(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const struct vfio_region_info *ri;
	struct regions r;
	uint32_t i;

	regions_load(d, &r);
	for (i = 0; i < r.n; i++) {
		ri = region(&r, i);
		if (is_vga(i) && r.rc[i] == -EINVAL) {
			print_message("region %u (VGA): not implemented (EINVAL)\n", i);
			continue;
		}
		conform_check(r.rc[i] == 0, "REGION_INFO(index %u): %s", i, strerror(-r.rc[i]));
		conform_check(ri->index == i, "REGION_INFO(index %u) returned index %u",
			      i, ri->index);
		conform_check(ri->argsz >= REGION_INFO_MIN,
			      "REGION_INFO(index %u) returned argsz %u < %zu",
			      i, ri->argsz, REGION_INFO_MIN);
		print_message("region %u: flags 0x%x size 0x%llx offset 0x%llx\n", i,
			      ri->flags, (unsigned long long)ri->size,
			      (unsigned long long)ri->offset);
	}
	regions_free(&r);
}

static void test_index_out_of_range(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t n = d->info.num_regions;
	const uint32_t idx[] = { n, n + 1, n + 100, 0x7fffffffu, 0xffffffffu };
	struct vfio_region_info ri;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		if (idx[i] < n)
			continue;	/* wrapped */
		rc = __vfio_region_info_fixed(d->fd, idx[i], &ri);
		conform_check(rc != 0, "REGION_INFO(index %u, num_regions %u) succeeded"
			      VFIO_H("Max region index + 1"), idx[i], n);
		print_message("index %u: %s\n", idx[i], errname(rc));
	}
}

static void test_argsz_too_small(void **state)
{
	static const uint32_t sizes[] = { REGION_INFO_MIN - 1, 16, 8, 0 };
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_region_info ri;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(&ri, 0, sizeof(ri));
		ri.argsz = sizes[i];
		ri.index = VFIO_PCI_CONFIG_REGION_INDEX;
		rc = ioctl(d->fd, VFIO_DEVICE_GET_REGION_INFO, &ri) ? -errno : 0;
		conform_check(rc != 0, "REGION_INFO(config) with argsz %u succeeded"
			      VFIO_H("It's *always* the caller's responsibility to indicate "
				     "the size of the structure passed by setting argsz"), sizes[i]);
		print_message("argsz %u: %s\n", sizes[i], errname(rc));
	}
}

static void check_region_flags(uint32_t i, const struct vfio_region_info *ri)
{
	uint32_t f = ri->flags;

	if (!ri->size)
		conform_check(!(f & RW_FLAGS), "region %u has size 0 but flags 0x%x "
			      "(READ/WRITE/MMAP on nothing)"
			      VFIO_H("Zero sized regions may be used to describe "
				     "unimplemented regions"), i, f);
	if (i == VFIO_PCI_CONFIG_REGION_INDEX)
		conform_check((f & VFIO_REGION_INFO_FLAG_READ) &&
			      (f & VFIO_REGION_INFO_FLAG_WRITE) && ri->size,
			      "config region: flags 0x%x size 0x%llx, expected READ|WRITE "
			      "and a size", f, (unsigned long long)ri->size);
	if (i <= VFIO_PCI_BAR5_REGION_INDEX && ri->size)
		conform_check(f & VFIO_REGION_INFO_FLAG_READ,
			      "BAR%u region has size 0x%llx but no READ flag (flags 0x%x)",
			      i, (unsigned long long)ri->size, f);
	if (i == VFIO_PCI_ROM_REGION_INDEX)
		conform_check(!(f & VFIO_REGION_INFO_FLAG_WRITE),
			      "ROM region advertises WRITE (flags 0x%x)"
			      PCI_REF("PCI Local Bus 6.2.5.2", "the expansion ROM is read-only"), f);
}

static void test_flags_consistent(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct regions r;
	uint32_t i;

	regions_load(d, &r);
	for (i = 0; i < r.n; i++)
		if (region(&r, i))
			check_region_flags(i, region(&r, i));
	regions_free(&r);
}

static void test_offsets_disjoint(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const struct vfio_region_info *a, *b;
	struct regions r;
	uint32_t i, j;

	regions_load(d, &r);
	for (i = 0; i < r.n; i++) {
		a = region(&r, i);
		if (!a || !a->size)
			continue;
		conform_check(a->offset + a->size > a->offset,
			      "region %u: offset 0x%llx + size 0x%llx wraps", i,
			      (unsigned long long)a->offset, (unsigned long long)a->size);
		for (j = i + 1; j < r.n; j++) {
			b = region(&r, j);
			if (!b || !b->size)
				continue;
			conform_check(!ranges_overlap(a->offset, a->size, b->offset, b->size),
				      "regions %u [0x%llx+0x%llx] and %u [0x%llx+0x%llx] overlap",
				      i, (unsigned long long)a->offset,
				      (unsigned long long)a->size, j,
				      (unsigned long long)b->offset, (unsigned long long)b->size);
		}
	}
	regions_free(&r);
}

static void test_config_size(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint8_t cfg[PCI_CFG_SIZE_LEGACY];
	uint64_t size = d->cfg.size;
	long host = sysfs_config_size(d->bdf);
	bool pcie;

	conform_check(size >= PCI_CFG_SIZE_LEGACY && size <= PCI_CFG_SIZE_EXPRESS,
		      "config region size 0x%llx outside 256..4096"
		      PCI_REF("PCI Local Bus 6.1", "a function has 256 bytes of configuration space; "
			"PCIe Base 7.2: 4096"),
		      (unsigned long long)size);
	conform_check_rc(__vfio_region_read(d->fd, &d->cfg, 0, cfg, sizeof(cfg)),
			 "reading 256 bytes of the config region");
	pcie = pci_find_cap(cfg, sizeof(cfg), PCI_CAP_ID_EXP) != 0;
	print_message("config region 0x%llx bytes; PCIe capability %s; host config %ld bytes\n",
		      (unsigned long long)size, pcie ? "present" : "absent", host);
	if (pcie && host >= PCI_CFG_SIZE_EXPRESS)
		conform_check(size == PCI_CFG_SIZE_EXPRESS,
			      "PCI Express function with 4096 bytes of config space on the host, "
			      "but the config region has 0x%llx bytes"
			      PCI_REF("PCIe Base 7.2", "a PCI Express function has 4096 bytes of "
				      "configuration space"), (unsigned long long)size);
}

static void test_bar_sizes_pow2(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const struct vfio_region_info *ri;
	struct regions r;
	uint32_t i;

	regions_load(d, &r);
	for (i = 0; i <= VFIO_PCI_ROM_REGION_INDEX && i < r.n; i++) {
		ri = region(&r, i);
		if (!ri)
			continue;
		conform_check(ri->size == 0 || is_pow2_u64(ri->size),
			      "%s%u region size 0x%llx is not a power of two"
			      PCI_REF("PCI Local Bus 6.2.5.1", "a BAR decodes a power-of-two sized range"),
			      i == VFIO_PCI_ROM_REGION_INDEX ? "ROM " : "BAR",
			      i == VFIO_PCI_ROM_REGION_INDEX ? 0 : i,
			      (unsigned long long)ri->size);
	}
	regions_free(&r);
}

/* ---- read/write bounds ---- */

typedef bool (*region_probe)(const struct vfio_dev *d, const struct regions *r,
			     uint32_t i, const struct vfio_region_info *ri, bool wr);

static bool readable(const struct vfio_region_info *ri)
{
	return ri && ri->size && (ri->flags & VFIO_REGION_INFO_FLAG_READ);
}

static bool writable(uint32_t i, const struct vfio_region_info *ri)
{
	return ri && ri->size && (ri->flags & VFIO_REGION_INFO_FLAG_WRITE) &&
	       i != VFIO_PCI_ROM_REGION_INDEX;
}

/* The last dword (or the whole small region) must be readable. */
static void read_tail_ok(const struct vfio_dev *d, uint32_t i,
			 const struct vfio_region_info *ri, uint8_t *buf, size_t *len)
{
	uint64_t pos;
	ssize_t n;

	*len = ri->size >= 4 ? 4 : (size_t)ri->size;
	pos = ri->size - *len;
	n = pread(d->fd, buf, *len, (off_t)(ri->offset + pos));
	if (n != (ssize_t)*len)
		conform_skip_prereq("REQ-REGION-010", "region %u: reading %zu bytes at 0x%llx "
				    "(inside, at the end) returned %zd (%s)", i, *len,
				    (unsigned long long)pos, n, n < 0 ? strerror(errno) : "short");
}

/* 4-byte reads or writes (of zeros) at and beyond the end of region @i. */
static bool probe_beyond(const struct vfio_dev *d, const struct regions *r,
			 uint32_t i, const struct vfio_region_info *ri, bool wr)
{
	static const uint64_t gaps[] = { 0, 4, 0x1000 };
	const char *op = wr ? "write" : "read";
	uint8_t buf[8] = { 0 };
	size_t len, g;
	ssize_t n;
	off_t at;

	if ((wr ? !writable(i, ri) : !readable(ri)) || is_vga(i))
		return false;
	if (other_region_covers(r, i, ri->offset + ri->size, 0x1000 + 8)) {
		print_message("region %u: another region follows it directly; not probed\n", i);
		return false;
	}
	if (!wr)
		read_tail_ok(d, i, ri, buf, &len);
	for (g = 0; g < sizeof(gaps) / sizeof(gaps[0]); g++) {
		at = (off_t)(ri->offset + ri->size + gaps[g]);
		n = wr ? pwrite(d->fd, buf, 4, at) : pread(d->fd, buf, 4, at);
		conform_check(n <= 0, "region %u (size 0x%llx): a 4-byte %s at size + 0x%llx "
			      "returned %zd bytes"
			      VFIO_H("Region size (bytes)"), i, (unsigned long long)ri->size, op,
			      (unsigned long long)gaps[g], n);
	}
	return true;
}

/* An 8-byte read or write (of what is there: harmless for memory-like
 * locations) that starts 4 bytes before the end of region @i. */
static bool probe_straddle(const struct vfio_dev *d, const struct regions *r,
			   uint32_t i, const struct vfio_region_info *ri, bool wr)
{
	const char *op = wr ? "write" : "read";
	uint8_t buf[8] = { 0 };
	size_t len;
	ssize_t n;
	off_t at;

	if ((wr && !writable(i, ri)) || !readable(ri) || is_vga(i) || ri->size < 8)
		return false;
	if (other_region_covers(r, i, ri->offset + ri->size, 4)) {
		print_message("region %u: another region follows it directly; not probed\n", i);
		return false;
	}
	read_tail_ok(d, i, ri, buf, &len);
	at = (off_t)(ri->offset + ri->size - 4);
	n = wr ? pwrite(d->fd, buf, 8, at) : pread(d->fd, buf, 8, at);
	conform_check(n <= 4, "region %u (size 0x%llx): an 8-byte %s at size - 4 "
		      "returned %zd bytes (at most 4 lie inside)"
		      VFIO_H("Region size (bytes)"), i,
		      (unsigned long long)ri->size, op, n);
	print_message("region %u: 8-byte %s across the end: %s\n", i, op,
		      n < 0 ? strerror(errno) : n == 4 ? "short (4)" : "other");
	return true;
}

static void run_probe(void **state, region_probe probe, bool wr, const char *what)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	unsigned int probed = 0;
	struct regions r;
	uint32_t i;

	conform_check_rc(__vfio_dev_enable_memory(d), "enabling memory decode");
	regions_load(d, &r);
	for (i = 0; i < r.n; i++)
		if (probe(d, &r, i, region(&r, i), wr))
			probed++;
	regions_free(&r);
	if (!probed)
		conform_skip("no region could be probed for %s", what);
}

/* REQ-REGION-010: every readable region reads at its last dword. */
static void test_read_last_dword(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const struct vfio_region_info *ri;
	unsigned int probed = 0;
	struct regions r;
	uint8_t buf[4];
	uint64_t pos;
	uint32_t i;
	size_t len;
	ssize_t n;

	conform_check_rc(__vfio_dev_enable_memory(d), "enabling memory decode");
	regions_load(d, &r);
	for (i = 0; i < r.n; i++) {
		ri = region(&r, i);
		if (!readable(ri) || is_vga(i))
			continue;
		len = ri->size >= 4 ? 4 : (size_t)ri->size;
		pos = ri->size - len;
		n = pread(d->fd, buf, len, (off_t)(ri->offset + pos));
		conform_check(n == (ssize_t)len, "region %u (size 0x%llx): reading %zu bytes at "
			      "0x%llx returned %zd (%s)"
			      VFIO_H("Region supports read"),
			      i, (unsigned long long)ri->size, len, (unsigned long long)pos, n,
			      n < 0 ? strerror(errno) : "short");
		probed++;
	}
	regions_free(&r);
	if (!probed)
		conform_skip("no region has READ and a size");
}

static void test_read_beyond_end(void **state)
{
	run_probe(state, probe_beyond, false, "reads beyond the end");
}

static void test_write_beyond_end(void **state)
{
	run_probe(state, probe_beyond, true, "writes beyond the end");
}

static void test_read_straddling_end(void **state)
{
	run_probe(state, probe_straddle, false, "reads across the end");
}

static void test_write_straddling_end(void **state)
{
	run_probe(state, probe_straddle, true, "writes across the end");
}

/* ---- capability chains ---- */

static void check_sparse_mmap(uint32_t i, const struct vfio_region_info *ri)
{
	const struct vfio_region_info_cap_sparse_mmap *sp;
	const struct vfio_info_cap_header *h;
	uint64_t cap_off, need;
	uint32_t a;

	h = vfio_cap_find(ri, ri->argsz, ri->cap_offset, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	if (!h)
		return;
	sp = (const void *)h;
	cap_off = (uint64_t)((const uint8_t *)h - (const uint8_t *)ri);
	conform_check(cap_off + sizeof(*sp) <= ri->argsz,
		      "region %u: sparse mmap capability header overruns argsz %u",
		      i, ri->argsz);
	need = cap_off + sizeof(*sp) + (uint64_t)sp->nr_areas * sizeof(sp->areas[0]);
	conform_check(need <= ri->argsz,
		      "region %u: sparse mmap capability with %u areas overruns argsz %u",
		      i, sp->nr_areas, ri->argsz);
	for (a = 0; a < sp->nr_areas; a++)
		conform_check(sp->areas[a].offset <= ri->size &&
			      sp->areas[a].size <= ri->size - sp->areas[a].offset,
			      "region %u: sparse mmap area %u [0x%llx+0x%llx] outside the "
			      "region (size 0x%llx)", i, a,
			      (unsigned long long)sp->areas[a].offset,
			      (unsigned long long)sp->areas[a].size,
			      (unsigned long long)ri->size);
}

static void check_region_caps(const struct vfio_dev *d, uint32_t i,
			      const struct vfio_region_info *ri)
{
	struct vfio_region_info small;
	unsigned int ncaps;
	char err[256];

	conform_check_rc(__vfio_region_info_fixed(d->fd, i, &small),
			 "REGION_INFO(index %u, argsz %zu)", i, sizeof(small));
	conform_check(small.flags & VFIO_REGION_INFO_FLAG_CAPS,
		      "region %u: CAPS flag missing with a small buffer", i);
	conform_check(small.argsz > sizeof(small),
		      "region %u: CAPS set but argsz %u not raised above %zu", i,
		      small.argsz, sizeof(small));
	conform_check(small.cap_offset == 0,
		      "region %u: buffer too small for the chain but cap_offset is %u", i,
		      small.cap_offset);
	if (vfio_cap_chain_check(ri, ri->argsz, sizeof(*ri), ri->cap_offset, &ncaps,
				 err, sizeof(err)))
		fail_msg("region %u capability chain: %s", i, err);
	conform_check(ncaps > 0, "region %u: CAPS set but the chain is empty", i);
	print_message("region %u: %u capabilities\n", i, ncaps);
	check_sparse_mmap(i, ri);
}

static void test_caps_chain(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const struct vfio_region_info *ri;
	unsigned int found = 0;
	struct regions r;
	uint32_t i;

	regions_load(d, &r);
	for (i = 0; i < r.n; i++) {
		ri = region(&r, i);
		if (!ri || !(ri->flags & VFIO_REGION_INFO_FLAG_CAPS))
			continue;
		check_region_caps(d, i, ri);
		found++;
	}
	regions_free(&r);
	if (!found)
		conform_skip("no region reports a capability chain");
}

static const struct conform_test tests[] = {
	{ "region/info-all-indexes", { "REQ-REGION-001" }, test_info_all_indexes, 0, 0 },
	{ "region/info-index-out-of-range-rejected", { "REQ-REGION-002" },
	  test_index_out_of_range, 0, 0 },
	{ "region/info-argsz-too-small-rejected", { "REQ-REGION-003" },
	  test_argsz_too_small, 0, 0 },
	{ "region/flags-consistent", { "REQ-REGION-004" }, test_flags_consistent, 0, 0 },
	{ "region/offsets-disjoint", { "REQ-REGION-005" }, test_offsets_disjoint, 0, 0 },
	{ "region/config-size", { "REQ-REGION-006" }, test_config_size, 0, 0 },
	{ "region/bar-sizes-pow2", { "REQ-REGION-007" }, test_bar_sizes_pow2, 0, 0 },
	{ "region/read-last-dword", { "REQ-REGION-010" }, test_read_last_dword, 0, 0 },
	{ "region/read-beyond-end-fails", { "REQ-REGION-008" }, test_read_beyond_end, 0, 0 },
	{ "region/write-beyond-end-fails", { "REQ-REGION-008" }, test_write_beyond_end, 0, 0 },
	{ "region/read-straddling-end", { "REQ-REGION-009" },
	  test_read_straddling_end, 0, 0 },
	{ "region/write-straddling-end", { "REQ-REGION-009" },
	  test_write_straddling_end, 0, 0 },
	{ "region/caps-chain", { "REQ-REGION-011" }, test_caps_chain, 0, 0 },
};

CONFORM_AREA(conform_area_region, "region", tests, 200);
