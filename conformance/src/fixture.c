// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * The per-test fixture: a fresh container and device fd for every test.
 * With a PF given (and bound to a vfio driver) the PF's VF token is set to
 * the suite token first, and the device is opened with that token.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conform.h"

struct conform_env conform_env;

bool conform_use_token(void)
{
	char drv[64];

	if (!conform_env.pf || !conform_env.token)
		return false;
	return !sysfs_driver(conform_env.pf, drv, sizeof(drv)) && driver_is_vfio(drv);
}

int conform_fixture_open(struct vfio_dev **out, char *err, size_t errlen)
{
	struct vfio_container *c;
	struct vfio_dev *d;
	const char *token = NULL;
	char why[VFIO_ERR_LEN] = "";
	int rc = -ENOMEM;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	c = calloc(1, sizeof(*c));
	if (!d || !c) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	rc = vfio_container_init(c, err, errlen);
	if (rc) {
		free(c);
		c = NULL;
		goto fail;
	}
	if (conform_use_token()) {
		rc = vfio_pf_set_vf_token(c, conform_env.pf, conform_env.token,
					  why, sizeof(why));
		if (rc) {
			snprintf(err, errlen, "setting the VF token: %s", why);
			goto fail_ctr;
		}
		token = conform_env.token;
	}
	rc = vfio_dev_open(d, c, conform_env.bdf, token, err, errlen);
	if (rc)
		goto fail_ctr;
	d->own_ctr = true;	/* the device closes the container */
	*out = d;
	return 0;

fail_ctr:
	vfio_container_fini(c);
	free(c);
fail:
	free(d);
	return rc;
}

void conform_fixture_close(struct vfio_dev *d)
{
	if (!d)
		return;
	vfio_dev_close(d);
	free(d);
}

int conform_fixture_setup(void **state)
{
	char err[VFIO_ERR_LEN] = "";
	struct vfio_dev *d;

	if (conform_fixture_open(&d, err, sizeof(err))) {
		fprintf(stderr, "setup: %s\n", err);
		return -1;
	}
	*state = d;
	return 0;
}

int conform_fixture_teardown(void **state)
{
	conform_fixture_close(*state);
	*state = NULL;
	return 0;
}
