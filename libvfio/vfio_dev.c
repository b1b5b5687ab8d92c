// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include <uuid/uuid.h>

#include "vfio_dev.h"

#define MAX_INFO_ARGSZ	(1024 * 1024)

static void errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------ */
/* container / group                                                   */
/* ------------------------------------------------------------------ */

int __vfio_container_init(struct vfio_container *c, char *err, size_t errlen)
{
	int v, e;

	memset(c, 0, sizeof(*c));
	c->fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (c->fd < 0) {
		e = errno;
		errf(err, errlen, "open /dev/vfio/vfio: %s (vfio module not loaded?)",
		     strerror(e));
		return -e;
	}
	v = ioctl(c->fd, VFIO_GET_API_VERSION);
	if (v != VFIO_API_VERSION) {
		errf(err, errlen, "VFIO_GET_API_VERSION returned %d, expected %d",
		     v, VFIO_API_VERSION);
		vfio_container_fini(c);
		return -EPROTO;
	}
	if (ioctl(c->fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) > 0) {
		c->iommu_type = VFIO_TYPE1v2_IOMMU;
	} else if (ioctl(c->fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1_IOMMU) > 0) {
		c->iommu_type = VFIO_TYPE1_IOMMU;
	} else {
		errf(err, errlen, "no type1 IOMMU backend in this container "
		     "(load the vfio_iommu_type1 module)");
		vfio_container_fini(c);
		return -ENODEV;
	}
	return 0;
}

void vfio_container_fini(struct vfio_container *c)
{
	unsigned int i;

	for (i = 0; i < c->ngroups; i++)
		if (c->groups[i].fd >= 0)
			close(c->groups[i].fd);
	c->ngroups = 0;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->iommu_set = false;
}

static int group_open(int id, const char *bdf, char *err, size_t errlen)
{
	char path[64], drv[64] = "none";
	int fd, e;

	snprintf(path, sizeof(path), "/dev/vfio/%d", id);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	e = errno;
	sysfs_driver(bdf, drv, sizeof(drv));
	if (e == ENOENT && dev_is_mdev(bdf))
		errf(err, errlen, "%s does not exist: is the mediated device %s bound "
		     "to its parent's mdev driver? (its driver: %s)", path, bdf, drv);
	else if (e == ENOENT)
		errf(err, errlen, "%s does not exist: is %s bound to vfio-pci? "
		     "(its driver: %s)", path, bdf, drv);
	else if (e == EBUSY)
		errf(err, errlen, "%s: group busy (opened by another process?)", path);
	else
		errf(err, errlen, "open %s: %s", path, strerror(e));
	return -e;
}

static int group_attach(struct vfio_container *c, int gfd, int id,
			char *err, size_t errlen)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	int e;

	if (ioctl(gfd, VFIO_GROUP_GET_STATUS, &st)) {
		e = errno;
		errf(err, errlen, "VFIO_GROUP_GET_STATUS(group %d): %s", id, strerror(e));
		return -e;
	}
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errf(err, errlen, "IOMMU group %d is not viable: every device in "
		     "/sys/kernel/iommu_groups/%d/devices must be bound to a vfio "
		     "driver or unbound", id, id);
		return -EPERM;
	}
	if (ioctl(gfd, VFIO_GROUP_SET_CONTAINER, &c->fd)) {
		e = errno;
		errf(err, errlen, "VFIO_GROUP_SET_CONTAINER(group %d): %s", id, strerror(e));
		return -e;
	}
	if (c->iommu_set)
		return 0;
	if (ioctl(c->fd, VFIO_SET_IOMMU, c->iommu_type)) {
		e = errno;
		if (c->iommu_type == VFIO_TYPE1v2_IOMMU &&
		    !ioctl(c->fd, VFIO_SET_IOMMU, VFIO_TYPE1_IOMMU)) {
			c->iommu_type = VFIO_TYPE1_IOMMU;
		} else {
			errf(err, errlen, "VFIO_SET_IOMMU: %s", strerror(e));
			return -e;
		}
	}
	c->iommu_set = true;
	return 0;
}

int __vfio_container_group(struct vfio_container *c, const char *bdf, int *group_fd,
			 char *err, size_t errlen)
{
	unsigned int i;
	int id, fd, rc;

	rc = sysfs_iommu_group(bdf, &id);
	if (rc) {
		errf(err, errlen, "%s has no IOMMU group (%s): VFIO needs an IOMMU "
		     "(intel_iommu=on; a vIOMMU in a VM)", bdf, strerror(-rc));
		return rc;
	}
	for (i = 0; i < c->ngroups; i++) {
		if (c->groups[i].id == id) {
			*group_fd = c->groups[i].fd;
			return 0;
		}
	}
	if (c->ngroups == VFIO_MAX_GROUPS) {
		errf(err, errlen, "too many IOMMU groups in one container");
		return -ENOSPC;
	}
	fd = group_open(id, bdf, err, errlen);
	if (fd < 0)
		return fd;
	rc = group_attach(c, fd, id, err, errlen);
	if (rc) {
		close(fd);
		return rc;
	}
	c->groups[c->ngroups].id = id;
	c->groups[c->ngroups].fd = fd;
	c->ngroups++;
	*group_fd = fd;
	return 0;
}

int __vfio_group_device_fd(int group_fd, const char *bdf, const char *token)
{
	char name[BDF_LEN + 16 + VFIO_UUID_STR_LEN];
	int fd;

	if (token)
		snprintf(name, sizeof(name), "%s vf_token=%s", bdf, token);
	else
		snprintf(name, sizeof(name), "%s", bdf);
	fd = ioctl(group_fd, VFIO_GROUP_GET_DEVICE_FD, name);
	return fd < 0 ? -errno : fd;
}

/* ------------------------------------------------------------------ */
/* device                                                              */
/* ------------------------------------------------------------------ */

static void explain_open_error(const char *bdf, const char *token, int rc,
			       char *err, size_t errlen)
{
	char pf[BDF_LEN * 2], drv[64] = "none";

	if (rc == -EACCES && !token && !sysfs_physfn(bdf, pf, sizeof(pf))) {
		sysfs_driver(pf, drv, sizeof(drv));
		errf(err, errlen, "VFIO_GROUP_GET_DEVICE_FD(%s): %s: the PF %s is "
		     "bound to %s, so a VF token is required: give --pf %s",
		     bdf, strerror(-rc), pf, drv, pf);
	} else if (rc == -EACCES) {
		errf(err, errlen, "VFIO_GROUP_GET_DEVICE_FD(%s): %s: VF token "
		     "refused (VFs in use with another token?)", bdf, strerror(-rc));
	} else if (rc == -EINVAL && token) {
		errf(err, errlen, "VFIO_GROUP_GET_DEVICE_FD(%s vf_token=...): %s: "
		     "a token is only accepted for SR-IOV functions of a vfio-pci PF",
		     bdf, strerror(-rc));
	} else {
		errf(err, errlen, "VFIO_GROUP_GET_DEVICE_FD(%s): %s", bdf, strerror(-rc));
	}
}

int __vfio_dev_open(struct vfio_dev *d, struct vfio_container *c, const char *bdf,
		  const char *token, char *err, size_t errlen)
{
	int gfd, rc;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return -ENOMEM;
		rc = __vfio_container_init(c, err, errlen);
		if (rc) {
			free(c);
			return rc;
		}
		d->own_ctr = true;
	}
	d->ctr = c;
	rc = __vfio_container_group(c, bdf, &gfd, err, errlen);
	if (rc)
		goto fail;
	d->fd = __vfio_group_device_fd(gfd, bdf, token);
	if (d->fd < 0) {
		rc = d->fd;
		explain_open_error(bdf, token, rc, err, errlen);
		goto fail;
	}
	rc = __vfio_device_get_info(d->fd, &d->info);
	if (rc) {
		errf(err, errlen, "VFIO_DEVICE_GET_INFO(%s): %s", bdf, strerror(-rc));
		goto fail;
	}
	rc = __vfio_region_info_fixed(d->fd, VFIO_PCI_CONFIG_REGION_INDEX, &d->cfg);
	if (rc) {
		errf(err, errlen, "VFIO_DEVICE_GET_REGION_INFO(config) on %s: %s",
		     bdf, strerror(-rc));
		goto fail;
	}
	return 0;
fail:
	vfio_dev_close(d);
	return rc;
}

void vfio_dev_close(struct vfio_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	if (d->own_ctr && d->ctr) {
		vfio_container_fini(d->ctr);
		free(d->ctr);
	}
	d->ctr = NULL;
	d->own_ctr = false;
}

int __vfio_dev_reset(int fd)
{
	return ioctl(fd, VFIO_DEVICE_RESET) ? -errno : 0;
}

int __vfio_device_get_info(int fd, struct vfio_device_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	return ioctl(fd, VFIO_DEVICE_GET_INFO, info) ? -errno : 0;
}

int __vfio_region_info_fixed(int fd, uint32_t index, struct vfio_region_info *out)
{
	memset(out, 0, sizeof(*out));
	out->argsz = sizeof(*out);
	out->index = index;
	return ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, out) ? -errno : 0;
}

int __vfio_region_info_get(int fd, uint32_t index, struct vfio_region_info **out)
{
	struct vfio_region_info *ri, *bigger;
	size_t need;
	int rc;

	*out = NULL;
	ri = calloc(1, sizeof(*ri));
	if (!ri)
		return -ENOMEM;
	rc = __vfio_region_info_fixed(fd, index, ri);
	if (rc) {
		free(ri);
		return rc;
	}
	if (ri->argsz > sizeof(*ri)) {
		need = ri->argsz;
		if (need > MAX_INFO_ARGSZ) {
			free(ri);
			return -E2BIG;
		}
		bigger = calloc(1, need);
		if (!bigger) {
			free(ri);
			return -ENOMEM;
		}
		free(ri);
		ri = bigger;
		ri->argsz = (uint32_t)need;
		ri->index = index;
		if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, ri)) {
			rc = -errno;
			free(ri);
			return rc;
		}
	}
	*out = ri;
	return 0;
}

static int region_xfer(int fd, const struct vfio_region_info *ri, uint64_t off,
		       void *buf, size_t len, bool write)
{
	ssize_t n;

	if (off > ri->size || len > ri->size - off)
		return -ERANGE;
	if (write)
		n = pwrite(fd, buf, len, (off_t)(ri->offset + off));
	else
		n = pread(fd, buf, len, (off_t)(ri->offset + off));
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int __vfio_region_read(int fd, const struct vfio_region_info *ri, uint64_t off,
		     void *buf, size_t len)
{
	return region_xfer(fd, ri, off, buf, len, false);
}

int __vfio_region_write(int fd, const struct vfio_region_info *ri, uint64_t off,
		      const void *buf, size_t len)
{
	return region_xfer(fd, ri, off, (void *)buf, len, true);
}

int __vfio_region_read32(int fd, const struct vfio_region_info *ri, uint64_t off,
		       uint32_t *val)
{
	uint32_t le;
	int rc = __vfio_region_read(fd, ri, off, &le, sizeof(le));

	if (!rc)
		*val = le32toh(le);
	return rc;
}

int __vfio_region_write32(int fd, const struct vfio_region_info *ri, uint64_t off,
			uint32_t val)
{
	uint32_t le = htole32(val);

	return __vfio_region_write(fd, ri, off, &le, sizeof(le));
}

int __vfio_cfg_read(const struct vfio_dev *d, uint32_t off, unsigned int size, uint32_t *val)
{
	uint8_t b[4] = { 0 };
	int rc;

	if (size != 1 && size != 2 && size != 4)
		return -EINVAL;
	rc = __vfio_region_read(d->fd, &d->cfg, off, b, size);
	if (rc)
		return rc;
	*val = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
	return 0;
}

int __vfio_cfg_write(const struct vfio_dev *d, uint32_t off, unsigned int size, uint32_t val)
{
	uint8_t b[4] = { (uint8_t)val, (uint8_t)(val >> 8), (uint8_t)(val >> 16),
			 (uint8_t)(val >> 24) };

	if (size != 1 && size != 2 && size != 4)
		return -EINVAL;
	return __vfio_region_write(d->fd, &d->cfg, off, b, size);
}

ssize_t __vfio_cfg_read_all(const struct vfio_dev *d, uint8_t *buf, size_t len)
{
	size_t n = len < d->cfg.size ? len : (size_t)d->cfg.size;
	int rc = __vfio_region_read(d->fd, &d->cfg, 0, buf, n);

	return rc ? rc : (ssize_t)n;
}

/* Set @bits in the (virtual) PCI_COMMAND register where one is clear. */
static int command_set(const struct vfio_dev *d, uint32_t bits)
{
	uint32_t cmd;
	int rc;

	rc = __vfio_cfg_read(d, 0x04, 2, &cmd);
	if (rc || (cmd & bits) == bits)
		return rc;
	return __vfio_cfg_write(d, 0x04, 2, cmd | bits);
}

int __vfio_dev_enable_memory(const struct vfio_dev *d)
{
	return command_set(d, 0x2);
}

int __vfio_dev_enable_dma(const struct vfio_dev *d)
{
	return command_set(d, 0x6);
}

/* ------------------------------------------------------------------ */
/* capability chains                                                   */
/* ------------------------------------------------------------------ */

int vfio_cap_chain_check(const void *buf, size_t buflen, size_t fixed_len,
			 uint32_t first, unsigned int *count, char *err, size_t errlen)
{
	const struct vfio_info_cap_header *h;
	size_t max = buflen / sizeof(*h) + 1;
	uint32_t off = first;
	unsigned int n = 0;

	*count = 0;
	while (off) {
		if (off < fixed_len) {
			errf(err, errlen, "capability offset %u inside the fixed "
			     "structure (%zu bytes)", off, fixed_len);
			return -1;
		}
		if (off > buflen || buflen - off < sizeof(*h)) {
			errf(err, errlen, "capability offset %u beyond the buffer "
			     "(argsz %zu)", off, buflen);
			return -1;
		}
		if (++n > max) {
			errf(err, errlen, "capability chain loops");
			return -1;
		}
		h = (const void *)((const uint8_t *)buf + off);
		off = h->next;
	}
	*count = n;
	return 0;
}

const struct vfio_info_cap_header *vfio_cap_find(const void *buf, size_t buflen,
						 uint32_t first, uint16_t id)
{
	const struct vfio_info_cap_header *h;
	size_t max = buflen / sizeof(*h) + 1, n = 0;
	uint32_t off = first;

	while (off && off <= buflen && buflen - off >= sizeof(*h) && n++ < max) {
		h = (const void *)((const uint8_t *)buf + off);
		if (h->id == id)
			return h;
		off = h->next;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* VF token                                                            */
/* ------------------------------------------------------------------ */

/* The 36-character text form (RFC 4122), parsed by libuuid (util-linux). */
int uuid_parse_str(const char *s, uint8_t out[16])
{
	uuid_t u;

	if (!s || strlen(s) != VFIO_UUID_STR_LEN || uuid_parse(s, u))
		return -EINVAL;
	memcpy(out, u, sizeof(u));
	return 0;
}

bool uuid_valid(const char *s)
{
	uint8_t b[16];

	return !uuid_parse_str(s, b);
}

int __vfio_feature_set_vf_token(int dev_fd, const char *uuid)
{
	uint64_t buf[(sizeof(struct vfio_device_feature) + 16 + 7) / 8] = { 0 };
	struct vfio_device_feature *f = (void *)buf;
	uint8_t b[16];

	if (uuid_parse_str(uuid, b))
		return -EINVAL;
	f->argsz = sizeof(struct vfio_device_feature) + 16;
	f->flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
	memcpy(f->data, b, sizeof(b));
	return ioctl(dev_fd, VFIO_DEVICE_FEATURE, f) ? -errno : 0;
}

int __vfio_pf_set_vf_token(struct vfio_container *c, const char *pf, const char *token,
			 char *err, size_t errlen)
{
	int gfd, fd, rc;

	rc = __vfio_container_group(c, pf, &gfd, err, errlen);
	if (rc)
		return rc;
	fd = __vfio_group_device_fd(gfd, pf, token);
	if (fd < 0) {
		if (fd == -EACCES)
			errf(err, errlen, "PF %s refuses the suite's VF token (%s): "
			     "its VFs are in use with another token", pf, strerror(-fd));
		else
			errf(err, errlen, "open PF %s with vf_token: %s", pf, strerror(-fd));
		return fd;
	}
	rc = __vfio_feature_set_vf_token(fd, token);
	if (rc)
		errf(err, errlen, "VFIO_DEVICE_FEATURE(SET PCI_VF_TOKEN) on PF %s: %s",
		     pf, strerror(-rc));
	close(fd);
	return rc;
}
