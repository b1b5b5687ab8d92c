// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * config/...: PCI config space as seen through the VFIO config region
 * (SPEC.md REQ-CONFIG-*).  BAR sizing writes only the (usually virtualized)
 * BAR registers, with decoding off, and always restores before checking.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/pci_regs.h>

#include "area_util.h"
#include "pci_cfg.h"

#define DECODE_BITS	(PCI_COMMAND_IO | PCI_COMMAND_MEMORY)

static uint32_t cfg_rd(const struct vfio_dev *d, uint32_t off, unsigned int size)
{
	uint32_t v = 0;

	conform_check_rc(__vfio_cfg_read(d, off, size, &v),
			 "config read of %u bytes at 0x%03x", size, off);
	return v;
}

static uint32_t sysfs_u32(const char *bdf, const char *attr)
{
	uint32_t v = 0;

	conform_check_rc(sysfs_read_u32(bdf, attr, &v), "reading %s/%s/%s",
			 sysfs_pci_root, bdf, attr);
	return v;
}

/* ---------------- IDs ---------------- */

struct id_field {
	const char *attr;	/* sysfs attribute */
	uint32_t off;
	unsigned int size;
	unsigned int shift;	/* class: the dword at 0x08 >> 8 */
	bool type0_only;
};

static const struct id_field id_fields[] = {
	{ "vendor", PCI_VENDOR_ID, 2, 0, false },
	{ "device", PCI_DEVICE_ID, 2, 0, false },
	{ "revision", PCI_REVISION_ID, 1, 0, false },
	{ "class", PCI_CLASS_REVISION, 4, 8, false },
	{ "subsystem_vendor", PCI_SUBSYSTEM_VENDOR_ID, 2, 0, true },
	{ "subsystem_device", PCI_SUBSYSTEM_ID, 2, 0, true },
};

static bool header_type0(const struct vfio_dev *d)
{
	return (cfg_rd(d, PCI_HEADER_TYPE, 1) & 0x7f) == PCI_HEADER_TYPE_NORMAL;
}

static void test_ids_match_sysfs(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const struct id_field *f;
	uint32_t vfio, host;
	bool type0;
	size_t i;

	conform_skip_if_mdev(d->bdf, "no vendor/device/class files to compare with");
	type0 = header_type0(d);

	for (i = 0; i < sizeof(id_fields) / sizeof(id_fields[0]); i++) {
		f = &id_fields[i];
		if (f->type0_only && !type0)
			continue;
		if (!sysfs_attr_exists(d->bdf, f->attr)) {
			print_message("no sysfs %s attribute: not compared\n", f->attr);
			continue;
		}
		vfio = cfg_rd(d, f->off, f->size) >> f->shift;
		host = sysfs_u32(d->bdf, f->attr);
		conform_check(vfio == host, "%s: 0x%x through VFIO, 0x%x in sysfs"
			      VFIO_H("VFIO_PCI_CONFIG_REGION_INDEX") " (the function's PCI config space)",
			      f->attr, vfio, host);
	}
}

static void test_vf_ids_match_pf(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint8_t *cfg;
	char pf[BDF_LEN * 2];
	uint32_t vendor, device, pf_vendor, vf_did;
	unsigned int pos;
	ssize_t n;

	conform_skip_if_mdev(d->bdf, "not a VF: no physfn link, no PF config");
	if (sysfs_physfn(d->bdf, pf, sizeof(pf)))
		conform_skip("%s is not a VF (no physfn link in sysfs)", d->bdf);
	cfg = calloc(1, PCI_CFG_SIZE_EXPRESS);
	conform_check(cfg != NULL, "out of memory");
	n = sysfs_read_config(pf, cfg, PCI_CFG_SIZE_EXPRESS);
	if (n < PCI_CFG_SIZE_EXPRESS) {
		free(cfg);
		conform_skip("cannot read the extended config space of PF %s "
			     "(%zd bytes; needs root and ECAM)", pf, n);
	}
	pos = pci_find_ext_cap(cfg, PCI_CFG_SIZE_EXPRESS, PCI_EXT_CAP_ID_SRIOV);
	vf_did = pos ? pci_cfg_r16(cfg, PCI_CFG_SIZE_EXPRESS, pos + PCI_SRIOV_VF_DID) : 0;
	free(cfg);
	conform_check(pos, "PF %s has VFs but no SR-IOV capability in its config space", pf);
	pf_vendor = sysfs_u32(pf, "vendor");
	vendor = cfg_rd(d, PCI_VENDOR_ID, 2);
	device = cfg_rd(d, PCI_DEVICE_ID, 2);
	print_message("VF %04x:%04x; PF %s vendor 0x%04x, SR-IOV VF Device ID 0x%04x "
		      "(capability at 0x%03x)\n", vendor, device, pf, pf_vendor, vf_did, pos);
	conform_check(vendor == pf_vendor, "VF Vendor ID 0x%04x through VFIO, PF's is 0x%04x"
		      PCI_REF("PCI SR-IOV 3.4.1.1", "a VF's Vendor ID is the PF's; software reads it from the PF"),
		      vendor, pf_vendor);
	conform_check(device == vf_did, "VF Device ID 0x%04x through VFIO, the PF's SR-IOV "
		      "VF Device ID is 0x%04x", device, vf_did);
}

/* ---------------- BAR sizing ---------------- */

struct bar_probe {
	unsigned int idx;
	bool is64, is_io;
	uint32_t orig[2], mask[2], after[2];
	uint64_t size;
};

static uint32_t bar_off(unsigned int idx)
{
	return PCI_BASE_ADDRESS_0 + 4 * idx;
}

/* All writes happen here, none of the checks: nothing may stop a restore. */
static void bar_probe(const struct vfio_dev *d, unsigned int idx, bool is64,
		      struct bar_probe *p)
{
	unsigned int h, halves = is64 ? 2 : 1;

	memset(p, 0, sizeof(*p));
	p->idx = idx;
	p->is64 = is64;
	for (h = 0; h < halves; h++)
		__vfio_cfg_read(d, bar_off(idx + h), 4, &p->orig[h]);
	p->is_io = pci_bar_is_io(p->orig[0]);
	for (h = 0; h < halves; h++)
		__vfio_cfg_write(d, bar_off(idx + h), 4, 0xffffffffu);
	for (h = 0; h < halves; h++)
		__vfio_cfg_read(d, bar_off(idx + h), 4, &p->mask[h]);
	for (h = 0; h < halves; h++)
		__vfio_cfg_write(d, bar_off(idx + h), 4, p->orig[h]);
	for (h = 0; h < halves; h++)
		__vfio_cfg_read(d, bar_off(idx + h), 4, &p->after[h]);
	p->size = pci_bar_size(p->mask[0], p->mask[1], is64, p->is_io);
}

struct bar_scan {
	struct bar_probe p[PCI_BAR_COUNT];
	unsigned int n;
	uint32_t cmd_before, cmd_after;
};

/* Size every BAR of the wanted kind(s) with decoding disabled. */
static void bar_scan(const struct vfio_dev *d, bool want32, bool want64, struct bar_scan *s)
{
	unsigned int i;
	uint32_t lo;
	bool is64;

	memset(s, 0, sizeof(*s));
	s->cmd_before = cfg_rd(d, PCI_COMMAND, 2);
	__vfio_cfg_write(d, PCI_COMMAND, 2, s->cmd_before & ~DECODE_BITS);
	for (i = 0; i < PCI_BAR_COUNT; i++) {
		lo = 0;
		__vfio_cfg_read(d, bar_off(i), 4, &lo);
		is64 = pci_bar_is_64(lo) && i + 1 < PCI_BAR_COUNT;
		if ((is64 && want64) || (!is64 && want32))
			bar_probe(d, i, is64, &s->p[s->n++]);
		if (is64)
			i++;
	}
	__vfio_cfg_write(d, PCI_COMMAND, 2, s->cmd_before);
	s->cmd_after = cfg_rd(d, PCI_COMMAND, 2);
}

static uint64_t region_size(const struct vfio_dev *d, uint32_t index)
{
	struct vfio_region_info ri;

	conform_check_rc(__vfio_region_info_fixed(d->fd, index, &ri), "REGION_INFO(%u)", index);
	return ri.size;
}

#define RESTORE_Q PCI_REF("PCI Local Bus 6.2.5.1", "BAR sizing: save, write all 1's, " \
			  "read back, restore the original value")

static void check_restored(const struct bar_probe *p)
{
	unsigned int h;

	for (h = 0; h < (p->is64 ? 2u : 1u); h++)
		conform_check(p->after[h] == p->orig[h],
			      "BAR%u: 0x%08x before sizing, 0x%08x after restoring it" RESTORE_Q,
			      p->idx + h, p->orig[h], p->after[h]);
}

static unsigned int check_sizes(const struct vfio_dev *d, const struct bar_scan *s)
{
	unsigned int i, implemented = 0;
	uint64_t rsize;

	conform_check(s->cmd_after == s->cmd_before,
		      "command register 0x%04x before sizing, 0x%04x after" RESTORE_Q,
		      s->cmd_before, s->cmd_after);
	for (i = 0; i < s->n; i++) {
		const struct bar_probe *p = &s->p[i];

		check_restored(p);
		rsize = region_size(d, p->idx);
		print_message("BAR%u: %s%s, sized 0x%llx, region 0x%llx\n", p->idx,
			      p->is_io ? "I/O" : "memory", p->is64 ? " 64-bit" : "",
			      (unsigned long long)p->size, (unsigned long long)rsize);
		conform_check(p->size == rsize, "BAR%u: sizing through config gives 0x%llx, "
			      "REGION_INFO says 0x%llx" RESTORE_Q, p->idx, (unsigned long long)p->size,
			      (unsigned long long)rsize);
		if (p->is64)
			conform_check(region_size(d, p->idx + 1) == 0,
				      "region %u (upper half of 64-bit BAR%u) has a size",
				      p->idx + 1, p->idx);
		if (rsize || p->size)
			implemented++;
	}
	return implemented;
}

static void test_bar_sizing_32(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct bar_scan s;

	bar_scan(d, true, false, &s);
	if (!check_sizes(d, &s))
		conform_skip("device has no 32-bit BAR");
}

static void test_bar_sizing_64(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct bar_scan s;

	bar_scan(d, false, true, &s);
	if (!check_sizes(d, &s))
		conform_skip("device has no 64-bit BAR");
}

static void test_bar_restore(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t before[PCI_BAR_COUNT + 1], after[PCI_BAR_COUNT + 1], rom_mask = 0;
	struct bar_scan s;
	unsigned int i;

	for (i = 0; i < PCI_BAR_COUNT; i++)
		before[i] = cfg_rd(d, bar_off(i), 4);
	before[PCI_BAR_COUNT] = cfg_rd(d, PCI_ROM_ADDRESS, 4);
	bar_scan(d, true, true, &s);
	/* the expansion ROM BAR too: all address bits, enable bit clear */
	__vfio_cfg_write(d, PCI_ROM_ADDRESS, 4, PCI_ROM_ADDRESS_MASK);
	__vfio_cfg_read(d, PCI_ROM_ADDRESS, 4, &rom_mask);
	__vfio_cfg_write(d, PCI_ROM_ADDRESS, 4, before[PCI_BAR_COUNT]);
	for (i = 0; i < PCI_BAR_COUNT; i++)
		after[i] = cfg_rd(d, bar_off(i), 4);
	after[PCI_BAR_COUNT] = cfg_rd(d, PCI_ROM_ADDRESS, 4);
	print_message("ROM BAR: 0x%08x, sized 0x%08x\n", before[PCI_BAR_COUNT], rom_mask);
	conform_check(s.cmd_after == s.cmd_before, "command register 0x%04x before, 0x%04x after"
		      PCI_REF("PCI Local Bus 6.2.5.1", "the original value is restored after sizing"),
		      s.cmd_before, s.cmd_after);
	for (i = 0; i <= PCI_BAR_COUNT; i++)
		conform_check(before[i] == after[i], "%s%u: 0x%08x before sizing, 0x%08x after"
			      PCI_REF("PCI Local Bus 6.2.5.1", "the original value is restored after sizing"),
			      i < PCI_BAR_COUNT ? "BAR" : "ROM BAR", i < PCI_BAR_COUNT ? i : 0,
			      before[i], after[i]);
}

/* ---------------- read-only registers ---------------- */

struct ro_field {
	const char *name;
	uint32_t off;
	unsigned int size;
	bool type0_only;
};

static const struct ro_field ro_fields[] = {
	{ "Vendor ID", PCI_VENDOR_ID, 2, false },
	{ "Device ID", PCI_DEVICE_ID, 2, false },
	{ "Revision ID", PCI_REVISION_ID, 1, false },
	{ "Programming Interface", PCI_CLASS_PROG, 1, false },
	{ "Sub-Class", PCI_CLASS_DEVICE, 1, false },
	{ "Base Class", PCI_CLASS_DEVICE + 1, 1, false },
	{ "Header Type", PCI_HEADER_TYPE, 1, false },
	{ "Subsystem Vendor ID", PCI_SUBSYSTEM_VENDOR_ID, 2, true },
	{ "Subsystem ID", PCI_SUBSYSTEM_ID, 2, true },
};

static void test_readonly_ids(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t before, after, mask;
	bool type0 = header_type0(d);
	/* PCI IDE: Programming Interface bits may be writable (native mode) */
	bool ide = cfg_rd(d, PCI_CLASS_DEVICE, 2) == 0x0101;
	const struct ro_field *f;
	const char *bad = NULL;
	uint32_t bad_before = 0, bad_after = 0;
	size_t i;

	for (i = 0; i < sizeof(ro_fields) / sizeof(ro_fields[0]); i++) {
		f = &ro_fields[i];
		if ((f->type0_only && !type0) || (ide && f->off == PCI_CLASS_PROG))
			continue;
		mask = f->size == 1 ? 0xff : 0xffff;
		before = cfg_rd(d, f->off, f->size);
		__vfio_cfg_write(d, f->off, f->size, ~before & mask);
		after = cfg_rd(d, f->off, f->size);
		if (after != before && !bad) {
			__vfio_cfg_write(d, f->off, f->size, before);	/* best effort */
			bad = f->name;
			bad_before = before;
			bad_after = after;
		}
	}
	conform_check(!bad, "%s changed from 0x%x to 0x%x when written"
		      PCI_REF("PCI Local Bus 6.2.1", "these header registers are read-only"), bad ? bad : "",
		      bad_before, bad_after);
}

/* ---------------- capability lists ---------------- */

static void test_cap_lists(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint8_t host[PCI_CFG_SIZE_LEGACY];
	unsigned int nstd = 0, next = 0;
	bool host_pcie = false;
	char err[160] = "";
	uint8_t *cfg;
	ssize_t n;
	int bad;

	cfg = calloc(1, PCI_CFG_SIZE_EXPRESS);
	conform_check(cfg != NULL, "out of memory");
	n = __vfio_cfg_read_all(d, cfg, PCI_CFG_SIZE_EXPRESS);
	if (n < PCI_CFG_SIZE_LEGACY) {
		free(cfg);
		/* a config region that cannot be read whole is another test's */
		if (n < 0)
			conform_skip_prereq("REQ-REGION-010", "reading the config region: %s",
					    strerror((int)-n));
		conform_skip_prereq("REQ-REGION-006", "the config region has %zd bytes, "
				    "less than 256", n);
	}
	bad = pci_check_cap_list(cfg, (size_t)n, &nstd, err, sizeof(err)) ||
	      pci_check_ext_cap_list(cfg, (size_t)n, &next, err, sizeof(err));
	if (sysfs_read_config(d->bdf, host, sizeof(host)) == (ssize_t)sizeof(host))
		host_pcie = pci_find_cap(host, sizeof(host), PCI_CAP_ID_EXP) != 0;
	if (!bad && host_pcie && !pci_find_cap(cfg, (size_t)n, PCI_CAP_ID_EXP)) {
		bad = 1;
		snprintf(err, sizeof(err), "the function is PCI Express on the host but "
			 "no PCIe capability is visible through VFIO");
	}
	free(cfg);
	print_message("%u capabilities, %u extended capabilities\n", nstd, next);
	conform_check(!bad, "capability list: %s"
		      PCI_REF("PCI Local Bus 6.7", "capabilities form a linked list"), err);
}

static const struct conform_test tests[] = {
	{ "config/ids-match-sysfs", { "REQ-CONFIG-001" }, test_ids_match_sysfs, 0, 0 },
	{ "config/vf-ids-match-pf", { "REQ-CONFIG-002" }, test_vf_ids_match_pf, 0, 0 },
	{ "config/bar-sizing-32bit", { "REQ-CONFIG-003", "REQ-CONFIG-004" },
	  test_bar_sizing_32, 0, 0 },
	{ "config/bar-sizing-64bit", { "REQ-CONFIG-003", "REQ-CONFIG-004" },
	  test_bar_sizing_64, 0, 0 },
	{ "config/bar-restore-after-sizing", { "REQ-CONFIG-004" }, test_bar_restore, 0, 0 },
	{ "config/readonly-ids-unchanged-on-write", { "REQ-CONFIG-005" },
	  test_readonly_ids, 0, 0 },
	{ "config/cap-lists-well-formed", { "REQ-CONFIG-006" }, test_cap_lists, 0, 0 },
};

CONFORM_AREA(conform_area_config, "config", tests, 400);
