/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * Opening a device through the VFIO container/group API, and small helpers
 * over its device fd.  Helpers return 0 (or a count / fd) or a negative
 * errno and never exit; where a human needs context, they also write a
 * message into the caller's err buffer.
 */
#ifndef CONFORM_VFIO_DEV_H
#define CONFORM_VFIO_DEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
/*
 * include/uapi/linux/vfio.h is the kernel's unexported copy (Linux 6.12):
 * headers_install would strip __user from it, so do that here.
 */
#ifndef __user
#define __user
#endif
#include <linux/vfio.h>

#include "sysfs.h"

#define VFIO_MAX_GROUPS		4
#define VFIO_UUID_STR_LEN	36
#define VFIO_ERR_LEN		512

#ifndef offsetofend
#define offsetofend(TYPE, MEMBER) \
	(offsetof(TYPE, MEMBER) + sizeof(((TYPE *)0)->MEMBER))
#endif

struct vfio_container {
	int fd;
	int iommu_type;		/* chosen backend (TYPE1v2 or TYPE1) */
	bool iommu_set;
	unsigned int ngroups;
	struct {
		int id;
		int fd;
	} groups[VFIO_MAX_GROUPS];
};

struct vfio_dev {
	char bdf[BDF_LEN];
	int fd;
	struct vfio_container *ctr;
	bool own_ctr;
	struct vfio_device_info info;	/* from GET_INFO at open */
	struct vfio_region_info cfg;	/* the config region, from open */
};

/* ---- container / group ---- */
int __vfio_container_init(struct vfio_container *c, char *err, size_t errlen);
void vfio_container_fini(struct vfio_container *c);
/* Attach the IOMMU group of bdf to the container (once); get its fd. */
int __vfio_container_group(struct vfio_container *c, const char *bdf, int *group_fd,
			 char *err, size_t errlen);
/* Raw VFIO_GROUP_GET_DEVICE_FD: "<bdf>" or "<bdf> vf_token=<uuid>". */
int __vfio_group_device_fd(int group_fd, const char *bdf, const char *token);

/* ---- device ---- */
/* c NULL: the device gets a container of its own. */
int __vfio_dev_open(struct vfio_dev *d, struct vfio_container *c, const char *bdf,
		  const char *token, char *err, size_t errlen);
void vfio_dev_close(struct vfio_dev *d);
/* VFIO_DEVICE_RESET: 0 or -errno. */
int __vfio_dev_reset(int fd);

int __vfio_device_get_info(int fd, struct vfio_device_info *info);
/* REGION_INFO with the capability chain: *out is malloc'ed (argsz bytes). */
int __vfio_region_info_get(int fd, uint32_t index, struct vfio_region_info **out);
int __vfio_region_info_fixed(int fd, uint32_t index, struct vfio_region_info *out);

/* Whole transfers inside a region: 0 or -errno (-EIO on a short transfer). */
int __vfio_region_read(int fd, const struct vfio_region_info *ri, uint64_t off,
		     void *buf, size_t len);
int __vfio_region_write(int fd, const struct vfio_region_info *ri, uint64_t off,
		      const void *buf, size_t len);
int __vfio_region_read32(int fd, const struct vfio_region_info *ri, uint64_t off,
		       uint32_t *val);
int __vfio_region_write32(int fd, const struct vfio_region_info *ri, uint64_t off,
			uint32_t val);

/* Config space through the config region, 1/2/4 bytes, little endian. */
int __vfio_cfg_read(const struct vfio_dev *d, uint32_t off, unsigned int size, uint32_t *val);
int __vfio_cfg_write(const struct vfio_dev *d, uint32_t off, unsigned int size, uint32_t val);
/* Read the whole config region (up to len bytes); returns bytes or -errno. */
ssize_t __vfio_cfg_read_all(const struct vfio_dev *d, uint8_t *buf, size_t len);
/* Set Memory Space Enable in the (virtual) command register if clear. */
int __vfio_dev_enable_memory(const struct vfio_dev *d);
/* ...and Bus Master Enable: what a device's DMA and MSI/MSI-X need. */
int __vfio_dev_enable_dma(const struct vfio_dev *d);

/*
 * Capability chain of an INFO ioctl buffer: offsets relative to the buffer
 * start, first at `first` (0: empty).  0 if well formed, else -1 with err.
 */
int vfio_cap_chain_check(const void *buf, size_t buflen, size_t fixed_len,
			 uint32_t first, unsigned int *count, char *err, size_t errlen);
/* Find a capability by ID in a checked chain; NULL if absent. */
const struct vfio_info_cap_header *vfio_cap_find(const void *buf, size_t buflen,
						 uint32_t first, uint16_t id);

/* ---- VF token ---- */
int uuid_parse_str(const char *s, uint8_t out[16]);
bool uuid_valid(const char *s);
/* VFIO_DEVICE_FEATURE(SET | PCI_VF_TOKEN); returns 0 or -errno. */
int __vfio_feature_set_vf_token(int dev_fd, const char *uuid);
/*
 * Make sure the PF's VF token is `token`: open the PF with the token (the
 * kernel requires it once VFs are in use, and it sets the token when they
 * are not), set VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, close the PF again.
 */
int __vfio_pf_set_vf_token(struct vfio_container *c, const char *pf, const char *token,
			 char *err, size_t errlen);

#endif /* CONFORM_VFIO_DEV_H */
