// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "sysfs.h"

#define MAX_VFS_SCANNED	4096

const char *sysfs_pci_root = "/sys/bus/pci/devices";
const char *sysfs_mdev_root = "/sys/bus/mdev/devices";

static bool parse_hex_field(const char **p, unsigned int digits_max, unsigned int *val)
{
	unsigned int n = 0, v = 0;

	while (isxdigit((unsigned char)**p) && n < digits_max) {
		char c = (char)tolower((unsigned char)**p);

		v = v * 16 + (unsigned int)(isdigit((unsigned char)c) ? c - '0' : c - 'a' + 10);
		(*p)++;
		n++;
	}
	*val = v;
	return n > 0 && !isxdigit((unsigned char)**p);
}

/* "dddd:bb:dd.f" or "bb:dd.f" (domain 0) -> canonical lower-case form */
bool bdf_normalize(const char *in, char out[BDF_LEN])
{
	unsigned int dom = 0, bus, dev, fn;
	const char *p = in;
	const char *colon2;

	if (!in)
		return false;
	colon2 = strchr(in, ':');
	if (colon2 && strchr(colon2 + 1, ':')) {
		if (!parse_hex_field(&p, 4, &dom) || *p++ != ':')
			return false;
	}
	if (!parse_hex_field(&p, 2, &bus) || *p++ != ':')
		return false;
	if (!parse_hex_field(&p, 2, &dev) || *p++ != '.')
		return false;
	if (!isdigit((unsigned char)*p))
		return false;
	fn = (unsigned int)(*p++ - '0');
	if (*p || dev > 0x1f || fn > 7)
		return false;
	snprintf(out, BDF_LEN, "%04x:%02x:%02x.%u", dom, bus, dev, fn);
	return true;
}

/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, any case -> lower case */
bool mdev_uuid_normalize(const char *in, char out[BDF_LEN])
{
	size_t i;

	if (!in || strlen(in) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (in[i] != '-')
				return false;
		} else if (!isxdigit((unsigned char)in[i])) {
			return false;
		}
	}
	for (i = 0; i < 36; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[36] = '\0';
	return true;
}

bool dev_is_mdev(const char *name)
{
	char tmp[BDF_LEN];

	return mdev_uuid_normalize(name, tmp);
}

const char *sysfs_dev_root(const char *name)
{
	return dev_is_mdev(name) ? sysfs_mdev_root : sysfs_pci_root;
}

static int dev_path(char *buf, size_t len, const char *bdf, const char *attr)
{
	const char *root = sysfs_dev_root(bdf);
	int n;

	if (attr)
		n = snprintf(buf, len, "%s/%s/%s", root, bdf, attr);
	else
		n = snprintf(buf, len, "%s/%s", root, bdf);
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

bool sysfs_dev_exists(const char *bdf)
{
	char path[PATH_MAX];
	struct stat st;

	return !dev_path(path, sizeof(path), bdf, NULL) &&
	       !stat(path, &st) && S_ISDIR(st.st_mode);
}

bool sysfs_attr_exists(const char *bdf, const char *attr)
{
	char path[PATH_MAX];

	return !dev_path(path, sizeof(path), bdf, attr) && !access(path, F_OK);
}

int sysfs_read_attr(const char *bdf, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, rc;

	if (!len)
		return -EINVAL;
	rc = dev_path(path, sizeof(path), bdf, attr);
	if (rc)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc)
		return rc;
	buf[n] = '\0';
	while (n && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return 0;
}

int sysfs_read_u32(const char *bdf, const char *attr, uint32_t *val)
{
	char buf[64], *end;
	unsigned long v;
	int rc;

	rc = sysfs_read_attr(bdf, attr, buf, sizeof(buf));
	if (rc)
		return rc;
	errno = 0;
	v = strtoul(buf, &end, 0);
	if (errno || end == buf || *end || v > UINT32_MAX)
		return -EINVAL;
	*val = (uint32_t)v;
	return 0;
}

int sysfs_link_name(const char *bdf, const char *link, char *buf, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;
	int rc;

	rc = dev_path(path, sizeof(path), bdf, link);
	if (rc)
		return rc;
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

int sysfs_driver(const char *bdf, char *buf, size_t len)
{
	return sysfs_link_name(bdf, "driver", buf, len);
}

int sysfs_physfn(const char *bdf, char *buf, size_t len)
{
	return sysfs_link_name(bdf, "physfn", buf, len);
}

int sysfs_iommu_group(const char *bdf, int *group)
{
	char name[32], *end;
	long v;
	int rc;

	rc = sysfs_link_name(bdf, "iommu_group", name, sizeof(name));
	if (rc)
		return rc;
	v = strtol(name, &end, 10);
	if (end == name || *end || v < 0 || v > INT_MAX)
		return -EINVAL;
	*group = (int)v;
	return 0;
}

ssize_t sysfs_read_config(const char *bdf, uint8_t *buf, size_t len)
{
	char path[PATH_MAX];
	size_t done = 0;
	ssize_t n = 0;
	int fd, rc;

	rc = dev_path(path, sizeof(path), bdf, "config");
	if (rc)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (done < len) {
		n = pread(fd, buf + done, len - done, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	rc = (n < 0 && !done) ? -errno : 0;
	close(fd);
	return rc ? rc : (ssize_t)done;
}

long sysfs_config_size(const char *bdf)
{
	char path[PATH_MAX];
	struct stat st;
	int rc;

	rc = dev_path(path, sizeof(path), bdf, "config");
	if (rc)
		return rc;
	if (stat(path, &st))
		return -errno;
	return (long)st.st_size;
}

int sysfs_num_vfs(const char *pf, unsigned int *n)
{
	uint32_t v;
	int rc = sysfs_read_u32(pf, "sriov_numvfs", &v);

	if (!rc)
		*n = v;
	return rc;
}

int sysfs_vf_bdf(const char *pf, unsigned int index, char *buf, size_t len)
{
	char link[32];

	snprintf(link, sizeof(link), "virtfn%u", index);
	return sysfs_link_name(pf, link, buf, len);
}

int sysfs_vf_index(const char *pf, const char *vf, unsigned int *index)
{
	char name[BDF_LEN * 2];
	unsigned int i;
	int rc;

	for (i = 0; i < MAX_VFS_SCANNED; i++) {
		rc = sysfs_vf_bdf(pf, i, name, sizeof(name));
		if (rc == -ENOENT)
			return -ENOENT;
		if (rc)
			continue;
		if (!strcmp(name, vf)) {
			*index = i;
			return 0;
		}
	}
	return -ENOENT;
}

int sysfs_mdev_type(const char *uuid, char *buf, size_t len)
{
	return sysfs_link_name(uuid, "mdev_type", buf, len);
}

/* The mdev's sysfs directory is a child of its parent device's. */
int sysfs_mdev_parent(const char *uuid, char *buf, size_t len)
{
	char path[PATH_MAX], real[PATH_MAX], *slash;
	int rc;

	rc = dev_path(path, sizeof(path), uuid, NULL);
	if (rc)
		return rc;
	if (!realpath(path, real))
		return -errno;
	slash = strrchr(real, '/');
	if (!slash || slash == real)
		return -ENOENT;
	*slash = '\0';
	slash = strrchr(real, '/');
	slash = slash ? slash + 1 : real;
	if (strlen(slash) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, slash);
	return 0;
}

bool driver_is_vfio(const char *driver)
{
	return driver && (!strcmp(driver, "vfio-pci") || strstr(driver, "vfio"));
}
