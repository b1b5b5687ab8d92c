/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * The iommufd + VFIO device cdev path: find a device's cdev, bind it to an
 * iommufd, attach it to an IOAS (or a PASID of it), map and unmap IOVA.
 * Every call returns 0 or a negative errno (libvfio.h's convention).
 */
#ifndef LIBVFIO_IOMMUFD_H
#define LIBVFIO_IOMMUFD_H

#include <stddef.h>
#include <stdint.h>

/* "/dev/vfio/devices/vfioN" of bdf into out, or -ENOENT (no vfio-dev node). */
int __vfio_cdev_find(const char *bdf, char *out, size_t len);
/* VFIO_DEVICE_BIND_IOMMUFD with argsz and flags as given (token_uuid: the
 * 16 bytes of VFIO_DEVICE_BIND_FLAG_TOKEN, or NULL); *devid on success. */
int __vfio_cdev_bind(int dev_fd, int iommufd, uint32_t flags, uint32_t argsz,
		     const void *token_uuid, uint32_t *devid);
/* VFIO_DEVICE_ATTACH_IOMMUFD_PT / DETACH (flags 0, or the PASID flag). */
int __vfio_cdev_attach(int dev_fd, uint32_t flags, uint32_t pasid, uint32_t pt);
int __vfio_cdev_detach(int dev_fd, uint32_t flags, uint32_t pasid);
int __iommufd_ioas_alloc(int iommufd, uint32_t *ioas);
/* IOMMU_IOAS_MAP at a fixed IOVA, readable and writeable. */
int __iommufd_ioas_map(int iommufd, uint32_t ioas, void *va, uint64_t iova, uint64_t len);
/* IOMMU_IOAS_UNMAP; *unmapped (may be NULL): the length the kernel reports. */
int __iommufd_ioas_unmap(int iommufd, uint32_t ioas, uint64_t iova, uint64_t len,
			 uint64_t *unmapped);

#endif /* LIBVFIO_IOMMUFD_H */
