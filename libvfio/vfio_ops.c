// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "vfio_ops.h"

int __vfio_irq_info(int fd, uint32_t index, struct vfio_irq_info *out)
{
	memset(out, 0, sizeof(*out));
	out->argsz = sizeof(*out);
	out->index = index;
	return ioctl(fd, VFIO_DEVICE_GET_IRQ_INFO, out) ? -errno : 0;
}

int __vfio_set_irqs_raw(int fd, uint32_t argsz, uint32_t index, uint32_t start,
		      uint32_t count, uint32_t flags, const void *data, size_t datalen)
{
	size_t sz = sizeof(struct vfio_irq_set) + datalen;
	struct vfio_irq_set *s = calloc(1, sz < 64 ? 64 : sz);
	int rc;

	if (!s)
		return -ENOMEM;
	s->argsz = argsz;
	s->flags = flags;
	s->index = index;
	s->start = start;
	s->count = count;
	if (datalen)
		memcpy(s->data, data, datalen);
	rc = ioctl(fd, VFIO_DEVICE_SET_IRQS, s) ? -errno : 0;
	free(s);
	return rc;
}

int __vfio_set_irqs(int fd, uint32_t index, uint32_t start, uint32_t count,
		  uint32_t flags, const void *data)
{
	size_t el = 0;

	if (flags & VFIO_IRQ_SET_DATA_BOOL)
		el = 1;
	else if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		el = 4;
	return __vfio_set_irqs_raw(fd, (uint32_t)(sizeof(struct vfio_irq_set) + el * count),
				 index, start, count, flags, data, el * count);
}

int __efd_new(void)
{
	int e = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	return e < 0 ? -errno : e;
}

uint64_t efd_take(int efd)
{
	uint64_t v = 0;

	if (read(efd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

int efd_wait_any(const int *efds, unsigned int n, int ms)
{
	struct pollfd p[64];
	unsigned int i;

	if (n > 64)
		n = 64;
	for (i = 0; i < n; i++) {
		p[i].fd = efds[i];
		p[i].events = POLLIN;
		p[i].revents = 0;
	}
	if (poll(p, n, ms) <= 0)
		return -1;
	for (i = 0; i < n; i++)
		if (p[i].revents & POLLIN)
			return (int)i;
	return -1;
}

int __vfio_feature(int fd, uint32_t flags, void *data, size_t len)
{
	size_t sz = sizeof(struct vfio_device_feature) + len;
	struct vfio_device_feature *f = calloc(1, sz);
	int rc;

	if (!f)
		return -ENOMEM;
	f->argsz = (uint32_t)sz;
	f->flags = flags;
	if (len)
		memcpy(f->data, data, len);
	rc = ioctl(fd, VFIO_DEVICE_FEATURE, f) ? -errno : 0;
	if (!rc && len)
		memcpy(data, f->data, len);
	free(f);
	return rc;
}

int __vfio_mig_flags(int fd, uint64_t *flags)
{
	struct vfio_device_feature_migration m = { 0 };
	int rc = __vfio_feature(fd, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION,
			      &m, sizeof(m));

	if (!rc)
		*flags = m.flags;
	return rc;
}

int __vfio_mig_get_state(int fd, uint32_t *state)
{
	struct vfio_device_feature_mig_state m = { .data_fd = -1 };
	int rc = __vfio_feature(fd, VFIO_DEVICE_FEATURE_GET |
			      VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &m, sizeof(m));

	if (!rc)
		*state = m.device_state;
	return rc;
}

int __vfio_mig_set_state(int fd, uint32_t state, int *data_fd)
{
	struct vfio_device_feature_mig_state m = { .device_state = state, .data_fd = -1 };
	int rc = __vfio_feature(fd, VFIO_DEVICE_FEATURE_SET |
			      VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &m, sizeof(m));

	if (data_fd)
		*data_fd = rc ? -1 : m.data_fd;
	else if (!rc && m.data_fd >= 0)
		close(m.data_fd);
	return rc;
}

int __vfio_mig_data_size(int fd, uint64_t *size)
{
	struct vfio_device_feature_mig_data_size m = { 0 };
	int rc = __vfio_feature(fd, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DATA_SIZE,
			      &m, sizeof(m));

	if (!rc)
		*size = m.stop_copy_length;
	return rc;
}

int __vfio_precopy_info_get(int data_fd, struct vfio_precopy_info *p)
{
	memset(p, 0, sizeof(*p));
	p->argsz = sizeof(*p);
	return ioctl(data_fd, VFIO_MIG_GET_PRECOPY_INFO, p) ? -errno : 0;
}

int __vfio_precopy_info(int data_fd, uint64_t *initial, uint64_t *dirty)
{
	struct vfio_precopy_info p;
	int rc = __vfio_precopy_info_get(data_fd, &p);

	if (rc)
		return rc;
	if (initial)
		*initial = p.initial_bytes;
	if (dirty)
		*dirty = p.dirty_bytes;
	return 0;
}

ssize_t __mig_read_all(int data_fd, uint8_t **out, size_t max)
{
	size_t len = 0, cap = 4096;
	uint8_t *buf = malloc(cap), *nb;
	ssize_t n;

	*out = NULL;
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			if (cap >= max) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(data_fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			free(buf);
			return n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*out = buf;
	return (ssize_t)len;
}

int __mig_write_all(int data_fd, const uint8_t *buf, size_t len, size_t chunk)
{
	size_t off = 0, want;
	ssize_t n;

	while (off < len) {
		want = chunk && chunk < len - off ? chunk : len - off;
		n = write(data_fd, buf + off, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		off += (size_t)n;
	}
	return 0;
}

int __dma_buf_map(struct dma_buf *b, int ctr_fd, uint64_t iova, size_t len)
{
	struct vfio_iommu_type1_dma_map m = { .argsz = sizeof(m) };

	memset(b, 0, sizeof(*b));
	b->va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b->va == MAP_FAILED) {
		b->va = NULL;
		return -errno;
	}
	memset(b->va, 0, len);
	m.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	m.vaddr = (uint64_t)(uintptr_t)b->va;
	m.iova = iova;
	m.size = len;
	if (ioctl(ctr_fd, VFIO_IOMMU_MAP_DMA, &m)) {
		int e = -errno;

		munmap(b->va, len);
		b->va = NULL;
		return e;
	}
	b->iova = iova;
	b->len = len;
	b->ctr_fd = ctr_fd;
	b->mapped = true;
	return 0;
}

void dma_buf_unmap(struct dma_buf *b)
{
	struct vfio_iommu_type1_dma_unmap u = { .argsz = sizeof(u) };

	if (b->mapped) {
		u.iova = b->iova;
		u.size = b->len;
		ioctl(b->ctr_fd, VFIO_IOMMU_UNMAP_DMA, &u);
	}
	if (b->va)
		munmap(b->va, b->len);
	memset(b, 0, sizeof(*b));
}

const char *errname(int e)
{
	static __thread char buf[24];

	if (e < 0)
		e = -e;
	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case ENOTTY: return "ENOTTY";
	case ENOSPC: return "ENOSPC";
	case EBUSY: return "EBUSY";
	case EPERM: return "EPERM";
	case ENODEV: return "ENODEV";
	case ENOMSG: return "ENOMSG";
	case ESPIPE: return "ESPIPE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case E2BIG: return "E2BIG";
	case EBADF: return "EBADF";
	case EFAULT: return "EFAULT";
	case EOVERFLOW: return "EOVERFLOW";
	case ENOENT: return "ENOENT";
	case EACCES: return "EACCES";
	case EIO: return "EIO";
	case ENOMEM: return "ENOMEM";
	case EEXIST: return "EEXIST";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECANCELED: return "ECANCELED";
	case EPROTO: return "EPROTO";
	}
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}
