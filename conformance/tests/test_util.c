// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Host-side unit tests of the pure helpers: PCI config walks and BAR
 * arithmetic, VFIO info capability chains, UUIDs, BDFs, and the sysfs
 * helpers over a fake sysfs tree.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pci_cfg.h"
#include "pci_names.h"
#include "sysfs.h"
#include "vfio_dev.h"

/* ---------------- config images ---------------- */

static void put16(uint8_t *c, size_t off, uint16_t v)
{
	c[off] = (uint8_t)v;
	c[off + 1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *c, size_t off, uint32_t v)
{
	put16(c, off, (uint16_t)v);
	put16(c, off + 2, (uint16_t)(v >> 16));
}

static uint32_t ext_hdr(uint16_t id, uint8_t ver, uint16_t next)
{
	return (uint32_t)id | (uint32_t)ver << 16 | (uint32_t)next << 20;
}

/* refdev-like: PM @0x40, PCIe @0x60, MSI-X @0xa0; ARI @0x100, SR-IOV @0x110 */
static void make_cfg(uint8_t *c)
{
	memset(c, 0, PCI_CFG_SIZE_EXPRESS);
	put16(c, 0x00, 0x1b36);
	put16(c, 0x02, 0x10f0);
	put16(c, 0x06, 0x0010);		/* capability list */
	c[0x34] = 0x40;
	c[0x40] = 0x01; c[0x41] = 0x60;
	c[0x60] = 0x10; c[0x61] = 0xa3;	/* reserved low bits set: masked */
	c[0xa0] = 0x11; c[0xa1] = 0x00;
	put32(c, 0x100, ext_hdr(0x000e, 1, 0x110));
	put32(c, 0x110, ext_hdr(0x0010, 1, 0));
	put16(c, 0x110 + 0x1a, 0x10f1);
}

static void test_cap_walk(void **state)
{
	uint8_t c[PCI_CFG_SIZE_EXPRESS];
	unsigned int n = 99;
	char err[128];

	(void)state;
	make_cfg(c);
	assert_int_equal(pci_find_cap(c, sizeof(c), 0x10), 0x60);
	assert_int_equal(pci_find_cap(c, sizeof(c), 0x11), 0xa0);
	assert_int_equal(pci_find_cap(c, sizeof(c), 0x05), 0);
	assert_int_equal(pci_check_cap_list(c, sizeof(c), &n, err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_int_equal(pci_find_ext_cap(c, sizeof(c), 0x0010), 0x110);
	assert_int_equal(pci_cfg_r16(c, sizeof(c), 0x110 + 0x1a), 0x10f1);
	assert_int_equal(pci_find_ext_cap(c, sizeof(c), 0x0001), 0);
	assert_int_equal(pci_check_ext_cap_list(c, sizeof(c), &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	/* only 256 bytes: no extended space */
	assert_int_equal(pci_find_ext_cap(c, PCI_CFG_SIZE_LEGACY, 0x0010), 0);
	assert_int_equal(pci_check_ext_cap_list(c, PCI_CFG_SIZE_LEGACY, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	/* status bit clear: no list, whatever 0x34 says */
	put16(c, 0x06, 0);
	assert_int_equal(pci_find_cap(c, sizeof(c), 0x10), 0);
	assert_int_equal(pci_check_cap_list(c, sizeof(c), &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
}

static void test_cap_walk_broken(void **state)
{
	uint8_t c[PCI_CFG_SIZE_EXPRESS];
	unsigned int n;
	char err[128];

	(void)state;
	make_cfg(c);
	c[0xa1] = 0x40;			/* loop */
	assert_int_equal(pci_check_cap_list(c, sizeof(c), &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "loops"));
	assert_int_equal(pci_find_cap(c, sizeof(c), 0x05), 0);	/* terminates */

	make_cfg(c);
	c[0x34] = 0x20;			/* inside the header */
	assert_int_equal(pci_check_cap_list(c, sizeof(c), &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "0x20"));

	make_cfg(c);
	put32(c, 0x110, ext_hdr(0x0010, 1, 0x100));	/* ext loop */
	assert_int_equal(pci_check_ext_cap_list(c, sizeof(c), &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "loops"));
	assert_int_equal(pci_find_ext_cap(c, sizeof(c), 0x0001), 0);

	make_cfg(c);
	put32(c, 0x110, ext_hdr(0x0010, 1, 0x080));	/* below 0x100 */
	assert_int_equal(pci_check_ext_cap_list(c, sizeof(c), &n, err, sizeof(err)), -1);

	make_cfg(c);
	put32(c, 0x110, ext_hdr(0x0010, 1, 0x200));	/* to an empty header */
	assert_int_equal(pci_check_ext_cap_list(c, sizeof(c), &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "empty"));

	make_cfg(c);
	put32(c, 0x100, 0xffffffffu);			/* no extended space */
	assert_int_equal(pci_check_ext_cap_list(c, sizeof(c), &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);

	assert_int_equal(pci_check_cap_list(c, 64, &n, err, sizeof(err)), -1);
}

static void test_bar_math(void **state)
{
	(void)state;
	assert_true(pci_bar_is_io(0x0000e001));
	assert_false(pci_bar_is_64(0x0000e001));
	assert_true(pci_bar_is_64(0xfe000004));
	assert_false(pci_bar_is_64(0xfe000000));
	assert_false(pci_bar_is_io(0xfe00000c));
	assert_int_equal(pci_bar_size(0xfffff000, 0, false, false), 0x1000);
	assert_int_equal(pci_bar_size(0xfffff008, 0, false, false), 0x1000);
	assert_int_equal(pci_bar_size(0xffffc004, 0xffffffff, true, false), 0x4000);
	assert_true(pci_bar_size(0x0000000c, 0xfffffffe, true, false) == 0x200000000ull);
	assert_int_equal(pci_bar_size(0xffffff01, 0, false, true), 0x100);
	assert_int_equal(pci_bar_size(0x0000ff01, 0, false, true), 0x100);
	assert_int_equal(pci_bar_size(0, 0, false, false), 0);
	assert_int_equal(pci_bar_size(0x4, 0, true, false), 0);
	assert_true(is_pow2_u64(1));
	assert_true(is_pow2_u64(0x4000));
	assert_true(is_pow2_u64(1ull << 63));
	assert_false(is_pow2_u64(0));
	assert_false(is_pow2_u64(0xc0000));
}

/* ---------------- VFIO capability chains ---------------- */

static void cap_at(uint8_t *buf, uint32_t off, uint16_t id, uint32_t next)
{
	struct vfio_info_cap_header h = { .id = id, .version = 1, .next = next };

	memcpy(buf + off, &h, sizeof(h));
}

static void test_cap_chain(void **state)
{
	uint8_t buf[64] = { 0 };
	unsigned int n = 99;
	char err[128];

	(void)state;
	cap_at(buf, 32, 1, 48);
	cap_at(buf, 48, 3, 0);
	assert_int_equal(vfio_cap_chain_check(buf, sizeof(buf), 32, 32, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_ptr_equal(vfio_cap_find(buf, sizeof(buf), 32, 3), buf + 48);
	assert_null(vfio_cap_find(buf, sizeof(buf), 32, 9));
	assert_int_equal(vfio_cap_chain_check(buf, sizeof(buf), 32, 0, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);

	cap_at(buf, 48, 3, 32);		/* loop */
	assert_int_equal(vfio_cap_chain_check(buf, sizeof(buf), 32, 32, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "loops"));
	assert_null(vfio_cap_find(buf, sizeof(buf), 32, 9));	/* terminates */

	cap_at(buf, 48, 3, 60);		/* header would overrun */
	assert_int_equal(vfio_cap_chain_check(buf, sizeof(buf), 32, 32, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "beyond"));

	assert_int_equal(vfio_cap_chain_check(buf, sizeof(buf), 32, 16, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "inside the fixed"));
}

/* ---------------- UUID / BDF ---------------- */

/* Names come from pci.ids through libpci (Debian's pci.ids package). */
static void test_pci_names(void **state)
{
	char v[128], d[128];

	(void)state;
	pci_names("0x8086", "0x10d3", v, sizeof(v), d, sizeof(d));
	assert_string_equal(v, "Intel Corporation");
	assert_string_equal(d, "82574L Gigabit Network Connection");
	/* refdev's PF: the vendor is listed, the device is not */
	pci_names("0x1b36", "0x10f0", v, sizeof(v), d, sizeof(d));
	assert_string_equal(v, "Red Hat, Inc.");
	assert_string_equal(d, "");
	pci_names("0x1b36", "zz", v, sizeof(v), d, sizeof(d));
	assert_string_equal(v, "");
	assert_string_equal(d, "");
	pci_names(NULL, NULL, v, sizeof(v), d, sizeof(d));
	assert_string_equal(v, "");
}

static void test_uuid(void **state)
{
	uint8_t b[16];

	(void)state;
	assert_true(uuid_valid("5c6a04f4-8d2b-4e4a-9a8e-72656664657f"));
	assert_true(uuid_valid("5C6A04F4-8D2B-4E4A-9A8E-72656664657F"));
	assert_false(uuid_valid("5c6a04f48d2b-4e4a-9a8e-72656664657f-"));
	assert_false(uuid_valid("5c6a04f4-8d2b-4e4a-9a8e-72656664657"));
	assert_false(uuid_valid("5c6a04f4-8d2b-4e4a-9a8e-72656664657f0"));
	assert_false(uuid_valid("5c6a04f4-8d2b-4e4a-9a8e-72656664657g"));
	assert_false(uuid_valid(""));
	assert_false(uuid_valid(NULL));
	assert_int_equal(uuid_parse_str("00112233-4455-6677-8899-aabbccddeeff", b), 0);
	assert_int_equal(b[0], 0x00);
	assert_int_equal(b[1], 0x11);
	assert_int_equal(b[7], 0x77);
	assert_int_equal(b[15], 0xff);
}

static void test_bdf(void **state)
{
	char out[BDF_LEN];

	(void)state;
	assert_true(bdf_normalize("0000:00:1f.3", out));
	assert_string_equal(out, "0000:00:1f.3");
	assert_true(bdf_normalize("3:4.5", out));
	assert_string_equal(out, "0000:03:04.5");
	assert_false(bdf_normalize("0000:00:1f", out));
	assert_false(bdf_normalize("0000:00:1f.3 ", out));
	assert_false(bdf_normalize(":00:1f.3", out));
	assert_false(bdf_normalize(NULL, out));
}

/* ---------------- sysfs over a fake tree ---------------- */

static char g_root[64];
static char g_mdev_root[96];

static void mkfile(const char *rel, const void *data, size_t len)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", g_root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void mkstr(const char *rel, const char *s)
{
	mkfile(rel, s, strlen(s));
}

static void mklink(const char *rel, const char *target)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", g_root, rel);
	assert_int_equal(symlink(target, path), 0);
}

static void mkdir_rel(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", g_root, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

static int fake_sysfs_setup(void **state)
{
	uint8_t cfg[PCI_CFG_SIZE_EXPRESS];

	(void)state;
	snprintf(g_root, sizeof(g_root), "/tmp/vfio-conform-unit.XXXXXX");
	if (!mkdtemp(g_root))
		return -1;
	make_cfg(cfg);
	mkdir_rel("0000:01:00.0");
	mkdir_rel("0000:01:00.1");
	mkdir_rel("0000:01:00.2");
	mkstr("0000:01:00.0/vendor", "0x1b36\n");
	mkstr("0000:01:00.0/device", "0x10f0\n");
	mkstr("0000:01:00.0/sriov_numvfs", "2\n");
	mkstr("0000:01:00.0/bogus", "0x1b36junk\n");
	mkfile("0000:01:00.0/config", cfg, sizeof(cfg));
	mklink("0000:01:00.0/driver", "../../../bus/pci/drivers/vfio-pci");
	mklink("0000:01:00.0/iommu_group", "../../../kernel/iommu_groups/7");
	mklink("0000:01:00.0/virtfn0", "../0000:01:00.1");
	mklink("0000:01:00.0/virtfn1", "../0000:01:00.2");
	mklink("0000:01:00.1/physfn", "../0000:01:00.0");
	mklink("0000:01:00.1/driver", "../../../bus/pci/drivers/mlx5_vfio_pci");
	mklink("0000:01:00.2/physfn", "../0000:01:00.0");
	mklink("0000:01:00.2/driver", "../../../bus/pci/drivers/igb");
	/* an mdev: bus entry -> the device under its parent "mtty" */
	mkdir_rel("mtty");
	mkdir_rel("mtty/83b8f4f2-509f-382f-3c1e-e6bfe0fa1001");
	mkdir_rel("mdevbus");
	mklink("mdevbus/83b8f4f2-509f-382f-3c1e-e6bfe0fa1001",
	       "../mtty/83b8f4f2-509f-382f-3c1e-e6bfe0fa1001");
	mklink("mtty/83b8f4f2-509f-382f-3c1e-e6bfe0fa1001/mdev_type",
	       "../mdev_supported_types/mtty-2");
	mklink("mtty/83b8f4f2-509f-382f-3c1e-e6bfe0fa1001/iommu_group",
	       "../../kernel/iommu_groups/12");
	mklink("mtty/83b8f4f2-509f-382f-3c1e-e6bfe0fa1001/driver",
	       "../../bus/mdev/drivers/mtty");
	snprintf(g_mdev_root, sizeof(g_mdev_root), "%s/mdevbus", g_root);
	sysfs_pci_root = g_root;
	sysfs_mdev_root = g_mdev_root;
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int fake_sysfs_teardown(void **state)
{
	(void)state;
	nftw(g_root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	sysfs_pci_root = "/sys/bus/pci/devices";
	sysfs_mdev_root = "/sys/bus/mdev/devices";
	return 0;
}

static void test_sysfs(void **state)
{
	char buf[64];
	uint8_t cfg[PCI_CFG_SIZE_EXPRESS];
	unsigned int n = 0, idx = 99;
	uint32_t v = 0;
	int group = -1;

	(void)state;
	assert_true(sysfs_dev_exists("0000:01:00.0"));
	assert_false(sysfs_dev_exists("0000:01:00.7"));
	assert_true(sysfs_attr_exists("0000:01:00.0", "vendor"));
	assert_false(sysfs_attr_exists("0000:01:00.0", "reset"));
	assert_int_equal(sysfs_read_u32("0000:01:00.0", "vendor", &v), 0);
	assert_int_equal(v, 0x1b36);
	assert_int_equal(sysfs_read_u32("0000:01:00.0", "bogus", &v), -EINVAL);
	assert_int_equal(sysfs_read_u32("0000:01:00.0", "absent", &v), -ENOENT);
	assert_int_equal(sysfs_read_attr("0000:01:00.0", "device", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0x10f0");
	assert_int_equal(sysfs_driver("0000:01:00.0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "vfio-pci");
	assert_true(driver_is_vfio(buf));
	assert_int_equal(sysfs_driver("0000:01:00.1", buf, sizeof(buf)), 0);
	assert_true(driver_is_vfio(buf));
	assert_int_equal(sysfs_driver("0000:01:00.2", buf, sizeof(buf)), 0);
	assert_false(driver_is_vfio(buf));
	assert_false(driver_is_vfio(NULL));
	assert_int_equal(sysfs_physfn("0000:01:00.1", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0000:01:00.0");
	assert_int_equal(sysfs_physfn("0000:01:00.0", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(sysfs_iommu_group("0000:01:00.0", &group), 0);
	assert_int_equal(group, 7);
	assert_int_equal(sysfs_iommu_group("0000:01:00.1", &group), -ENOENT);
	assert_int_equal(sysfs_num_vfs("0000:01:00.0", &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(sysfs_vf_bdf("0000:01:00.0", 1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0000:01:00.2");
	assert_int_equal(sysfs_vf_index("0000:01:00.0", "0000:01:00.2", &idx), 0);
	assert_int_equal(idx, 1);
	assert_int_equal(sysfs_vf_index("0000:01:00.0", "0000:01:00.5", &idx), -ENOENT);
	assert_int_equal(sysfs_read_config("0000:01:00.0", cfg, sizeof(cfg)), (ssize_t)sizeof(cfg));
	assert_int_equal(pci_find_ext_cap(cfg, sizeof(cfg), 0x0010), 0x110);
	assert_int_equal(sysfs_config_size("0000:01:00.0"), PCI_CFG_SIZE_EXPRESS);
	assert_true(sysfs_read_config("0000:01:00.1", cfg, sizeof(cfg)) < 0);
}

static void test_sysfs_mdev(void **state)
{
	const char *u = "83b8f4f2-509f-382f-3c1e-e6bfe0fa1001";
	char buf[64], norm[BDF_LEN];
	uint32_t v = 0;
	int group = -1;

	(void)state;
	assert_true(mdev_uuid_normalize("83B8F4F2-509f-382f-3c1e-e6bfe0fa1001", norm));
	assert_string_equal(norm, u);
	assert_false(mdev_uuid_normalize("0000:01:00.0", norm));
	assert_false(mdev_uuid_normalize("83b8f4f2-509f-382f-3c1e-e6bfe0fa10011", norm));
	assert_false(mdev_uuid_normalize("83b8f4f2x509f-382f-3c1e-e6bfe0fa1001", norm));
	assert_false(mdev_uuid_normalize(NULL, norm));
	assert_true(dev_is_mdev(u));
	assert_false(dev_is_mdev("0000:01:00.0"));
	assert_string_equal(sysfs_dev_root(u), g_mdev_root);
	assert_string_equal(sysfs_dev_root("0000:01:00.0"), g_root);
	assert_true(sysfs_dev_exists(u));
	assert_false(sysfs_dev_exists("83b8f4f2-509f-382f-3c1e-e6bfe0fa1002"));
	assert_int_equal(sysfs_iommu_group(u, &group), 0);
	assert_int_equal(group, 12);
	assert_int_equal(sysfs_driver(u, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "mtty");
	assert_int_equal(sysfs_mdev_type(u, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "mtty-2");
	assert_int_equal(sysfs_mdev_parent(u, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "mtty");
	/* no PCI identity */
	assert_int_equal(sysfs_read_u32(u, "vendor", &v), -ENOENT);
	assert_int_equal(sysfs_physfn(u, buf, sizeof(buf)), -ENOENT);
	assert_true(sysfs_config_size(u) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cap_walk),
		cmocka_unit_test(test_cap_walk_broken),
		cmocka_unit_test(test_bar_math),
		cmocka_unit_test(test_cap_chain),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_pci_names),
		cmocka_unit_test(test_bdf),
		cmocka_unit_test_setup_teardown(test_sysfs, fake_sysfs_setup, fake_sysfs_teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_mdev, fake_sysfs_setup,
						fake_sysfs_teardown),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
