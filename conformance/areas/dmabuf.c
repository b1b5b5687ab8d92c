// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * dmabuf/...: VFIO_DEVICE_FEATURE_DMA_BUF, a BAR slice exported as a
 * dma-buf (SPEC.md REQ-DMABUF-*).  Probed: a device or kernel without the
 * feature SKIPs with the answer.  Revocation (vfio_pci_dmabuf.c: a revoked
 * buffer refuses new importers with ENODEV) is only visible through an
 * importer; the one userspace can drive is iommufd's IOMMU_IOAS_MAP_FILE,
 * so those tests SKIP without /dev/iommu.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/iommufd.h>

#include "area_util.h"
#include "iommufd.h"

#define MAX_RANGES	4
#define DMABUF_IOVA	0x60000000ull

struct dmabuf_req {
	struct vfio_device_feature hdr;
	struct vfio_device_feature_dma_buf db;
	struct vfio_region_dma_range r[MAX_RANGES];
};

/* GET DMA_BUF: the dma-buf fd, or -errno. */
static int dmabuf_get(struct vfio_dev *d, uint32_t index, uint32_t flags,
		      const struct vfio_region_dma_range *r, uint32_t n)
{
	struct dmabuf_req q;
	int fd;

	memset(&q, 0, sizeof(q));
	q.hdr.argsz = sizeof(q.hdr) + sizeof(q.db) + n * sizeof(q.r[0]);
	q.hdr.flags = VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_DMA_BUF;
	q.db.region_index = index;
	q.db.open_flags = O_RDWR | O_CLOEXEC;
	q.db.flags = flags;
	q.db.nr_ranges = n;
	if (n)
		memcpy(q.r, r, n * sizeof(q.r[0]));
	fd = ioctl(d->fd, VFIO_DEVICE_FEATURE, &q);
	return fd < 0 ? -errno : fd;
}

/* SKIP unless PROBE | GET of the feature succeeds. */
static void need_dmabuf(struct vfio_dev *d)
{
	struct vfio_device_feature f = {
		.argsz = sizeof(f),
		.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET |
			 VFIO_DEVICE_FEATURE_DMA_BUF,
	};
	int rc = ioctl(d->fd, VFIO_DEVICE_FEATURE, &f) ? -errno : 0;

	if (rc == -ENOTTY)
		conform_skip("VFIO_DEVICE_FEATURE_DMA_BUF PROBE: ENOTTY (the running kernel has "
			     "no DMA_BUF feature, or CONFIG_VFIO_PCI_DMABUF is off)");
	if (rc == -EOPNOTSUPP)
		conform_skip("VFIO_DEVICE_FEATURE_DMA_BUF PROBE: EOPNOTSUPP (the driver exports "
			     "no dma-buf: vfio-pci-core without get_dmabuf_phys in its pci_ops)");
	if (rc)
		conform_skip("VFIO_DEVICE_FEATURE_DMA_BUF PROBE: %s (the kernel or the driver "
			     "does not export BARs as dma-bufs)", errname(rc));
}

/* The first memory BAR of at least 2 pages (or 1), or SKIP. */
static void pick_bar(struct vfio_dev *d, struct vfio_region_info *out)
{
	struct vfio_region_info ri;
	bool found = false;
	uint32_t i;

	for (i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_BAR5_REGION_INDEX; i++) {
		if (__vfio_region_info_fixed(d->fd, i, &ri) || ri.size < page_size() ||
		    !(ri.flags & VFIO_REGION_INFO_FLAG_MMAP))
			continue;
		if (!found || (out->size < 2 * page_size() && ri.size >= 2 * page_size()))
			*out = ri;
		found = true;
	}
	if (!found)
		conform_skip("no mmap-able BAR of at least one page to export");
}

static uint64_t dmabuf_size(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);

	conform_check(end >= 0, "lseek(SEEK_END) of the dma-buf: %s", strerror(errno));
	return (uint64_t)end;
}

static void test_probe(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_device_feature f = {
		.argsz = sizeof(f),
		.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
			 VFIO_DEVICE_FEATURE_DMA_BUF,
	};
	int rc;

	need_dmabuf(d);
	rc = ioctl(d->fd, VFIO_DEVICE_FEATURE, &f) ? -errno : 0;
	conform_check(rc != 0, "PROBE | SET of VFIO_DEVICE_FEATURE_DMA_BUF succeeded (the "
		      "feature is GET only, rc %d)" VFIO_H("Probing a feature will return success if the "
		      "feature is supported and all of the optionally indicated GET/SET methods "
		      "are supported."), rc);
	print_message("PROBE | SET: %s\n", errname(rc));
}

static void test_export(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_region_dma_range r[2] = { { 0, 0 }, { 0, 0 } };
	struct vfio_region_info bar;
	int fd;

	need_dmabuf(d);
	pick_bar(d, &bar);
	r[0].length = page_size();
	fd = dmabuf_get(d, bar.index, 0, r, 1);
	conform_check(fd >= 0, "DMA_BUF of BAR %u [0x0+0x%llx]: %s" VFIO_H("Upon "
		      "VFIO_DEVICE_FEATURE_GET create a dma_buf fd for the regions selected."),
		      bar.index,
		      (unsigned long long)page_size(), errname(fd));
	conform_check(dmabuf_size(fd) == page_size(), "dma-buf of one page has size 0x%llx",
		      (unsigned long long)dmabuf_size(fd));
	close(fd);
	if (bar.size < 2 * page_size())
		return;
	r[0] = (struct vfio_region_dma_range){ bar.size - page_size(), page_size() };
	r[1] = (struct vfio_region_dma_range){ 0, page_size() };
	fd = dmabuf_get(d, bar.index, 0, r, 2);
	conform_check(fd >= 0, "DMA_BUF of BAR %u, two ranges (last and first page): %s",
		      bar.index, errname(fd));
	conform_check(dmabuf_size(fd) == 2 * page_size(), "dma-buf of two pages has size 0x%llx",
		      (unsigned long long)dmabuf_size(fd));
	close(fd);
	fd = dmabuf_get(d, bar.index, 0, (struct vfio_region_dma_range[]){ { 0, bar.size } }, 1);
	conform_check(fd >= 0, "DMA_BUF of all of BAR %u (0x%llx bytes): %s", bar.index,
		      (unsigned long long)bar.size, errname(fd));
	close(fd);
}

struct bad_range {
	const char *what;
	uint64_t off, len;
};

static void expect_refused(const char *what, int fd)
{
	if (fd >= 0)
		close(fd);
	conform_check(fd < 0, "DMA_BUF with %s succeeded (fd %d)" VFIO_H("offset/length "
		      "specify a slice of the region"), what, fd);
	print_message("%s: %s\n", what, errname(fd));
}

static void test_bad_ranges(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_region_info bar;
	unsigned int i;

	need_dmabuf(d);
	pick_bar(d, &bar);
	{
		const struct bad_range bad[] = {
			{ "a range past the end of the BAR", bar.size, page_size() },
			{ "a range crossing the end of the BAR", bar.size - page_size(), 2 * page_size() },
			{ "a range larger than the BAR", 0, 2 * bar.size },
			{ "length 0", 0, 0 },
			{ "an offset that wraps", ~0ull & ~(page_size() - 1), 2 * page_size() },
		};

		for (i = 0; i < NELEM(bad); i++) {
			struct vfio_region_dma_range r = { bad[i].off, bad[i].len };

			expect_refused(bad[i].what, dmabuf_get(d, bar.index, 0, &r, 1));
		}
	}
	expect_refused("nr_ranges 0", dmabuf_get(d, bar.index, 0, NULL, 0));
}

static void test_bad_index(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_region_dma_range r = { 0, 0 };
	const uint32_t idx[] = { VFIO_PCI_ROM_REGION_INDEX, VFIO_PCI_CONFIG_REGION_INDEX,
				 VFIO_PCI_NUM_REGIONS + 1, 0xffffffffu };
	struct vfio_region_info ri;
	char what[64];
	unsigned int i;

	need_dmabuf(d);
	r.length = page_size();
	for (i = 0; i < NELEM(idx); i++) {
		snprintf(what, sizeof(what), "region index %u", idx[i]);
		expect_refused(what, dmabuf_get(d, idx[i], 0, &r, 1));
	}
	for (i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_BAR5_REGION_INDEX; i++) {
		if (__vfio_region_info_fixed(d->fd, i, &ri) || ri.size)
			continue;
		snprintf(what, sizeof(what), "BAR %u (size 0)", i);
		expect_refused(what, dmabuf_get(d, i, 0, &r, 1));
	}
}

static void test_bad_flags(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_region_dma_range r = { 0, 0 };
	struct vfio_region_info bar;

	need_dmabuf(d);
	pick_bar(d, &bar);
	r.length = page_size();
	expect_refused("flags 1", dmabuf_get(d, bar.index, 1, &r, 1));
	expect_refused("flags 0x80000000", dmabuf_get(d, bar.index, 0x80000000u, &r, 1));
}

static void test_unaligned(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_region_dma_range r;
	struct vfio_region_info bar;

	need_dmabuf(d);
	pick_bar(d, &bar);
	r = (struct vfio_region_dma_range){ 0x10, page_size() - 0x10 };
	expect_refused("an unaligned offset", dmabuf_get(d, bar.index, 0, &r, 1));
	r = (struct vfio_region_dma_range){ 0, 0x100 };
	expect_refused("a length of 256 bytes", dmabuf_get(d, bar.index, 0, &r, 1));
}

/* ---- revocation, seen through iommufd ---- */

struct importer {
	int iommufd;
	uint32_t ioas;
};

static void importer_open(struct importer *im)
{
	im->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (im->iommufd < 0)
		conform_skip("no /dev/iommu (%s): a revoked dma-buf is only observable "
			     "through an importer (IOMMU_IOAS_MAP_FILE)", strerror(errno));
	conform_check_rc(__iommufd_ioas_alloc(im->iommufd, &im->ioas), "IOMMU_IOAS_ALLOC");
}

static int import(struct importer *im, int fd, uint64_t iova, uint64_t len)
{
	struct iommu_ioas_map_file m = {
		.size = sizeof(m),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = im->ioas,
		.fd = fd,
		.length = len,
		.iova = iova,
	};

	return ioctl(im->iommufd, IOMMU_IOAS_MAP_FILE, &m) ? -errno : 0;
}

/* An exported page that iommufd imports, or SKIP. */
static int exported_imported(struct vfio_dev *d, struct importer *im)
{
	struct vfio_region_dma_range r = { 0, 0 };
	struct vfio_region_info bar;
	int fd, rc;

	need_dmabuf(d);
	pick_bar(d, &bar);
	importer_open(im);
	conform_check_rc(__vfio_dev_enable_memory(d), "enabling memory decode");
	r.length = page_size();
	fd = dmabuf_get(d, bar.index, 0, &r, 1);
	conform_check(fd >= 0, "DMA_BUF of BAR %u: %s", bar.index, errname(fd));
	rc = import(im, fd, DMABUF_IOVA, page_size());
	if (rc)
		conform_skip("IOMMU_IOAS_MAP_FILE of the dma-buf: %s (this iommufd imports no "
			     "VFIO dma-buf, nothing observes a revoke)", errname(rc));
	return fd;
}

static void test_revoked_on_close(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct importer im;
	int fd, rc;

	fd = exported_imported(d, &im);
	close(d->fd);
	d->fd = -1;	/* the fixture must not close it again */
	rc = import(&im, fd, DMABUF_IOVA + 0x100000, page_size());
	conform_check(rc != 0, "IOMMU_IOAS_MAP_FILE of the dma-buf after the device fd was "
		      "closed succeeded: the buffer was not revoked");
	print_message("import after close: %s\n", errname(rc));
	close(fd);
	close(im.iommufd);
}

static void test_revoked_without_memory(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	char pf[BDF_LEN];
	struct importer im;
	int fd, rc, rc2;

	need_dmabuf(d);
	if (!dev_is_mdev(d->bdf) && !sysfs_physfn(d->bdf, pf, sizeof(pf)))
		conform_skip("SR-IOV VF: Command.MEM does not gate a VF's BARs (the PF's VF MSE "
			     "does), so vfio-pci revokes a VF's dma-bufs only during a reset");
	fd = exported_imported(d, &im);
	set_memory(d, false);
	rc = import(&im, fd, DMABUF_IOVA + 0x100000, page_size());
	set_memory(d, true);
	rc2 = import(&im, fd, DMABUF_IOVA + 0x200000, page_size());
	conform_check(rc != 0, "IOMMU_IOAS_MAP_FILE of the dma-buf with Command.MEM clear "
		      "succeeded: the buffer was not revoked");
	conform_check(!rc2, "IOMMU_IOAS_MAP_FILE of the dma-buf with Command.MEM set again: %s",
		      errname(rc2));
	close(fd);
	close(im.iommufd);
}

/*
 * The uAPI says nothing of a reset revoking a dma-buf.  7.3's
 * vfio_pci_ioctl_reset revokes every buffer only around
 * pci_try_reset_function (vfio_pci_dma_buf_move(vdev, true): importers are
 * invalidated and drained) and restores them when memory decode is on
 * afterwards.  Observable without device DMA: the reset completes with an
 * importer attached, and the buffer imports again after it.
 */
static void test_usable_after_reset(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct importer im;
	int fd, rc;

	need_reset_flag(d);
	fd = exported_imported(d, &im);
	rc = ioctl(d->fd, VFIO_DEVICE_RESET) ? -errno : 0;
	conform_check(!rc, "VFIO_DEVICE_RESET with an imported dma-buf: %s", errname(rc));
	conform_check_rc(__vfio_dev_enable_memory(d), "enabling memory decode after reset");
	rc = import(&im, fd, DMABUF_IOVA + 0x100000, page_size());
	conform_check(!rc, "IOMMU_IOAS_MAP_FILE of a dma-buf exported before VFIO_DEVICE_RESET, "
		      "after it (memory decode on): %s: the buffer stayed revoked"
		      VFIO_H("Upon VFIO_DEVICE_FEATURE_GET create a dma_buf fd for the regions "
		      "selected."), errname(rc));
	print_message("import after reset: %s\n", errname(rc));
	close(fd);
	close(im.iommufd);
}

static const struct conform_test tests[] = {
	{ "dmabuf/probe-get-only", { "REQ-DMABUF-001" }, test_probe, 0, 0 },
	{ "dmabuf/export-bar-ranges", { "REQ-DMABUF-001" }, test_export, 0, 0 },
	{ "dmabuf/bad-ranges-rejected", { "REQ-DMABUF-002" }, test_bad_ranges, 0, 0 },
	{ "dmabuf/bad-index-rejected", { "REQ-DMABUF-002" }, test_bad_index, 0, 0 },
	{ "dmabuf/nonzero-flags-rejected", { "REQ-DMABUF-003" }, test_bad_flags, 0, 0 },
	{ "dmabuf/unaligned-range-rejected", { "REQ-DMABUF-004" }, test_unaligned, 0, 0 },
	{ "dmabuf/revoked-on-close", { "REQ-DMABUF-005" }, test_revoked_on_close, 0, 0 },
	{ "dmabuf/revoked-without-memory-decode", { "REQ-DMABUF-006" },
	  test_revoked_without_memory, 0, 0 },
	{ "dmabuf/usable-after-reset", { "REQ-DMABUF-007" }, test_usable_after_reset, 0, 0 },
};

CONFORM_AREA(conform_area_dmabuf, "dmabuf", tests, 1500);
