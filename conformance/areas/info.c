// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * info/...: VFIO_DEVICE_GET_INFO (SPEC.md REQ-INFO-*).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/pci_regs.h>

#include "area_util.h"

#define INFO_V1_SIZE	offsetofend(struct vfio_device_info, num_irqs)

#define BUS_TYPE_FLAGS	(VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_PLATFORM | \
			 VFIO_DEVICE_FLAGS_AMBA | VFIO_DEVICE_FLAGS_CCW |	 \
			 VFIO_DEVICE_FLAGS_AP | VFIO_DEVICE_FLAGS_FSL_MC |	 \
			 VFIO_DEVICE_FLAGS_CDX)

static int get_info_argsz(int fd, uint32_t argsz, struct vfio_device_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = argsz;
	return ioctl(fd, VFIO_DEVICE_GET_INFO, info) ? -errno : 0;
}

static void test_get_info(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_device_info a, b;

	conform_check_rc(get_info_argsz(d->fd, sizeof(a), &a),
			 "VFIO_DEVICE_GET_INFO(argsz %zu)", sizeof(a));
	conform_check(a.argsz >= sizeof(a), "argsz shrank from %zu to %u",
		      sizeof(a), a.argsz);
	conform_check_rc(get_info_argsz(d->fd, sizeof(b), &b),
			 "second VFIO_DEVICE_GET_INFO");
	conform_check(a.flags == b.flags && a.num_regions == b.num_regions &&
		      a.num_irqs == b.num_irqs,
		      "two GET_INFO calls disagree: flags 0x%x/0x%x regions %u/%u irqs %u/%u",
		      a.flags, b.flags, a.num_regions, b.num_regions, a.num_irqs, b.num_irqs);
}

static void test_get_info_v1_argsz(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_device_info v1, full;

	conform_check_rc(get_info_argsz(d->fd, INFO_V1_SIZE, &v1),
			 "VFIO_DEVICE_GET_INFO with argsz %zu (structure up to num_irqs)",
			 INFO_V1_SIZE);
	conform_check_rc(get_info_argsz(d->fd, sizeof(full), &full), "VFIO_DEVICE_GET_INFO");
	conform_check(v1.flags == full.flags && v1.num_regions == full.num_regions &&
		      v1.num_irqs == full.num_irqs,
		      "argsz %zu and %zu report different devices", INFO_V1_SIZE, sizeof(full));
}

static void test_flags_pci(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t bus = d->info.flags & BUS_TYPE_FLAGS;

	conform_check(d->info.flags & VFIO_DEVICE_FLAGS_PCI,
		      "VFIO_DEVICE_FLAGS_PCI clear (flags 0x%x) for PCI device %s",
		      d->info.flags, d->bdf);
	conform_check(bus == VFIO_DEVICE_FLAGS_PCI,
		      "more than one bus type flag set (flags 0x%x)", d->info.flags);
}

static void test_num_regions(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);

	conform_check(d->info.num_regions >= VFIO_PCI_NUM_REGIONS,
		      "num_regions %u < VFIO_PCI_NUM_REGIONS (%d)",
		      d->info.num_regions, VFIO_PCI_NUM_REGIONS);
}

static void test_num_irqs(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);

	conform_check(d->info.num_irqs >= VFIO_PCI_NUM_IRQS,
		      "num_irqs %u < VFIO_PCI_NUM_IRQS (%d)",
		      d->info.num_irqs, VFIO_PCI_NUM_IRQS);
}

static void test_argsz_too_small(void **state)
{
	static const uint32_t sizes[] = { INFO_V1_SIZE - 1, 8, 4, 0 };
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_device_info info;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		rc = get_info_argsz(d->fd, sizes[i], &info);
		conform_check(rc != 0, "GET_INFO with argsz %u succeeded"
			      VFIO_H("It's *always* the caller's responsibility to indicate "
				     "the size of the structure passed by setting argsz"), sizes[i]);
		print_message("argsz %u: %s\n", sizes[i], errname(rc));
	}
}

/* The host's view of the function's PCIe Device Capabilities, or -1. */
static int64_t host_devcap(const char *bdf)
{
	uint8_t cfg[PCI_CFG_SIZE_LEGACY];
	unsigned int pos;
	ssize_t n;

	n = sysfs_read_config(bdf, cfg, sizeof(cfg));
	if (n < (ssize_t)sizeof(cfg))
		return -1;
	pos = pci_find_cap(cfg, sizeof(cfg), PCI_CAP_ID_EXP);
	if (!pos)
		return -1;
	return pci_cfg_r32(cfg, sizeof(cfg), pos + PCI_EXP_DEVCAP);
}

static void test_reset_flag_flr(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	int64_t devcap;

	conform_skip_if_mdev(d->bdf, "no host config file to read DevCap FLR from");
	devcap = host_devcap(d->bdf);
	if (devcap < 0)
		conform_skip("not a PCI Express function (no PCIe capability in %s/%s/config)",
			     sysfs_pci_root, d->bdf);
	if (!(devcap & PCI_EXP_DEVCAP_FLR))
		conform_skip("function does not advertise FLR (DevCap 0x%08x)",
			     (uint32_t)devcap);
	conform_check(d->info.flags & VFIO_DEVICE_FLAGS_RESET,
		      "function advertises FLR (DevCap 0x%08x) but "
		      "VFIO_DEVICE_FLAGS_RESET is clear (flags 0x%x)"
		      VFIO_H("Device supports reset"),
		      (uint32_t)devcap, d->info.flags);
}

static void test_reset_flag_matches_host(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	bool host = sysfs_attr_exists(d->bdf, "reset");
	bool vfio = d->info.flags & VFIO_DEVICE_FLAGS_RESET;
	char methods[128] = "(none)";

	conform_skip_if_mdev(d->bdf, "no sysfs reset attribute: the parent driver "
			     "emulates reset");
	sysfs_read_attr(d->bdf, "reset_method", methods, sizeof(methods));
	print_message("VFIO_DEVICE_FLAGS_RESET %s, host sysfs reset attribute %s "
		      "(reset_method: %s)\n", vfio ? "set" : "clear",
		      host ? "present" : "absent", methods);
	/*
	 * One direction only: the attribute exists on function 0 of a
	 * multi-function device whose only reset (bus) then fails, where
	 * vfio-pci rightly leaves the flag clear (REQ-INFO-009, INFO).
	 */
	conform_check(!vfio || host,
		      "VFIO_DEVICE_FLAGS_RESET is set but the host cannot reset this function "
		      "(no sysfs reset attribute); vfio-pci sets it only when a reset works");
}

static void test_caps_chain(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_device_info small, *big;
	char err[256];
	unsigned int ncaps;
	uint32_t need;

	conform_check_rc(get_info_argsz(d->fd, sizeof(small), &small), "GET_INFO");
	if (!(small.flags & VFIO_DEVICE_FLAGS_CAPS))
		conform_skip("device reports no GET_INFO capability chain "
			     "(VFIO_DEVICE_FLAGS_CAPS clear)");
	need = small.argsz;
	if (need > sizeof(small))
		conform_check(small.cap_offset == 0,
			      "argsz %zu too small for the chain (%u needed) but "
			      "cap_offset is %u, not 0", sizeof(small), need, small.cap_offset);
	if (need < sizeof(small))
		need = sizeof(small);
	big = calloc(1, need);
	conform_check(big != NULL, "out of memory");
	big->argsz = need;
	if (ioctl(d->fd, VFIO_DEVICE_GET_INFO, big)) {
		free(big);
		fail_msg("GET_INFO with argsz %u: %s", need, strerror(errno));
	}
	if (vfio_cap_chain_check(big, need, sizeof(*big), big->cap_offset, &ncaps,
				 err, sizeof(err))) {
		free(big);
		fail_msg("GET_INFO capability chain: %s", err);
	}
	print_message("%u capabilities in the GET_INFO chain\n", ncaps);
	free(big);
	conform_check(ncaps > 0, "VFIO_DEVICE_FLAGS_CAPS set but the chain is empty");
}

static const struct conform_test tests[] = {
	{ "info/get-info", { "REQ-INFO-001" }, test_get_info, 0, 0 },
	{ "info/get-info-v1-argsz", { "REQ-INFO-001" }, test_get_info_v1_argsz, 0, 0 },
	{ "info/flags-pci", { "REQ-INFO-002" }, test_flags_pci, 0, 0 },
	{ "info/num-regions", { "REQ-INFO-003" }, test_num_regions, 0, 0 },
	{ "info/num-irqs", { "REQ-INFO-004" }, test_num_irqs, 0, 0 },
	{ "info/argsz-too-small-rejected", { "REQ-INFO-005" }, test_argsz_too_small, 0, 0 },
	{ "info/reset-flag-flr", { "REQ-INFO-006" }, test_reset_flag_flr, 0, 0 },
	{ "info/reset-flag-matches-host", { "REQ-INFO-009" },
	  test_reset_flag_matches_host, 0, 0 },
	{ "info/caps-chain", { "REQ-INFO-007" }, test_caps_chain, 0, 0 },
};

CONFORM_AREA(conform_area_info, "info", tests, 100);
