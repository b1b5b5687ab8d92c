// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Writes seed corpora for fuzz_stream and fuzz_aq, made with the core
 * itself (valid streams of every kind, meaningful command sequences):
 *
 *   gen_seeds DIR      (DIR/fuzz_stream/ and DIR/fuzz_aq/ must exist)
 *
 * Built and run by hw-model/Makefile before fuzzing, into $(O)/seeds/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refdev_dev.h"

static const char *root;

static void put(const char *target, const char *name, const void *b, size_t n)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", root, target, name);
	f = fopen(path, "wb");
	if (!f || fwrite(b, 1, n, f) != n) {
		perror(path);
		exit(1);
	}
	fclose(f);
}

/* Stream seeds must load on @v (NULL: a VF of a device without memory),
 * except the one meant to fail with ORDER. */
static void put_stream(const char *name, const uint8_t *b, uint32_t n,
		       uint32_t want, struct refdev_vf *v)
{
	static struct refdev_vf plain;

	if (!v)
		v = &plain;
	v->base_loaded = b[0] & 1;
	if (refdev_stream_check(v, b + 1, n) != want) {
		fprintf(stderr, "%s: check %u\n", name, refdev_stream_check(v, b + 1, n));
		exit(1);
	}
	put("fuzz_stream", name, b, n + 1);
}

static struct refdev_dev dev;
static const struct refdev_ops no_ops;
static uint8_t sb[1 + REFDEV_STREAM_MAX_SIZE];	/* flags byte, stream */
static uint32_t sn;

/* A seed: @kind saved from @v after the flags byte @flags, checked on
 * @chk (put_stream()). */
static void save_seed(const char *name, uint8_t flags, struct refdev_vf *v,
		      uint32_t kind, struct refdev_vf *chk)
{
	sn = refdev_stream_save(v, kind, sb + 1);
	sb[0] = flags;
	put_stream(name, sb, sn, 0, chk);
}

/* fuzz_stream flag bit 3: 2 pages of device memory (STR-007/008). */
static void mem_stream_seeds(void)
{
	struct refdev_vf *v;

	refdev_dev_init(&dev, &no_ops, NULL, 4);
	refdev_dev_set_mem_size(&dev, 2 * REFDEV_MEM_PAGE);
	v = &dev.vf[0];
	refdev_dev_vf_attach(&dev, 0, NULL);
	refdev_mem_write(&dev, v, 100, "device memory", 13);
	save_seed("seed-mem-full-aq", 8 | 2, v, REFDEV_SAVE_FULL, v);
	save_seed("seed-mem-initial", 8, v, REFDEV_SAVE_INITIAL, v);
	refdev_mem_saved(&dev, v);
	refdev_mem_write(&dev, v, REFDEV_MEM_PAGE + 8, "page 1", 6);
	save_seed("seed-mem-delta", 8 | 1, v, REFDEV_SAVE_DELTA, v);
	refdev_dev_fini(&dev);
}

static void stream_seeds(void)
{
	struct refdev_vf *v;

	refdev_dev_init(&dev, &no_ops, NULL, 4);
	v = &dev.vf[0];
	refdev_dev_vf_attach(&dev, 0, NULL);
	v->present = true;
	for (int i = 0; i < REFDEV_BAR_SRAM_SIZE; i++)
		v->func.sram[i] = (uint8_t)(i * 13);
	v->func.scratch = 0xfeed;
	v->dma = (struct refdev_dma){ .ring_lo = 0x1000, .size = 8,
		.ctrl = 3, .head = 2, .tail = 5, .done = 2, .doorbell = true };

	save_seed("seed-full", 4, v, REFDEV_SAVE_FULL, NULL);
	sb[0] = 6;
	put_stream("seed-full-aq", sb, sn, 0, NULL);
	save_seed("seed-initial", 0, v, REFDEV_SAVE_INITIAL, NULL);
	v->func.sram_changed = 1ull << 3 | 1ull << 40;
	save_seed("seed-delta", 1, v, REFDEV_SAVE_DELTA, NULL);
	save_seed("seed-final", 5, v, REFDEV_SAVE_FINAL, NULL);
	sb[0] = 0;
	put_stream("seed-final-nobase", sb, sn, REFDEV_STREAM_E_ORDER, NULL);
	v->func.sram_changed = 0;
	save_seed("seed-delta-empty-aq", 3, v, REFDEV_SAVE_DELTA, NULL);
	refdev_dev_fini(&dev);
	mem_stream_seeds();
}

/* ---- fuzz_aq: see its header for the operation format ---- */

static uint8_t seq[4096];
static size_t len;

/* An admin command (SPEC 1.8), flags REFDEV_AQ_F_*. */
static void op_cmd(uint8_t opc, uint8_t flags, uint16_t vf, uint32_t p0,
		   uint64_t p1, uint64_t p2, uint64_t addr, uint32_t blen)
{
	uint8_t *c = seq + len + 1;

	seq[len] = 0;
	memset(c, 0, 64);
	c[0] = opc;
	c[1] = flags;
	refdev_le_put(c + 2, len & 0xffff, 2);
	refdev_le_put(c + 4, vf, 2);
	refdev_le_put(c + 8, addr, 8);
	refdev_le_put(c + 16, blen, 4);
	refdev_le_put(c + 20, p0, 4);
	refdev_le_put(c + 24, p1, 8);
	refdev_le_put(c + 32, p2, 8);
	len += 65;
}

static void op(uint8_t o)
{
	seq[len++] = o;
}

static void op_mem(uint8_t fn, uint32_t off, const void *d)
{
	seq[len++] = 3;
	seq[len++] = fn;
	refdev_le_put(seq + len, off >> 2, 2);
	memcpy(seq + len + 2, d, 32);
	len += 34;
}

/* A DMA descriptor (SPEC 1.7) written into VF 0's IOVA space at @off. */
static void op_desc(uint32_t off, uint8_t opcode, uint8_t flags, uint32_t n,
		    uint64_t src, uint64_t dst)
{
	uint8_t d[32] = { opcode, flags };

	refdev_le_put(d + 4, n, 4);
	refdev_le_put(d + 8, src, 8);
	refdev_le_put(d + 16, dst, 8);
	op_mem(1, off, d);
}

static void op_vfreg(uint8_t vf, uint32_t reg, uint32_t val)
{
	seq[len++] = 2;
	seq[len++] = vf;
	seq[len++] = (uint8_t)(reg / 4);
	refdev_le_put(seq + len, val, 4);
	len += 4;
}

static void aq_seeds(void)
{
	uint8_t d[32] = { 0 };

	len = 0;
	op_cmd(REFDEV_AQ_IDENTIFY, 0, 0, 0, 0, 0, 0x8000, 64);
	op(4);
	op_cmd(REFDEV_AQ_VF_QUERY, 0, 1, 0, 0, 0, 0, 0);
	op(4);
	op(7);
	put("fuzz_aq", "seed-identify-query", seq, len);

	/* migration: suspend, save, load into VF 1, resume */
	len = 0;
	op_cmd(REFDEV_AQ_VF_SUSPEND, 0, 0, 2, 0, 0, 0, 0);
	op_cmd(REFDEV_AQ_VF_STATE_SIZE, 0, 0, 0, 0, 0, 0, 0);
	op_cmd(REFDEV_AQ_VF_SAVE, 0, 0, 0, 0, 0, 0x10000, 0x4000);
	op_cmd(REFDEV_AQ_VF_SUSPEND, 0, 1, 2, 0, 0, 0, 0);
	op_cmd(REFDEV_AQ_VF_LOAD, 0, 1, 0, 0, 0, 0x10000, 0x4000);
	op_cmd(REFDEV_AQ_VF_RESUME, 0, 1, 0, 0, 0, 0, 0);
	op(4);
	op(7);
	op(4);
	put("fuzz_aq", "seed-migrate", seq, len);

	/* pre-copy */
	len = 0;
	op_cmd(REFDEV_AQ_VF_SAVE, 0, 0, 1, 0, 0, 0x10000, 0x4000);
	op_vfreg(0, REFDEV_REG_SCRATCH, 5);
	op_cmd(REFDEV_AQ_VF_SAVE, 0, 0, 2, 0, 0, 0x14000, 0x4000);
	op_cmd(REFDEV_AQ_VF_SUSPEND, 0, 0, 1, 0, 0, 0, 0);
	op_cmd(REFDEV_AQ_VF_SUSPEND, 0, 0, 2, 0, 0, 0, 0);
	op_cmd(REFDEV_AQ_VF_SAVE, 0, 0, 3, 0, 0, 0x18000, 0x4000);
	op(4);
	op(7);
	op_cmd(REFDEV_AQ_VF_SUSPEND, 0, 1, 2, 0, 0, 0, 0);
	op_cmd(REFDEV_AQ_VF_LOAD, 0, 1, 0, 0, 0, 0x10000, 0x4000);
	op_cmd(REFDEV_AQ_VF_LOAD, 0, 1, 0, 0, 0, 0x14000, 0x4000);
	op_cmd(REFDEV_AQ_VF_LOAD, 0, 1, 0, 0, 0, 0x18000, 0x4000);
	op(4);
	put("fuzz_aq", "seed-precopy", seq, len);

	/* DMA engine with dirty tracking, report, stop */
	len = 0;
	refdev_le_put(d, 0x20000, 8);
	refdev_le_put(d + 8, 0x10000, 8);
	op_mem(0, 0x30000, d);
	op_cmd(REFDEV_AQ_VF_DIRTY_START, 0, 0, 1, 4096, 0, 0x30000, 16);
	op(4);
	op_desc(0x1000, REFDEV_DMA_OP_FILL, 1, 0x3000, 0x1122334455667788ull, 0x21000);
	op_desc(0x1020, REFDEV_DMA_OP_COPY, 1, 0x3000, 0x21000, 0x28000);
	op_vfreg(0, REFDEV_REG_DMA_RING_LO, 0x1000);
	op_vfreg(0, REFDEV_REG_DMA_RING_SIZE, 4);
	op_vfreg(0, REFDEV_REG_DMA_CTRL, 3);
	op_vfreg(0, REFDEV_REG_DMA_TAIL, 2);
	op(4);
	op_cmd(REFDEV_AQ_VF_DIRTY_REPORT, 0, 0, 4096, 0x20000, 0x10000, 0x31000, 16);
	op_cmd(REFDEV_AQ_VF_DIRTY_STOP, 0, 0, 0, 0, 0, 0, 0);
	op(4);
	op(7);
	put("fuzz_aq", "seed-dma-dirty", seq, len);

	/* chunked save of a FULL with device memory, loaded in pieces (ADM-014/015) */
	len = 0;
	op_desc(0x1000, REFDEV_DMA_OP_FILL, REFDEV_DESC_F_DST_MEM, 0x800,
		0x0123456789abcdefull, 0x400);
	op_vfreg(0, REFDEV_REG_DMA_RING_LO, 0x1000);
	op_vfreg(0, REFDEV_REG_DMA_RING_SIZE, 4);
	op_vfreg(0, REFDEV_REG_DMA_CTRL, 1);
	op_vfreg(0, REFDEV_REG_DMA_TAIL, 1);
	op(4);
	op_cmd(REFDEV_AQ_VF_SUSPEND, 0, 0, 2, 0, 0, 0, 0);
	op_cmd(REFDEV_AQ_VF_SAVE_CHUNK, 0, 0, 0, 0, 0, 0x10000, 0x1000);
	op_cmd(REFDEV_AQ_VF_SAVE_CHUNK, 0, 0, 0, 0x1000, 0, 0x11000, 0x1000);
	op_cmd(REFDEV_AQ_VF_SAVE_CHUNK, 0, 0, 0, 0x2000, 0, 0x12000, 0x1000);
	op(4);
	op(7);
	op_cmd(REFDEV_AQ_VF_SUSPEND, 0, 1, 2, 0, 0, 0, 0);
	op_cmd(REFDEV_AQ_VF_LOAD_CHUNK, 0, 1, 0, 0, 0, 0x10000, 0x1000);
	op_cmd(REFDEV_AQ_VF_LOAD_CHUNK, 0, 1, 0, 0x1000, 0, 0x11000, 0x1000);
	op_cmd(REFDEV_AQ_VF_LOAD_CHUNK, 0, 1, REFDEV_LOAD_F_COMMIT, 0x2000, 0,
	       0x12000, 32 + 72 + 8 + 4096 + 8 + 4096 - 0x2000);
	op(4);
	op(7);
	put("fuzz_aq", "seed-chunks", seq, len);

	/* faults: late, fail, no completion, corrupt save, FLR fail */
	len = 0;
	op_cmd(REFDEV_AQ_FAULT_INJECT, 0, 0xffff, REFDEV_FAULT_LATE, 1, 100, 0, 0);
	op_cmd(REFDEV_AQ_VF_QUERY, 0, 0, 0, 0, 0, 0, 0);
	op(4);
	seq[len++] = 5;
	refdev_le_put(seq + len, 200, 2);
	len += 2;
	op_cmd(REFDEV_AQ_FAULT_INJECT, 0, 0xffff, REFDEV_FAULT_FAIL_STATUS, 1, 0, 0, 0);
	op_cmd(REFDEV_AQ_FAULT_INJECT, 0, 0xffff, REFDEV_FAULT_NO_COMPLETION, 1, 0, 0, 0);
	op_cmd(REFDEV_AQ_FAULT_INJECT, 0, 0, REFDEV_FAULT_FLR_FAIL, 1, 0, 0, 0);
	op_cmd(REFDEV_AQ_VF_RESET, 0, 0, 0, 0, 0, 0, 0);
	op(4);
	op(7);
	seq[len++] = 6;
	seq[len++] = 1;
	seq[len++] = 6;
	seq[len++] = 0;
	put("fuzz_aq", "seed-faults", seq, len);

	/* DEV-AQ-018 on: NOP with POLL, a migration in doorbell writes */
	len = 0;
	op(6);
	op(0x80);
	op_cmd(REFDEV_AQ_NOP, REFDEV_AQ_F_POLL, 0, 0, 0, 0, 0, 0);
	op_cmd(REFDEV_AQ_VF_SUSPEND, 0, 0, 2, 0, 0, 0, 0);
	op_cmd(REFDEV_AQ_VF_SAVE_CHUNK, 0, 0, 0, 0, 0, 0x10000, 0x1000);
	op_cmd(REFDEV_AQ_VF_SAVE, 0, 0, 0, 0, 0, 0x14000, 0x4000);
	op_cmd(REFDEV_AQ_VF_SUSPEND, 0, 1, 2, 0, 0, 0, 0);
	op_cmd(REFDEV_AQ_VF_LOAD, 0, 1, 0, 0, 0, 0x14000, 0x4000);
	op(7);
	op_cmd(REFDEV_AQ_VF_RESUME, 0, 1, 0, 0, 0, 0, 0);
	op(4);
	put("fuzz_aq", "seed-sync", seq, len);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds DIR\n");
		return 2;
	}
	root = argv[1];
	stream_seeds();
	aq_seeds();
	return 0;
}
