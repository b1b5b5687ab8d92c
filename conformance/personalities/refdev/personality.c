// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * The refdev personality's ops (SPEC.md section 1, hw-model/include/refdev_regs.h):
 * SCRATCH (DEV-REG-005), IRQ_RAISE (DEV-REG-006), SRAM in BAR2
 * (DEV-BAR-002) and, on a VF, the DMA engine (SPEC 1.7, DEV-DMA-*).
 *
 * The DMA engine is detected, not assumed: CAPS has no DMA bit, and a model
 * without the engine reads 0 at reserved offsets and ignores writes there,
 * so the probe writes DMA_RING_SIZE (only while ENABLE is clear, which
 * DEV-DMA-001 allows) and reads it back.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "personality.h"
#include "refdev.h"
#include "refdev_regs.h"
#include "sysfs.h"

#define RING_ENTRIES	64u

static bool refdev_match(uint16_t vendor, uint16_t device, bool is_vf)
{
	(void)is_vf;
	return vendor == REFDEV_PCI_VENDOR_ID &&
	       (device == REFDEV_PCI_PF_DEVICE_ID || device == REFDEV_PCI_VF_DEVICE_ID);
}

static int rd(struct pers_dev *p, uint32_t off, uint32_t *v)
{
	int rc = __vfio_region_read32(p->d->fd, &p->bar[REFDEV_BAR_REGS], off, v);

	if (rc)
		snprintf(p->why, sizeof(p->why), "reading BAR0+0x%03x: %s", off, strerror(-rc));
	return rc;
}

static int wr(struct pers_dev *p, uint32_t off, uint32_t v)
{
	int rc = __vfio_region_write32(p->d->fd, &p->bar[REFDEV_BAR_REGS], off, v);

	if (rc)
		snprintf(p->why, sizeof(p->why), "writing BAR0+0x%03x: %s", off, strerror(-rc));
	return rc;
}

static int refdev_dma_detect(struct pers_dev *p)
{
	uint32_t ctrl = 0, size = 0, back = 0;
	int rc;

	p->has_dma = false;
	if (!p->is_vf)
		return 0;
	if ((rc = rd(p, REFDEV_REG_DMA_CTRL, &ctrl)))
		return rc;
	if (ctrl & REFDEV_DMA_CTRL_ENABLE) {
		p->has_dma = true;
		return 0;
	}
	if ((rc = rd(p, REFDEV_REG_DMA_RING_SIZE, &size)))
		return rc;
	if ((rc = wr(p, REFDEV_REG_DMA_RING_SIZE, size == 2 ? 4 : 2)))
		return rc;
	if ((rc = rd(p, REFDEV_REG_DMA_RING_SIZE, &back)))
		return rc;
	p->has_dma = back == (size == 2 ? 4u : 2u);
	return wr(p, REFDEV_REG_DMA_RING_SIZE, size);
}

static int refdev_restore_timeout(struct pers_dev *p);

static int refdev_init(struct pers_dev *p)
{
	uint32_t id = 0;
	unsigned int i;
	int rc;

	for (i = 0; i <= VFIO_PCI_ROM_REGION_INDEX; i++) {
		rc = __vfio_region_info_fixed(p->d->fd, i, &p->bar[i]);
		if (rc) {
			snprintf(p->why, sizeof(p->why), "REGION_INFO(%u): %s", i, strerror(-rc));
			return rc;
		}
	}
	if (p->bar[REFDEV_BAR_REGS].size < REFDEV_REGS_WINDOW ||
	    p->bar[REFDEV_BAR_SRAM].size < REFDEV_BAR_SRAM_SIZE) {
		snprintf(p->why, sizeof(p->why), "refdev BARs too small");
		return -ENODEV;
	}
	/* memory decode and bus master (DMA, MSI-X delivery) */
	rc = __vfio_dev_enable_dma(p->d);
	if (rc) {
		snprintf(p->why, sizeof(p->why), "enabling memory/bus master: %s", strerror(-rc));
		return rc;
	}
	if ((rc = rd(p, REFDEV_REG_ID, &id)))
		return rc;
	if (id != REFDEV_ID_MAGIC) {
		snprintf(p->why, sizeof(p->why), "refdev ID register reads 0x%08x", id);
		return -ENODEV;
	}
	/* a FAIL in an earlier fault test may have left it shortened */
	(void)refdev_restore_timeout(p);
	return refdev_dma_detect(p);
}

static int refdev_raise_irq(struct pers_dev *p, unsigned int v)
{
	return wr(p, REFDEV_REG_IRQ_RAISE, v);
}

static int refdev_scratch_read(struct pers_dev *p, uint32_t *v)
{
	return rd(p, REFDEV_REG_SCRATCH, v);
}

static int refdev_scratch_write(struct pers_dev *p, uint32_t v)
{
	return wr(p, REFDEV_REG_SCRATCH, v);
}

static int refdev_dma_probe(struct pers_dev *p)
{
	if (!p->is_vf) {
		snprintf(p->why, sizeof(p->why), "the refdev PF has no DMA engine (VF only, SPEC 1.7)");
		return -EOPNOTSUPP;
	}
	if (!p->has_dma) {
		snprintf(p->why, sizeof(p->why), "refdev model has no DMA engine "
			 "(DMA_RING_SIZE at BAR0+0x%03x is not writable)", REFDEV_REG_DMA_RING_SIZE);
		return -EOPNOTSUPP;
	}
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int refdev_do_dma(struct pers_dev *p, const struct dma_buf *ring, uint64_t src,
			 uint64_t dst, uint32_t len, int timeout_ms)
{
	uint32_t ctrl, lo, hi, size, tail, done0, done, status;
	volatile struct refdev_dma_desc *desc;
	uint64_t t0;
	int rc;

	if ((rc = refdev_dma_probe(p)))
		return rc;
	if (ring->len < RING_ENTRIES * sizeof(struct refdev_dma_desc) || (ring->iova & 63)) {
		snprintf(p->why, sizeof(p->why), "ring buffer too small or unaligned");
		return -EINVAL;
	}
	if ((rc = rd(p, REFDEV_REG_DMA_CTRL, &ctrl)))
		return rc;
	if (!(ctrl & REFDEV_DMA_CTRL_ENABLE)) {
		if ((rc = wr(p, REFDEV_REG_DMA_RING_LO, (uint32_t)ring->iova)) ||
		    (rc = wr(p, REFDEV_REG_DMA_RING_HI, (uint32_t)(ring->iova >> 32))) ||
		    (rc = wr(p, REFDEV_REG_DMA_RING_SIZE, RING_ENTRIES)) ||
		    (rc = wr(p, REFDEV_REG_DMA_CTRL, REFDEV_DMA_CTRL_ENABLE)))
			return rc;
	}
	if ((rc = rd(p, REFDEV_REG_DMA_RING_LO, &lo)) || (rc = rd(p, REFDEV_REG_DMA_RING_HI, &hi)) ||
	    (rc = rd(p, REFDEV_REG_DMA_RING_SIZE, &size)) || (rc = rd(p, REFDEV_REG_DMA_TAIL, &tail)) ||
	    (rc = rd(p, REFDEV_REG_DMA_DONE, &done0)) || (rc = rd(p, REFDEV_REG_DMA_STATUS, &status)))
		return rc;
	if (((uint64_t)hi << 32 | lo) != ring->iova || size == 0 ||
	    size * sizeof(struct refdev_dma_desc) > ring->len || tail >= size) {
		snprintf(p->why, sizeof(p->why), "DMA engine enabled with ring 0x%08x%08x size %u "
			 "tail %u, not the suite's ring", hi, lo, size, tail);
		return -EBUSY;
	}
	if (status & REFDEV_DMA_STATUS_ERROR) {
		snprintf(p->why, sizeof(p->why), "DMA_STATUS 0x%08x has ERROR set", status);
		return -EIO;
	}
	desc = (volatile struct refdev_dma_desc *)((uint8_t *)ring->va + tail * sizeof(*desc));
	desc->opcode = REFDEV_DMA_OP_COPY;
	desc->flags = 0;
	desc->status = 0;
	desc->len = len;
	desc->src = src;
	desc->dst = dst;
	desc->result = 0;
	__sync_synchronize();
	if ((rc = wr(p, REFDEV_REG_DMA_TAIL, (tail + 1) % size)))
		return rc;
	t0 = now_ms();
	for (;;) {
		if ((rc = rd(p, REFDEV_REG_DMA_DONE, &done)))
			return rc;
		if (done != done0)
			break;
		if (now_ms() - t0 > (uint64_t)timeout_ms) {
			snprintf(p->why, sizeof(p->why), "DMA descriptor not completed after %d ms "
				 "(DONE %u)", timeout_ms, done);
			return -ETIMEDOUT;
		}
		usleep(1000);
	}
	__sync_synchronize();
	if ((rc = rd(p, REFDEV_REG_DMA_STATUS, &status)))
		return rc;
	if (!(desc->status & REFDEV_DESC_S_DONE) || (desc->status >> REFDEV_DESC_S_ERR_SHIFT) ||
	    (status & REFDEV_DMA_STATUS_ERROR)) {
		snprintf(p->why, sizeof(p->why), "DMA descriptor status 0x%04x, DMA_STATUS 0x%08x",
			 desc->status, status);
		return -EIO;
	}
	return 0;
}

static const uint32_t dma_regs[] = {
	REFDEV_REG_DMA_RING_LO, REFDEV_REG_DMA_RING_HI, REFDEV_REG_DMA_RING_SIZE,
	REFDEV_REG_DMA_CTRL, REFDEV_REG_DMA_HEAD, REFDEV_REG_DMA_TAIL,
	REFDEV_REG_DMA_STATUS, REFDEV_REG_DMA_DONE,
};
#define NDMA_REGS (sizeof(dma_regs) / sizeof(dma_regs[0]))

static int refdev_read_state(struct pers_dev *p, struct pers_state *s)
{
	unsigned int i;
	int rc;

	memset(s, 0, sizeof(*s));
	s->reg_off[s->nregs] = REFDEV_REG_SCRATCH;
	if ((rc = rd(p, REFDEV_REG_SCRATCH, &s->regs[s->nregs++])))
		return rc;
	for (i = 0; p->has_dma && i < NDMA_REGS; i++) {
		s->reg_off[s->nregs] = dma_regs[i];
		if ((rc = rd(p, dma_regs[i], &s->regs[s->nregs])))
			return rc;
		if (dma_regs[i] == REFDEV_REG_DMA_STATUS)	/* BUSY/PAUSED are transient */
			s->regs[s->nregs] &= ~(REFDEV_DMA_STATUS_BUSY | REFDEV_DMA_STATUS_PAUSED);
		s->nregs++;
	}
	s->memlen = REFDEV_BAR_SRAM_SIZE;
	rc = __vfio_region_read(p->d->fd, &p->bar[REFDEV_BAR_SRAM], 0, s->mem, s->memlen);
	if (rc)
		snprintf(p->why, sizeof(p->why), "reading the SRAM: %s", strerror(-rc));
	return rc;
}

static int refdev_set_state(struct pers_dev *p, uint32_t seed)
{
	uint8_t mem[REFDEV_BAR_SRAM_SIZE];
	uint32_t x = seed * 2654435761u + 0x6b43a9b5u, ctrl = 0;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(mem); i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		mem[i] = (uint8_t)x;
	}
	if ((rc = wr(p, REFDEV_REG_SCRATCH, seed ^ 0xc0ffee00u)))
		return rc;
	rc = __vfio_region_write(p->d->fd, &p->bar[REFDEV_BAR_SRAM], 0, mem, sizeof(mem));
	if (rc) {
		snprintf(p->why, sizeof(p->why), "writing the SRAM: %s", strerror(-rc));
		return rc;
	}
	if (!p->has_dma)
		return 0;
	if ((rc = rd(p, REFDEV_REG_DMA_CTRL, &ctrl)))
		return rc;
	if (ctrl & REFDEV_DMA_CTRL_ENABLE)	/* ring registers are fixed while enabled */
		return 0;
	if ((rc = wr(p, REFDEV_REG_DMA_RING_LO, 0x00100000u | ((seed & 0x3f) << 6))) ||
	    (rc = wr(p, REFDEV_REG_DMA_RING_HI, (seed >> 8) & 0xf)) ||
	    (rc = wr(p, REFDEV_REG_DMA_RING_SIZE, 1u << (seed % 10))))
		return rc;
	return 0;
}

static int refdev_check_reset_state(struct pers_dev *p, const struct pers_state *s)
{
	unsigned int i;
	size_t j;

	for (i = 0; i < s->nregs; i++)
		if (s->regs[i]) {
			snprintf(p->why, sizeof(p->why), "register 0x%03x reads 0x%08x after "
				 "reset, reset value 0 (DEV-RST-001/003)", s->reg_off[i], s->regs[i]);
			return -EINVAL;
		}
	for (j = 0; j < s->memlen; j++)
		if (s->mem[j]) {
			snprintf(p->why, sizeof(p->why), "SRAM byte 0x%zx reads 0x%02x after "
				 "reset, expected 0 (DEV-RST-001)", j, s->mem[j]);
			return -EINVAL;
		}
	return 0;
}

/* The data fd carries device streams back to back (STR-001); STOP_COPY
 * alone is one FULL stream starting at byte 0. */
static int refdev_corrupt_stream(enum pers_corrupt how, uint8_t *buf, size_t len)
{
	struct refdev_stream_hdr h;

	if (len < sizeof(h))
		return -EOPNOTSUPP;
	memcpy(&h, buf, sizeof(h));
	if (le32toh(h.magic) != REFDEV_STREAM_MAGIC || le32toh(h.total_len) > len ||
	    le32toh(h.total_len) <= sizeof(h))
		return -EOPNOTSUPP;
	switch (how) {
	case PERS_CORRUPT_MAGIC:
		buf[offsetof(struct refdev_stream_hdr, magic)] ^= 0xff;
		return 0;
	case PERS_CORRUPT_VERSION:
		buf[offsetof(struct refdev_stream_hdr, version)] = REFDEV_STREAM_VERSION + 1;
		return 0;
	case PERS_CORRUPT_BITFLIP:
		buf[sizeof(h) + (le32toh(h.total_len) - sizeof(h)) / 2] ^= 0x10;
		return 0;
	}
	return -EOPNOTSUPP;
}

/* DEV-REINIT-001: a VF_REINIT write; its count tells a model that has it. */
static int refdev_reinit(struct pers_dev *p)
{
	uint32_t before = 0, after = 0;
	int rc;

	if (!p->is_vf) {
		snprintf(p->why, sizeof(p->why), "refdev re-initialisation is a VF event (DEV-REINIT-010)");
		return -EOPNOTSUPP;
	}
	if ((rc = rd(p, REFDEV_REG_VF_REINIT, &before)) ||
	    (rc = wr(p, REFDEV_REG_VF_REINIT, 1)) ||
	    (rc = rd(p, REFDEV_REG_VF_REINIT, &after)))
		return rc;
	if (after != before + 1) {
		snprintf(p->why, sizeof(p->why), "this refdev model has no VF_REINIT register "
			 "(DEV-REINIT-010: count %u -> %u)", before, after);
		return -EOPNOTSUPP;
	}
	return 0;
}

/*
 * Fault hooks: DEV-FI-* armed through the PF driver (refdev_core's debugfs
 * file <PF>/fault_inject, "fault count param vf": ADM-011), found from the
 * VF's physfn. Only a VF of a PF on refdev_core has them.
 */
#define REFDEV_FI_DIR		"/sys/kernel/debug/refdev_core"
#define REFDEV_FI_TIMEOUT	"/sys/module/refdev_core/parameters/aq_timeout_ms"
/*
 * At least refdev_core's timeout of any command but the chunked ones
 * (refdev_aq_timeout_ms(): 2000 ms, VF_RESET 3000; SAVE_CHUNK/LOAD_CHUNK
 * 30000), ms: a LATE completion comes after it. The LATE test arms it for
 * RUNNING -> STOP, whose SUSPEND times out after 2000 ms, or after 600
 * with fault_quick_timeout (set before the arming: the completion comes
 * 2 s after the driver gave up either way); a LATE fault on a chunk
 * command would need 30000.
 */
#define REFDEV_FI_MAX_TIMEOUT_MS	5000u
/*
 * fault_quick_timeout: every refdev_core command times out after this
 * (aq_timeout_ms) until fault_clear, 1.4 s less per hung command than the
 * 2000 ms default. A working refdev completes a short command in the
 * doorbell write (DEV-AQ-018) and the rest in milliseconds even under TCG
 * load. The value also marks the change as the personality's own: only it
 * is put back to 0 (the per-command defaults), never an operator's value.
 */
#define REFDEV_FI_QUICK_TIMEOUT_MS	600u

static int refdev_fault_write(struct pers_dev *p, unsigned int fault,
			      unsigned int count, unsigned long long param)
{
	char pf[BDF_LEN], path[128], cmd[64];
	unsigned int vf = 0;
	FILE *f;
	int rc;

	if (!p->is_vf) {
		snprintf(p->why, sizeof(p->why), "refdev faults are armed for a VF (DEV-FI-009)");
		return -EOPNOTSUPP;
	}
	if ((rc = sysfs_physfn(p->d->bdf, pf, sizeof(pf))) ||
	    (rc = sysfs_vf_index(pf, p->d->bdf, &vf))) {
		snprintf(p->why, sizeof(p->why), "%s: no PF or VF index in sysfs: %s",
			 p->d->bdf, strerror(-rc));
		return -EOPNOTSUPP;
	}
	snprintf(path, sizeof(path), REFDEV_FI_DIR "/%s/fault_inject", pf);
	f = fopen(path, "w");
	if (!f) {
		rc = -errno;
		snprintf(p->why, sizeof(p->why), "no fault injection: %s: %s (PF not on "
			 "refdev_core, debugfs not mounted, or not root)", path, strerror(-rc));
		return -EOPNOTSUPP;
	}
	snprintf(cmd, sizeof(cmd), "%u %u %llu %u\n", fault, count, param, vf);
	rc = fputs(cmd, f) < 0 || fflush(f) ? -errno : 0;
	if (fclose(f) && !rc)
		rc = -errno;
	if (rc)
		snprintf(p->why, sizeof(p->why), "%s: \"%.*s\": %s", path,
			 (int)strlen(cmd) - 1, cmd, strerror(-rc));
	return rc;
}

/* refdev_core's aq_timeout_ms: 0 (the per-command defaults) or one for all */
static unsigned int refdev_aq_timeout(void)
{
	unsigned int ms = 0;
	FILE *f = fopen(REFDEV_FI_TIMEOUT, "r");

	if (f) {
		if (fscanf(f, "%u", &ms) != 1)
			ms = 0;
		fclose(f);
	}
	return ms;
}

static int refdev_set_aq_timeout(struct pers_dev *p, unsigned int ms)
{
	FILE *f = fopen(REFDEV_FI_TIMEOUT, "w");
	int rc;

	if (!f) {
		rc = -errno;
		snprintf(p->why, sizeof(p->why), "%s: %s", REFDEV_FI_TIMEOUT, strerror(-rc));
		return rc;
	}
	rc = fprintf(f, "%u\n", ms) < 0 || fflush(f) ? -errno : 0;
	if (fclose(f) && !rc)
		rc = -errno;
	if (rc)
		snprintf(p->why, sizeof(p->why), "%s: %u: %s", REFDEV_FI_TIMEOUT, ms,
			 strerror(-rc));
	return rc;
}

/*
 * The per-command defaults back where fault_quick_timeout shortened them,
 * by this test or by an earlier one whose process ended before its
 * fault_clear (a FAIL): each test's process is its own.
 */
static int refdev_restore_timeout(struct pers_dev *p)
{
	if (refdev_aq_timeout() != REFDEV_FI_QUICK_TIMEOUT_MS)
		return 0;
	return refdev_set_aq_timeout(p, 0);
}

static int refdev_fault_quick_timeout(struct pers_dev *p)
{
	/* no refdev_core, or a PF: no fault to arm here (fault_arm says why) */
	if (!p->is_vf || access(REFDEV_FI_TIMEOUT, W_OK))
		return -EOPNOTSUPP;
	if (refdev_aq_timeout())	/* the operator's, or already ours */
		return 0;
	return refdev_set_aq_timeout(p, REFDEV_FI_QUICK_TIMEOUT_MS);
}

/* A LATE completion must come after refdev_core gave up on the command. */
static unsigned long long refdev_fault_late_us(void)
{
	unsigned int ms = refdev_aq_timeout();

	if (!ms)
		ms = REFDEV_FI_MAX_TIMEOUT_MS;
	return (ms + 2000ull) * 1000;
}

static int refdev_fault_arm(struct pers_dev *p, enum pers_fault f, unsigned int count)
{
	switch (f) {
	case PERS_FAULT_ERROR:	/* DEV-FI-001, status 0xff INJECTED */
		return refdev_fault_write(p, REFDEV_FAULT_FAIL_STATUS, count, 0);
	case PERS_FAULT_STUCK:	/* DEV-FI-002 */
		return refdev_fault_write(p, REFDEV_FAULT_NO_COMPLETION, count, 0);
	case PERS_FAULT_LATE:	/* DEV-FI-003 */
		return refdev_fault_write(p, REFDEV_FAULT_LATE, count, refdev_fault_late_us());
	}
	snprintf(p->why, sizeof(p->why), "unknown fault %d", (int)f);
	return -EINVAL;
}

/* DEV-FI-008: count 0 disarms a fault; this VF's three, one by one. */
static int refdev_fault_clear(struct pers_dev *p)
{
	static const unsigned int faults[] = {
		REFDEV_FAULT_FAIL_STATUS, REFDEV_FAULT_NO_COMPLETION, REFDEV_FAULT_LATE,
	};
	unsigned int i;
	int rc;

	for (i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		if ((rc = refdev_fault_write(p, faults[i], 0, 0)))
			return rc;
	return refdev_restore_timeout(p);
}

const struct personality pers_refdev = {
	.strict_stream = true,
	.corrupt_stream = refdev_corrupt_stream,
	.p2p_stops_all_dma = true,
	.name = "refdev",
	.match = refdev_match,
	.init = refdev_init,
	.irq_vectors = REFDEV_VF_MSIX_VECTORS,
	.raise_irq = refdev_raise_irq,
	.scratch_read = refdev_scratch_read,
	.scratch_write = refdev_scratch_write,
	.scratch_reset_val = 0,
	.scratch_direct = true,
	.scratch_bar = REFDEV_BAR_REGS,
	.scratch_off = REFDEV_REG_SCRATCH,
	.dma_probe = refdev_dma_probe,
	.do_dma = refdev_do_dma,
	.set_state = refdev_set_state,
	.read_state = refdev_read_state,
	.check_reset_state = refdev_check_reset_state,
	.reinit = refdev_reinit,
	.fault_arm = refdev_fault_arm,
	.fault_clear = refdev_fault_clear,
	.fault_quick_timeout = refdev_fault_quick_timeout,
};
CONFORM_PERSONALITY(pers_refdev);
