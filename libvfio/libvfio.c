// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/* The failing fn() forms of libvfio's __fn() calls (libvfio.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libvfio.h"

void vfio_fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vbail(stdout, fmt, ap);
	exit(1);
}

/* rc < 0: fail with what and the errno text. */
#define OR_FAIL(rc, what, ...)						\
	do {								\
		int rc_ = (rc);						\
		if (rc_ < 0)						\
			vfio_fail(what ": %s", ##__VA_ARGS__, strerror(-rc_)); \
	} while (0)

void vfio_dev_open(struct vfio_dev *d, struct vfio_container *c, const char *bdf,
		   const char *token)
{
	char err[VFIO_ERR_LEN] = "";
	int rc = __vfio_dev_open(d, c, bdf, token, err, sizeof(err));

	if (rc < 0)
		vfio_fail("opening %s: %s", bdf, *err ? err : strerror(-rc));
}

uint32_t vfio_region_read32(int fd, const struct vfio_region_info *ri, uint64_t off)
{
	uint32_t v = 0;

	OR_FAIL(__vfio_region_read32(fd, ri, off, &v), "reading region %u+0x%llx",
		ri->index, (unsigned long long)off);
	return v;
}

void vfio_region_write32(int fd, const struct vfio_region_info *ri, uint64_t off,
			 uint32_t val)
{
	OR_FAIL(__vfio_region_write32(fd, ri, off, val), "writing region %u+0x%llx",
		ri->index, (unsigned long long)off);
}

void vfio_region_info_fixed(int fd, uint32_t index, struct vfio_region_info *out)
{
	OR_FAIL(__vfio_region_info_fixed(fd, index, out), "REGION_INFO(%u)", index);
}

void vfio_dev_enable_dma(const struct vfio_dev *d)
{
	OR_FAIL(__vfio_dev_enable_dma(d), "%s: PCI_COMMAND memory + bus master", d->bdf);
}

void vfio_set_irqs(int fd, uint32_t index, uint32_t start, uint32_t count,
		   uint32_t flags, const void *data)
{
	OR_FAIL(__vfio_set_irqs(fd, index, start, count, flags, data),
		"VFIO_DEVICE_SET_IRQS(index %u, %u+%u)", index, start, count);
}

int vfio_mig_set_state(int fd, uint32_t state)
{
	int data_fd = -1;

	OR_FAIL(__vfio_mig_set_state(fd, state, &data_fd), "MIG_DEVICE_STATE -> %u", state);
	return data_fd;
}

int efd_new(void)
{
	int fd = __efd_new();

	OR_FAIL(fd, "eventfd");
	return fd;
}

void dma_buf_map(struct dma_buf *b, int ctr_fd, uint64_t iova, size_t len)
{
	OR_FAIL(__dma_buf_map(b, ctr_fd, iova, len), "VFIO_IOMMU_MAP_DMA of %zu bytes at 0x%llx",
		len, (unsigned long long)iova);
}
