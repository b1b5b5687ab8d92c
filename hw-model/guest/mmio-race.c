/*
 * mmio-race: MMIO reads of one function while another function's BARs are
 * mapped and unmapped, on two CPUs (the guest side of scenario mmio-race).
 *
 *   mmio-race READ_RESOURCE TOGGLE_CONFIG SECONDS [EXPECT]
 *
 * CPU 1 reads the 32-bit register at offset 0 of READ_RESOURCE (a sysfs
 * resourceN, mmap'ed) in a loop and counts the values that are not EXPECT
 * (default 0x52464456, refdev's ID register: DEV-REG-001). CPU 0 clears
 * and sets Command.MEM of TOGGLE_CONFIG (a sysfs config file) in a loop:
 * every write unmaps or maps that function's BARs, a memory transaction in
 * the emulator. Nothing the toggler does may change what the reader sees.
 * Under TCG a read through a TLB entry filled before such a transaction
 * reached another MemoryRegion in QEMU 10.0.13 (README, "QEMU versions").
 *
 * Prints "mmio-race: reads N bad N (last 0xV) toggles N"; exit 0 when no
 * read was bad, 1 when one was, 2 on a usage or setup error.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PCI_COMMAND        0x04
#define PCI_COMMAND_MEMORY 0x2
/* CPU work between two reads: the reader must not keep the BQL forever */
#define READ_GAP_LOOPS     300

struct race {
	volatile const uint32_t *reg;
	int cfg_fd;
	uint32_t expect;
	volatile int stop;
	unsigned long reads, bad, toggles;
	uint32_t last_bad;
	int toggle_err;
};

static void pin_to(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		fprintf(stderr, "mmio-race: CPU %d: %s\n", cpu, strerror(errno));
}

static void *reader(void *arg)
{
	struct race *r = arg;

	pin_to(1);
	while (!r->stop) {
		uint32_t v = *r->reg;

		r->reads++;
		if (v != r->expect) {
			r->bad++;
			r->last_bad = v;
		}
		for (volatile int i = 0; i < READ_GAP_LOOPS; i++)
			;
	}
	return NULL;
}

static int write_command(int fd, uint16_t cmd)
{
	return pwrite(fd, &cmd, sizeof(cmd), PCI_COMMAND) == sizeof(cmd) ? 0 : -1;
}

static void *toggler(void *arg)
{
	struct race *r = arg;
	uint16_t cmd;

	pin_to(0);
	if (pread(r->cfg_fd, &cmd, sizeof(cmd), PCI_COMMAND) != sizeof(cmd)) {
		r->toggle_err = errno;
		return NULL;
	}
	while (!r->stop) {
		if (write_command(r->cfg_fd, cmd & ~PCI_COMMAND_MEMORY) ||
		    write_command(r->cfg_fd, cmd | PCI_COMMAND_MEMORY)) {
			r->toggle_err = errno;
			break;
		}
		r->toggles++;
	}
	return NULL;
}

static int setup(struct race *r, const char *res, const char *cfg)
{
	int fd = open(res, O_RDWR | O_SYNC);
	void *map;

	if (fd < 0) {
		fprintf(stderr, "mmio-race: %s: %s\n", res, strerror(errno));
		return -1;
	}
	map = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		fprintf(stderr, "mmio-race: mmap %s: %s\n", res, strerror(errno));
		return -1;
	}
	r->reg = map;
	r->cfg_fd = open(cfg, O_RDWR);
	if (r->cfg_fd < 0) {
		fprintf(stderr, "mmio-race: %s: %s\n", cfg, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct race r = { .expect = 0x52464456 };
	pthread_t rd, tg;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: %s READ_RESOURCE TOGGLE_CONFIG SECONDS [EXPECT]\n",
			argv[0]);
		return 2;
	}
	if (argc == 5)
		r.expect = (uint32_t)strtoul(argv[4], NULL, 0);
	if (setup(&r, argv[1], argv[2]))
		return 2;
	if (pthread_create(&rd, NULL, reader, &r) ||
	    pthread_create(&tg, NULL, toggler, &r)) {
		fprintf(stderr, "mmio-race: cannot start its threads\n");
		return 2;
	}
	sleep((unsigned int)atoi(argv[3]));
	r.stop = 1;
	pthread_join(rd, NULL);
	pthread_join(tg, NULL);
	printf("mmio-race: reads %lu bad %lu (last 0x%08x) toggles %lu\n",
	       r.reads, r.bad, r.last_bad, r.toggles);
	if (r.toggle_err)
		fprintf(stderr, "mmio-race: toggling stopped: %s\n",
			strerror(r.toggle_err));
	return r.bad ? 1 : 0;
}
