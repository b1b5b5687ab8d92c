// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * refdev-dma: drive one refdev VF's DMA engine through VFIO, as a user
 * space driver would. A short, complete example of the VFIO type1 flow:
 *
 *   group + container + device fd -> IOMMU map of our buffers -> BAR0
 *   registers through the region -> MSI-X vectors into eventfds -> a copy
 *   and a checksum by the device -> the interrupt -> verify the bytes.
 *   Then a descriptor that reads unmapped IOVA: the IOMMU blocks it, the
 *   device reports READ and raises its error vector.
 *
 *   refdev-dma <VF BDF>        (the VF bound to vfio-pci or a variant driver)
 *   refdev-dma --until STEP <VF BDF>
 *
 * TAP 13 on stdout, test names device/dma-*; SPEC.md section 1.7 (DEV-DMA-*).
 * --until stops after one step of the flow (open, map, msix, engine) and
 * says what each step did instead of the TAP: docs/tutorial.md runs it
 * step by step.
 * The VFIO steps are libvfio's (../../libvfio): a failing step bails out.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libvfio.h"
#include "refdev_regs.h"

#define IOVA_RING	0x100000ull
#define IOVA_SRC	0x200000ull
#define IOVA_DST	0x300000ull
#define IOVA_UNMAPPED	0x900000ull
#define BUF_SIZE	0x10000u	/* 64 KiB: 16 pages, several engine steps */
#define RING_ENTRIES	16u
#define IRQ_TIMEOUT_MS	5000

struct vf {
	struct vfio_dev dev;
	struct vfio_region_info bar0;
	int irq_done, irq_error;	/* eventfds of MSI-X vectors 0 and 1 */
	struct refdev_dma_desc *ring;
	uint8_t *src, *dst;
};

static size_t test_no;
static int failures;
static bool narrate;	/* --until: one line per step instead of TAP */

/* step: what a step of the flow did (with --until only) */
static void step(const char *fmt, ...)
{
	va_list ap;

	if (!narrate)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void tap(bool ok, const char *name, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	if (!ok && fmt) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
		tap_diag(stdout, why);
	}
	if (!narrate)
		tap_line(stdout, ++test_no, name, ok ? TAP_PASS : TAP_FAIL, NULL);
	failures += !ok;
}

/* ---- VFIO setup (libvfio: each step fails the run with a message) ---- */

/* Anonymous memory, mapped for the device at @iova. */
static void *dma_buffer(struct vf *vf, uint64_t iova, size_t size)
{
	struct dma_buf b;

	dma_buf_map(&b, vf->dev.ctr->fd, iova, size);
	return b.va;
}

/* MSI-X vectors 0 (completion) and 1 (error) into two eventfds. */
static void wire_msix(struct vf *vf)
{
	int32_t fds[2];

	vf->irq_done = efd_new();
	vf->irq_error = efd_new();
	fds[0] = vf->irq_done;
	fds[1] = vf->irq_error;
	vfio_set_irqs(vf->dev.fd, VFIO_PCI_MSIX_IRQ_INDEX, 0, 2,
		      VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, fds);
	step("msix: MSI-X vector 0 (completion) and 1 (error) signal two eventfds");
}

/* ---- registers ----------------------------------------------------- */

static uint32_t reg_read(struct vf *vf, uint32_t reg)
{
	return vfio_region_read32(vf->dev.fd, &vf->bar0, reg);
}

static void reg_write(struct vf *vf, uint32_t reg, uint32_t val)
{
	vfio_region_write32(vf->dev.fd, &vf->bar0, reg, val);
}

/* ---- the checks ---------------------------------------------------- */

/* Wait for one interrupt on @fd; returns the count read (0 on timeout). */
static uint64_t wait_irq(int fd)
{
	return efd_wait_any(&fd, 1, IRQ_TIMEOUT_MS) == 0 ? efd_take(fd) : 0;
}

static void start_engine(struct vf *vf)
{
	reg_write(vf, REFDEV_REG_DMA_RING_LO, (uint32_t)IOVA_RING);
	reg_write(vf, REFDEV_REG_DMA_RING_HI, (uint32_t)(IOVA_RING >> 32));
	reg_write(vf, REFDEV_REG_DMA_RING_SIZE, RING_ENTRIES);
	reg_write(vf, REFDEV_REG_DMA_CTRL, REFDEV_DMA_CTRL_ENABLE | REFDEV_DMA_CTRL_IRQ);
	tap(reg_read(vf, REFDEV_REG_DMA_CTRL) & REFDEV_DMA_CTRL_ENABLE,
	    "device/dma-engine-enabled", "DMA_CTRL 0x%x, DMA_STATUS 0x%x",
	    reg_read(vf, REFDEV_REG_DMA_CTRL), reg_read(vf, REFDEV_REG_DMA_STATUS));
}

/* Descriptor 0 copies src -> dst, descriptor 1 checksums dst; only the
 * last asks for an interrupt, so exactly one arrives: what vector 0's
 * eventfd counted. */
static uint64_t run_copy_and_checksum(struct vf *vf)
{
	volatile struct refdev_dma_desc *d = vf->ring;
	uint64_t irqs;

	for (uint32_t i = 0; i < BUF_SIZE; i++)
		vf->src[i] = (uint8_t)(i * 7 + (i >> 8));
	d[0] = (struct refdev_dma_desc){ .opcode = REFDEV_DMA_OP_COPY, .len = BUF_SIZE,
					 .src = IOVA_SRC, .dst = IOVA_DST };
	d[1] = (struct refdev_dma_desc){ .opcode = REFDEV_DMA_OP_CHECKSUM,
					 .flags = REFDEV_DESC_F_IRQ, .len = BUF_SIZE,
					 .src = IOVA_DST };
	__atomic_thread_fence(__ATOMIC_RELEASE);
	reg_write(vf, REFDEV_REG_DMA_TAIL, 2);
	irqs = wait_irq(vf->irq_done);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return irqs;
}

static void copy_and_checksum(struct vf *vf)
{
	volatile struct refdev_dma_desc *d = vf->ring;
	uint64_t irqs = run_copy_and_checksum(vf);

	tap(irqs == 1, "device/dma-completion-msix-vector0",
	    "eventfd of vector 0 counted %" PRIu64 " interrupts, expected 1", irqs);
	tap((d[0].status & REFDEV_DESC_S_DONE) && (d[1].status & REFDEV_DESC_S_DONE) &&
	    !(d[0].status >> REFDEV_DESC_S_ERR_SHIFT) && !(d[1].status >> REFDEV_DESC_S_ERR_SHIFT),
	    "device/dma-descriptors-written-back", "status 0x%x 0x%x",
	    d[0].status, d[1].status);
	tap(memcmp(vf->src, vf->dst, BUF_SIZE) == 0, "device/dma-copy-bytes-match",
	    "destination differs from source");
	tap(d[1].result == crc32c_sum(vf->src, BUF_SIZE), "device/dma-checksum-crc32c",
	    "device 0x%" PRIx64 ", expected 0x%x", (uint64_t)d[1].result,
	    crc32c_sum(vf->src, BUF_SIZE));
	tap(reg_read(vf, REFDEV_REG_DMA_HEAD) == 2 && reg_read(vf, REFDEV_REG_DMA_DONE) == 2,
	    "device/dma-head-and-done-advance", "HEAD %u DONE %u, expected 2 and 2",
	    reg_read(vf, REFDEV_REG_DMA_HEAD), reg_read(vf, REFDEV_REG_DMA_DONE));
	tap(efd_take(vf->irq_error) == 0, "device/dma-no-spurious-error-irq",
	    "error vector fired on a good run");
}

/* A copy from IOVA nobody mapped: the IOMMU must stop it (DEV-DMA-004). */
static void blocked_read(struct vf *vf)
{
	volatile struct refdev_dma_desc *d = vf->ring;
	uint32_t status, code;
	uint64_t irqs;

	memset(vf->dst, 0xee, BUF_SIZE);
	d[2] = (struct refdev_dma_desc){ .opcode = REFDEV_DMA_OP_COPY, .len = 4096,
					 .src = IOVA_UNMAPPED, .dst = IOVA_DST };
	__atomic_thread_fence(__ATOMIC_RELEASE);
	reg_write(vf, REFDEV_REG_DMA_TAIL, 3);

	irqs = wait_irq(vf->irq_error);
	tap(irqs == 1, "device/dma-fault-msix-vector1",
	    "eventfd of vector 1 counted %" PRIu64 " interrupts, expected 1", irqs);
	status = reg_read(vf, REFDEV_REG_DMA_STATUS);
	code = (status >> REFDEV_DMA_STATUS_ERRCODE_SHIFT) & 0xff;
	tap((status & REFDEV_DMA_STATUS_ERROR) && code == REFDEV_DMA_ERR_READ,
	    "device/dma-fault-reported-as-read-error", "DMA_STATUS 0x%x", status);
	tap(vf->dst[0] == 0xee && vf->dst[4095] == 0xee,
	    "device/dma-fault-writes-nothing", "destination changed by a blocked copy");
	reg_write(vf, REFDEV_REG_DMA_STATUS, REFDEV_DMA_STATUS_ERROR);
	tap(!(reg_read(vf, REFDEV_REG_DMA_STATUS) & REFDEV_DMA_STATUS_ERROR),
	    "device/dma-error-cleared-by-w1c", "ERROR still set");
}

/* The one copy of --until: a copy and checksum, told as it goes. */
static void tell_copy(struct vf *vf)
{
	volatile struct refdev_dma_desc *d = vf->ring;
	uint64_t irqs = run_copy_and_checksum(vf);

	step("engine: TAIL 2 -> the device copied %u bytes (%s) and checksummed them "
	     "(CRC32C %s), HEAD %u DONE %u; vector 0's eventfd read %" PRIu64,
	     BUF_SIZE, memcmp(vf->src, vf->dst, BUF_SIZE) ? "bytes differ" : "bytes match",
	     d[1].result == crc32c_sum(vf->src, BUF_SIZE) ? "matches" : "differs",
	     reg_read(vf, REFDEV_REG_DMA_HEAD), reg_read(vf, REFDEV_REG_DMA_DONE), irqs);
}

static const char *const steps[] = { "open", "map", "msix", "engine" };

/* --until STEP: the index of STEP in steps[], or -1 */
static int step_index(const char *name)
{
	for (int i = 0; i < (int)(sizeof(steps) / sizeof(steps[0])); i++)
		if (!strcmp(name, steps[i]))
			return i;
	return -1;
}

int main(int argc, char **argv)
{
	struct vf vf = { 0 };
	int until = 3;

	if (argc == 4 && !strcmp(argv[1], "--until")) {
		until = step_index(argv[2]);
		narrate = true;
		argv += 2;
		argc -= 2;
	}
	if (argc != 2 || until < 0) {
		fprintf(stderr, "usage: %s [--until open|map|msix|engine] <VF BDF, e.g. 0000:01:00.1>\n",
			argv[0]);
		return 2;
	}
	if (!narrate) {
		tap_header(stdout, 12);
		tap_diagf(stdout, "refdev-dma on %s: SPEC.md 1.7 (DEV-DMA-001..004)", argv[1]);
	}
	vfio_dev_open(&vf.dev, NULL, argv[1], NULL);
	vfio_region_info_fixed(vf.dev.fd, VFIO_PCI_BAR0_REGION_INDEX, &vf.bar0);
	step("open: /dev/vfio/vfio is a container; the VF's group is viable, joins it, "
	     "the container gets the TYPE1v2 IOMMU; the group hands out the device fd");
	if (until == 0)
		return 0;
	vf.ring = dma_buffer(&vf, IOVA_RING, 4096);
	vf.src = dma_buffer(&vf, IOVA_SRC, BUF_SIZE);
	vf.dst = dma_buffer(&vf, IOVA_DST, BUF_SIZE);
	step("map: a descriptor ring at IOVA 0x%llx and two %u-byte buffers at 0x%llx and "
	     "0x%llx, mapped read/write with VFIO_IOMMU_MAP_DMA", IOVA_RING, BUF_SIZE,
	     IOVA_SRC, IOVA_DST);
	if (until == 1)
		return 0;
	wire_msix(&vf);
	vfio_dev_enable_dma(&vf.dev);	/* the engine's reads and writes */
	if (until == 2)
		return 0;
	if (narrate) {
		start_engine(&vf);
		tell_copy(&vf);
		return 0;
	}

	tap(reg_read(&vf, REFDEV_REG_ID) == REFDEV_ID_MAGIC, "device/dma-vf-is-refdev",
	    "ID register 0x%x", reg_read(&vf, REFDEV_REG_ID));
	start_engine(&vf);
	copy_and_checksum(&vf);
	blocked_read(&vf);
	tap_diagf(stdout, "Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0",
		  (int)test_no - failures, failures);
	return failures ? 1 : 0;
}
