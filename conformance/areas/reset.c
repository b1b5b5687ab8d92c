// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * reset/...: VFIO_DEVICE_RESET, what a reset keeps and restores, and the
 * VFIO_DEVICE_GET_PCI_HOT_RESET_INFO contract (SPEC.md REQ-RESET-*).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/pci_regs.h>

#include "area_util.h"

/* A test whose subject is what a reset does SKIPs when it cannot reset. */
static void reset_prereq(struct vfio_dev *d)
{
	int rc = __vfio_dev_reset(d->fd);

	if (rc)
		conform_skip_prereq("REQ-RESET-001", "VFIO_DEVICE_RESET with "
				    "VFIO_DEVICE_FLAGS_RESET set: %s", errname(rc));
}

static void test_reset_ok(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	int rc;

	need_reset_flag(d);
	rc = __vfio_dev_reset(d->fd);
	conform_check(!rc, "VFIO_DEVICE_RESET with VFIO_DEVICE_FLAGS_RESET set: %s"
		      VFIO_H("Device supports reset"), errname(rc));
}

static void test_reset_without_flag(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	int rc;

	if (d->info.flags & VFIO_DEVICE_FLAGS_RESET)
		conform_skip("the device supports reset (VFIO_DEVICE_FLAGS_RESET set)");
	rc = __vfio_dev_reset(d->fd);
	print_message("VFIO_DEVICE_RESET without VFIO_DEVICE_FLAGS_RESET: %s\n", errname(rc));
	/* INFO (REQ-RESET-009): vfio.h says only "Device supports reset" */
	conform_check(rc != 0, "VFIO_DEVICE_RESET succeeded without VFIO_DEVICE_FLAGS_RESET "
		      "(vfio-pci refuses it; vfio.h says only \"Device supports reset\")");
}

static void test_repeated(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int i, rc;

	need_reset_flag(d);
	for (i = 0; i < 3; i++) {
		rc = __vfio_dev_reset(d->fd);
		conform_check(!rc, "VFIO_DEVICE_RESET #%d: %s"
			      VFIO_H("Device supports reset"),
			      i + 1, errname(rc));
	}
	conform_check_rc(__vfio_device_get_info(d->fd, &info), "GET_INFO after resets");
	conform_check(info.flags == d->info.flags && info.num_regions == d->info.num_regions &&
		      info.num_irqs == d->info.num_irqs, "GET_INFO changed across resets");
}

static void test_config_kept(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t bar_before[6], bar_after[6], cmd0 = 0, cmd1 = 0, want;
	unsigned int i;

	need_reset_flag(d);
	conform_check_rc(__vfio_cfg_read(d, PCI_COMMAND, 2, &cmd0), "reading Command");
	want = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	conform_check_rc(__vfio_cfg_write(d, PCI_COMMAND, 2, cmd0 | want), "writing Command");
	conform_check_rc(__vfio_cfg_read(d, PCI_COMMAND, 2, &cmd0), "reading Command");
	for (i = 0; i < 6; i++)
		conform_check_rc(__vfio_cfg_read(d, PCI_BASE_ADDRESS_0 + 4 * i, 4, &bar_before[i]),
				 "reading BAR%u", i);
	reset_prereq(d);
	conform_check_rc(__vfio_cfg_read(d, PCI_COMMAND, 2, &cmd1), "reading Command");
	for (i = 0; i < 6; i++) {
		conform_check_rc(__vfio_cfg_read(d, PCI_BASE_ADDRESS_0 + 4 * i, 4, &bar_after[i]),
				 "reading BAR%u", i);
		conform_check(bar_after[i] == bar_before[i], "BAR%u 0x%08x before the reset, "
			      "0x%08x after", i, bar_before[i], bar_after[i]);
	}
	conform_check((cmd1 & want) == (cmd0 & want), "Command 0x%04x before the reset, 0x%04x "
		      "after: memory/bus master enable not kept", cmd0, cmd1);
}

static void test_device_state_reset(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct pers_state s;
	struct pers_dev p;
	uint32_t v = 0;

	need_reset_flag(d);
	need_pers(d, &p);
	conform_check(!p.ops->set_state(&p, 0x1234), "setting device state: %s", p.why);
	conform_check(!p.ops->scratch_read(&p, &v), "%s", p.why);
	conform_check(v != p.ops->scratch_reset_val, "SCRATCH did not take a value (0x%08x)", v);
	reset_prereq(d);
	conform_check(!p.ops->read_state(&p, &s), "reading device state: %s", p.why);
	conform_check(!p.ops->check_reset_state(&p, &s), "%s", p.why);
}

static void test_usable_after(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_irq_info ii;
	uint32_t vendor = 0, sysv = 0, n;
	int32_t fds[64];
	unsigned int i;
	int efd;

	need_reset_flag(d);
	if (dev_is_mdev(d->bdf)) {
		/* no sysfs vendor file: the Vendor ID read before the reset */
		conform_check_rc(__vfio_cfg_read(d, PCI_VENDOR_ID, 2, &sysv),
				 "config read before reset");
	}
	reset_prereq(d);
	conform_check_rc(__vfio_cfg_read(d, PCI_VENDOR_ID, 2, &vendor), "config read after reset");
	if (dev_is_mdev(d->bdf))
		conform_check(vendor == sysv, "Vendor ID 0x%04x after reset, 0x%04x before",
			      vendor, sysv);
	else
		conform_check_rc(sysfs_read_u32(d->bdf, "vendor", &sysv), "sysfs vendor");
	if (!dev_is_mdev(d->bdf))
		conform_check(vendor == sysv, "Vendor ID 0x%04x after reset, sysfs 0x%04x",
			      vendor, sysv);
	if (__vfio_irq_info(d->fd, VFIO_PCI_MSIX_IRQ_INDEX, &ii) || !ii.count)
		return;
	n = ii.count > 64 ? 64 : ii.count;
	efd = __efd_new();
	for (i = 0; i < n; i++)
		fds[i] = efd;
	conform_check_rc(__vfio_set_irqs(d->fd, VFIO_PCI_MSIX_IRQ_INDEX, 0, n,
				       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, fds),
			 "enabling MSI-X after reset");
	conform_check_rc(__vfio_set_irqs(d->fd, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1,
				       VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, NULL),
			 "MSI-X loopback after reset");
	conform_check(efd_wait_any(&efd, 1, 1000) == 0, "MSI-X loopback did not signal after reset");
	close(efd);
}

static void test_reset_with_msix(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_irq_info ii;
	int32_t fd;
	int efd, rc;

	need_reset_flag(d);
	ii = irq_info_prereq(d, VFIO_PCI_MSIX_IRQ_INDEX);
	if (!ii.count)
		conform_skip("device has no MSI-X (IRQ_INFO count 0)");
	efd = __efd_new();
	fd = efd;
	conform_check_rc(__vfio_set_irqs(d->fd, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1,
				       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, &fd),
			 "enabling MSI-X");
	rc = __vfio_dev_reset(d->fd);
	conform_check(!rc, "VFIO_DEVICE_RESET with MSI-X enabled: %s", errname(rc));
	rc = __vfio_set_irqs(d->fd, VFIO_PCI_MSIX_IRQ_INDEX, 0, 0,
			   VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, NULL);
	print_message("disabling MSI-X after the reset: %s\n", errname(rc));
	close(efd);
}

/* ---------------- hot reset info ---------------- */

/*
 * The hot reset ioctls are vfio-pci's: a mediated device that does not
 * implement them (ENOTTY) has no bus or slot to reset.
 */
static void skip_mdev_enotty(const struct vfio_dev *d, int rc, const char *ioctl_name)
{
	if (rc == -ENOTTY && dev_is_mdev(d->bdf))
		conform_skip("mediated device: no PCI bus/slot reset (%s: ENOTTY)", ioctl_name);
}

static int hot_info(struct vfio_dev *d, uint32_t argsz, struct vfio_pci_hot_reset_info **out)
{
	size_t sz = argsz < sizeof(**out) ? sizeof(**out) : argsz;
	struct vfio_pci_hot_reset_info *h = calloc(1, sz);
	int rc;

	conform_check(h != NULL, "out of memory");
	h->argsz = argsz;
	rc = ioctl(d->fd, VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, h) ? -errno : 0;
	*out = h;
	return rc;
}

static void test_hot_info_small(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const uint32_t sizes[] = { 0, 4, 11 };
	struct vfio_pci_hot_reset_info *h;
	size_t i;
	int rc;

	for (i = 0; i < NELEM(sizes); i++) {
		rc = hot_info(d, sizes[i], &h);
		free(h);
		skip_mdev_enotty(d, rc, "GET_PCI_HOT_RESET_INFO");
		conform_check(rc != 0, "GET_PCI_HOT_RESET_INFO with argsz %u succeeded"
			      VFIO_H("It's *always* the caller's responsibility to indicate "
				     "the size of the structure passed by setting argsz"), sizes[i]);
		print_message("argsz %u: %s\n", sizes[i], errname(rc));
	}
}

/* count of affected devices, or SKIP when no hot reset is possible */
static uint32_t hot_count(struct vfio_dev *d)
{
	struct vfio_pci_hot_reset_info *h;
	uint32_t count;
	int rc = hot_info(d, sizeof(*h), &h);

	count = h->count;
	free(h);
	skip_mdev_enotty(d, rc, "GET_PCI_HOT_RESET_INFO");
	if (rc == -ENODEV)
		conform_skip("no slot or bus reset for this device "
			     "(GET_PCI_HOT_RESET_INFO: ENODEV)");
	conform_check(rc == -ENOSPC, "GET_PCI_HOT_RESET_INFO with room for no device: %s, "
		      "expected ENOSPC", errname(rc));
	conform_check(count >= 1, "ENOSPC but count %u: the device itself is affected", count);
	return count;
}

static void test_hot_info_enospc(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t n = hot_count(d);
	struct vfio_pci_hot_reset_info *h;
	int rc;

	print_message("%u affected devices\n", n);
	rc = hot_info(d, (uint32_t)(sizeof(*h) + (n - 1) * sizeof(h->devices[0])), &h);
	conform_check(rc == -ENOSPC, "GET_PCI_HOT_RESET_INFO with room for %u of %u devices: "
		      "%s, expected ENOSPC", n - 1, n, errname(rc));
	conform_check(h->count == n, "count %u on the second ENOSPC, %u on the first", h->count, n);
	free(h);
}

static void test_hot_info_lists_self(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t n = hot_count(d), i;
	unsigned int dom, bus, dev, fn;
	struct vfio_pci_hot_reset_info *h;
	int group = -1, rc;
	bool found = false;

	conform_check(sscanf(d->bdf, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) == 4, "bad BDF");
	conform_check_rc(sysfs_iommu_group(d->bdf, &group), "iommu_group");
	rc = hot_info(d, (uint32_t)(sizeof(*h) + n * sizeof(h->devices[0])), &h);
	conform_check(!rc, "GET_PCI_HOT_RESET_INFO with room for %u devices: %s", n, errname(rc));
	conform_check(h->count == n, "count %u, the ENOSPC answer said %u", h->count, n);
	for (i = 0; i < h->count; i++) {
		struct vfio_pci_dependent_device *x = &h->devices[i];

		print_message("affected %04x:%02x:%02x.%x group/devid %u\n", x->segment, x->bus,
			      x->devfn >> 3, x->devfn & 7, x->group_id);
		if (x->segment == dom && x->bus == bus && x->devfn == ((dev << 3) | fn)) {
			found = true;
			if (!(h->flags & VFIO_PCI_HOT_RESET_FLAG_DEV_ID))
				conform_check(x->group_id == (uint32_t)group, "own entry has group "
					      "%u, the device is in group %d", x->group_id, group);
		}
	}
	conform_check(found, "%s is not among the %u affected devices", d->bdf, h->count);
	conform_check(!(h->flags & ~3u), "undefined flags 0x%x", h->flags);
	free(h);
}

static void test_hot_reset_bad_fd(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct {
		struct vfio_pci_hot_reset r;
		int32_t fds[2];
	} x;
	int rc;

	memset(&x, 0, sizeof(x));
	x.r.argsz = sizeof(x.r) + sizeof(int32_t);
	x.r.count = 1;
	x.fds[0] = -1;
	rc = ioctl(d->fd, VFIO_DEVICE_PCI_HOT_RESET, &x) ? -errno : 0;
	skip_mdev_enotty(d, rc, "VFIO_DEVICE_PCI_HOT_RESET");
	conform_check(rc != 0, "VFIO_DEVICE_PCI_HOT_RESET with group fd -1 succeeded");
	print_message("group fd -1: %s\n", errname(rc));
	x.r.argsz = 4;
	rc = ioctl(d->fd, VFIO_DEVICE_PCI_HOT_RESET, &x) ? -errno : 0;
	conform_check_err(rc, -EINVAL, "VFIO_DEVICE_PCI_HOT_RESET with argsz 4");
}

static const struct conform_test tests[] = {
	{ "reset/device-reset-succeeds", { "REQ-RESET-001" }, test_reset_ok, 0, 0 },
	{ "reset/device-reset-without-flag-rejected", { "REQ-RESET-009" }, test_reset_without_flag, 0, 0 },
	{ "reset/repeated-resets", { "REQ-RESET-001" }, test_repeated, 0, 0 },
	{ "reset/config-command-and-bars-kept", { "REQ-RESET-002" }, test_config_kept, 0, 0 },
	{ "reset/device-registers-to-reset-values", { "REQ-RESET-003" }, test_device_state_reset, 0, 0 },
	{ "reset/device-usable-after-reset", { "REQ-RESET-004" }, test_usable_after, 0, 0 },
	{ "reset/reset-with-msix-enabled", { "REQ-RESET-004" }, test_reset_with_msix, 0, 0 },
	{ "reset/hot-reset-info-argsz-too-small-rejected", { "REQ-RESET-005" }, test_hot_info_small, 0, 0 },
	{ "reset/hot-reset-info-enospc-fills-count", { "REQ-RESET-006" }, test_hot_info_enospc, 0, 0 },
	{ "reset/hot-reset-info-lists-own-device", { "REQ-RESET-007" }, test_hot_info_lists_self, 0, 0 },
	{ "reset/hot-reset-bad-group-fd-rejected", { "REQ-RESET-008" }, test_hot_reset_bad_fd, 0, 0 },
};

CONFORM_AREA(conform_area_reset, "reset", tests, 800);
