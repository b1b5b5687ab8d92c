// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * refdev-dma: drive one refdev VF's DMA engine through VFIO, as a user
 * space driver would. A short, complete example of the VFIO type1 flow:
 *
 *   group + container -> IOMMU map of our buffers -> device fd -> BAR0
 *   registers through the region -> MSI-X vectors into eventfds -> a copy
 *   and a checksum by the device -> the interrupt -> verify the bytes.
 *   Then a descriptor that reads unmapped IOVA: the IOMMU blocks it, the
 *   device reports READ and raises its error vector.
 *
 *   refdev-dma <VF BDF>        (the VF bound to vfio-pci or a variant driver)
 *
 * TAP 13 on stdout, test names device/dma-*; SPEC.md section 1.7 (DEV-DMA-*).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "refdev_regs.h"

#define IOVA_RING	0x100000ull
#define IOVA_SRC	0x200000ull
#define IOVA_DST	0x300000ull
#define IOVA_UNMAPPED	0x900000ull
#define BUF_SIZE	0x10000u	/* 64 KiB: 16 pages, several engine steps */
#define RING_ENTRIES	16u
#define IRQ_TIMEOUT_MS	5000

struct vf {
	int container, group, device;
	uint64_t bar0;			/* offset of BAR0 in the device fd */
	uint64_t cfg;			/* offset of config space */
	int irq_done, irq_error;	/* eventfds of MSI-X vectors 0 and 1 */
	struct refdev_dma_desc *ring;
	uint8_t *src, *dst;
};

static int test_no;
static int failures;

static void tap(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (!ok && fmt) {
		printf("# ");
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		printf("\n");
	}
	printf("%sok %d %s\n", ok ? "" : "not ", ++test_no, name);
	failures += !ok;
	fflush(stdout);
}

static void die(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(1);
}

/* ---- VFIO setup ------------------------------------------------------ */

static int iommu_group_of(const char *bdf)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		die("no IOMMU group (is an IOMMU on?)");
	target[n] = '\0';
	return atoi(basename(target));
}

static void open_vf(struct vf *vf, const char *bdf)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[64];

	vf->container = open("/dev/vfio/vfio", O_RDWR);
	if (vf->container < 0)
		die("open /dev/vfio/vfio");
	snprintf(path, sizeof(path), "/dev/vfio/%d", iommu_group_of(bdf));
	vf->group = open(path, O_RDWR);
	if (vf->group < 0)
		die("open the VF's group");
	if (ioctl(vf->group, VFIO_GROUP_GET_STATUS, &status) ||
	    !(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		errno = EBUSY;
		die("group not viable (bind every function in it to vfio)");
	}
	if (ioctl(vf->group, VFIO_GROUP_SET_CONTAINER, &vf->container) ||
	    ioctl(vf->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		die("set up the type1 container");
	vf->device = ioctl(vf->group, VFIO_GROUP_GET_DEVICE_FD, bdf);
	if (vf->device < 0)
		die("get the device fd");
}

static uint64_t region_offset(struct vf *vf, uint32_t index)
{
	struct vfio_region_info info = { .argsz = sizeof(info), .index = index };

	if (ioctl(vf->device, VFIO_DEVICE_GET_REGION_INFO, &info))
		die("region info");
	return info.offset;
}

/* Anonymous memory, mapped for the device at @iova. */
static void *dma_buffer(struct vf *vf, uint64_t iova, size_t size)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.iova = iova,
		.size = size,
	};
	void *buf = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED)
		die("mmap");
	memset(buf, 0, size);
	map.vaddr = (uintptr_t)buf;
	if (ioctl(vf->container, VFIO_IOMMU_MAP_DMA, &map))
		die("VFIO_IOMMU_MAP_DMA");
	return buf;
}

/* MSI-X vectors 0 (completion) and 1 (error) into two eventfds. */
static void wire_msix(struct vf *vf)
{
	char buf[sizeof(struct vfio_irq_set) + 2 * sizeof(int32_t)];
	struct vfio_irq_set *set = (struct vfio_irq_set *)buf;
	int32_t fds[2];

	vf->irq_done = eventfd(0, EFD_NONBLOCK);
	vf->irq_error = eventfd(0, EFD_NONBLOCK);
	if (vf->irq_done < 0 || vf->irq_error < 0)
		die("eventfd");
	fds[0] = vf->irq_done;
	fds[1] = vf->irq_error;
	set->argsz = sizeof(buf);
	set->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	set->index = VFIO_PCI_MSIX_IRQ_INDEX;
	set->start = 0;
	set->count = 2;
	memcpy(set->data, fds, sizeof(fds));
	if (ioctl(vf->device, VFIO_DEVICE_SET_IRQS, set))
		die("VFIO_DEVICE_SET_IRQS (MSI-X)");
}

/* ---- registers ----------------------------------------------------- */

static uint32_t reg_read(struct vf *vf, uint32_t reg)
{
	uint32_t val;

	if (pread(vf->device, &val, 4, vf->bar0 + reg) != 4)
		die("BAR0 read");
	return val;
}

static void reg_write(struct vf *vf, uint32_t reg, uint32_t val)
{
	if (pwrite(vf->device, &val, 4, vf->bar0 + reg) != 4)
		die("BAR0 write");
}

/* The engine's reads and writes need Bus Master Enable. */
static void enable_bus_master(struct vf *vf)
{
	uint16_t cmd;

	if (pread(vf->device, &cmd, 2, vf->cfg + 4) != 2)
		die("config read");
	cmd |= 0x6;	/* memory space + bus master */
	if (pwrite(vf->device, &cmd, 2, vf->cfg + 4) != 2)
		die("config write");
}

/* ---- the checks ---------------------------------------------------- */

/* CRC32C (Castagnoli), bitwise: what the device's CHECKSUM computes. */
static uint32_t crc32c(const uint8_t *p, size_t len)
{
	uint32_t crc = ~0u;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & -(crc & 1));
	}
	return ~crc;
}

/* Wait for one interrupt on @fd; returns the count read (0 on timeout). */
static uint64_t wait_irq(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint64_t count = 0;

	if (poll(&pfd, 1, IRQ_TIMEOUT_MS) == 1 &&
	    read(fd, &count, sizeof(count)) != sizeof(count))
		count = 0;
	return count;
}

static uint64_t pending_irqs(int fd)
{
	uint64_t count = 0;

	if (read(fd, &count, sizeof(count)) != sizeof(count))
		count = 0;
	return count;
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
 * last asks for an interrupt, so exactly one arrives. */
static void copy_and_checksum(struct vf *vf)
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
	tap(irqs == 1, "device/dma-completion-msix-vector0",
	    "eventfd of vector 0 counted %" PRIu64 " interrupts, expected 1", irqs);
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	tap((d[0].status & REFDEV_DESC_S_DONE) && (d[1].status & REFDEV_DESC_S_DONE) &&
	    !(d[0].status >> REFDEV_DESC_S_ERR_SHIFT) && !(d[1].status >> REFDEV_DESC_S_ERR_SHIFT),
	    "device/dma-descriptors-written-back", "status 0x%x 0x%x",
	    d[0].status, d[1].status);
	tap(memcmp(vf->src, vf->dst, BUF_SIZE) == 0, "device/dma-copy-bytes-match",
	    "destination differs from source");
	tap(d[1].result == crc32c(vf->src, BUF_SIZE), "device/dma-checksum-crc32c",
	    "device 0x%" PRIx64 ", expected 0x%x", (uint64_t)d[1].result,
	    crc32c(vf->src, BUF_SIZE));
	tap(reg_read(vf, REFDEV_REG_DMA_HEAD) == 2 && reg_read(vf, REFDEV_REG_DMA_DONE) == 2,
	    "device/dma-head-and-done-advance", "HEAD %u DONE %u, expected 2 and 2",
	    reg_read(vf, REFDEV_REG_DMA_HEAD), reg_read(vf, REFDEV_REG_DMA_DONE));
	tap(pending_irqs(vf->irq_error) == 0, "device/dma-no-spurious-error-irq",
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

int main(int argc, char **argv)
{
	struct vf vf = { 0 };

	if (argc != 2) {
		fprintf(stderr, "usage: %s <VF BDF, e.g. 0000:01:00.1>\n", argv[0]);
		return 2;
	}
	printf("TAP version 13\n1..12\n");
	printf("# refdev-dma on %s: SPEC.md 1.7 (DEV-DMA-001..004)\n", argv[1]);
	open_vf(&vf, argv[1]);
	vf.bar0 = region_offset(&vf, VFIO_PCI_BAR0_REGION_INDEX);
	vf.cfg = region_offset(&vf, VFIO_PCI_CONFIG_REGION_INDEX);
	vf.ring = dma_buffer(&vf, IOVA_RING, 4096);
	vf.src = dma_buffer(&vf, IOVA_SRC, BUF_SIZE);
	vf.dst = dma_buffer(&vf, IOVA_DST, BUF_SIZE);
	wire_msix(&vf);
	enable_bus_master(&vf);

	tap(reg_read(&vf, REFDEV_REG_ID) == REFDEV_ID_MAGIC, "device/dma-vf-is-refdev",
	    "ID register 0x%x", reg_read(&vf, REFDEV_REG_ID));
	start_engine(&vf);
	copy_and_checksum(&vf);
	blocked_read(&vf);
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:0 error:0\n",
	       test_no - failures, failures);
	return failures ? 1 : 0;
}
