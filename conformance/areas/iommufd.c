// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * iommufd/...: the device cdev (/dev/vfio/devices/vfioN) with iommufd
 * (/dev/iommu): bind, IOAS, attach, the device ioctls through it, DMA
 * through an IOAS mapping, and the negative cases (SPEC.md REQ-IOMMUFD-*).
 * These tests open the device themselves (no group fd may be open: a
 * group-opened device cannot be bound).  SKIP without iommufd or the cdev.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <linux/iommufd.h>

#include "area_util.h"
#include "iommufd.h"

#define RING_IOVA	0x70000000ull
#define BUF_IOVA	0x70100000ull
/* a BIND_IOMMUFD flag no kernel defines */
#define BIND_FLAG_UNDEFINED	(1u << 31)

struct ifd {
	int iommufd;
	int dev;
	uint32_t devid, ioas;
	char cdev[300];
};

/*
 * No vfio-dev node: a device not bound to a VFIO driver has none whatever
 * the kernel; only a VFIO device without one means CONFIG_VFIO_DEVICE_CDEV
 * is off.
 */
static void skip_no_cdev(const char *bdf)
{
	char drv[64] = "no driver";
	struct stat st;

	if (!dev_is_mdev(bdf) && (sysfs_driver(bdf, drv, sizeof(drv)) || !driver_is_vfio(drv)))
		conform_skip("%s is bound to %s, not to a VFIO driver: no VFIO device cdev",
			     bdf, drv);
	if (stat("/dev/vfio/devices", &st))
		conform_skip("no /dev/vfio/devices: kernel without CONFIG_VFIO_DEVICE_CDEV");
	conform_skip("no VFIO device cdev for %s (no %s/%s/vfio-dev, although "
		     "/dev/vfio/devices exists)", bdf, sysfs_dev_root(bdf), bdf);
}

/* Set the PF's VF token through its group (the VF's cdev stays unbound). */
static void pf_token_set(const char *token)
{
	struct vfio_container c;
	char err[VFIO_ERR_LEN] = "";
	int rc;

	conform_check_rc(__vfio_container_init(&c, err, sizeof(err)), "%s", err);
	rc = __vfio_pf_set_vf_token(&c, conform_env.pf, token, err, sizeof(err));
	vfio_container_fini(&c);
	conform_check(!rc, "setting the VF token on PF %s: %s", conform_env.pf, err);
}

/* open /dev/iommu and the cdev (not bound), or SKIP with the reason */
static void ifd_open(struct ifd *f)
{
	memset(f, 0, sizeof(*f));
	f->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (f->iommufd < 0)
		conform_skip("no /dev/iommu (%s): kernel without CONFIG_IOMMUFD",
			     strerror(errno));
	if (__vfio_cdev_find(conform_env.bdf, f->cdev, sizeof(f->cdev)))
		skip_no_cdev(conform_env.bdf);
	if (conform_use_token())
		pf_token_set(conform_env.token);	/* what bind_ok() passes */
	f->dev = open(f->cdev, O_RDWR | O_CLOEXEC);
	conform_check(f->dev >= 0, "open %s: %s", f->cdev, strerror(errno));
}

static int bind(struct ifd *f, int iommufd, uint32_t flags, uint32_t argsz)
{
	return __vfio_cdev_bind(f->dev, iommufd, flags, argsz, NULL, &f->devid);
}

/* BIND_IOMMUFD with VFIO_DEVICE_BIND_FLAG_TOKEN and the token at uuid */
static int bind_token(struct ifd *f, const void *uuid)
{
	return __vfio_cdev_bind(f->dev, f->iommufd, VFIO_DEVICE_BIND_FLAG_TOKEN,
				sizeof(struct vfio_device_bind_iommufd), uuid, &f->devid);
}

/*
 * Bind; in the token topology with the suite token (REQ-IOMMUFD-007).  A
 * kernel without VFIO_DEVICE_BIND_FLAG_TOKEN refuses the flag (EINVAL):
 * then bind without it.
 */
static void bind_ok(struct ifd *f)
{
	uint8_t uuid[16];
	int rc = -EINVAL;

	if (conform_use_token() && !uuid_parse_str(conform_env.token, uuid))
		rc = bind_token(f, uuid);
	if (rc == -EINVAL)
		rc = bind(f, f->iommufd, 0, sizeof(struct vfio_device_bind_iommufd));
	if (rc == -EACCES && conform_use_token())
		conform_skip("BIND_IOMMUFD refused (EACCES) and VFIO_DEVICE_BIND_FLAG_TOKEN "
			     "refused: this kernel's cdev path takes no VF token");
	conform_check(!rc, "VFIO_DEVICE_BIND_IOMMUFD: %s", errname(rc));
}

static void ioas_alloc(struct ifd *f)
{
	conform_check_rc(__iommufd_ioas_alloc(f->iommufd, &f->ioas), "IOMMU_IOAS_ALLOC");
}

static int attach(struct ifd *f, uint32_t pt)
{
	return __vfio_cdev_attach(f->dev, 0, 0, pt);
}

static void ready(struct ifd *f)
{
	ifd_open(f);
	bind_ok(f);
	ioas_alloc(f);
	conform_check_rc(attach(f, f->ioas), "VFIO_DEVICE_ATTACH_IOMMUFD_PT(IOAS %u)", f->ioas);
}

static void ifd_close(struct ifd *f)
{
	if (f->dev > 0)
		close(f->dev);
	if (f->iommufd > 0)
		close(f->iommufd);
}

static int ioas_map(struct ifd *f, void *va, uint64_t iova, uint64_t len)
{
	return __iommufd_ioas_map(f->iommufd, f->ioas, va, iova, len);
}

/* a struct vfio_dev over the bound cdev, for the helpers and personalities */
static void as_vfio_dev(struct ifd *f, struct vfio_dev *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->bdf, sizeof(d->bdf), "%s", conform_env.bdf);
	d->fd = f->dev;
	conform_check_rc(__vfio_device_get_info(d->fd, &d->info), "GET_INFO through the cdev");
	conform_check_rc(__vfio_region_info_fixed(d->fd, VFIO_PCI_CONFIG_REGION_INDEX, &d->cfg),
			 "REGION_INFO(config) through the cdev");
}

static void *anon_map(size_t len)
{
	void *va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	conform_check(va != MAP_FAILED, "mmap %zu bytes: %s", len, strerror(errno));
	return va;
}

/* A 4 KiB copy by the personality's DMA engine through IOAS mappings of its
 * ring and a buffer; @how names the path in the messages, @why ends the
 * one of a wrong destination. */
static void ioas_dma_check(struct ifd *f, struct pers_dev *p, const char *how,
			   const char *why)
{
	struct dma_buf ring = { .va = anon_map(0x1000), .iova = RING_IOVA, .len = 0x1000 };
	uint8_t *m = anon_map(0x2000);

	conform_check_rc(ioas_map(f, ring.va, RING_IOVA, 0x1000), "IOMMU_IOAS_MAP ring");
	conform_check_rc(ioas_map(f, m, BUF_IOVA, 0x2000), "IOMMU_IOAS_MAP buffer");
	memset(m, 0xc3, 0x1000);
	conform_check(!p->ops->do_dma(p, &ring, BUF_IOVA, BUF_IOVA + 0x1000, 0x1000, 5000),
		      "DMA copy %s: %s", how, p->why);
	conform_check(!memcmp(m, m + 0x1000, 0x1000), "DMA destination differs from the source "
		      "%s%s", how, why);
}

static void test_bind_attach(void **state)
{
	struct vfio_dev d;
	struct ifd f;
	uint32_t vendor = 0, sysv = 0;
	void *va;
	int rc;

	(void)state;
	ready(&f);
	print_message("%s bound: devid %u, IOAS %u\n", f.cdev, f.devid, f.ioas);
	as_vfio_dev(&f, &d);
	conform_check(d.info.flags & VFIO_DEVICE_FLAGS_PCI, "GET_INFO flags 0x%x lack PCI",
		      d.info.flags);
	conform_check(d.info.num_regions >= VFIO_PCI_NUM_REGIONS, "num_regions %u",
		      d.info.num_regions);
	conform_check_rc(__vfio_cfg_read(&d, 0, 2, &vendor), "config read through the cdev");
	if (dev_is_mdev(d.bdf)) {
		/* no sysfs vendor file to compare with */
		print_message("mediated device: Vendor ID 0x%04x through the cdev\n", vendor);
	} else {
		conform_check_rc(sysfs_read_u32(d.bdf, "vendor", &sysv), "sysfs vendor");
		conform_check(vendor == sysv, "Vendor ID 0x%04x through the cdev, sysfs 0x%04x",
			      vendor, sysv);
	}
	va = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	conform_check(va != MAP_FAILED, "mmap");
	rc = ioas_map(&f, va, BUF_IOVA, 0x10000);
	conform_check(!rc, "IOMMU_IOAS_MAP of 64 KiB at 0x%llx: %s", BUF_IOVA, errname(rc));
	rc = ioas_map(&f, va, BUF_IOVA, 0x10000);
	conform_check(rc != 0, "IOMMU_IOAS_MAP over an existing mapping succeeded");
	ifd_close(&f);
}

static void test_before_bind(void **state)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info ri = { .argsz = sizeof(ri) };
	uint8_t b[4];
	struct ifd f;
	int rc;

	(void)state;
	ifd_open(&f);
	rc = ioctl(f.dev, VFIO_DEVICE_GET_INFO, &info) ? -errno : 0;
	conform_check_err(rc, -EINVAL, "GET_INFO before BIND_IOMMUFD");
	rc = ioctl(f.dev, VFIO_DEVICE_GET_REGION_INFO, &ri) ? -errno : 0;
	conform_check_err(rc, -EINVAL, "GET_REGION_INFO before BIND_IOMMUFD");
	rc = ioctl(f.dev, VFIO_DEVICE_RESET) ? -errno : 0;
	conform_check_err(rc, -EINVAL, "VFIO_DEVICE_RESET before BIND_IOMMUFD");
	conform_check(pread(f.dev, b, sizeof(b), 0) < 0, "read() before BIND_IOMMUFD succeeded");
	rc = attach(&f, 1);
	conform_check_err(rc, -EINVAL, "ATTACH_IOMMUFD_PT before BIND_IOMMUFD");
	ifd_close(&f);
}

static void test_double_bind(void **state)
{
	struct ifd f;
	int rc;

	(void)state;
	ifd_open(&f);
	bind_ok(&f);
	rc = bind(&f, f.iommufd, 0, sizeof(struct vfio_device_bind_iommufd));
	conform_check_err(rc, -EINVAL, "second BIND_IOMMUFD of the same fd");
	ifd_close(&f);
}

static void test_bind_bad_args(void **state)
{
	struct ifd f;
	int rc, null_fd;

	(void)state;
	ifd_open(&f);
	/* bit 0 is VFIO_DEVICE_BIND_FLAG_TOKEN since 7.x; bit 31 is undefined everywhere */
	rc = bind(&f, f.iommufd, BIND_FLAG_UNDEFINED, sizeof(struct vfio_device_bind_iommufd));
	conform_check(rc == -EINVAL, "BIND_IOMMUFD with flags 0x%x (undefined): %s, expected "
		      "EINVAL" VFIO_H("Must be 0 or a bit flags of VFIO_DEVICE_BIND_*"),
		      BIND_FLAG_UNDEFINED, errname(rc));
	rc = bind(&f, f.iommufd, 0, 8);
	conform_check_err(rc, -EINVAL, "BIND_IOMMUFD with argsz 8");
	rc = bind(&f, -1, 0, sizeof(struct vfio_device_bind_iommufd));
	conform_check_err(rc, -EINVAL, "BIND_IOMMUFD with iommufd -1");
	null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	rc = bind(&f, null_fd, 0, sizeof(struct vfio_device_bind_iommufd));
	close(null_fd);
	conform_check(rc != 0, "BIND_IOMMUFD with /dev/null as the iommufd succeeded");
	bind_ok(&f);	/* the failures left the fd bindable */
	ifd_close(&f);
}

static void test_attach_bad_pt(void **state)
{
	struct ifd f;
	int rc;

	(void)state;
	ifd_open(&f);
	bind_ok(&f);
	ioas_alloc(&f);
	rc = attach(&f, f.ioas + 1000);
	conform_check(rc != 0, "ATTACH_IOMMUFD_PT to a non-existent object %u succeeded",
		      f.ioas + 1000);
	rc = attach(&f, f.devid);
	conform_check(rc != 0, "ATTACH_IOMMUFD_PT to the device's own id %u succeeded", f.devid);
	rc = attach(&f, f.ioas);
	conform_check(!rc, "ATTACH_IOMMUFD_PT(IOAS) after failed attaches: %s", errname(rc));
	ifd_close(&f);
}

static void test_group_busy(void **state)
{
	char path[64];
	int group = -1, gfd;
	struct ifd f;

	(void)state;
	ifd_open(&f);
	bind_ok(&f);
	conform_check_rc(sysfs_iommu_group(conform_env.bdf, &group), "iommu_group");
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	gfd = open(path, O_RDWR | O_CLOEXEC);
	if (gfd < 0 && errno == ENOENT)
		conform_skip("no %s (no VFIO group interface)", path);
	conform_check(gfd < 0, "opening %s succeeded while the device is bound through its "
		      "cdev", path);
	print_message("group open while bound: %s\n", errname(errno));
	ifd_close(&f);
}

static void test_hot_reset_info_devid(void **state)
{
	struct vfio_pci_hot_reset_info *h;
	struct ifd f;
	int rc;

	(void)state;
	ready(&f);
	h = calloc(1, sizeof(*h) + 64 * sizeof(h->devices[0]));
	conform_check(h != NULL, "out of memory");
	h->argsz = sizeof(*h) + 64 * sizeof(h->devices[0]);
	rc = ioctl(f.dev, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, h) ? -errno : 0;
	if (rc == -ENODEV)
		conform_skip("no slot or bus reset for this device (ENODEV)");
	if (rc == -ENOTTY && dev_is_mdev(conform_env.bdf))
		conform_skip("mediated device: no PCI bus/slot reset "
			     "(GET_PCI_HOT_RESET_INFO: ENOTTY)");
	conform_check(!rc, "GET_PCI_HOT_RESET_INFO through the cdev: %s", errname(rc));
	conform_check(h->flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID, "flags 0x%x lack "
		      "VFIO_PCI_HOT_RESET_FLAG_DEV_ID for a cdev-opened device", h->flags);
	free(h);
	ifd_close(&f);
}

static void test_dma(void **state)
{
	struct vfio_dev d;
	struct pers_dev p;
	struct ifd f;

	(void)state;
	ready(&f);
	as_vfio_dev(&f, &d);
	need_dma(&d, &p);
	ioas_dma_check(&f, &p, "through an IOAS mapping", "");
	ifd_close(&f);
}

/* ---- VF token over the cdev (VFIO_DEVICE_BIND_FLAG_TOKEN) ---- */

static void test_bind_token_matrix(void **state)
{
	uint8_t right[16], wrong[16];
	struct ifd f;
	int rc;

	(void)state;
	if (!conform_use_token())
		conform_skip("not the VF token topology (no --pf, or the PF is not on a vfio "
			     "driver)");
	conform_check(!uuid_parse_str(conform_env.token, right), "bad suite token %s",
		      conform_env.token);
	memcpy(wrong, right, sizeof(wrong));
	wrong[15] ^= 0x01;
	ifd_open(&f);	/* sets the PF's VF token */
	rc = bind_token(&f, wrong);
	if (rc == -EINVAL)
		conform_skip("BIND_IOMMUFD refuses VFIO_DEVICE_BIND_FLAG_TOKEN (EINVAL): the "
			     "running kernel (or the VF's driver) has no VF token on the cdev path");
	conform_check(rc != 0, "BIND_IOMMUFD of the VF with a wrong VF token succeeded (devid %u)"
		      VFIO_H("the VF bind must be provided the same token as "
			     "VFIO_DEVICE_FEATURE_PCI_VF_TOKEN provided to the PF."), f.devid);
	print_message("wrong token: %s\n", errname(rc));
	rc = bind(&f, f.iommufd, 0, sizeof(struct vfio_device_bind_iommufd));
	conform_check(rc != 0, "BIND_IOMMUFD of the VF without a VF token succeeded while the "
		      "PF is on vfio-pci");
	print_message("no token: %s\n", errname(rc));
	rc = bind_token(&f, right);
	conform_check(!rc, "BIND_IOMMUFD of the VF with the PF's VF token: %s"
		      VFIO_H("the VF bind must be provided the same token as "
			     "VFIO_DEVICE_FEATURE_PCI_VF_TOKEN provided to the PF."), errname(rc));
	ifd_close(&f);
}

static void test_bind_token_null(void **state)
{
	struct ifd f;
	int rc;

	(void)state;
	ifd_open(&f);
	rc = bind_token(&f, NULL);
	conform_check(rc != 0, "BIND_IOMMUFD with VFIO_DEVICE_BIND_FLAG_TOKEN and a NULL "
		      "token_uuid_ptr succeeded (devid %u)" VFIO_H("Points to a 16 byte UUID"), f.devid);
	print_message("NULL token pointer: %s\n", errname(rc));
	bind_ok(&f);	/* the failure left the fd bindable */
	ifd_close(&f);
}

/* ---- PASID flags on a device without PASID ---- */

#define PCI_EXT_CAP_ID_PASID	0x1b

/* SKIP unless the host sees no PASID capability on the device. */
static void need_no_pasid(void)
{
	uint8_t cfg[4096];
	ssize_t n;
	uint32_t off = 0x100, h;
	unsigned int guard = 0;

	if (dev_is_mdev(conform_env.bdf))
		conform_skip("mediated device: no PCI config space to look for PASID");
	n = sysfs_read_config(conform_env.bdf, cfg, sizeof(cfg));
	if (n < 0x104)
		conform_skip("no extended config space (%zd bytes): no PASID capability "
			     "possible, and none to check", n);
	while (off >= 0x100 && off + 4 <= (uint32_t)n && guard++ < 512) {
		memcpy(&h, cfg + off, 4);
		if ((h & 0xffff) == PCI_EXT_CAP_ID_PASID)
			conform_skip("the device has a PASID capability at 0x%x", off);
		off = (h >> 20) & 0xffc;
		if (!off)
			break;
	}
}

static void test_pasid_attach(void **state)
{
	struct ifd f;
	int rc;

	(void)state;
	need_no_pasid();
	ready(&f);
	rc = __vfio_cdev_attach(f.dev, VFIO_DEVICE_ATTACH_PASID, 1, f.ioas);
	conform_check(rc != 0, "ATTACH_IOMMUFD_PT with VFIO_DEVICE_ATTACH_PASID (PASID 1) "
		      "succeeded on a device without a PASID capability");
	print_message("ATTACH_PASID: %s\n", errname(rc));
	rc = attach(&f, f.ioas);
	conform_check(!rc, "ATTACH_IOMMUFD_PT(IOAS) after the refused PASID attach: %s",
		      errname(rc));
	ifd_close(&f);
}

static void test_pasid_detach(void **state)
{
	struct vfio_dev d;
	struct pers_dev p;
	struct ifd f;
	char how[64];
	int rc;

	(void)state;
	need_no_pasid();
	ready(&f);
	as_vfio_dev(&f, &d);
	rc = __vfio_cdev_detach(f.dev, VFIO_DEVICE_DETACH_PASID, 1);
	print_message("DETACH_PASID of PASID 1 (never attached): %s\n", errname(rc));
	need_dma(&d, &p);
	snprintf(how, sizeof(how), "through the IOAS after DETACH_PASID (%s)", errname(rc));
	ioas_dma_check(&f, &p, how, ": the device's own attachment was removed"
		       VFIO_H("Remove the association of the device or a pasid of the device"));
	ifd_close(&f);
}

/* ---- IOAS map/unmap semantics (the selftests' cases, iommufd side) ---- */

#define MAP_IOVA	0x58000000ull

static int ioas_unmap(struct ifd *f, uint64_t iova, uint64_t len, uint64_t *out)
{
	return __iommufd_ioas_unmap(f->iommufd, f->ioas, iova, len, out);
}

static void ioas_unmap_expect(struct ifd *f, uint64_t iova, uint64_t len, uint64_t want)
{
	uint64_t got = 0;
	int rc = ioas_unmap(f, iova, len, &got);

	conform_check(!rc, "IOMMU_IOAS_UNMAP iova 0x%llx length 0x%llx: %s",
		      (unsigned long long)iova, (unsigned long long)len, errname(rc));
	conform_check(got == want, "IOMMU_IOAS_UNMAP iova 0x%llx length 0x%llx returns 0x%llx "
		      "bytes, expected 0x%llx", (unsigned long long)iova,
		      (unsigned long long)len, (unsigned long long)got,
		      (unsigned long long)want);
}

static void test_ioas_map_unmap(void **state)
{
	const uint64_t p = (uint64_t)sysconf(_SC_PAGESIZE), big = 2u << 20;
	struct ifd f;
	uint64_t got = 0;
	uint8_t *va;
	int rc, i;

	(void)state;
	ready(&f);
	va = anon_map(big);
	conform_check_rc(ioas_map(&f, va, MAP_IOVA, p), "IOMMU_IOAS_MAP one page");
	ioas_unmap_expect(&f, MAP_IOVA, p, p);
	rc = ioas_unmap(&f, MAP_IOVA, p, NULL);
	conform_check(rc != 0, "IOMMU_IOAS_UNMAP of a range no longer mapped succeeded");
	conform_check_rc(ioas_map(&f, va, MAP_IOVA, big), "IOMMU_IOAS_MAP 2 MiB");
	rc = ioas_unmap(&f, MAP_IOVA, big / 2, NULL);
	conform_check(rc != 0, "IOMMU_IOAS_UNMAP of half a mapping succeeded (splitting is "
		      "not allowed)");
	ioas_unmap_expect(&f, MAP_IOVA, big, big);
	for (i = 0; i < 3; i++)
		conform_check_rc(ioas_map(&f, va + i * p, MAP_IOVA + i * 0x100000ull, p),
				 "IOMMU_IOAS_MAP page %d", i);
	rc = ioas_unmap(&f, 0, UINT64_MAX, &got);
	conform_check(!rc, "IOMMU_IOAS_UNMAP 0..U64_MAX: %s", errname(rc));
	conform_check(got == 3 * p, "IOMMU_IOAS_UNMAP 0..U64_MAX returns 0x%llx bytes, expected "
		      "0x%llx (three pages mapped)", (unsigned long long)got,
		      (unsigned long long)(3 * p));
	conform_check_rc(ioas_map(&f, va, MAP_IOVA, p), "IOMMU_IOAS_MAP after unmapping all");
	munmap(va, big);
	ifd_close(&f);
}

static void test_ioas_bad_args(void **state)
{
	const uint64_t p = (uint64_t)sysconf(_SC_PAGESIZE);
	const struct {
		const char *what;
		uint64_t va_off, iova, len;
	} bad[] = {
		{ "an unaligned IOVA", 0, MAP_IOVA + 0x10, p },
		{ "length 0", 0, MAP_IOVA, 0 },
		{ "an IOVA range that wraps", 0, ~0ull & ~(p - 1), 2 * p },
		{ "an overlap with a mapping", 0, MAP_IOVA + 5 * p, 2 * p },
		{ "a range inside a mapping", 0, MAP_IOVA + 4 * p, p },
	};
	unsigned int i;
	struct ifd f;
	uint8_t *va;
	int rc;

	(void)state;
	ready(&f);
	va = anon_map(8 * p);
	conform_check_rc(ioas_map(&f, va, MAP_IOVA + 4 * p, 2 * p), "IOMMU_IOAS_MAP");
	for (i = 0; i < NELEM(bad); i++) {
		rc = ioas_map(&f, va + bad[i].va_off, bad[i].iova, bad[i].len);
		conform_check(rc != 0, "IOMMU_IOAS_MAP (fixed IOVA) with %s succeeded",
			      bad[i].what);
		print_message("IOMMU_IOAS_MAP with %s: %s\n", bad[i].what, errname(rc));
	}
	rc = ioas_unmap(&f, MAP_IOVA + 4 * p, 0, NULL);
	conform_check(rc != 0, "IOMMU_IOAS_UNMAP of length 0 succeeded");
	ioas_unmap_expect(&f, MAP_IOVA + 4 * p, 2 * p, 2 * p);
	munmap(va, 8 * p);
	ifd_close(&f);
}

static void test_ioas_bar_map(void **state)
{
	struct vfio_region_info ri;
	struct vfio_dev d;
	struct ifd f;
	uint32_t i;
	void *va;
	int rc;

	(void)state;
	ready(&f);
	as_vfio_dev(&f, &d);
	for (i = VFIO_PCI_BAR0_REGION_INDEX; i <= VFIO_PCI_BAR5_REGION_INDEX; i++)
		if (!__vfio_region_info_fixed(d.fd, i, &ri) &&
		    (ri.flags & VFIO_REGION_INFO_FLAG_MMAP) && ri.size >= 0x1000)
			break;
	if (i > VFIO_PCI_BAR5_REGION_INDEX)
		conform_skip("no mmap-able BAR of at least 4 KiB");
	conform_check_rc(__vfio_dev_enable_memory(&d), "enabling memory decode");
	va = mmap(NULL, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED, d.fd, (off_t)ri.offset);
	conform_check(va != MAP_FAILED, "mmap BAR region %u: %s", i, strerror(errno));
	rc = ioas_map(&f, va, MAP_IOVA, 0x1000);
	print_message("IOMMU_IOAS_MAP of a BAR mmap: %s\n", errname(rc));
	conform_check(rc != 0, "IOMMU_IOAS_MAP of the mmap of BAR region %u succeeded (iommufd "
		      "pins no VM_PFNMAP memory; the kernel selftests expect a failure)", i);
	munmap(va, 0x1000);
	ifd_close(&f);
}

static void test_detach_reattach(void **state)
{
	struct vfio_device_detach_iommufd_pt dt = { .argsz = sizeof(dt) };
	struct ifd f;
	int rc;

	(void)state;
	ready(&f);
	rc = ioctl(f.dev, VFIO_DEVICE_DETACH_IOMMUFD_PT, &dt) ? -errno : 0;
	conform_check(!rc, "DETACH_IOMMUFD_PT of the attached device: %s"
		      VFIO_H("Undo by VFIO_DEVICE_DETACH_IOMMUFD_PT or device fd close."), errname(rc));
	rc = attach(&f, f.ioas);
	conform_check(!rc, "ATTACH_IOMMUFD_PT(IOAS %u) after DETACH: %s", f.ioas, errname(rc));
	rc = attach(&f, UINT32_MAX);
	conform_check(rc != 0, "ATTACH_IOMMUFD_PT to id 0x%x (no object) succeeded", UINT32_MAX);
	ifd_close(&f);
}

#define NF CONFORM_F_NO_FIXTURE
static const struct conform_test tests[] = {
	{ "iommufd/bind-ioas-attach-and-use", { "REQ-IOMMUFD-001" }, test_bind_attach, NF, 0 },
	{ "iommufd/ioctls-before-bind-rejected", { "REQ-IOMMUFD-002" }, test_before_bind, NF, 0 },
	{ "iommufd/double-bind-rejected", { "REQ-IOMMUFD-003" }, test_double_bind, NF, 0 },
	{ "iommufd/bind-bad-arguments-rejected", { "REQ-IOMMUFD-003" }, test_bind_bad_args, NF, 0 },
	{ "iommufd/attach-bad-object-rejected", { "REQ-IOMMUFD-004" }, test_attach_bad_pt, NF, 0 },
	{ "iommufd/group-open-while-bound-rejected", { "REQ-IOMMUFD-005" }, test_group_busy, NF, 0 },
	{ "iommufd/hot-reset-info-reports-devid", { "REQ-IOMMUFD-006" }, test_hot_reset_info_devid, NF, 0 },
	{ "iommufd/device-dma-through-ioas", { "REQ-IOMMUFD-001" }, test_dma, NF, 0 },
	{ "iommufd/bind-token-matrix", { "REQ-IOMMUFD-007" }, test_bind_token_matrix, NF, 0 },
	{ "iommufd/bind-token-null-pointer-rejected", { "REQ-IOMMUFD-008" },
	  test_bind_token_null, NF, 0 },
	{ "iommufd/pasid-attach-without-pasid-rejected", { "REQ-IOMMUFD-009" },
	  test_pasid_attach, NF, 0 },
	{ "iommufd/pasid-detach-keeps-device-attached", { "REQ-IOMMUFD-010" },
	  test_pasid_detach, NF, 0 },
	{ "iommufd/detach-and-reattach", { "REQ-IOMMUFD-014" }, test_detach_reattach, NF, 0 },
	{ "iommufd/ioas-map-unmap", { "REQ-IOMMUFD-011" }, test_ioas_map_unmap, NF, 0 },
	{ "iommufd/ioas-bad-arguments-rejected", { "REQ-IOMMUFD-012" }, test_ioas_bad_args, NF, 0 },
	{ "iommufd/ioas-bar-map-refused", { "REQ-IOMMUFD-013" }, test_ioas_bar_map, NF, 0 },
};

CONFORM_AREA(conform_area_iommufd, "iommufd", tests, 1600);
