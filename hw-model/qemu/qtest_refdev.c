// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * End-to-end check of the refdev glue in the built QEMU over the qtest
 * protocol (libqtest style, no guest): config space and capabilities, BARs
 * and bus mastering by hand, the PF admin queue, SR-IOV, a VF DMA engine
 * (pci_dma_* through the glue, bottom half), DMA aimed at the device's own
 * BAR (DEV-DMA-006), save/load between VFs, Immediate Readiness
 * (DEV-CAP-005), a LATE fault on the QEMU_CLOCK_VIRTUAL timer, VF_RESET and
 * a PF FLR (DEV-AQ-006), the imm-ready, aq-sync (DEV-AQ-018) and fault
 * properties.
 *
 *   qtest_refdev QEMU_BINARY        (make qtest; TAP on stdout)
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "refdev_dev.h"	/* refdev_le_put(), refdev_le_get() */
#include "tap.h"

#define PF_BAR0 0xE0000000u
#define PF_BAR2 0xE0010000u
#define VF_BAR0 0xE0100000u
#define VF_BAR2 0xE0200000u
#define SQ 0x100000u
#define CQ 0x101000u
#define BUF 0x102000u
#define RING 0x200000u
#define DATA 0x210000u
#define ECAM 0xB0000000u
#define PF_DEVFN (4 << 3)
#define SRIOV 0x110
#define PCIE 0x60

static const char *qemu;
static int n_ok;

struct qts {
	pid_t pid;
	FILE *to, *from;
};

static void bail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tap_vbail(stdout, fmt, ap);
	exit(1);
}

/* One TAP result (libvfio's writer); the first failure ends the run. */
static void ok(bool cond, const char *fmt, ...)
{
	char name[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	tap_line(stdout, (size_t)++n_ok, name, cond ? TAP_PASS : TAP_FAIL, NULL);
	if (!cond)
		exit(1);
}

/* One command; returns the word after OK (static buffer) or fails. */
static const char *qtest_cmd(struct qts *s, const char *fmt, ...)
{
	static char line[65536];
	static char cmd[16384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	fprintf(s->to, "%s\n", cmd);
	fflush(s->to);
	while (fgets(line, sizeof(line), s->from)) {
		if (!strncmp(line, "FAIL", 4))
			bail("qtest: %s -> %s", cmd, line);
		if (!strncmp(line, "OK", 2)) {
			line[strcspn(line, "\n")] = 0;
			return line[2] ? line + 3 : line + 2;
		}
	}
	bail("qemu exited after: %s", cmd);
	return NULL;
}

static uint64_t qtest_read(struct qts *s, uint64_t addr, int size)
{
	const char *sfx = size == 1 ? "b" : size == 2 ? "w" : size == 8 ? "q" : "l";

	return strtoull(qtest_cmd(s, "read%s 0x%" PRIx64, sfx, addr), NULL, 16);
}

static void qtest_write(struct qts *s, uint64_t addr, uint64_t val, int size)
{
	const char *sfx = size == 1 ? "b" : size == 2 ? "w" : size == 8 ? "q" : "l";

	qtest_cmd(s, "write%s 0x%" PRIx64 " 0x%" PRIx64, sfx, addr, val);
}

static uint32_t rd(struct qts *s, uint64_t a) { return qtest_read(s, a, 4); }
static void wr(struct qts *s, uint64_t a, uint32_t v) { qtest_write(s, a, v, 4); }

static void memwrite(struct qts *s, uint64_t addr, const void *buf, size_t n)
{
	char hex[2 * 1024 + 1];
	const uint8_t *p = buf;

	if (n > 1024)
		bail("memwrite of %zu bytes", n);
	for (size_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", p[i]);
	qtest_cmd(s, "write 0x%" PRIx64 " 0x%zx 0x%s", addr, n, hex);
}

static void memread(struct qts *s, uint64_t addr, void *buf, size_t n)
{
	const char *hex = qtest_cmd(s, "read 0x%" PRIx64 " 0x%zx", addr, n) + 2;
	uint8_t *p = buf;

	for (size_t i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &p[i]);
}

static void step(struct qts *s, uint64_t ns) { qtest_cmd(s, "clock_step %" PRIu64, ns); }

/* q35 MCH PCIEXBAR (0x60) -> ECAM at 0xb0000000 (no firmware here). */
static void ecam_on(struct qts *s)
{
	qtest_cmd(s, "outl 0xcf8 0x80000060");
	qtest_cmd(s, "outl 0xcfc 0x%x", ECAM | 1);
}

/* qtest_init: QEMU with -qtest stdio and one refdev PF with @props, ECAM on. */
static void qtest_init(struct qts *s, const char *props)
{
	char dev[256];
	int in[2], out[2];

	snprintf(dev, sizeof(dev), "refdev,bus=pcie.0,addr=4,total-vfs=4%s", props);
	if (pipe(in) || pipe(out))
		bail("pipe");
	s->pid = fork();
	if (s->pid < 0)
		bail("fork");
	if (!s->pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		if (!freopen("/dev/null", "w", stderr))
			_exit(127);
		close(in[1]);
		close(out[0]);
		execl(qemu, qemu, "-machine", "q35", "-accel", "qtest", "-qtest", "stdio",
		      "-nodefaults", "-display", "none", "-m", "64", "-L", "/usr/share/seabios",
		      "-L", "/usr/share/qemu", "-device", dev, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	s->to = fdopen(in[1], "w");
	s->from = fdopen(out[0], "r");
	ecam_on(s);
}

static void qtest_quit(struct qts *s)
{
	kill(s->pid, SIGKILL);	/* qtest QEMU does not exit on EOF */
	waitpid(s->pid, NULL, 0);
	fclose(s->to);
	fclose(s->from);
}

static uint32_t cfg_rd(struct qts *s, int devfn, int reg, int size)
{
	return qtest_read(s, ECAM + ((uint64_t)devfn << 12) + reg, size);
}

static void cfg_wr(struct qts *s, int devfn, int reg, uint32_t v, int size)
{
	qtest_write(s, ECAM + ((uint64_t)devfn << 12) + reg, v, size);
}

/* The offset of (standard) capability @id, or 0. */
static int std_cap(struct qts *s, int devfn, int id)
{
	for (int at = cfg_rd(s, devfn, 0x34, 1); at; at = cfg_rd(s, devfn, at + 1, 1))
		if ((int)cfg_rd(s, devfn, at, 1) == id)
			return at;
	return 0;
}

/* The offset of extended capability @id, or 0. */
static int ext_cap(struct qts *s, int devfn, int id)
{
	for (int at = 0x100; at; at = cfg_rd(s, devfn, at, 4) >> 20)
		if ((cfg_rd(s, devfn, at, 4) & 0xffff) == (uint32_t)id)
			return at;
	return 0;
}

/* ---- the PF admin queue, one command at a time -------------------------- */

struct aq {
	struct qts *s;
	unsigned int tail, head, phase;
};

struct cpl {
	uint16_t cid, status;
	uint32_t result0;
	bool valid;
};

static uint32_t aq_enable(struct aq *q)
{
	uint8_t zero[128] = { 0 };

	wr(q->s, PF_BAR0 + REFDEV_REG_AQ_CTRL, 0);
	wr(q->s, PF_BAR0 + REFDEV_REG_AQ_SQ_LO, SQ);
	wr(q->s, PF_BAR0 + REFDEV_REG_AQ_CQ_LO, CQ);
	wr(q->s, PF_BAR0 + REFDEV_REG_AQ_SIZE, 8);
	memwrite(q->s, CQ, zero, sizeof(zero));
	wr(q->s, PF_BAR0 + REFDEV_REG_AQ_CTRL, 1);
	q->tail = q->head = 0;
	q->phase = 1;
	return rd(q->s, PF_BAR0 + REFDEV_REG_AQ_STATUS);
}

struct cmd {
	uint8_t op;
	uint16_t vf;
	uint64_t addr;
	uint32_t len, p0;
	uint64_t p1, p2;
};

static void aq_post(struct aq *q, struct cmd c)
{
	uint8_t b[64] = { 0 };

	b[0] = c.op;
	refdev_le_put(b + 2, q->tail + 1, 2);
	refdev_le_put(b + 4, c.vf, 2);
	refdev_le_put(b + 8, c.addr, 8);
	refdev_le_put(b + 16, c.len, 4);
	refdev_le_put(b + 20, c.p0, 4);
	refdev_le_put(b + 24, c.p1, 8);
	refdev_le_put(b + 32, c.p2, 8);
	memwrite(q->s, SQ + 64 * (q->tail % 8), b, sizeof(b));
	q->tail = (q->tail + 1) % 8;
	wr(q->s, PF_BAR0 + REFDEV_REG_AQ_SQ_TAIL, q->tail);
}

static struct cpl aq_poll(struct aq *q)
{
	uint8_t b[16];
	struct cpl c = { 0 };

	memread(q->s, CQ + 16 * (q->head % 8), b, sizeof(b));
	if ((refdev_le_get(b + 14, 2) & 1) != q->phase)
		return c;
	c = (struct cpl){ refdev_le_get(b, 2), refdev_le_get(b + 2, 2),
			  refdev_le_get(b + 4, 4), true };
	q->head = (q->head + 1) % 8;
	if (!q->head)
		q->phase ^= 1;
	wr(q->s, PF_BAR0 + REFDEV_REG_AQ_CQ_HEAD, q->head);
	return c;
}

static struct cpl aq_do(struct aq *q, struct cmd c)
{
	struct cpl r;

	aq_post(q, c);
	step(q->s, 1000);
	r = aq_poll(q);
	if (!r.valid)
		bail("no completion for opcode %#x", c.op);
	return r;
}

/* ---- checks ------------------------------------------------------------- */

static void pf_bars(struct qts *s, bool bar2)
{
	cfg_wr(s, PF_DEVFN, 0x10, PF_BAR0, 4);
	cfg_wr(s, PF_DEVFN, 0x14, 0, 4);
	if (bar2)
		cfg_wr(s, PF_DEVFN, 0x18, PF_BAR2, 4);
	cfg_wr(s, PF_DEVFN, 0x04, 0x6, 2);
}

/* DEV-ID-*, DEV-CAP-002/004/005: what the glue puts in config space. */
static void check_config(struct qts *s)
{
	int exp;

	ok(cfg_rd(s, PF_DEVFN, 0, 4) == 0x10F01B36, "PF identity (DEV-ID-001)");
	ok(cfg_rd(s, PF_DEVFN, 0x2C, 4) == 0x10F01B36, "PF subsystem IDs (DEV-ID-005)");
	exp = PCIE;
	ok((cfg_rd(s, PF_DEVFN, exp, 2) & 0xff) == 0x10 &&
	   (cfg_rd(s, PF_DEVFN, exp + 4, 4) & (1u << 28)),
	   "PCIe capability at 0x60 with Function Level Reset (DEV-CAP-002)");
	ok(ext_cap(s, PF_DEVFN, 0x0e) == 0x100, "ARI at 0x100 (DEV-CAP-004)");
	ok(ext_cap(s, PF_DEVFN, 0x10) == SRIOV, "SR-IOV at 0x110");
}

static void check_sriov_dma_migration(struct qts *s, struct aq *d)
{
	int vf0 = PF_DEVFN + 1, vf1 = PF_DEVFN + 2;
	uint8_t ring[64] = { 0 }, data[64], want[64], desc[32];
	struct cpl c;
	uint32_t st;

	cfg_wr(s, PF_DEVFN, SRIOV + 0x10, 2, 2);
	cfg_wr(s, PF_DEVFN, SRIOV + 0x24, VF_BAR0, 4);
	cfg_wr(s, PF_DEVFN, SRIOV + 0x28, 0, 4);
	cfg_wr(s, PF_DEVFN, SRIOV + 0x2C, VF_BAR2, 4);
	cfg_wr(s, PF_DEVFN, SRIOV + 0x08, 0x9, 2);
	cfg_wr(s, vf0, 0x04, 0x6, 2);	/* memory (QEMU 7.2 wants it) + bus master */
	cfg_wr(s, vf1, 0x04, 0x6, 2);
	ok(cfg_rd(s, vf0, 0x2C, 4) == 0x10F11B36, "VF 0 subsystem IDs (DEV-ID-005)");
	ok((cfg_rd(s, PF_DEVFN, 0x06, 2) & 1) && (cfg_rd(s, vf0, 0x06, 2) & 1),
	   "Immediate Readiness on PF and VF (DEV-CAP-005)");
	ok(std_cap(s, PF_DEVFN, 0x01) == 0x40 && !std_cap(s, vf0, 0x01) &&
	   std_cap(s, vf0, 0x10) == PCIE,
	   "PM capability on the PF only, the VF's list starts at PCIe (DEV-CAP-006)");
	ok(rd(s, VF_BAR0 + 8) == 0x80000000 && rd(s, VF_BAR0 + 0x4000 + 8) == 0x80000001,
	   "VF 0/1 FUNC via their BARs");
	aq_do(d, (struct cmd){ .op = 0x01, .addr = BUF, .len = 64 });
	memread(s, BUF + 6, data, 2);
	ok(refdev_le_get(data, 2) == 2, "IDENTIFY num_vfs = 2");

	/* VF 0 DMA: FILL then CHECKSUM, in guest RAM */
	ring[0] = 2;
	refdev_le_put(ring + 4, 64, 4);
	refdev_le_put(ring + 8, 0x0807060504030201ull, 8);
	refdev_le_put(ring + 16, DATA, 8);
	ring[32] = 3;
	refdev_le_put(ring + 36, 64, 4);
	refdev_le_put(ring + 40, DATA, 8);
	memwrite(s, RING, ring, sizeof(ring));
	wr(s, VF_BAR0 + REFDEV_REG_DMA_RING_LO, RING);
	wr(s, VF_BAR0 + REFDEV_REG_DMA_RING_SIZE, 4);
	wr(s, VF_BAR0 + REFDEV_REG_DMA_CTRL, 1);
	wr(s, VF_BAR0 + REFDEV_REG_DMA_TAIL, 2);
	step(s, 1000);
	memread(s, DATA, data, sizeof(data));
	for (int i = 0; i < 64; i++)
		want[i] = i % 8 + 1;
	ok(!memcmp(data, want, 64) && rd(s, VF_BAR0 + REFDEV_REG_DMA_DONE) == 2,
	   "VF DMA FILL ran in a bottom half (DEV-DMA-003)");
	memread(s, RING + 32, desc, sizeof(desc));
	ok(refdev_le_get(desc + 2, 2) == 1 && refdev_le_get(desc + 24, 8) != 0, "CHECKSUM write-back");

	/* DEV-DMA-006: FILL aimed at the VF's own SCRATCH is a write fault */
	wr(s, VF_BAR0 + 0x10, 0x1234);
	memset(ring, 0, 32);
	ring[0] = 2;
	refdev_le_put(ring + 4, 8, 4);
	refdev_le_put(ring + 8, 0xFFFF, 8);
	refdev_le_put(ring + 16, VF_BAR0 + 0x10, 8);
	memwrite(s, RING + 64, ring, 32);
	wr(s, VF_BAR0 + REFDEV_REG_DMA_TAIL, 3);
	step(s, 1000);
	st = rd(s, VF_BAR0 + REFDEV_REG_DMA_STATUS);
	ok(st == (2 | 4 << 8) && rd(s, VF_BAR0 + 0x10) == 0x1234,
	   "DMA to own BAR is a bus error (DEV-DMA-006), status %#x", st);

	/* migration VF 0 -> VF 1 */
	wr(s, VF_BAR2 + 0x40, 0xCAFEF00D);
	ok(aq_do(d, (struct cmd){ .op = 0x02, .vf = 0, .p0 = 2 }).status == 0, "VF_SUSPEND STOP");
	wr(s, VF_BAR0 + 0x10, 0x9999);
	ok(rd(s, VF_BAR0 + 0x10) == 0x1234, "STOP drops MMIO writes");
	c = aq_do(d, (struct cmd){ .op = 0x05, .vf = 0, .addr = BUF, .len = 8192 });
	ok(c.status == 0 && c.result0 == 4208, "VF_SAVE FULL");
	aq_do(d, (struct cmd){ .op = 0x02, .vf = 1, .p0 = 2 });
	ok(aq_do(d, (struct cmd){ .op = 0x06, .vf = 1, .addr = BUF, .len = c.result0 }).status == 0,
	   "VF_LOAD into VF 1");
	aq_do(d, (struct cmd){ .op = 0x03, .vf = 1 });
	ok(rd(s, VF_BAR2 + 0x1000 + 0x40) == 0xCAFEF00D && rd(s, VF_BAR0 + 0x4000 + 0x10) == 0x1234,
	   "VF 1 has VF 0's state (STR-011)");
}

static void check_faults_resets(struct qts *s, struct aq *d)
{
	struct cpl c;
	uint32_t scratch, func;

	/* LATE fault on the virtual-clock timer */
	ok(aq_do(d, (struct cmd){ .op = 0x0B, .vf = 0xFFFF, .p0 = 3, .p1 = 1, .p2 = 1000 }).status == 0,
	   "FAULT_INJECT LATE 1 ms");
	aq_post(d, (struct cmd){ .op = 0x0C, .vf = 0 });
	step(s, 100000);
	ok(!aq_poll(d).valid, "no completion after 0.1 ms");
	step(s, 1000000);
	c = aq_poll(d);
	ok(c.valid && c.status == 0, "completion after 1 ms (DEV-FI-003)");

	/* VF_RESET: FLR + resume */
	c = aq_do(d, (struct cmd){ .op = 0x0A, .vf = 0 });
	scratch = rd(s, VF_BAR0 + 0x10);
	func = rd(s, VF_BAR0 + 0x18);
	ok(c.status == 0 && scratch == 0 && func >= 1 &&
	   aq_do(d, (struct cmd){ .op = 0x0C, .vf = 0 }).result0 == 0,
	   "VF_RESET (ADM-010)");

	/* PF FLR: AQ cleared, VFs gone (DEV-AQ-006, DEV-SRIOV-003) */
	cfg_wr(s, PF_DEVFN, PCIE + 8, cfg_rd(s, PF_DEVFN, PCIE + 8, 2) | 0x8000, 2);
	step(s, 1000);
	ok(rd(s, PF_BAR0 + REFDEV_REG_AQ_CTRL) == 0 && rd(s, PF_BAR0 + REFDEV_REG_AQ_STATUS) == 0 &&
	   cfg_rd(s, PF_DEVFN, SRIOV + 0x08, 2) == 0, "PF FLR clears the AQ and SR-IOV");
}

/* The device's properties: imm-ready, vf-pm, aq-sync, fault (DEV-FI-008). */
static void check_properties(void)
{
	struct qts s;
	struct aq d = { .s = &s };
	uint8_t idn[4];
	char cmd[512];
	int rc;

	qtest_init(&s, ",imm-ready=off");
	ok(!(cfg_rd(&s, PF_DEVFN, 0x06, 2) & 1), "imm-ready=off: no Immediate Readiness");
	qtest_quit(&s);

	qtest_init(&s, ",vf-pm=on");
	cfg_wr(&s, PF_DEVFN, SRIOV + 0x10, 1, 2);
	cfg_wr(&s, PF_DEVFN, SRIOV + 0x08, 0x9, 2);
	ok(std_cap(&s, PF_DEVFN + 1, 0x01) == 0x40, "vf-pm=on: the VF has the PM capability (DEV-CAP-006)");
	qtest_quit(&s);

	qtest_init(&s, ",aq-sync=off");
	pf_bars(&s, false);
	aq_enable(&d);
	ok(aq_do(&d, (struct cmd){ .op = 0x01, .addr = BUF, .len = 64 }).status == 0 &&
	   (memread(&s, BUF + 24, idn, 4), refdev_le_get(idn, 4) == REFDEV_FEATURES) &&
	   aq_do(&d, (struct cmd){ .op = REFDEV_AQ_NOP }).status == 0,
	   "aq-sync=off: no AQ_SYNC, commands still complete (DEV-AQ-018)");
	qtest_quit(&s);

	qtest_init(&s, ",fault=fail_status:1:7");
	pf_bars(&s, false);
	aq_enable(&d);
	ok(aq_do(&d, (struct cmd){ .op = 0x0C }).status == 7 &&
	   aq_do(&d, (struct cmd){ .op = 0x0C }).status == 2,
	   "fault=fail_status:1:7 fails the first command with 7");
	qtest_quit(&s);

	snprintf(cmd, sizeof(cmd), "'%s' -machine q35 -accel qtest -qtest stdio -nodefaults "
		 "-display none -m 64 -L /usr/share/seabios -L /usr/share/qemu "
		 "-device refdev,bus=pcie.0,addr=4,fault=bogus:1 </dev/null 2>&1 | "
		 "grep -q 'bad fault'", qemu);
	rc = system(cmd);
	ok(rc == 0, "a bad fault property is refused");
}

int main(int argc, char **argv)
{
	struct qts s;
	struct aq d = { .s = &s };
	uint8_t idn[28];
	struct cpl c;

	if (argc != 2) {
		fprintf(stderr, "usage: qtest_refdev QEMU_BINARY\n");
		return 2;
	}
	qemu = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	qtest_init(&s, "");
	check_config(&s);
	pf_bars(&s, true);
	ok(rd(&s, PF_BAR0) == 0x52464456, "PF BAR0 ID");
	ok(aq_enable(&d) == 1, "AQ READY (DEV-AQ-001)");
	c = aq_do(&d, (struct cmd){ .op = 0x01, .addr = BUF, .len = 64 });
	memread(&s, BUF, idn, sizeof(idn));
	ok(c.status == 0 && c.result0 == 64 && refdev_le_get(idn + 4, 2) == 4 &&
	   refdev_le_get(idn + 6, 2) == 0 && refdev_le_get(idn + 8, 4) == 4216,
	   "IDENTIFY through pci_dma_write (ADM-001)");
	ok(refdev_le_get(idn + 24, 4) == (REFDEV_FEATURES | REFDEV_FEAT_AQ_SYNC),
	   "IDENTIFY features: AQ_SYNC by default (DEV-AQ-018)");
	aq_post(&d, (struct cmd){ .op = REFDEV_AQ_NOP, .vf = 0xffff });
	c = aq_poll(&d);	/* no clock step: done in the doorbell write */
	ok(c.valid && c.status == 0 && c.result0 == 0, "NOP completes in its doorbell write (ADM-016, DEV-AQ-018)");
	ok(aq_do(&d, (struct cmd){ .op = 0x0C, .vf = 0 }).status == 2, "no VFs yet: INVALID_VF");
	check_sriov_dma_migration(&s, &d);
	check_faults_resets(&s, &d);
	qtest_quit(&s);
	check_properties();
	printf("1..%d\nqtest_refdev: %d checks passed\n", n_ok, n_ok);
	return 0;
}
