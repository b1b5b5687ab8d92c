// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * iommu/...: the type1 container's MAP_DMA/UNMAP_DMA semantics that a
 * driver's users rely on (SPEC.md REQ-IOMMU-*), the cases the kernel's own
 * selftests check (tools/testing/selftests/vfio vfio_dma_mapping_test,
 * vfio_dma_mapping_mmio_test): map and unmap with the size reported, unmap
 * of everything, bad arguments, a BAR mapped into the IOMMU.  The fixture's
 * device sits in a container of its own, so its IOVA space is ours.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "area_util.h"

#define IOVA_BASE	0x50000000ull

struct anon {
	void *va;
	size_t len;
};

static int ctr_fd(struct vfio_dev *d)
{
	if (!d->ctr || !d->ctr->iommu_set)
		conform_skip("device not opened through a VFIO container with an IOMMU set");
	return d->ctr->fd;
}

static void anon_get(struct anon *a, size_t len)
{
	a->len = len;
	a->va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	conform_check(a->va != MAP_FAILED, "mmap %zu bytes: %s", len, strerror(errno));
}

static int dma_map(struct vfio_dev *d, const void *va, uint64_t iova, uint64_t size)
{
	struct vfio_iommu_type1_dma_map m = {
		.argsz = sizeof(m),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uint64_t)(uintptr_t)va,
		.iova = iova,
		.size = size,
	};

	return ioctl(ctr_fd(d), VFIO_IOMMU_MAP_DMA, &m) ? -errno : 0;
}

static int dma_unmap(struct vfio_dev *d, uint64_t iova, uint64_t size, uint32_t flags,
		     uint64_t *unmapped)
{
	struct vfio_iommu_type1_dma_unmap u = {
		.argsz = sizeof(u), .flags = flags, .iova = iova, .size = size,
	};
	int rc = ioctl(ctr_fd(d), VFIO_IOMMU_UNMAP_DMA, &u) ? -errno : 0;

	if (unmapped)
		*unmapped = u.size;
	return rc;
}

static void map_ok(struct vfio_dev *d, const void *va, uint64_t iova, uint64_t size)
{
	int rc = dma_map(d, va, iova, size);

	conform_check(!rc, "MAP_DMA iova 0x%llx size 0x%llx: %s", (unsigned long long)iova,
		      (unsigned long long)size, errname(rc));
}

static void unmap_expect(struct vfio_dev *d, uint64_t iova, uint64_t size, uint64_t want)
{
	uint64_t got = 0;
	int rc = dma_unmap(d, iova, size, 0, &got);

	conform_check(!rc, "UNMAP_DMA iova 0x%llx size 0x%llx: %s", (unsigned long long)iova,
		      (unsigned long long)size, errname(rc));
	conform_check(got == want, "UNMAP_DMA iova 0x%llx size 0x%llx reports 0x%llx bytes "
		      "unmapped, expected 0x%llx" VFIO_H("The actual unmapped size is returned in "
		      "the size field"), (unsigned long long)iova,
		      (unsigned long long)size, (unsigned long long)got,
		      (unsigned long long)want);
}

static void test_map_unmap(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const uint64_t big = 2u << 20;
	struct anon a;

	anon_get(&a, big);
	map_ok(d, a.va, IOVA_BASE, page_size());
	unmap_expect(d, IOVA_BASE, page_size(), page_size());
	/* unmapping it again unmaps nothing */
	unmap_expect(d, IOVA_BASE, page_size(), 0);
	map_ok(d, a.va, IOVA_BASE, big);
	unmap_expect(d, IOVA_BASE, big, big);
	/* the same IOVA maps again once free */
	map_ok(d, a.va, IOVA_BASE, big);
	unmap_expect(d, IOVA_BASE, big, big);
	munmap(a.va, a.len);
}

static void test_unmap_all(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint64_t got = 0;
	struct anon a;
	int rc, i;

	if (ioctl(ctr_fd(d), VFIO_CHECK_EXTENSION, VFIO_UNMAP_ALL) <= 0)
		conform_skip("the container lacks VFIO_UNMAP_ALL (VFIO_CHECK_EXTENSION)");
	anon_get(&a, 4 * page_size());
	for (i = 0; i < 3; i++)
		map_ok(d, (uint8_t *)a.va + i * page_size(), IOVA_BASE + i * 0x100000ull, page_size());
	rc = dma_unmap(d, IOVA_BASE, 0, VFIO_DMA_UNMAP_FLAG_ALL, NULL);
	conform_check(rc == -EINVAL, "UNMAP_DMA FLAG_ALL with iova 0x%llx: %s, expected EINVAL"
		      VFIO_H("iova and size must be 0."),
		      IOVA_BASE, errname(rc));
	rc = dma_unmap(d, 0, page_size(), VFIO_DMA_UNMAP_FLAG_ALL, NULL);
	conform_check(rc == -EINVAL, "UNMAP_DMA FLAG_ALL with size 0x%llx: %s, expected EINVAL"
		      VFIO_H("iova and size must be 0."),
		      (unsigned long long)page_size(), errname(rc));
	rc = dma_unmap(d, 0, 0, VFIO_DMA_UNMAP_FLAG_ALL, &got);
	conform_check(!rc, "UNMAP_DMA FLAG_ALL: %s", errname(rc));
	conform_check(got == 3 * page_size(), "UNMAP_DMA FLAG_ALL reports 0x%llx bytes, expected 0x%llx "
		      "(three pages mapped)" VFIO_H("If flags & VFIO_DMA_UNMAP_FLAG_ALL, unmap all "
		      "addresses."), (unsigned long long)got,
		      (unsigned long long)(3 * page_size()));
	/* everything is gone: each IOVA maps again */
	for (i = 0; i < 3; i++)
		map_ok(d, (uint8_t *)a.va + i * page_size(), IOVA_BASE + i * 0x100000ull, page_size());
	munmap(a.va, a.len);
}

struct bad_map {
	const char *what;
	uint64_t va_off, iova, size;
};

static void test_bad_args(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const uint64_t p = page_size();
	const uint64_t top = ~0ull & ~(p - 1);
	const struct bad_map bad[] = {
		{ "an unaligned IOVA", 0, IOVA_BASE + 0x10, p },
		{ "an unaligned size", 0, IOVA_BASE, p / 2 },
		{ "an unaligned vaddr", 0x10, IOVA_BASE, p },
		{ "size 0", 0, IOVA_BASE, 0 },
		{ "an IOVA range that wraps", 0, top, 2 * p },
		{ "an overlap with a mapping (its second half)", 0, IOVA_BASE + 5 * p, 2 * p },
		{ "an overlap with a mapping (its first half)", 0, IOVA_BASE + 3 * p, 2 * p },
		{ "a range inside a mapping", 0, IOVA_BASE + 4 * p, p },
	};
	unsigned int i;
	struct anon a;
	int rc;

	anon_get(&a, 8 * p);
	map_ok(d, a.va, IOVA_BASE + 4 * p, 2 * p);	/* the mapping to overlap */
	for (i = 0; i < NELEM(bad); i++) {
		rc = dma_map(d, (uint8_t *)a.va + bad[i].va_off, bad[i].iova, bad[i].size);
		conform_check(rc != 0, "MAP_DMA with %s (iova 0x%llx size 0x%llx) succeeded",
			      bad[i].what, (unsigned long long)bad[i].iova,
			      (unsigned long long)bad[i].size);
		print_message("MAP_DMA with %s: %s\n", bad[i].what, errname(rc));
	}
	rc = dma_unmap(d, IOVA_BASE + 4 * p, 0, 0, NULL);
	conform_check(rc != 0, "UNMAP_DMA of size 0 succeeded");
	rc = dma_unmap(d, top, 2 * p, 0, NULL);
	conform_check(rc != 0, "UNMAP_DMA of a range that wraps succeeded");
	rc = dma_unmap(d, IOVA_BASE + 4 * p + 0x10, p, 0, NULL);
	conform_check(rc != 0, "UNMAP_DMA at an unaligned IOVA succeeded");
	/* the failures changed nothing: the mapping is whole */
	unmap_expect(d, IOVA_BASE + 4 * p, 2 * p, 2 * p);
	munmap(a.va, a.len);
}

/* The first BAR with the MMAP flag and no sparse capability, or SKIP. */
static void bar_mapping(struct vfio_dev *d, struct vfio_region_info *out)
{
	struct vfio_region_info *ri;
	uint32_t i;

	for (i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_BAR5_REGION_INDEX; i++) {
		conform_check_rc(__vfio_region_info_get(d->fd, i, &ri), "REGION_INFO(%u)", i);
		if ((ri->flags & VFIO_REGION_INFO_FLAG_MMAP) && ri->size >= page_size() &&
		    !vfio_cap_find(ri, ri->argsz, ri->cap_offset,
				   VFIO_REGION_INFO_CAP_SPARSE_MMAP)) {
			*out = *ri;
			out->argsz = sizeof(*out);
			free(ri);
			return;
		}
		free(ri);
	}
	conform_skip("no BAR of at least a page maps whole (MMAP flag, no sparse areas)");
}

static void test_bar_map(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_region_info ri;
	void *va;
	int rc;

	bar_mapping(d, &ri);
	conform_check_rc(__vfio_dev_enable_memory(d), "enabling memory decode");
	va = mmap(NULL, ri.size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, (off_t)ri.offset);
	conform_check(va != MAP_FAILED, "mmap BAR region %u: %s", ri.index, strerror(errno));
	rc = dma_map(d, va, IOVA_BASE, ri.size);
	conform_check(!rc, "MAP_DMA of the mmap of BAR region %u (0x%llx bytes, peer-to-peer "
		      "DMA): %s", ri.index, (unsigned long long)ri.size, errname(rc));
	unmap_expect(d, IOVA_BASE, ri.size, ri.size);
	if (ri.size >= 2 * page_size()) {
		map_ok(d, va, IOVA_BASE, page_size());
		unmap_expect(d, IOVA_BASE, page_size(), page_size());
	}
	munmap(va, ri.size);
}

static const struct conform_test tests[] = {
	{ "iommu/type1-map-unmap", { "REQ-IOMMU-001" }, test_map_unmap, 0, 0 },
	{ "iommu/type1-unmap-all", { "REQ-IOMMU-002" }, test_unmap_all, 0, 0 },
	{ "iommu/type1-bad-arguments-rejected", { "REQ-IOMMU-003" }, test_bad_args, 0, 0 },
	{ "iommu/type1-bar-mapped-into-iommu", { "REQ-IOMMU-004" }, test_bar_map, 0, 0 },
};

CONFORM_AREA(conform_area_iommu, "iommu", tests, 1400);
