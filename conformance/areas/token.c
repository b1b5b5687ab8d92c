// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * token/...: the SR-IOV VF token (SPEC.md REQ-TOKEN-*).  Needs --pf: the PF
 * bound to vfio-pci (loaded with enable_sriov=1) and VFs enabled.  These
 * tests open the PF and a VF themselves (no fixture); every test first sets
 * the suite token on the PF, so they do not depend on each other.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "conform.h"

#define FEATURE_HDR	sizeof(struct vfio_device_feature)

struct token_ctx {
	char pf[BDF_LEN];
	char vf[BDF_LEN * 2];
	const char *token;
	char wrong[VFIO_UUID_STR_LEN + 1];
	char alt[VFIO_UUID_STR_LEN + 1];
	struct vfio_container c;
};

/* Same UUID with one hex digit changed at pos: valid, and different. */
static void token_variant(const char *token, size_t pos, char out[VFIO_UUID_STR_LEN + 1])
{
	snprintf(out, VFIO_UUID_STR_LEN + 1, "%s", token);
	out[pos] = out[pos] == '0' ? '1' : '0';
}

static void token_pick_vf(struct token_ctx *t)
{
	char drv[64] = "none";
	int rc;

	if (strcmp(conform_env.bdf, t->pf)) {
		snprintf(t->vf, sizeof(t->vf), "%s", conform_env.bdf);
	} else {
		rc = sysfs_vf_bdf(t->pf, 0, t->vf, sizeof(t->vf));
		if (rc)
			conform_skip("PF %s: no virtfn0 link (%s)", t->pf, strerror(-rc));
	}
	if (sysfs_driver(t->vf, drv, sizeof(drv)) || !driver_is_vfio(drv))
		conform_skip("VF %s is bound to %s, not to a vfio driver", t->vf, drv);
}

/*
 * No --pf: say why the token area cannot run.  A device that is neither a
 * VF nor an SR-IOV PF has no VF token at all; only an SR-IOV function
 * lacks a PF argument.
 */
static void skip_no_pf(const char *bdf)
{
	char pf[BDF_LEN];

	if (dev_is_mdev(bdf))
		conform_skip("mediated device: no SR-IOV, no VF token");
	if (!sysfs_physfn(bdf, pf, sizeof(pf)))
		conform_skip("device is a VF of %s, but no PF given (--pf %s or "
			     "VFIO_CONFORM_PF)", pf, pf);
	if (sysfs_attr_exists(bdf, "sriov_totalvfs"))
		conform_skip("device is an SR-IOV PF, but no PF given (--pf %s or "
			     "VFIO_CONFORM_PF)", bdf);
	conform_skip("device has no SR-IOV (not a VF, no sriov_totalvfs): no VF token");
}

static void token_prereq(struct token_ctx *t)
{
	char drv[64], err[VFIO_ERR_LEN];
	unsigned int nvfs = 0;

	memset(t, 0, sizeof(*t));
	if (!conform_env.pf)
		skip_no_pf(conform_env.bdf);
	snprintf(t->pf, sizeof(t->pf), "%s", conform_env.pf);
	if (sysfs_driver(t->pf, drv, sizeof(drv)))
		conform_skip("PF %s is not bound to a driver", t->pf);
	if (!driver_is_vfio(drv))
		conform_skip("PF %s is bound to %s, not to vfio-pci", t->pf, drv);
	if (sysfs_num_vfs(t->pf, &nvfs) || !nvfs)
		conform_skip("PF %s has no VFs (sriov_numvfs is 0; vfio-pci needs "
			     "enable_sriov=1)", t->pf);
	token_pick_vf(t);
	t->token = conform_env.token;
	token_variant(t->token, 0, t->wrong);
	token_variant(t->token, VFIO_UUID_STR_LEN - 1, t->alt);
	conform_check_rc(__vfio_container_init(&t->c, err, sizeof(err)), "%s", err);
	print_message("PF %s, VF %s\n", t->pf, t->vf);
}

static void token_set(struct token_ctx *t, const char *token)
{
	char err[VFIO_ERR_LEN] = "";
	int rc = __vfio_pf_set_vf_token(&t->c, t->pf, token, err, sizeof(err));

	conform_check(rc == 0, "setting the VF token: %s", err);
}

/* Device fd, or -errno; group errors fail the test (they are not the point). */
static int token_open(struct token_ctx *t, const char *bdf, const char *token)
{
	char err[VFIO_ERR_LEN] = "";
	int gfd, rc;

	rc = __vfio_container_group(&t->c, bdf, &gfd, err, sizeof(err));
	conform_check(rc == 0, "%s", err);
	return __vfio_group_device_fd(gfd, bdf, token);
}

static void token_done(struct token_ctx *t, int fd1, int fd2)
{
	if (fd1 >= 0)
		close(fd1);
	if (fd2 >= 0)
		close(fd2);
	vfio_container_fini(&t->c);
}

static const char *rc_str(int rc)
{
	return rc >= 0 ? "success" : strerror(-rc);
}

static void expect_refused(struct token_ctx *t, int fd, int fd_keep, const char *what)
{
	if (fd >= 0) {
		token_done(t, fd, fd_keep);
		fail_msg("%s: opened, expected EACCES", what);
	}
	conform_check(fd == -EACCES, "%s: expected EACCES, got %s", what, rc_str(fd));
}

static void expect_usable(int fd, const char *what)
{
	struct vfio_device_info info;

	conform_check(fd >= 0, "%s: %s", what, rc_str(fd));
	conform_check_rc(__vfio_device_get_info(fd, &info), "%s: GET_INFO on the new fd", what);
}

/* Open the VF with the right token: precondition of the PF tests. */
static int token_open_vf(struct token_ctx *t)
{
	int fd = token_open(t, t->vf, t->token);

	conform_check(fd >= 0, "precondition: opening VF %s with the token: %s",
		      t->vf, rc_str(fd));
	return fd;
}

/* The VF's open without a token or with a wrong one is refused. */
static void vf_refused_case(bool wrong, const char *what)
{
	struct token_ctx t;

	token_prereq(&t);
	token_set(&t, t.token);
	expect_refused(&t, token_open(&t, t.vf, wrong ? t.wrong : NULL), -1, what);
	token_done(&t, -1, -1);
}

static void test_vf_without_token(void **state)
{
	(void)state;
	vf_refused_case(false, "VF open without a token");
}

static void test_vf_wrong_token(void **state)
{
	(void)state;
	vf_refused_case(true, "VF open with a wrong token");
}

static void test_vf_malformed_token(void **state)
{
	char truncated[VFIO_UUID_STR_LEN], trailing[VFIO_UUID_STR_LEN + 2];
	char nonhex[VFIO_UUID_STR_LEN + 1];
	const char *bad[4];
	struct token_ctx t;
	size_t i;
	int fd;

	(void)state;
	token_prereq(&t);
	token_set(&t, t.token);
	snprintf(truncated, sizeof(truncated), "%s", t.token);
	snprintf(trailing, sizeof(trailing), "%sx", t.token);
	snprintf(nonhex, sizeof(nonhex), "%s", t.token);
	nonhex[1] = 'g';
	bad[0] = "not-a-uuid";
	bad[1] = truncated;
	bad[2] = trailing;
	bad[3] = nonhex;
	for (i = 0; i < 4; i++) {
		fd = token_open(&t, t.vf, bad[i]);
		if (fd >= 0) {
			token_done(&t, fd, -1);
			fail_msg("VF open with malformed token '%s' succeeded", bad[i]);
		}
		print_message("vf_token=%s: %s\n", bad[i], strerror(-fd));
	}
	token_done(&t, -1, -1);
}

static void test_vf_right_token(void **state)
{
	struct token_ctx t;
	int fd;

	(void)state;
	token_prereq(&t);
	token_set(&t, t.token);
	fd = token_open(&t, t.vf, t.token);
	expect_usable(fd, "VF open with the right token");
	token_done(&t, fd, -1);
}

static void pf_reopen_case(const char *which)
{
	struct token_ctx t;
	const char *token;
	int vf, pf;

	token_prereq(&t);
	token_set(&t, t.token);
	vf = token_open_vf(&t);
	token = !strcmp(which, "none") ? NULL : !strcmp(which, "wrong") ? t.wrong : t.token;
	pf = token_open(&t, t.pf, token);
	if (token == t.token)
		expect_usable(pf, "PF open with the right token while a VF is open");
	else
		expect_refused(&t, pf, vf, token ? "PF open with a wrong token while a VF is open"
				      : "PF open without a token while a VF is open");
	token_done(&t, vf, pf);
}

static void test_pf_without_token(void **state)
{
	(void)state;
	pf_reopen_case("none");
}

static void test_pf_wrong_token(void **state)
{
	(void)state;
	pf_reopen_case("wrong");
}

static void test_pf_right_token(void **state)
{
	(void)state;
	pf_reopen_case("right");
}

static int feature(int fd, uint32_t flags, const uint8_t *data, size_t len)
{
	uint64_t buf[(FEATURE_HDR + 16 + 7) / 8] = { 0 };
	struct vfio_device_feature *f = (void *)buf;

	if (len > 16)
		return -EINVAL;
	f->argsz = (uint32_t)(FEATURE_HDR + len);
	f->flags = flags | VFIO_DEVICE_FEATURE_PCI_VF_TOKEN;
	if (len)
		memcpy(f->data, data, len);
	return ioctl(fd, VFIO_DEVICE_FEATURE, f) ? -errno : 0;
}

/* The PF, opened with the token while no VF is open. */
static int token_open_pf(struct token_ctx *t)
{
	int fd;

	token_set(t, t->token);
	fd = token_open(t, t->pf, t->token);
	conform_check(fd >= 0, "opening PF %s: %s", t->pf, rc_str(fd));
	return fd;
}

static void test_feature_probe(void **state)
{
	struct token_ctx t;
	int pf, rc1, rc2;

	(void)state;
	token_prereq(&t);
	pf = token_open_pf(&t);
	rc1 = feature(pf, VFIO_DEVICE_FEATURE_PROBE, NULL, 0);
	rc2 = feature(pf, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET, NULL, 0);
	token_done(&t, pf, -1);
	conform_check(rc1 == 0, "PROBE of PCI_VF_TOKEN on the PF: %s", rc_str(rc1));
	conform_check(rc2 == 0, "PROBE|SET of PCI_VF_TOKEN on the PF: %s", rc_str(rc2));
}

static void test_feature_get_refused(void **state)
{
	uint8_t data[16];
	struct token_ctx t;
	int pf, rc1, rc2;

	(void)state;
	token_prereq(&t);
	pf = token_open_pf(&t);
	memset(data, 0, sizeof(data));
	rc1 = feature(pf, VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_GET, NULL, 0);
	rc2 = feature(pf, VFIO_DEVICE_FEATURE_GET, data, sizeof(data));
	token_done(&t, pf, -1);
	conform_check(rc1 < 0, "PROBE|GET of PCI_VF_TOKEN succeeded: the token is readable");
	conform_check(rc2 < 0, "GET of PCI_VF_TOKEN succeeded: the token is readable");
}

static void test_feature_set_short(void **state)
{
	uint8_t uuid[16];
	struct token_ctx t;
	int pf, rc8, rc0;

	(void)state;
	token_prereq(&t);
	conform_check(uuid_parse_str(t.alt, uuid) == 0, "bad alt token");
	pf = token_open_pf(&t);
	rc8 = feature(pf, VFIO_DEVICE_FEATURE_SET, uuid, 8);
	rc0 = feature(pf, VFIO_DEVICE_FEATURE_SET, uuid, 0);
	token_done(&t, pf, -1);
	conform_check(rc8 < 0, "SET of PCI_VF_TOKEN with 8 bytes of data succeeded");
	conform_check(rc0 < 0, "SET of PCI_VF_TOKEN with no data succeeded");
	print_message("short SET: %s; empty SET: %s\n", strerror(-rc8), strerror(-rc0));
}

static void test_feature_set_takes_effect(void **state)
{
	struct token_ctx t;
	int pf, rc, vf_alt, vf_old;

	(void)state;
	token_prereq(&t);
	pf = token_open_pf(&t);
	rc = __vfio_feature_set_vf_token(pf, t.alt);
	close(pf);
	conform_check(rc == 0, "SET of PCI_VF_TOKEN to a new UUID: %s", rc_str(rc));
	vf_alt = token_open(&t, t.vf, t.alt);
	if (vf_alt >= 0)
		close(vf_alt);
	vf_old = token_open(&t, t.vf, t.token);
	if (vf_old >= 0)
		close(vf_old);
	token_set(&t, t.token);	/* back to the suite token */
	token_done(&t, -1, -1);
	conform_check(vf_alt >= 0, "VF open with the newly set token: %s", rc_str(vf_alt));
	conform_check(vf_old == -EACCES, "VF open with the previous token: expected EACCES, "
		      "got %s", rc_str(vf_old));
}

#define TOKEN_TEST(name, req, fn) { name, { req }, fn, CONFORM_F_NO_FIXTURE, 0 }

static const struct conform_test tests[] = {
	TOKEN_TEST("token/vf-open-without-token-refused", "REQ-TOKEN-001",
		   test_vf_without_token),
	TOKEN_TEST("token/vf-open-wrong-token-refused", "REQ-TOKEN-002", test_vf_wrong_token),
	TOKEN_TEST("token/vf-open-malformed-token-refused", "REQ-TOKEN-003",
		   test_vf_malformed_token),
	TOKEN_TEST("token/vf-open-right-token", "REQ-TOKEN-004", test_vf_right_token),
	TOKEN_TEST("token/pf-open-without-token-refused-while-vf-open", "REQ-TOKEN-005",
		   test_pf_without_token),
	TOKEN_TEST("token/pf-open-wrong-token-refused-while-vf-open", "REQ-TOKEN-005",
		   test_pf_wrong_token),
	TOKEN_TEST("token/pf-open-right-token-while-vf-open", "REQ-TOKEN-006",
		   test_pf_right_token),
	TOKEN_TEST("token/feature-probe", "REQ-TOKEN-007", test_feature_probe),
	TOKEN_TEST("token/feature-set-takes-effect", "REQ-TOKEN-007",
		   test_feature_set_takes_effect),
	TOKEN_TEST("token/feature-set-short-refused", "REQ-TOKEN-008", test_feature_set_short),
	TOKEN_TEST("token/feature-get-refused", "REQ-TOKEN-009", test_feature_get_refused),
};

CONFORM_AREA(conform_area_token, "token", tests, 500);
