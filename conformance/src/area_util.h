/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * Helpers shared by the irq, reset, migration, precopy, migration-data,
 * resume, dirty and iommufd areas.  They fail or skip the running test
 * (in a test only: they end the running test).
 */
#ifndef CONFORM_AREA_UTIL_H
#define CONFORM_AREA_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "conform.h"
#include "mig_fsm.h"
#include "pci_cfg.h"
#include "personality.h"
#include "vfio_ops.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * The sentence a check rests on, appended to its FAIL message (SPEC.md 2:
 * every FAIL quotes its source), e.g.
 *   conform_check(ok, "count %u" VFIO_H("Unimplemented IRQ types return a count of zero"), n);
 */
#define VFIO_H(sentence)	" -- vfio.h: \"" sentence "\""
/* The PCI specifications are cited by section with what they say, not quoted. */
#define PCI_REF(section, what)	" -- " section ": " what

/* rc (0 or -errno) must be the error want: "what: EGOT, expected EWANT". */
#define conform_check_err(rc, want, what)				\
	do {								\
		int conform_err_ = (rc);				\
		conform_check(conform_err_ == (want), what ": %s, expected %s", \
			      errname(conform_err_), errname(want));	\
	} while (0)

/*
 * One deviation, one failure: SKIP a test whose first step is another
 * requirement's check when that step failed; the test of `req` reports it.
 */
static inline void __attribute__((format(printf, 2, 3), noreturn))
conform_skip_prereq(const char *req, const char *fmt, ...)
{
	char what[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	conform_skip("prerequisite %s failed: %s", req, what);
}

/* The device's personality, or SKIP "no personality for vvvv:dddd". */
static inline void need_pers(struct vfio_dev *d, struct pers_dev *p)
{
	int rc = pers_find(d, p);

	if (rc == -ENOENT)
		conform_skip("%s", p->why);
	conform_check(!rc, "personality %s: %s", p->ops ? p->ops->name : "?", p->why);
}

/* ... and a DMA engine, or SKIP with the personality's reason. */
static inline void need_dma(struct vfio_dev *d, struct pers_dev *p)
{
	need_pers(d, p);
	if (p->ops->dma_probe(p))
		conform_skip("%s", p->why);
}

/* Config space image through the config region (up to 4 KiB). */
static inline size_t cfg_image(struct vfio_dev *d, uint8_t *buf, size_t len)
{
	ssize_t n = __vfio_cfg_read_all(d, buf, len);

	conform_check(n > 0, "reading config space through VFIO: %s",
		      strerror(n < 0 ? (int)-n : EIO));
	return (size_t)n;
}

/* Migration flags or SKIP "device does not support migration (...)". */
static inline uint64_t need_migration(struct vfio_dev *d)
{
	uint64_t flags = 0;
	int rc = __vfio_mig_flags(d->fd, &flags);

	if (rc)
		conform_skip("device does not support migration "
			     "(VFIO_DEVICE_FEATURE_MIGRATION: %s)", errname(rc));
	return flags;
}

static inline void need_mig_state(uint64_t flags, uint32_t s)
{
	if (!mig_state_supported(s, flags))
		conform_skip("device does not support %s (migration flags 0x%llx)",
			     mig_state_name(s), (unsigned long long)flags);
}

static inline uint32_t mig_state_now(struct vfio_dev *d)
{
	uint32_t s = 0;

	conform_check_rc(__vfio_mig_get_state(d->fd, &s), "MIG_DEVICE_STATE GET");
	return s;
}

#define TRANSITION_Q VFIO_H("The kernel migration driver must fully transition the " \
			    "device to the new state value before the operation returns")
#define DATA_FD_Q VFIO_H("If the new_state starts a new data transfer session then the " \
			 "FD associated with that session is returned in data_fd")

/* SET_STATE that must work; returns the data fd (or -1). */
static inline int mig_go(struct vfio_dev *d, uint32_t s)
{
	int fd = -1, rc = __vfio_mig_set_state(d->fd, s, &fd);

	conform_check(!rc, "MIG_DEVICE_STATE SET %s (from %s): %s" TRANSITION_Q,
		      mig_state_name(s), mig_state_name(mig_state_now(d)), errname(rc));
	return fd;
}

/*
 * SET_STATE as a test's preparation: a refused arc is REQ-MIG-004's
 * (migration/arc-*), so the test SKIPs behind it.
 */
static inline int mig_go_prereq(struct vfio_dev *d, uint32_t s)
{
	uint32_t from = mig_state_now(d);
	int fd = -1, rc = __vfio_mig_set_state(d->fd, s, &fd);

	if (rc)
		conform_skip_prereq("REQ-MIG-004", "MIG_DEVICE_STATE SET %s (from %s): %s",
				    mig_state_name(s), mig_state_name(from), errname(rc));
	return fd;
}

/*
 * Leave the device as a fresh open finds it, in RUNNING, once the test's
 * checks are done: a driver whose close keeps the migration state (the
 * kernel's mtty sample) would otherwise make the next test's fixture find
 * it elsewhere and end the run.  Best effort; migration/
 * state-running-after-reopen is the test of that behaviour (REQ-MIG-002).
 */
static inline void mig_restore(struct vfio_dev *d)
{
	uint32_t s = VFIO_DEVICE_STATE_RUNNING;

	if (__vfio_mig_get_state(d->fd, &s) || s == VFIO_DEVICE_STATE_RUNNING)
		return;
	if (!__vfio_mig_set_state(d->fd, VFIO_DEVICE_STATE_RUNNING, NULL))
		return;
	/*
	 * e.g. RESUMING with no data: "To abort a RESUMING session the device
	 * must be reset".  Tried without VFIO_DEVICE_FLAGS_RESET too: a device
	 * that cannot reset refuses the ioctl, and this is no check.
	 */
	(void)!ioctl(d->fd, VFIO_DEVICE_RESET);
}

/* Set or clear Memory Space Enable in the (virtual) Command register. */
static inline void set_memory(struct vfio_dev *d, bool on)
{
	uint32_t cmd = 0;

	conform_check_rc(__vfio_cfg_read(d, 0x04, 2, &cmd), "Command read");
	cmd = on ? cmd | 0x2 : cmd & ~0x2u;
	conform_check_rc(__vfio_cfg_write(d, 0x04, 2, cmd), "Command write 0x%04x", cmd);
}

static inline uint64_t page_size(void)
{
	return (uint64_t)sysconf(_SC_PAGESIZE);
}

static inline void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* VFIO_DEVICE_RESET or SKIP when the device has no RESET flag. */
static inline void need_reset_flag(struct vfio_dev *d)
{
	if (!(d->info.flags & VFIO_DEVICE_FLAGS_RESET))
		conform_skip("device does not support VFIO_DEVICE_RESET (no "
			     "VFIO_DEVICE_FLAGS_RESET)");
}

static const char *const area_irq_names[] = { "INTx", "MSI", "MSI-X", "ERR", "REQ" };

/*
 * GET_IRQ_INFO of an index this test needs; a failure is REQ-IRQ-001's
 * (irq/info-all-indexes), so the test SKIPs behind it.
 */
static inline struct vfio_irq_info irq_info_prereq(struct vfio_dev *d, uint32_t index)
{
	struct vfio_irq_info ii;
	int rc = __vfio_irq_info(d->fd, index, &ii);

	if (rc)
		conform_skip_prereq("REQ-IRQ-001", "GET_IRQ_INFO(%s): %s",
				    index < NELEM(area_irq_names) ? area_irq_names[index] : "?",
				    errname(rc));
	return ii;
}

#endif /* CONFORM_AREA_UTIL_H */
