// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * refdev-bench: in-guest round trips, side by side in one run.
 *
 *   refdev-bench PF_BDF [N]
 *
 * - mmio: one 4-byte read of the PF's ID register (DEV-REG-001) through a
 *   mapping of sysfs resource0: a plain MMIO read round trip.
 * - admin: one FAULT_INJECT "disarm everything" command (ADM-011, fault 0:
 *   DEV-FI-008, no effect on any VF) through refdev_core's debugfs file:
 *   syscall, driver, SQ entry, doorbell, completion, wake-up.
 * - syscall: one write(2) to /dev/null, the syscall floor of the admin row.
 * - kernel_mmio_read / kernel_admin_nop: the like-for-like pair, measured
 *   inside refdev_core (debugfs aq_bench): a NOP command (ADM-016) through
 *   the driver's admin queue against a readl() of the ID register, per-batch
 *   means (no syscall, no clock read per sample).
 *
 * Prints one JSON object: per-row median and p90 in nanoseconds over N
 * samples (default 2000; admin N/10), taken in 10 interleaved rounds, and
 * the admin/mmio ratios of the medians (kernel_admin_over_mmio: the row of
 * make bench). Absolute times mean little under TCG; the ratios are the
 * result.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "refdev_regs.h"

#define ROUNDS 10

struct row {
	const char *name;
	uint64_t *ns;
	unsigned int n;		/* samples wanted */
	unsigned int got;	/* samples taken */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t pct(const struct row *r, unsigned int p)
{
	return r->ns[(size_t)(r->got - 1) * p / 100];
}

static volatile uint32_t *map_bar0(const char *pf)
{
	char path[128];
	volatile uint32_t *bar;
	void *map;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/resource0", pf);
	fd = open(path, O_RDWR | O_SYNC);
	if (fd < 0) {
		fprintf(stderr, "refdev-bench: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	map = mmap(NULL, REFDEV_BAR_REGS_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		fprintf(stderr, "refdev-bench: mmap %s: %s\n", path, strerror(errno));
		return NULL;
	}
	bar = map;
	if (bar[REFDEV_REG_ID / 4] != REFDEV_ID_MAGIC) {
		fprintf(stderr, "refdev-bench: %s is not a refdev BAR0\n", path);
		munmap(map, REFDEV_BAR_REGS_SIZE);
		return NULL;
	}
	return bar;
}

/* one round: r->n / ROUNDS more samples */
static void time_mmio(volatile uint32_t *bar, struct row *r)
{
	for (unsigned int i = 0; i < r->n / ROUNDS; i++) {
		uint64_t t0 = now_ns();

		(void)bar[REFDEV_REG_ID / 4];
		r->ns[r->got++] = now_ns() - t0;
	}
}

static int time_write(int fd, const char *msg, struct row *r)
{
	size_t len = strlen(msg);

	for (unsigned int i = 0; i < r->n / ROUNDS; i++) {
		uint64_t t0 = now_ns();
		ssize_t w = write(fd, msg, len);

		r->ns[r->got++] = now_ns() - t0;
		if (w != (ssize_t)len) {
			fprintf(stderr, "refdev-bench: %s: write: %s\n", r->name,
				w < 0 ? strerror(errno) : "short");
			return -1;
		}
	}
	return 0;
}

/* debugfs aq_bench: "NAME samples N median_ns X p90_ns Y" lines */
static int kernel_rows(const char *pf, unsigned long long *mmio,
		       unsigned long long *nop)
{
	unsigned long long n, med, p90;
	char path[160], name[32];
	int rows = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/refdev_core/%s/aq_bench", pf);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "refdev-bench: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (fscanf(f, "%31s samples %llu median_ns %llu p90_ns %llu",
		      name, &n, &med, &p90) == 4) {
		printf("    \"%s\": {\"samples\": %llu, \"median_ns\": %llu, \"p90_ns\": %llu},\n",
		       name, n, med, p90);
		if (!strcmp(name, "kernel_mmio_read"))
			*mmio = med;
		else if (!strcmp(name, "kernel_admin_nop"))
			*nop = med;
		else
			continue;
		rows++;
	}
	fclose(f);
	if (rows != 2) {
		fprintf(stderr, "refdev-bench: %s: unexpected contents\n", path);
		return -1;
	}
	return 0;
}

static void print_row(struct row *r, const char *sep)
{
	qsort(r->ns, r->got, sizeof(r->ns[0]), cmp_u64);
	printf("    \"%s\": {\"samples\": %u, \"median_ns\": %llu, \"p90_ns\": %llu}%s\n",
	       r->name, r->got, (unsigned long long)pct(r, 50),
	       (unsigned long long)pct(r, 90), sep);
}

int main(int argc, char **argv)
{
	unsigned int n = argc > 2 ? (unsigned int)strtoul(argv[2], NULL, 0) : 2000;
	struct row mmio = { .name = "mmio_read" }, admin = { .name = "admin_cmd" };
	struct row sys = { .name = "syscall" };
	unsigned long long kmmio = 0, knop = 0;
	volatile uint32_t *bar;
	char dbg[160];
	int null_fd, aq_fd;

	if (argc < 2 || n < 10 * ROUNDS) {
		fprintf(stderr, "usage: %s PF_BDF [N >= %d]\n", argv[0], 10 * ROUNDS);
		return 2;
	}
	mmio.n = sys.n = n;
	admin.n = n / 10;
	mmio.ns = calloc(n, sizeof(uint64_t));
	sys.ns = calloc(n, sizeof(uint64_t));
	admin.ns = calloc(admin.n, sizeof(uint64_t));
	if (!mmio.ns || !sys.ns || !admin.ns)
		return 1;
	snprintf(dbg, sizeof(dbg), "/sys/kernel/debug/refdev_core/%s/fault_inject", argv[1]);
	bar = map_bar0(argv[1]);
	null_fd = open("/dev/null", O_WRONLY);
	aq_fd = open(dbg, O_WRONLY);
	if (!bar || null_fd < 0 || aq_fd < 0) {
		if (aq_fd < 0)
			fprintf(stderr, "refdev-bench: %s: %s\n", dbg, strerror(errno));
		return 1;
	}
	/* rounds interleave the rows, so that a change of host load hits all */
	for (unsigned int i = 0; i < ROUNDS; i++) {
		time_mmio(bar, &mmio);
		if (time_write(null_fd, "0 0 0\n", &sys) ||
		    time_write(aq_fd, "0 0 0\n", &admin))
			return 1;
	}
	printf("{\n  \"rows\": {\n");
	if (kernel_rows(argv[1], &kmmio, &knop))
		return 1;
	print_row(&mmio, ",");
	print_row(&sys, ",");
	print_row(&admin, "");
	printf("  },\n  \"kernel_admin_over_mmio\": %.2f,\n",
	       (double)knop / (double)(kmmio ? kmmio : 1));
	printf("  \"admin_over_mmio\": %.2f\n}\n",
	       (double)pct(&admin, 50) / (double)(pct(&mmio, 50) ? pct(&mmio, 50) : 1));
	return 0;
}
