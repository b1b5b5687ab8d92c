// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * feature/...: the generic VFIO_DEVICE_FEATURE contract for a feature the
 * device does not have, and info/fdinfo-...: what /proc/self/fdinfo says
 * about a device fd (SPEC.md REQ-FEATURE-001/002, REQ-INFO-008).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "area_util.h"

/* No kernel defines feature 0xffff (the last 16-bit index). */
#define FEATURE_UNKNOWN	0xffffu

static const uint32_t unknown_ops[] = {
	VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_SET,
	VFIO_DEVICE_FEATURE_PROBE,
	VFIO_DEVICE_FEATURE_GET,
	VFIO_DEVICE_FEATURE_SET,
};

static void test_unknown_fails(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	unsigned int i;
	int rc;

	for (i = 0; i < NELEM(unknown_ops); i++) {
		rc = __vfio_feature(d->fd, unknown_ops[i] | FEATURE_UNKNOWN, NULL, 0);
		conform_check(rc != 0, "VFIO_DEVICE_FEATURE flags 0x%x (feature 0x%x, which no "
			      "kernel defines) succeeded" VFIO_H("Probing a feature will return "
			      "success if the feature is supported"), unknown_ops[i] | FEATURE_UNKNOWN,
			      FEATURE_UNKNOWN);
		print_message("flags 0x%x: %s\n", unknown_ops[i] | FEATURE_UNKNOWN, errname(rc));
	}
}

static void test_unknown_enotty(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	unsigned int i;
	int rc;

	for (i = 0; i < NELEM(unknown_ops); i++) {
		rc = __vfio_feature(d->fd, unknown_ops[i] | FEATURE_UNKNOWN, NULL, 0);
		conform_check(rc == -ENOTTY, "VFIO_DEVICE_FEATURE flags 0x%x (unknown feature): "
			      "%s, expected ENOTTY", unknown_ops[i] | FEATURE_UNKNOWN,
			      errname(rc));
	}
}

/* The value of "key: value" in /proc/self/fdinfo/<fd>, or false. */
static bool fdinfo_value(int fd, const char *key, char *out, size_t len)
{
	char path[64], line[PATH_MAX + 64];
	size_t klen = strlen(key);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	conform_check(f != NULL, "open %s: %s", path, strerror(errno));
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		snprintf(out, len, "%s", line + klen + 1 + strspn(line + klen + 1, " \t"));
		out[strcspn(out, "\n")] = 0;
		found = true;
	}
	fclose(f);
	return found;
}

static void test_fdinfo_syspath(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	char val[PATH_MAX], dev[PATH_MAX + 64], real_val[PATH_MAX], real_dev[PATH_MAX];

	if (!fdinfo_value(d->fd, "vfio-device-syspath", val, sizeof(val)))
		conform_skip("the device fd's fdinfo has no vfio-device-syspath line (the "
			     "running kernel does not report it)");
	print_message("vfio-device-syspath: %s\n", val);
	snprintf(dev, sizeof(dev), "%s/%s", sysfs_dev_root(d->bdf), d->bdf);
	conform_check(realpath(dev, real_dev) != NULL, "realpath %s: %s", dev, strerror(errno));
	conform_check(realpath(val, real_val) != NULL, "vfio-device-syspath %s does not "
		      "resolve: %s", val, strerror(errno));
	conform_check(!strcmp(real_val, real_dev), "vfio-device-syspath %s is not the device "
		      "%s (%s)", real_val, d->bdf, real_dev);
}

static const struct conform_test feature_tests[] = {
	{ "feature/unknown-feature-fails", { "REQ-FEATURE-001" }, test_unknown_fails, 0, 0 },
	{ "feature/unknown-feature-answers-enotty", { "REQ-FEATURE-002" },
	  test_unknown_enotty, 0, 0 },
};

static const struct conform_test fdinfo_tests[] = {
	{ "info/fdinfo-names-device", { "REQ-INFO-008" }, test_fdinfo_syspath, 0, 0 },
};

CONFORM_AREA(conform_area_feature, "feature", feature_tests, 300);
CONFORM_AREA(conform_area_info_fdinfo, "info", fdinfo_tests, 110);
