// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * The per-test fixture: a fresh container and device fd for every test.
 * With a PF given (and bound to a vfio driver) the device is opened with
 * the suite's VF token, which is set on the PF first when the VF refuses it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/ioctl.h>

#include "conform.h"
#include "mig_fsm.h"
#include "vfio_ops.h"

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
	int gfd, rc = -ENOMEM;

	*out = NULL;
	d = calloc(1, sizeof(*d));
	c = calloc(1, sizeof(*c));
	if (!d || !c) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	rc = __vfio_container_init(c, err, errlen);
	if (rc) {
		free(c);
		c = NULL;
		goto fail;
	}
	if (conform_use_token()) {
		/* the PF's group joins the container, opened or not (mmap.c) */
		rc = __vfio_container_group(c, conform_env.pf, &gfd, err, errlen);
		if (rc)
			goto fail_ctr;
		token = conform_env.token;
	}
	rc = __vfio_dev_open(d, c, conform_env.bdf, token, err, errlen);
	/*
	 * The PF keeps its VF token from one open to the next: set it only
	 * when the VF refuses ours (the first test, or a token test changed
	 * it).  Each PF open and close resets the PF, and with its VFs
	 * enabled Linux sleeps 100 ms restoring them.
	 */
	if (rc == -EACCES && token) {
		rc = __vfio_pf_set_vf_token(c, conform_env.pf, token, why, sizeof(why));
		if (rc) {
			snprintf(err, errlen, "setting the VF token: %s", why);
			goto fail_ctr;
		}
		rc = __vfio_dev_open(d, c, conform_env.bdf, token, err, errlen);
	}
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

/*
 * Before each test the device must be as a fresh user finds it: in RUNNING
 * when it has migration ("To recover from ERROR VFIO_DEVICE_RESET must be
 * used to return the device_state back to RUNNING", vfio.h).  A device left
 * elsewhere by the previous test is reset when it offers
 * VFIO_DEVICE_FLAGS_RESET; note[] then says so.  -1 when it did not come
 * back (err[] says why): the run cannot go on.
 */
int conform_fixture_check(struct vfio_dev *d, char *note, size_t nlen,
			  char *err, size_t errlen)
{
	uint32_t s = 0, s2 = 0;
	uint64_t flags = 0;
	int rc;

	note[0] = '\0';
	if (__vfio_mig_flags(d->fd, &flags))
		return 0;		/* no migration: no state to check */
	rc = __vfio_mig_get_state(d->fd, &s);
	if (!rc && s == VFIO_DEVICE_STATE_RUNNING)
		return 0;
	if (!(d->info.flags & VFIO_DEVICE_FLAGS_RESET)) {
		snprintf(err, errlen, "migration state %s at open, not RUNNING, and no "
			 "VFIO_DEVICE_FLAGS_RESET to bring it back",
			 rc ? errname(rc) : mig_state_name(s));
		return -1;
	}
	if (ioctl(d->fd, VFIO_DEVICE_RESET)) {
		snprintf(err, errlen, "migration state %s at open, not RUNNING; "
			 "VFIO_DEVICE_RESET failed: %s",
			 rc ? errname(rc) : mig_state_name(s), strerror(errno));
		return -1;
	}
	if (__vfio_mig_get_state(d->fd, &s2) || s2 != VFIO_DEVICE_STATE_RUNNING) {
		snprintf(err, errlen, "migration state %s at open, still %s after "
			 "VFIO_DEVICE_RESET", rc ? errname(rc) : mig_state_name(s),
			 mig_state_name(s2));
		return -1;
	}
	snprintf(note, nlen, "fixture: migration state %s at open; VFIO_DEVICE_RESET "
		 "brought the device back to RUNNING", rc ? errname(rc) : mig_state_name(s));
	return 0;
}

int conform_fixture_setup(void **state)
{
	char err[VFIO_ERR_LEN] = "", note[256];
	struct vfio_dev *d;

	if (conform_fixture_open(&d, err, sizeof(err)))
		conform_setup_failed("%s", err);
	if (conform_fixture_check(d, note, sizeof(note), err, sizeof(err))) {
		conform_fixture_close(d);
		conform_wedged("%s", err);
	}
	if (note[0])
		print_message("%s\n", note);
	*state = d;
	return 0;
}

/* The runner's probe: can the device still be opened and answer GET_INFO? */
int conform_fixture_probe(char *why, size_t len)
{
	char err[VFIO_ERR_LEN] = "";
	struct vfio_dev *d;

	if (conform_fixture_open(&d, err, sizeof(err))) {
		snprintf(why, len, "%s", err);
		return -1;
	}
	conform_fixture_close(d);
	return 0;
}

int conform_fixture_teardown(void **state)
{
	conform_fixture_close(*state);
	*state = NULL;
	return 0;
}
