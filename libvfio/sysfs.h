/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * sysfs helpers for PCI devices (/sys/bus/pci/devices/<BDF>/...).
 * All return 0 or a negative errno; none exits.
 */
#ifndef CONFORM_SYSFS_H
#define CONFORM_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Room for a device name: "dddd:bb:dd.f" or, for a mediated device, its
 * UUID "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (36), + NUL, with room.
 */
#define BDF_LEN	40

/* Directories holding one entry per PCI / mdev device; unit tests repoint them. */
extern const char *sysfs_pci_root;
extern const char *sysfs_mdev_root;

bool bdf_normalize(const char *in, char out[BDF_LEN]);
/* A UUID (mdev name) -> lower case; false if in is not one. */
bool mdev_uuid_normalize(const char *in, char out[BDF_LEN]);
/* Whether a (normalized) device name is an mdev UUID rather than a BDF. */
bool dev_is_mdev(const char *name);
/* sysfs_mdev_root for an mdev UUID, else sysfs_pci_root. */
const char *sysfs_dev_root(const char *name);

/*
 * Every helper below takes a device name: a BDF, or an mdev UUID (then the
 * path is under sysfs_mdev_root; PCI-only attributes give -ENOENT).
 */

bool sysfs_dev_exists(const char *bdf);
bool sysfs_attr_exists(const char *bdf, const char *attr);
int sysfs_read_attr(const char *bdf, const char *attr, char *buf, size_t len);
int sysfs_read_u32(const char *bdf, const char *attr, uint32_t *val);
/* Basename of a symlink under the device directory (driver, physfn, ...) */
int sysfs_link_name(const char *bdf, const char *link, char *buf, size_t len);
int sysfs_driver(const char *bdf, char *buf, size_t len);	/* -ENOENT: unbound */
int sysfs_physfn(const char *bdf, char *buf, size_t len);	/* -ENOENT: not a VF */
int sysfs_iommu_group(const char *bdf, int *group);
/* The raw config file (what the host reads from the device). */
ssize_t sysfs_read_config(const char *bdf, uint8_t *buf, size_t len);
long sysfs_config_size(const char *bdf);
int sysfs_num_vfs(const char *pf, unsigned int *n);
int sysfs_vf_bdf(const char *pf, unsigned int index, char *buf, size_t len);
int sysfs_vf_index(const char *pf, const char *vf, unsigned int *index);

/* mdev: basename of the mdev_type link ("mtty-2") and the parent device. */
int sysfs_mdev_type(const char *uuid, char *buf, size_t len);
int sysfs_mdev_parent(const char *uuid, char *buf, size_t len);

/* Driver names that register devices with VFIO (vfio-pci and variants). */
bool driver_is_vfio(const char *driver);

#endif /* CONFORM_SYSFS_H */
