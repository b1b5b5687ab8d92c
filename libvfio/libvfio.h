/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * libvfio: the tree's one userspace VFIO library (the suite, the guest
 * tools refdev-migrate, refdev-dma and refdev-migbench).  Convention of the kernel's
 * tools/testing/selftests/vfio/lib: __fn() returns 0 / a value >= 0 or a
 * negative errno and never exits; fn() is the same call that fails the
 * program with a message (vfio_fail(): TAP "Bail out!", exit 1) instead.
 * The suite uses only __fn() (a FAIL rests on a checked sentence); a tool
 * whose every step is a precondition uses fn().
 */
#ifndef LIBVFIO_H
#define LIBVFIO_H

#include "crc32c.h"
#include "iommufd.h"
#include "sysfs.h"
#include "tap.h"
#include "vfio_dev.h"
#include "vfio_ops.h"

void vfio_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

void vfio_dev_open(struct vfio_dev *d, struct vfio_container *c, const char *bdf,
		   const char *token);
uint32_t vfio_region_read32(int fd, const struct vfio_region_info *ri, uint64_t off);
void vfio_region_write32(int fd, const struct vfio_region_info *ri, uint64_t off,
			 uint32_t val);
void vfio_region_info_fixed(int fd, uint32_t index, struct vfio_region_info *out);
void vfio_dev_enable_dma(const struct vfio_dev *d);
void vfio_set_irqs(int fd, uint32_t index, uint32_t start, uint32_t count,
		   uint32_t flags, const void *data);
int vfio_mig_set_state(int fd, uint32_t state);	/* the arc's data fd or -1 */
int efd_new(void);
void dma_buf_map(struct dma_buf *b, int ctr_fd, uint64_t iova, size_t len);

#endif /* LIBVFIO_H */
