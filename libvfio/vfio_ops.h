/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * Thin wrappers over the VFIO ioctls the later areas use (IRQs, device
 * features, migration, DMA mapping).  All return 0 / a value >= 0 or a
 * negative errno, never exit, never decide by kernel version.
 */
#ifndef CONFORM_VFIO_OPS_H
#define CONFORM_VFIO_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vfio_dev.h"

/* ---- IRQs ---- */
int __vfio_irq_info(int fd, uint32_t index, struct vfio_irq_info *out);
/* SET_IRQS with `count` data elements of the flags' data type at `data`. */
int __vfio_set_irqs(int fd, uint32_t index, uint32_t start, uint32_t count,
		  uint32_t flags, const void *data);
/* Same, with argsz under the caller's control (negative tests). */
int __vfio_set_irqs_raw(int fd, uint32_t argsz, uint32_t index, uint32_t start,
		      uint32_t count, uint32_t flags, const void *data, size_t datalen);
/* eventfds: create n non-blocking ones; read (and clear) a counter. */
int __efd_new(void);
uint64_t efd_take(int efd);		/* 0 if nothing */
/* Wait up to ms for any of n eventfds to become readable: index or -1. */
int efd_wait_any(const int *efds, unsigned int n, int ms);

/* ---- device features ---- */
/* VFIO_DEVICE_FEATURE with flags (PROBE/GET/SET | feature) and payload. */
int __vfio_feature(int fd, uint32_t flags, void *data, size_t len);
/* GET of VFIO_DEVICE_FEATURE_MIGRATION: 0 and *flags, or -errno. */
int __vfio_mig_flags(int fd, uint64_t *flags);
int __vfio_mig_get_state(int fd, uint32_t *state);
/* SET: 0 and *data_fd (-1 if none) or -errno. */
int __vfio_mig_set_state(int fd, uint32_t state, int *data_fd);
/* MIG_DATA_SIZE GET: 0 and *size or -errno. */
int __vfio_mig_data_size(int fd, uint64_t *size);
/* VFIO_MIG_GET_PRECOPY_INFO on a data fd: all of it (flags: v2), or the sizes. */
int __vfio_precopy_info_get(int data_fd, struct vfio_precopy_info *p);
int __vfio_precopy_info(int data_fd, uint64_t *initial, uint64_t *dirty);
/* Read a data fd to EOF (read() == 0) into a growing buffer; -errno on error. */
ssize_t __mig_read_all(int data_fd, uint8_t **buf, size_t max);
/* write() all bytes in chunks of `chunk` (0: all at once); 0 or -errno. */
int __mig_write_all(int data_fd, const uint8_t *buf, size_t len, size_t chunk);

/* ---- DMA ---- */
struct dma_buf {
	void *va;
	uint64_t iova;
	size_t len;
	int ctr_fd;
	bool mapped;
};
/* Anonymous memory, MAP_DMA'd into the container at iova. */
int __dma_buf_map(struct dma_buf *b, int ctr_fd, uint64_t iova, size_t len);
void dma_buf_unmap(struct dma_buf *b);

/* errno name for messages ("EINVAL"); the number when unknown */
const char *errname(int e);

#endif /* CONFORM_VFIO_OPS_H */
