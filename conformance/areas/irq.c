// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * irq/...: VFIO_DEVICE_GET_IRQ_INFO and VFIO_DEVICE_SET_IRQS (SPEC.md
 * REQ-IRQ-*): counts and flags against config space, SET_IRQS validation,
 * MSI-X through eventfds (kernel loopback and, with a personality, real
 * device interrupts), masking, the ERR and REQ indexes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/pci_regs.h>

#include "area_util.h"

#define MAXV 64
#define QUIET_MS 150	/* how long "no further interrupt" is watched */

#define irq_names area_irq_names

/* SET_IRQS DATA_NONE | ACTION_TRIGGER (count 0: disable the index). */
static int irq_trigger(struct vfio_dev *d, uint32_t index, uint32_t start, uint32_t count)
{
	return __vfio_set_irqs(d->fd, index, start, count,
			       VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, NULL);
}

static bool is_pcie(struct vfio_dev *d)
{
	uint8_t cfg[256];

	cfg_image(d, cfg, sizeof(cfg));
	return pci_find_cap(cfg, sizeof(cfg), PCI_CAP_ID_EXP) != 0;
}

/* Vector count of an index (capped at MAXV) or SKIP when it has none */
static uint32_t need_vectors(struct vfio_dev *d, uint32_t index)
{
	struct vfio_irq_info ii = irq_info_prereq(d, index);

	if (!ii.count)
		conform_skip("device has no %s (IRQ_INFO count 0)", irq_names[index]);
	return ii.count > MAXV ? MAXV : ii.count;
}

static uint32_t need_msix(struct vfio_dev *d)
{
	return need_vectors(d, VFIO_PCI_MSIX_IRQ_INDEX);
}

/*
 * The index the SET_IRQS validation tests use: MSI-X, else MSI, else INTx,
 * the first with vectors (an MSI-only device is validated on MSI).
 */
static uint32_t pick_index(struct vfio_dev *d, uint32_t *count)
{
	static const uint32_t order[] = { VFIO_PCI_MSIX_IRQ_INDEX, VFIO_PCI_MSI_IRQ_INDEX,
					  VFIO_PCI_INTX_IRQ_INDEX };
	struct vfio_irq_info ii;
	int rc, first_rc = 0;
	uint32_t failed = 0;
	size_t i;

	for (i = 0; i < NELEM(order); i++) {
		rc = __vfio_irq_info(d->fd, order[i], &ii);
		if (rc && !first_rc) {
			first_rc = rc;
			failed = order[i];
		}
		if (!rc && ii.count) {
			*count = ii.count > MAXV ? MAXV : ii.count;
			print_message("SET_IRQS checks on %s (%u vectors)\n", irq_names[order[i]],
				      ii.count);
			return order[i];
		}
	}
	if (first_rc)
		conform_skip_prereq("REQ-IRQ-001", "GET_IRQ_INFO(%s): %s", irq_names[failed],
				    errname(first_rc));
	conform_skip("device has no INTx, MSI or MSI-X vector (IRQ_INFO counts 0)");
}

struct efds {
	unsigned int n;
	int fd[MAXV];
};

static void efds_new(struct efds *e, unsigned int n)
{
	unsigned int i;

	e->n = n;
	for (i = 0; i < n; i++) {
		e->fd[i] = __efd_new();
		conform_check(e->fd[i] >= 0, "eventfd: %s", strerror(-e->fd[i]));
	}
}

static void efds_close(struct efds *e)
{
	unsigned int i;

	for (i = 0; i < e->n; i++)
		close(e->fd[i]);
	e->n = 0;
}

static void efds_drain(struct efds *e)
{
	unsigned int i;

	for (i = 0; i < e->n; i++)
		efd_take(e->fd[i]);
}

/*
 * Expect exactly `want[i]` signals on each eventfd: wait for the expected
 * ones, then watch QUIET_MS for anything extra.
 */
static void efds_expect(struct efds *e, const uint64_t *want, int wait_ms, const char *what)
{
	uint64_t got[MAXV] = { 0 };
	unsigned int i, pending = 0;
	int waited = 0;

	for (i = 0; i < e->n; i++)
		pending += want[i] ? 1 : 0;
	while (pending && waited < wait_ms) {
		efd_wait_any(e->fd, e->n, 10);
		waited += 10;
		pending = 0;
		for (i = 0; i < e->n; i++) {
			got[i] += efd_take(e->fd[i]);
			if (got[i] < want[i])
				pending++;
		}
	}
	usleep(QUIET_MS * 1000);
	for (i = 0; i < e->n; i++)
		got[i] += efd_take(e->fd[i]);
	for (i = 0; i < e->n; i++)
		conform_check(got[i] == want[i], "%s: vector %u signalled %llu times, "
			      "expected %llu" VFIO_H("DATA_BOOL or DATA_NONE can be used with "
			      "ACTION_TRIGGER to perform kernel level interrupt loopback testing"),
			      what, i, (unsigned long long)got[i],
			      (unsigned long long)want[i]);
}

#define ENABLE_Q VFIO_H("Setting of an event triggering mechanism to userspace for " \
			"ACTION_TRIGGER enables the interrupt index for the device")

/*
 * Eventfds for vectors 0..n-1 of an index.  `own`: this test is
 * REQ-IRQ-009's and a failure is its FAIL; otherwise the test SKIPs behind
 * REQ-IRQ-009.
 */
static void irq_enable_all(struct vfio_dev *d, uint32_t index, struct efds *e, uint32_t n,
			   bool own)
{
	int32_t fds[MAXV];
	unsigned int i;
	int rc;

	efds_new(e, n);
	for (i = 0; i < n; i++)
		fds[i] = e->fd[i];
	rc = __vfio_set_irqs(d->fd, index, 0, n,
			   VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, fds);
	if (rc && !own)
		conform_skip_prereq("REQ-IRQ-009", "SET_IRQS(%s, eventfds for vectors 0..%u): %s",
				    irq_names[index], n - 1, errname(rc));
	conform_check(!rc, "SET_IRQS(%s, eventfds for vectors 0..%u): %s" ENABLE_Q,
		      irq_names[index], n - 1, errname(rc));
}

static void msix_enable_all(struct vfio_dev *d, struct efds *e, uint32_t n)
{
	irq_enable_all(d, VFIO_PCI_MSIX_IRQ_INDEX, e, n, false);
}

/* ---------------- IRQ_INFO ---------------- */

static void test_info_all(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_irq_info ii;
	uint32_t i;
	int rc;

	for (i = 0; i < d->info.num_irqs && i < 64; i++) {
		rc = __vfio_irq_info(d->fd, i, &ii);
		if (i == VFIO_PCI_ERR_IRQ_INDEX && rc == -EINVAL && !is_pcie(d))
			continue;	/* vfio-pci: ERR only for PCI Express functions */
		conform_check(!rc, "GET_IRQ_INFO(index %u < num_irqs %u): %s"
			      VFIO_H("Unimplemented IRQ types return a count of zero"), i,
			      d->info.num_irqs, errname(rc));
		conform_check(ii.index == i, "GET_IRQ_INFO(%u) returned index %u", i, ii.index);
		conform_check(ii.argsz >= sizeof(ii), "argsz shrank to %u", ii.argsz);
		conform_check(!ii.count || (ii.flags & VFIO_IRQ_INFO_EVENTFD),
			      "index %u: count %u but no EVENTFD flag (flags 0x%x)"
			      VFIO_H("The EVENTFD flag indicates the interrupt index supports "
				     "eventfd based signaling"), i,
			      ii.count, ii.flags);
		conform_check(!(ii.flags & ~0xfu), "index %u: undefined flags 0x%x", i,
			      ii.flags);
		print_message("IRQ index %u: count %u flags 0x%x\n", i, ii.count, ii.flags);
	}
}

static void test_info_out_of_range(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const uint32_t bad[] = { d->info.num_irqs, d->info.num_irqs + 1, 0x7fffffffu,
				 0xffffffffu };
	struct vfio_irq_info ii;
	size_t i;
	int rc;

	for (i = 0; i < NELEM(bad); i++) {
		rc = __vfio_irq_info(d->fd, bad[i], &ii);
		conform_check(rc != 0, "GET_IRQ_INFO(index %u >= num_irqs %u) succeeded"
			      VFIO_H("Max IRQ index + 1"), bad[i], d->info.num_irqs);
		print_message("index %u: %s\n", bad[i], errname(rc));
	}
}

static void test_info_argsz(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const uint32_t sizes[] = { 0, 4, 8, 15 };
	struct vfio_irq_info ii;
	size_t i;
	int rc;

	for (i = 0; i < NELEM(sizes); i++) {
		memset(&ii, 0, sizeof(ii));
		ii.argsz = sizes[i];
		ii.index = VFIO_PCI_MSIX_IRQ_INDEX;
		rc = ioctl(d->fd, VFIO_DEVICE_GET_IRQ_INFO, &ii) ? -errno : 0;
		conform_check(rc != 0, "GET_IRQ_INFO with argsz %u succeeded"
			      VFIO_H("It's *always* the caller's responsibility to indicate "
				     "the size of the structure passed by setting argsz"), sizes[i]);
		print_message("argsz %u: %s\n", sizes[i], errname(rc));
	}
}

static void test_intx_count(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_irq_info ii = irq_info_prereq(d, VFIO_PCI_INTX_IRQ_INDEX);
	uint32_t pin = 0;

	conform_check_rc(__vfio_cfg_read(d, PCI_INTERRUPT_PIN, 1, &pin), "reading Interrupt Pin");
	print_message("Interrupt Pin %u, INTx count %u flags 0x%x\n", pin, ii.count, ii.flags);
	if (!pin)
		conform_check(ii.count == 0, "Interrupt Pin is 0 but INTx count is %u"
			      VFIO_H("Zero count irq blocks may be used to describe "
				     "unimplemented interrupt types"), ii.count);
	else
		conform_check(ii.count <= 1, "INTx count %u > 1", ii.count);
	if (ii.count)
		conform_check((ii.flags & (VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED)) ==
			      (VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED),
			      "INTx flags 0x%x lack MASKABLE|AUTOMASKED"
			      VFIO_H("AUTOMASKED ... is primarily intended to distinguish level "
				     "triggered interrupts"), ii.flags);
}

/* MSI's or MSI-X's count against the vectors its capability offers (0
 * without the capability). */
static void check_msi_count(void **state, uint32_t index, uint8_t cap_id, const char *name,
			    const char *has)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_irq_info ii = irq_info_prereq(d, index);
	uint8_t cfg[256];
	unsigned int pos;
	uint32_t want = 0, flags;

	cfg_image(d, cfg, sizeof(cfg));
	pos = pci_find_cap(cfg, sizeof(cfg), cap_id);
	flags = pos ? pci_cfg_r16(cfg, sizeof(cfg), pos + PCI_MSI_FLAGS) : 0; /* = MSIX_FLAGS */
	if (pos && cap_id == PCI_CAP_ID_MSI)
		want = 1u << ((flags & PCI_MSI_FLAGS_QMASK) >> 1);
	else if (pos)
		want = (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
	conform_check(ii.count == want, "%s count %u, the %s capability %s%u"
		      VFIO_H("Unimplemented IRQ types return a count of zero"), name, ii.count,
		      name, pos ? has : "is absent: expected ", want);
}

static void test_msi_count(void **state)
{
	check_msi_count(state, VFIO_PCI_MSI_IRQ_INDEX, PCI_CAP_ID_MSI, "MSI", "advertises ");
}

static void test_msix_count(void **state)
{
	check_msi_count(state, VFIO_PCI_MSIX_IRQ_INDEX, PCI_CAP_ID_MSIX, "MSI-X",
			"has table size ");
}

/*
 * INFO (REQ-IRQ-005): what vfio-pci reports; vfio.h defines the indexes,
 * not their counts.  ERR: 1 on a PCI Express function; otherwise EINVAL or
 * 0 before 7.x, 1 in 7.3.  REQ: 1.
 */
static void test_err_req_count(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_irq_info ii;
	bool pcie = is_pcie(d);
	int rc;

	rc = __vfio_irq_info(d->fd, VFIO_PCI_ERR_IRQ_INDEX, &ii);
	print_message("ERR: %s, count %u (%s function)\n", errname(rc), rc ? 0 : ii.count,
		      pcie ? "PCI Express" : "conventional PCI");
	if (pcie)
		conform_check(!rc && ii.count == 1, "ERR IRQ on a PCI Express function: %s, "
			      "count %u (vfio-pci: 1)", errname(rc), rc ? 0 : ii.count);
	else
		conform_check(rc == -EINVAL || (!rc && ii.count <= 1), "ERR IRQ on a conventional "
			      "PCI function: %s, count %u (vfio-pci: EINVAL or 0 before 7.x, 1 "
			      "in 7.3)", errname(rc), rc ? 0 : ii.count);
	ii = irq_info_prereq(d, VFIO_PCI_REQ_IRQ_INDEX);
	conform_check(ii.count == 1, "REQ IRQ count %u (vfio-pci: 1)", ii.count);
}

/* ---------------- SET_IRQS validation ---------------- */

static void test_set_bad_index(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const uint32_t bad[] = { d->info.num_irqs, d->info.num_irqs + 7, 0xffffffffu };
	size_t i;
	int rc;

	for (i = 0; i < NELEM(bad); i++) {
		rc = irq_trigger(d, bad[i], 0, 0);
		conform_check(rc != 0, "SET_IRQS(index %u, num_irqs %u) succeeded"
			      VFIO_H("Max IRQ index + 1"), bad[i], d->info.num_irqs);
		print_message("index %u: %s\n", bad[i], errname(rc));
	}
}

#define RANGE_Q VFIO_H("'start' and 'count' indicate the range of subindexes being specified")

static void test_set_range(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t n = 0, idx = pick_index(d, &n);
	const struct { uint32_t start, count; } bad[] = {
		{ n, 1 }, { 0, n + 1 }, { n - 1, 2 }, { 0xffffffffu, 1 }, { 1, 0xffffffffu },
		{ n + 5, 0 },
	};
	uint8_t bools[MAXV + 2] = { 0 };
	size_t i;
	int rc;

	for (i = 0; i < NELEM(bad); i++) {
		rc = __vfio_set_irqs_raw(d->fd, sizeof(struct vfio_irq_set) + sizeof(bools),
				       idx, bad[i].start, bad[i].count,
				       VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER,
				       bools, sizeof(bools));
		conform_check(rc != 0, "SET_IRQS(%s, start %u count %u, %u vectors) succeeded"
			      RANGE_Q, irq_names[idx], bad[i].start, bad[i].count, n);
		print_message("start %u count %u: %s\n", bad[i].start, bad[i].count, errname(rc));
	}
}

static void test_set_bad_flags(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	const uint32_t bad[] = {
		VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER,
		VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
		VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK | VFIO_IRQ_SET_ACTION_TRIGGER,
		VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK | VFIO_IRQ_SET_ACTION_MASK,
		VFIO_IRQ_SET_DATA_NONE,				/* no action */
		VFIO_IRQ_SET_ACTION_TRIGGER,			/* no data type */
		VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER | (1u << 6),
		VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER | (1u << 31),
	};
	int32_t fds[MAXV];
	uint32_t n = 0, idx = pick_index(d, &n);
	size_t i;
	int rc;

	for (i = 0; i < MAXV; i++)
		fds[i] = -1;
	for (i = 0; i < NELEM(bad); i++) {
		rc = __vfio_set_irqs_raw(d->fd, sizeof(struct vfio_irq_set) + sizeof(fds),
				       idx, 0, 1, bad[i], fds, sizeof(fds));
		conform_check(rc != 0, "SET_IRQS(%s, flags 0x%x) succeeded: exactly one "
			      "DATA and one ACTION flag are required"
			      VFIO_H("The DATA flags specify the type of data provided"),
			      irq_names[idx], bad[i]);
		print_message("flags 0x%08x: %s\n", bad[i], errname(rc));
	}
	(void)n;
}

static void test_set_argsz(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t n = 0, idx = pick_index(d, &n);
	int32_t fds[2] = { -1, -1 };
	int rc;

	rc = __vfio_set_irqs_raw(d->fd, 8, idx, 0, 0,
			       VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER, NULL, 0);
	conform_check(rc != 0, "SET_IRQS(%s) with argsz 8 succeeded"
		      VFIO_H("Caller provides struct vfio_irq_set with all fields set"),
		      irq_names[idx]);
	print_message("argsz 8: %s\n", errname(rc));
	if (n < 2)
		return;
	rc = __vfio_set_irqs_raw(d->fd, sizeof(struct vfio_irq_set) + 4, idx,
			       0, 2, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			       fds, sizeof(fds));
	conform_check(rc != 0, "SET_IRQS(%s) with 2 eventfds but argsz for 1 succeeded"
		      VFIO_H("Caller provides struct vfio_irq_set with all fields set"),
		      irq_names[idx]);
	print_message("argsz for 1 of 2 eventfds: %s\n", errname(rc));
}

static void test_set_empty_index(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_irq_info ii;
	int32_t fd = -1;
	uint32_t i, failed = 0;
	bool any = false;
	int rc, e, first_rc = 0;

	for (i = VFIO_PCI_INTX_IRQ_INDEX; i <= VFIO_PCI_MSIX_IRQ_INDEX; i++) {
		rc = __vfio_irq_info(d->fd, i, &ii);
		if (rc && !first_rc) {
			first_rc = rc;
			failed = i;
		}
		if (rc || ii.count)
			continue;
		any = true;
		e = __efd_new();
		fd = e;
		rc = __vfio_set_irqs(d->fd, i, 0, 1,
				   VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, &fd);
		close(e);
		conform_check(rc != 0, "SET_IRQS(%s eventfd) succeeded on an index with count 0"
			      VFIO_H("Unimplemented IRQ types return a count of zero"), irq_names[i]);
		rc = irq_trigger(d, i, 0, 1);
		conform_check(rc != 0, "SET_IRQS(%s trigger) succeeded on an index with count 0"
			      VFIO_H("Unimplemented IRQ types return a count of zero"), irq_names[i]);
	}
	if (!any && first_rc)
		conform_skip_prereq("REQ-IRQ-001", "GET_IRQ_INFO(%s): %s", irq_names[failed],
				    errname(first_rc));
	if (!any)
		conform_skip("INTx, MSI and MSI-X all have count > 0");
}

static void test_set_not_eventfd(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t n = 0, idx = pick_index(d, &n);
	int32_t fd;
	int rc;

	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	conform_check(fd >= 0, "open /dev/null");
	rc = __vfio_set_irqs(d->fd, idx, 0, 1,
			   VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, &fd);
	close(fd);
	if (!rc)
		irq_trigger(d, idx, 0, 0);
	conform_check(rc != 0, "SET_IRQS(%s) accepted /dev/null as an eventfd"
		      VFIO_H("DATA_EVENTFD binds the specified ACTION to the provided __s32 eventfd"),
		      irq_names[idx]);
	(void)n;
}

/* ---------------- MSI-X with eventfds ---------------- */

#define DISABLE_Q VFIO_H("the index can be disabled as a whole with: " \
			 "flags = (DATA_NONE|ACTION_TRIGGER), count = 0")

/* REQ-IRQ-009 on MSI-X or MSI: enable all vectors, disable, again. */
static void enable_disable(struct vfio_dev *d, uint32_t index)
{
	uint32_t n = need_vectors(d, index);
	struct efds e;
	int round, rc;

	for (round = 1; round <= 2; round++) {
		irq_enable_all(d, index, &e, n, true);
		rc = irq_trigger(d, index, 0, 0);
		conform_check(!rc, "disabling %s (DATA_NONE, count 0), round %d: %s" DISABLE_Q,
			      irq_names[index], round, errname(rc));
		efds_close(&e);
	}
}

static void test_msix_enable_disable(void **state)
{
	enable_disable(CONFORM_DEV(state), VFIO_PCI_MSIX_IRQ_INDEX);
}

static void test_msi_enable_disable(void **state)
{
	enable_disable(CONFORM_DEV(state), VFIO_PCI_MSI_IRQ_INDEX);
}

/* REQ-IRQ-010 on MSI: DATA_NONE loopback of each vector, once. */
static void test_msi_loopback(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t n = need_vectors(d, VFIO_PCI_MSI_IRQ_INDEX), v;
	uint64_t want[MAXV];
	struct efds e;

	irq_enable_all(d, VFIO_PCI_MSI_IRQ_INDEX, &e, n, false);
	efds_drain(&e);
	for (v = 0; v < n; v++) {
		memset(want, 0, sizeof(want));
		want[v] = 1;
		conform_check_rc(irq_trigger(d, VFIO_PCI_MSI_IRQ_INDEX, v, 1),
				 "SET_IRQS(MSI DATA_NONE trigger, vector %u)", v);
		efds_expect(&e, want, 1000, "MSI DATA_NONE loopback");
	}
	conform_check_rc(irq_trigger(d, VFIO_PCI_MSI_IRQ_INDEX, 0, 0), "disabling MSI");
	efds_close(&e);
}

static void test_msix_loopback_none(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t n = need_msix(d), v;
	uint64_t want[MAXV];
	struct efds e;

	msix_enable_all(d, &e, n);
	efds_drain(&e);
	for (v = 0; v < n; v++) {
		memset(want, 0, sizeof(want));
		want[v] = 1;
		conform_check_rc(irq_trigger(d, VFIO_PCI_MSIX_IRQ_INDEX, v, 1),
				 "SET_IRQS(MSI-X DATA_NONE trigger, vector %u)", v);
		efds_expect(&e, want, 1000, "DATA_NONE loopback");
	}
}

static void test_msix_loopback_bool(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t n = need_msix(d), v;
	uint8_t bools[MAXV];
	uint64_t want[MAXV] = { 0 };
	struct efds e;

	msix_enable_all(d, &e, n);
	efds_drain(&e);
	for (v = 0; v < n; v++) {
		bools[v] = (v % 2) == 0;
		want[v] = bools[v];
	}
	conform_check_rc(__vfio_set_irqs(d->fd, VFIO_PCI_MSIX_IRQ_INDEX, 0, n,
				       VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER, bools),
			 "SET_IRQS(MSI-X DATA_BOOL {1,0,1,...})");
	efds_expect(&e, want, 1000, "DATA_BOOL loopback");
}

static void test_msix_teardown_one(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t n = need_msix(d), v, victim;
	uint64_t want[MAXV] = { 0 };
	int32_t minus1 = -1;
	struct efds e;

	if (n < 2)
		conform_skip("needs 2 MSI-X vectors, the device has %u", n);
	victim = 1;
	msix_enable_all(d, &e, n);
	conform_check_rc(__vfio_set_irqs(d->fd, VFIO_PCI_MSIX_IRQ_INDEX, victim, 1,
				       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
				       &minus1), "SET_IRQS(MSI-X vector %u eventfd -1)", victim);
	efds_drain(&e);
	for (v = 0; v < n; v++)
		want[v] = v != victim;
	conform_check_rc(irq_trigger(d, VFIO_PCI_MSIX_IRQ_INDEX, 0, n),
			 "SET_IRQS(MSI-X DATA_NONE trigger, all vectors)");
	efds_expect(&e, want, 1000, "after de-assigning one vector");
}

static void test_msix_trigger_disabled(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t n = need_msix(d);
	struct efds e;
	uint64_t want[MAXV] = { 0 };
	int rc;

	msix_enable_all(d, &e, n);
	conform_check_rc(irq_trigger(d, VFIO_PCI_MSIX_IRQ_INDEX, 0, 0), "disabling MSI-X");
	efds_drain(&e);
	rc = irq_trigger(d, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1);
	print_message("loopback trigger on disabled MSI-X: %s\n", errname(rc));
	efds_expect(&e, want, 0, "loopback after the index was disabled");
	conform_check(rc != 0, "DATA_NONE trigger on a disabled MSI-X index succeeded");
}

static void test_msix_device_irq(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t n = need_msix(d), v;
	uint64_t want[MAXV];
	struct pers_dev p;
	struct efds e;

	need_pers(d, &p);
	if (p.ops->irq_vectors < n)
		n = p.ops->irq_vectors;
	msix_enable_all(d, &e, n);
	efds_drain(&e);
	for (v = 0; v < n; v++) {
		memset(want, 0, sizeof(want));
		want[v] = 1;
		conform_check(!p.ops->raise_irq(&p, v), "raising vector %u: %s", v, p.why);
		efds_expect(&e, want, 2000, "device interrupt");
	}
}

static void test_msix_device_irq_torn_down(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	uint32_t n = need_msix(d);
	uint64_t want[MAXV] = { 0 };
	int32_t minus1 = -1;
	struct pers_dev p;
	struct efds e;

	need_pers(d, &p);
	if (n < 2 || p.ops->irq_vectors < 2)
		conform_skip("needs 2 MSI-X vectors");
	msix_enable_all(d, &e, 2);
	conform_check_rc(__vfio_set_irqs(d->fd, VFIO_PCI_MSIX_IRQ_INDEX, 1, 1,
				       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
				       &minus1), "SET_IRQS(MSI-X vector 1 eventfd -1)");
	efds_drain(&e);
	conform_check(!p.ops->raise_irq(&p, 1), "raising vector 1: %s", p.why);
	conform_check(!p.ops->raise_irq(&p, 0), "raising vector 0: %s", p.why);
	want[0] = 1;
	efds_expect(&e, want, 2000, "device interrupts after de-assigning vector 1");
}

static void test_msix_mask(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_irq_info ii = irq_info_prereq(d, VFIO_PCI_MSIX_IRQ_INDEX);
	uint64_t want[MAXV] = { 0 };
	struct pers_dev p;
	struct efds e;
	int rc;

	if (!ii.count)
		conform_skip("device has no MSI-X (IRQ_INFO count 0)");
	msix_enable_all(d, &e, 1);
	rc = __vfio_set_irqs(d->fd, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1,
			   VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK, NULL);
	if (!(ii.flags & VFIO_IRQ_INFO_MASKABLE)) {
		conform_check(rc != 0, "MSI-X is not MASKABLE (flags 0x%x) but ACTION_MASK "
			      "succeeded", ii.flags);
		print_message("ACTION_MASK on MSI-X: %s (not MASKABLE)\n", errname(rc));
		return;
	}
	conform_check(!rc, "MSI-X is MASKABLE but ACTION_MASK failed: %s", errname(rc));
	need_pers(d, &p);
	efds_drain(&e);
	conform_check(!p.ops->raise_irq(&p, 0), "raising vector 0: %s", p.why);
	efds_expect(&e, want, 0, "masked vector");
	conform_check_rc(__vfio_set_irqs(d->fd, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1,
				       VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, NULL),
			 "ACTION_UNMASK");
	want[0] = 1;
	efds_expect(&e, want, 2000, "pending interrupt after unmask");
}

static void test_intx_mask(void **state)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_irq_info ii = irq_info_prereq(d, VFIO_PCI_INTX_IRQ_INDEX);
	int32_t fd;
	int e, rc;

	if (!ii.count)
		conform_skip("device has no INTx (IRQ_INFO count 0)");
	e = __efd_new();
	fd = e;
	conform_check_rc(__vfio_set_irqs(d->fd, VFIO_PCI_INTX_IRQ_INDEX, 0, 1,
				       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, &fd),
			 "SET_IRQS(INTx eventfd)");
	rc = __vfio_set_irqs(d->fd, VFIO_PCI_INTX_IRQ_INDEX, 0, 1,
			   VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK, NULL);
	conform_check(!rc, "INTx ACTION_MASK: %s", errname(rc));
	rc = __vfio_set_irqs(d->fd, VFIO_PCI_INTX_IRQ_INDEX, 0, 1,
			   VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK, NULL);
	conform_check(!rc, "INTx ACTION_UNMASK: %s", errname(rc));
	rc = irq_trigger(d, VFIO_PCI_INTX_IRQ_INDEX, 0, 0);
	conform_check(!rc, "disabling INTx: %s", errname(rc));
	close(e);
}

static void single_irq(void **state, uint32_t index)
{
	struct vfio_dev *d = CONFORM_DEV(state);
	struct vfio_irq_info ii;
	uint64_t one[MAXV] = { 1 }, none[MAXV] = { 0 };
	struct efds e;
	int32_t fd, minus1 = -1;
	uint8_t b;
	int rc;

	rc = __vfio_irq_info(d->fd, index, &ii);
	if (rc == -EINVAL && index == VFIO_PCI_ERR_IRQ_INDEX && !is_pcie(d))
		conform_skip("no ERR IRQ on a conventional PCI function (GET_IRQ_INFO: EINVAL)");
	if (rc)
		conform_skip_prereq("REQ-IRQ-001", "GET_IRQ_INFO(%s): %s", irq_names[index],
				    errname(rc));
	if (!ii.count)
		conform_skip("device has no %s IRQ (IRQ_INFO count 0)", irq_names[index]);
	efds_new(&e, 1);
	fd = e.fd[0];
	conform_check_rc(__vfio_set_irqs(d->fd, index, 0, 1,
				       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, &fd),
			 "SET_IRQS(%s eventfd)", irq_names[index]);
	conform_check_rc(irq_trigger(d, index, 0, 1),
			 "SET_IRQS(%s DATA_NONE trigger)", irq_names[index]);
	efds_expect(&e, one, 1000, "DATA_NONE loopback");
	b = 0;
	conform_check_rc(__vfio_set_irqs(d->fd, index, 0, 1,
				       VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER, &b),
			 "SET_IRQS(%s DATA_BOOL 0)", irq_names[index]);
	efds_expect(&e, none, 0, "DATA_BOOL 0");
	b = 1;
	conform_check_rc(__vfio_set_irqs(d->fd, index, 0, 1,
				       VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER, &b),
			 "SET_IRQS(%s DATA_BOOL 1)", irq_names[index]);
	efds_expect(&e, one, 1000, "DATA_BOOL 1");
	rc = __vfio_set_irqs(d->fd, index, 1, 1,
			   VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, &fd);
	conform_check(rc == -EINVAL, "SET_IRQS(%s start 1, count %u): %s, expected EINVAL",
		      irq_names[index], ii.count, errname(rc));
	conform_check_rc(__vfio_set_irqs(d->fd, index, 0, 1,
				       VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
				       &minus1), "SET_IRQS(%s eventfd -1)", irq_names[index]);
	rc = irq_trigger(d, index, 0, 1);
	print_message("loopback after de-assign: %s\n", errname(rc));
	efds_expect(&e, none, 0, "loopback after eventfd -1");
	close(fd);
}

static void test_err_irq(void **state)
{
	single_irq(state, VFIO_PCI_ERR_IRQ_INDEX);
}

static void test_req_irq(void **state)
{
	single_irq(state, VFIO_PCI_REQ_IRQ_INDEX);
}

static const struct conform_test tests[] = {
	{ "irq/info-all-indexes", { "REQ-IRQ-001" }, test_info_all, 0, 0 },
	{ "irq/info-index-out-of-range-rejected", { "REQ-IRQ-002" }, test_info_out_of_range, 0, 0 },
	{ "irq/info-argsz-too-small-rejected", { "REQ-IRQ-002" }, test_info_argsz, 0, 0 },
	{ "irq/intx-count-matches-pin", { "REQ-IRQ-003" }, test_intx_count, 0, 0 },
	{ "irq/msi-count-matches-cap", { "REQ-IRQ-004" }, test_msi_count, 0, 0 },
	{ "irq/msix-count-matches-table-size", { "REQ-IRQ-004" }, test_msix_count, 0, 0 },
	{ "irq/err-req-count", { "REQ-IRQ-005" }, test_err_req_count, 0, 0 },
	{ "irq/set-bad-index-rejected", { "REQ-IRQ-006" }, test_set_bad_index, 0, 0 },
	{ "irq/set-range-beyond-count-rejected", { "REQ-IRQ-006" }, test_set_range, 0, 0 },
	{ "irq/set-bad-flags-rejected", { "REQ-IRQ-007" }, test_set_bad_flags, 0, 0 },
	{ "irq/set-argsz-too-small-rejected", { "REQ-IRQ-006" }, test_set_argsz, 0, 0 },
	{ "irq/set-empty-index-rejected", { "REQ-IRQ-006" }, test_set_empty_index, 0, 0 },
	{ "irq/set-not-an-eventfd-rejected", { "REQ-IRQ-008" }, test_set_not_eventfd, 0, 0 },
	{ "irq/msix-enable-disable", { "REQ-IRQ-009" }, test_msix_enable_disable, 0, 0 },
	{ "irq/msi-enable-disable", { "REQ-IRQ-009" }, test_msi_enable_disable, 0, 0 },
	{ "irq/msi-loopback-data-none", { "REQ-IRQ-010" }, test_msi_loopback, 0, 0 },
	{ "irq/msix-loopback-data-none", { "REQ-IRQ-010" }, test_msix_loopback_none, 0, 0 },
	{ "irq/msix-loopback-data-bool", { "REQ-IRQ-010" }, test_msix_loopback_bool, 0, 0 },
	{ "irq/msix-eventfd-minus-one-deassigns", { "REQ-IRQ-011" }, test_msix_teardown_one, 0, 0 },
	{ "irq/msix-trigger-after-disable-rejected", { "REQ-IRQ-012" }, test_msix_trigger_disabled, 0, 0 },
	{ "irq/msix-device-interrupt-exactly-once", { "REQ-IRQ-013" }, test_msix_device_irq, 0, 0 },
	{ "irq/msix-device-interrupt-deassigned-silent", { "REQ-IRQ-011", "REQ-IRQ-013" },
	  test_msix_device_irq_torn_down, 0, 0 },
	{ "irq/msix-mask-per-maskable-flag", { "REQ-IRQ-014" }, test_msix_mask, 0, 0 },
	{ "irq/intx-mask-unmask", { "REQ-IRQ-014" }, test_intx_mask, 0, 0 },
	{ "irq/err-irq-register-trigger-deassign", { "REQ-IRQ-015" }, test_err_irq, 0, 0 },
	{ "irq/req-irq-register-trigger-deassign", { "REQ-IRQ-015" }, test_req_irq, 0, 0 },
};

CONFORM_AREA(conform_area_irq, "irq", tests, 700);
