/* SPDX-License-Identifier: GPL-2.0-or-later OR MIT */
/*
 * Personalities: how the suite makes a particular device *do* something
 * (raise an interrupt, run DMA, hold recognizable state) through the VFIO
 * regions of an open device.  Areas that need device behaviour look one up
 * with pers_find(); without one they SKIP "no personality for vvvv:dddd".
 *
 * Every op returns 0 or a negative errno and writes a human reason into
 * `why` on failure; none exits or ends the test.  Ops only touch the device
 * through the vfio_dev's regions and, for DMA, the device's container
 * (VFIO_IOMMU_MAP_DMA), so they work on any VFIO driver of the device.
 */
#ifndef CONFORM_PERSONALITY_H
#define CONFORM_PERSONALITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vfio_dev.h"
#include "vfio_ops.h"

#define PERS_STATE_REGS		16
#define PERS_STATE_MEM		4096
#define PERS_WHY		256

/* A device-defined snapshot of user-visible state (registers + memory). */
struct pers_state {
	unsigned int nregs;
	uint32_t reg_off[PERS_STATE_REGS];
	uint32_t regs[PERS_STATE_REGS];
	size_t memlen;
	uint8_t mem[PERS_STATE_MEM];
};

struct pers_dev;

/*
 * Faults a personality can make the device itself commit (fault_arm), on
 * its next `count` operations, whatever driver runs it. What they stand
 * for is device behaviour, so a test can say what the uAPI then promises.
 */
enum pers_fault {
	PERS_FAULT_ERROR,	/* the operation fails: the device reports an error */
	PERS_FAULT_STUCK,	/* the operation never completes: the device hangs */
	PERS_FAULT_LATE,	/* it completes, but only after the driver's timeout */
};

/* Ways to make a saved migration stream invalid (corrupt_stream). */
enum pers_corrupt {
	PERS_CORRUPT_MAGIC,	/* the stream's magic number */
	PERS_CORRUPT_VERSION,	/* a format version the device does not know */
	PERS_CORRUPT_BITFLIP,	/* one bit of the payload (integrity check) */
};

struct personality {
	const char *name;
	/* The device is one this personality drives (IDs as in sysfs). */
	bool (*match)(uint16_t vendor, uint16_t device, bool is_vf);
	/* Prepare: region info, memory decode + bus master on.  Must precede
	 * every other op. */
	int (*init)(struct pers_dev *p);
	/* Number of interrupt vectors raise_irq() can raise (MSI-X). */
	unsigned int irq_vectors;
	/*
	 * Make the device send MSI-X vector v once (the caller enabled MSI-X
	 * with SET_IRQS).  Guarantee: exactly one message on v, none on other
	 * vectors, unless masked.
	 */
	int (*raise_irq)(struct pers_dev *p, unsigned int v);
	/* SCRATCH-like register: a value the device keeps until reset (reset
	 * value *reset_val). */
	int (*scratch_read)(struct pers_dev *p, uint32_t *v);
	int (*scratch_write)(struct pers_dev *p, uint32_t v);
	uint32_t scratch_reset_val;
	/* Where SCRATCH lives, for direct stores through a BAR mapping (the
	 * mmap tests store only there); scratch_direct false: nowhere. */
	bool scratch_direct;
	uint32_t scratch_bar, scratch_off;
	/*
	 * Whether the device can do DMA at all (0) or -EOPNOTSUPP with the
	 * reason (e.g. the model has no DMA engine yet).
	 */
	int (*dma_probe)(struct pers_dev *p);
	/*
	 * Copy len bytes from src to dst (IOVAs in the device's address
	 * space, mapped by the caller) and wait (up to timeout_ms) for
	 * completion.  ring: one mapped page at least 4 KiB, 64-byte aligned,
	 * that the personality may use for descriptors; the engine stays
	 * enabled afterwards (its position is device state).  Guarantee on
	 * 0: the bytes are in dst and the device wrote nothing outside dst
	 * and the ring page.
	 */
	int (*do_dma)(struct pers_dev *p, const struct dma_buf *ring, uint64_t src,
		      uint64_t dst, uint32_t len, int timeout_ms);
	/* Put a recognizable state derived from seed into the device. */
	int (*set_state)(struct pers_dev *p, uint32_t seed);
	/* Snapshot the user-visible state (no side effects). */
	int (*read_state)(struct pers_dev *p, struct pers_state *s);
	/*
	 * The driver's migration data stream is fully checked on RESUMING ->
	 * STOP: any change of a saved stream (a changed byte, bytes missing or
	 * added) makes it invalid.  A generic device need not promise that.
	 */
	bool strict_stream;
	/* Corrupt a STOP_COPY stream of this device in place (0), or
	 * -EOPNOTSUPP. */
	int (*corrupt_stream)(enum pers_corrupt how, uint8_t *buf, size_t len);
	/* The device starts no DMA in RUNNING_P2P (it cannot tell P2P DMA
	 * from other DMA, so it quiesces all of it, as vfio.h requires). */
	bool p2p_stops_all_dma;
	/* The state a reset leaves: 0 if s is it, else -EINVAL with why. */
	int (*check_reset_state)(struct pers_dev *p, const struct pers_state *s);
	/*
	 * Optional (NULL: the device has no such event): make the running
	 * device re-initialise its migration state, so that what PRE_COPY
	 * already sent no longer describes it (vfio.h VFIO_PRECOPY_INFO_REINIT:
	 * "new initial data ... from device reconfiguration during migration").
	 * Called in PRE_COPY. Guarantee on 0: the driver has new initial data
	 * for the session; user-visible state (read_state) is unchanged.
	 * -EOPNOTSUPP with why: this device (model) has no such event.
	 */
	int (*reinit)(struct pers_dev *p);
	/*
	 * Optional fault hooks (NULL: the fault tests SKIP "personality X has
	 * no fault injection"). fault_arm makes the next `count` device
	 * operations of this function (the ones its migration driver issues
	 * for an arc, a query or a reset) commit fault f; -EOPNOTSUPP with why
	 * where this setup cannot (no injection interface, not root, a PF).
	 * fault_clear disarms every fault of the function; call it after each
	 * check, since an arc that needed no device operation leaves the fault
	 * armed. Guarantee: no other function is affected, and a disarmed
	 * device behaves as before.
	 */
	int (*fault_arm)(struct pers_dev *p, enum pers_fault f, unsigned int count);
	int (*fault_clear)(struct pers_dev *p);
	/*
	 * Optional (NULL: the driver's own timeout): until fault_clear, the
	 * driver gives up on an operation the device hangs on sooner than by
	 * its own command timeout, yet still far above the time any operation
	 * of a working device takes, so that a test which needs a command to
	 * time out but does not measure how long it waits (REQ-FAULT-001, -003)
	 * spends less time waiting. Not for REQ-FAULT-002, which measures a
	 * reset against the driver's own timeout. Call it after the arc's
	 * preparation and right before fault_arm (a LATE completion is timed
	 * from the timeout then in force); failing is no error (the wait is
	 * the driver's own, only longer), -EOPNOTSUPP where fault_arm will
	 * say why it cannot arm.
	 */
	int (*fault_quick_timeout)(struct pers_dev *p);
};

struct pers_dev {
	const struct personality *ops;
	struct vfio_dev *d;
	uint16_t vendor, device;
	bool is_vf;
	bool has_dma;
	struct vfio_region_info bar[VFIO_PCI_ROM_REGION_INDEX + 1];
	char why[PERS_WHY];
};

/* Find and init the personality of d: 0, or -ENOENT (none; why says
 * "no personality for vvvv:dddd") or another -errno from init. */
int pers_find(struct vfio_dev *d, struct pers_dev *p);

/* Compare two snapshots: true if equal, else false with the first
 * difference in why. */
bool pers_state_equal(const struct pers_state *a, const struct pers_state *b,
		      char *why, size_t len);

/*
 * Register a personality: one line after its ops in its own folder
 * (personalities/<dev>/), nothing else to edit.  The linker gathers the
 * pointers in section conform_personalities; pers_find() asks each in
 * name order.
 */
#define CONFORM_PERSONALITY(sym)					\
	static const struct personality *const sym##_reg		\
	__attribute__((used, section("conform_personalities"))) = &sym

#endif /* CONFORM_PERSONALITY_H */
