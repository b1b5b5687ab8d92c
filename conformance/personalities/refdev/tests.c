// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * device/refdev-*: the refdev personality's device tests, checks of refdev
 * behaviour through the VFIO regions (SPEC.md REQ-DEVICE-*, section 1,
 * hw-model/include/refdev_regs.h); any other device skips them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"
#include "personality.h"
#include "refdev.h"
#include "refdev_regs.h"

/* Skips unless the device is a refdev PF or VF (the refdev personality's
 * match); fails when the personality cannot drive it. */
static void refdev_open(void **state, struct pers_dev *r)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	int rc;

	conform_skip_if_mdev(d->bdf, "refdev is matched by its sysfs vendor/device");
	rc = pers_find(d, r);
	/* another personality's device, also when its init failed */
	if (rc == -ENOENT || r->ops != &pers_refdev)
		conform_skip("no personality for device %04x:%04x", r->vendor, r->device);
	conform_check_rc(rc, "refdev personality: %s", r->why);
}

static const struct vfio_region_info *regs(const struct pers_dev *r)
{
	return &r->bar[REFDEV_BAR_REGS];
}

static uint32_t reg_rd(const struct pers_dev *r, uint32_t off)
{
	uint32_t v = 0;

	conform_check_rc(__vfio_region_read32(r->d->fd, regs(r), off, &v),
			 "reading BAR%d+0x%03x", REFDEV_BAR_REGS, off);
	return v;
}

static void reg_wr(const struct pers_dev *r, uint32_t off, uint32_t v)
{
	conform_check_rc(__vfio_region_write32(r->d->fd, regs(r), off, v),
			 "writing BAR%d+0x%03x", REFDEV_BAR_REGS, off);
}

static void test_bar_layout(void **state)
{
	static const uint64_t want[VFIO_PCI_ROM_REGION_INDEX + 1] = {
		[REFDEV_BAR_REGS] = REFDEV_BAR_REGS_SIZE,
		[REFDEV_BAR_SRAM] = REFDEV_BAR_SRAM_SIZE,
	};
	struct pers_dev r;
	unsigned int i;

	refdev_open(state, &r);
	for (i = 0; i <= VFIO_PCI_ROM_REGION_INDEX; i++)
		conform_check(r.bar[i].size == want[i],
			      "region %u: size 0x%llx, refdev has 0x%llx", i,
			      (unsigned long long)r.bar[i].size, (unsigned long long)want[i]);
}

static void test_id(void **state)
{
	struct pers_dev r;
	uint32_t id;

	refdev_open(state, &r);
	id = reg_rd(&r, REFDEV_REG_ID);
	conform_check(id == REFDEV_ID_MAGIC, "ID register 0x%08x, expected 0x%08x",
		      id, REFDEV_ID_MAGIC);
}

static void test_version(void **state)
{
	struct pers_dev r;
	uint32_t v;

	refdev_open(state, &r);
	v = reg_rd(&r, REFDEV_REG_VERSION);
	print_message("VERSION %u.%u\n", v >> 16, v & 0xffff);
	conform_check(v >> 16 == REFDEV_VERSION_MAJOR && (v & 0xffff) >= REFDEV_VERSION_MINOR,
		      "VERSION 0x%08x: this suite knows register map %u.%u", v,
		      REFDEV_VERSION_MAJOR, REFDEV_VERSION_MINOR);
}

static void test_func(void **state)
{
	char pf[BDF_LEN * 2];
	unsigned int index = 0;
	struct pers_dev r;
	uint32_t func;

	refdev_open(state, &r);
	func = reg_rd(&r, REFDEV_REG_FUNC);
	if (!r.is_vf) {
		conform_check(func == 0, "FUNC 0x%08x on a PF, expected 0", func);
		return;
	}
	conform_check(!sysfs_physfn(r.d->bdf, pf, sizeof(pf)), "physfn link vanished");
	conform_check_rc(sysfs_vf_index(pf, r.d->bdf, &index),
			 "finding %s among the virtfn links of %s", r.d->bdf, pf);
	conform_check(func == (REFDEV_FUNC_IS_VF | index),
		      "FUNC 0x%08x on VF index %u (sysfs), expected 0x%08x", func, index,
		      REFDEV_FUNC_IS_VF | index);
}

static void test_caps(void **state)
{
	const uint32_t want = REFDEV_CAP_SRAM | REFDEV_CAP_IRQ_RAISE;
	struct pers_dev r;
	uint32_t caps;

	refdev_open(state, &r);
	caps = reg_rd(&r, REFDEV_REG_CAPS);
	conform_check((caps & want) == want, "CAPS 0x%08x lacks bits 0x%08x", caps,
		      want & ~caps);
}

static void test_scratch(void **state)
{
	static const uint32_t patterns[] = { 0xa5a5a5a5u, 0x5a5a5a5au, 0xffffffffu,
					     0x00000000u, 0x12345678u };
	uint32_t saved, v = 0, bad_w = 0, bad_r = 0;
	struct pers_dev r;
	bool ok = true;
	size_t i;

	refdev_open(state, &r);
	saved = reg_rd(&r, REFDEV_REG_SCRATCH);
	for (i = 0; i < sizeof(patterns) / sizeof(patterns[0]) && ok; i++) {
		reg_wr(&r, REFDEV_REG_SCRATCH, patterns[i]);
		v = reg_rd(&r, REFDEV_REG_SCRATCH);
		if (v != patterns[i]) {
			ok = false;
			bad_w = patterns[i];
			bad_r = v;
		}
	}
	reg_wr(&r, REFDEV_REG_SCRATCH, saved);
	conform_check(ok, "SCRATCH: wrote 0x%08x, read back 0x%08x", bad_w, bad_r);
}

static void test_ro_registers(void **state)
{
	static const uint32_t ro[] = { REFDEV_REG_ID, REFDEV_REG_VERSION, REFDEV_REG_FUNC,
				       REFDEV_REG_CAPS };
	uint32_t before, after;
	struct pers_dev r;
	size_t i;

	refdev_open(state, &r);
	for (i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		before = reg_rd(&r, ro[i]);
		reg_wr(&r, ro[i], ~before);
		after = reg_rd(&r, ro[i]);
		conform_check(after == before, "read-only register 0x%03x changed from "
			      "0x%08x to 0x%08x when written", ro[i], before, after);
	}
}

static void test_sram(void **state)
{
	const struct vfio_region_info *sram;
	uint8_t *saved, *pat, *back;
	size_t size, i, first_bad = SIZE_MAX;
	struct pers_dev r;
	int rc_w, rc_r;

	refdev_open(state, &r);
	sram = &r.bar[REFDEV_BAR_SRAM];
	conform_check(sram->size == REFDEV_BAR_SRAM_SIZE, "BAR%d size 0x%llx",
		      REFDEV_BAR_SRAM, (unsigned long long)sram->size);
	size = REFDEV_BAR_SRAM_SIZE;
	saved = malloc(size);
	pat = malloc(size);
	back = malloc(size);
	conform_check(saved && pat && back, "out of memory");
	conform_check_rc(__vfio_region_read(r.d->fd, sram, 0, saved, size), "reading the SRAM");
	for (i = 0; i < size; i++)
		pat[i] = (uint8_t)(i * 7 + 0x3d);
	rc_w = __vfio_region_write(r.d->fd, sram, 0, pat, size);
	rc_r = __vfio_region_read(r.d->fd, sram, 0, back, size);
	for (i = 0; !rc_w && !rc_r && i < size; i++)
		if (back[i] != pat[i]) {
			first_bad = i;
			break;
		}
	__vfio_region_write(r.d->fd, sram, 0, saved, size);
	conform_check(!rc_w, "writing %zu bytes of SRAM: %s", size, strerror(-rc_w));
	conform_check(!rc_r, "reading %zu bytes of SRAM back: %s", size, strerror(-rc_r));
	conform_check(first_bad == SIZE_MAX, "SRAM byte 0x%zx: wrote 0x%02x, read 0x%02x",
		      first_bad, first_bad < size ? pat[first_bad] : 0,
		      first_bad < size ? back[first_bad] : 0);
	free(saved);
	free(pat);
	free(back);
}

static const struct conform_test tests[] = {
	{ "device/refdev-bar-layout", { "REQ-DEVICE-001" }, test_bar_layout, 0, 0 },
	{ "device/refdev-id", { "REQ-DEVICE-002" }, test_id, 0, 0 },
	{ "device/refdev-version", { "REQ-DEVICE-002" }, test_version, 0, 0 },
	{ "device/refdev-func", { "REQ-DEVICE-003" }, test_func, 0, 0 },
	{ "device/refdev-caps", { "REQ-DEVICE-002" }, test_caps, 0, 0 },
	{ "device/refdev-ro-registers", { "REQ-DEVICE-004" }, test_ro_registers, 0, 0 },
	{ "device/refdev-scratch-rw", { "REQ-DEVICE-005" }, test_scratch, 0, 0 },
	{ "device/refdev-sram-rw", { "REQ-DEVICE-006" }, test_sram, 0, 0 },
};

CONFORM_AREA(conform_area_device, "device", tests, 600);
