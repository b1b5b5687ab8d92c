// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Unit tests of VF device memory (SPEC DEV-MEM-*), its stream sections
 * (STR-007/008, STR-013) and the chunked save and load (ADM-014/015).
 */
#include "refdev_unit.h"

#define MEM	(32u * 1024)		/* 8 pages */
#define PG	REFDEV_MEM_PAGE
#define CHUNK	1000u			/* not a divisor of anything */

AFX_FIXTURE_INIT(3, assert_true(refdev_dev_set_mem_size(a->fx->d, MEM)))

/* One descriptor on a fresh ring; returns the engine's error code. */
static uint32_t dma1(struct fake *fx, unsigned int vf, uint8_t op,
		     uint8_t flags, uint32_t len, uint64_t src, uint64_t dst)
{
	struct refdev_func *f = fake_vf(fx, vf);

	wr32(f, REFDEV_REG_DMA_CTRL, 0);
	wr32(f, REFDEV_REG_DMA_STATUS, REFDEV_DMA_STATUS_ERROR);
	dma_enable(fx, vf, 8, false);
	dma_put(fx, vf, 0, op, flags, len, src, dst);
	wr32(f, REFDEV_REG_DMA_TAIL, 1);
	fake_run(fx);
	return rd32(f, REFDEV_REG_DMA_STATUS) >> REFDEV_DMA_STATUS_ERRCODE_SHIFT;
}

static void mem_get(struct fake *fx, unsigned int vf, uint8_t *buf)
{
	assert_true(refdev_mem_read(fx->d, &fx->d->vf[vf], 0, buf, MEM));
}

static void stop(struct afx *a, unsigned int vf)
{
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, (uint16_t)vf,
			       REFDEV_SUSPEND_STOP, 0, 0, 0, 0), REFDEV_AQ_S_OK);
}

/* ADM-014 in CHUNK pieces into PF_BUF; returns the stream length. */
static uint32_t save_chunks(struct afx *a, unsigned int vf, uint32_t kind)
{
	uint32_t off = 0, total = 0;
	struct aq_res r;

	do {
		r = aq_do(a->fx, &a->drv, REFDEV_AQ_VF_SAVE_CHUNK, (uint16_t)vf,
			  kind, off, 0, PF_BUF + off, CHUNK);
		assert_int_equal(r.status, REFDEV_AQ_S_OK);
		assert_true(r.result0 <= CHUNK);
		if (off)
			assert_int_equal(r.result1, total);
		total = r.result1;
		off += r.result0;
	} while (off < total);
	assert_int_equal(off, total);
	return total;
}

/* ADM-015 of PF_BUF[0, len) in CHUNK pieces, COMMIT on the last. */
static struct aq_res load_chunks(struct afx *a, unsigned int vf, uint32_t len)
{
	struct aq_res r = { 0 };

	for (uint32_t off = 0; off < len; off += CHUNK) {
		uint32_t n = len - off < CHUNK ? len - off : CHUNK;

		r = aq_do(a->fx, &a->drv, REFDEV_AQ_VF_LOAD_CHUNK, (uint16_t)vf,
			  off + n == len ? REFDEV_LOAD_F_COMMIT : 0, off, 0,
			  PF_BUF + off, n);
		if (r.status)
			return r;
		assert_int_equal(r.result0, n);
		assert_int_equal(r.result1, off + n == len);
	}
	return r;
}

/* DEV-MEM-001: sizes the host may set; IDENTIFY reports it. */
static void mem_001_size(void **state)
{
	A;
	uint8_t *id = fake_mem(fx, 0) + PF_BUF2;

	assert_false(refdev_dev_set_mem_size(fx->d, 100));
	assert_false(refdev_dev_set_mem_size(fx->d, REFDEV_MEM_MAX_SIZE + PG));
	assert_true(refdev_dev_set_mem_size(fx->d, REFDEV_MEM_MAX_SIZE));
	assert_true(refdev_dev_set_mem_size(fx->d, MEM));
	assert_int_equal(aq_st(a, REFDEV_AQ_IDENTIFY, 0, 0, 0, 0, PF_BUF2, 64),
			 REFDEV_AQ_S_OK);
	assert_int_equal(refdev_le_get(id + 28, 4), MEM);
	/* the largest save: FINAL with every chunk and every page */
	assert_int_equal(refdev_le_get(id + 8, 4),
			 REFDEV_MAX_STATE_SIZE + 8 + 8 + MEM);
}

/* DEV-MEM-002: FILL/COPY/CHECKSUM with device memory on either side. */
static void mem_002_dma(void **state)
{
	A;
	uint8_t m[MEM], *host = fake_mem(fx, 1) + VF_DATA;

	assert_int_equal(dma1(fx, 0, REFDEV_DMA_OP_FILL, REFDEV_DESC_F_DST_MEM,
			      2 * PG, 0x0807060504030201ull, PG + 8), 0);
	mem_get(fx, 0, m);
	assert_int_equal(m[PG + 7], 0);
	assert_int_equal(m[PG + 8], 1);
	assert_int_equal(m[PG + 15], 8);
	assert_int_equal(m[3 * PG + 7], 8);
	assert_int_equal(m[3 * PG + 8], 0);
	assert_int_equal(dma1(fx, 0, REFDEV_DMA_OP_COPY, REFDEV_DESC_F_SRC_MEM,
			      PG, PG + 8, VF_DATA), 0);
	assert_memory_equal(host, m + PG + 8, PG);
	/* host to memory: not a host write, so the host copy is unchanged */
	memset(host, 0x5a, 16);
	assert_int_equal(dma1(fx, 0, REFDEV_DMA_OP_COPY, REFDEV_DESC_F_DST_MEM,
			      16, VF_DATA, MEM - 16), 0);
	mem_get(fx, 0, m);
	assert_int_equal(m[MEM - 1], 0x5a);
	/* out of the memory: a fault on that side (DEV-DMA-004) */
	assert_int_equal(dma1(fx, 0, REFDEV_DMA_OP_FILL, REFDEV_DESC_F_DST_MEM,
			      32, 0, MEM - 16), REFDEV_DMA_ERR_WRITE);
	assert_int_equal(dma1(fx, 0, REFDEV_DMA_OP_CHECKSUM, REFDEV_DESC_F_SRC_MEM,
			      1, MEM, 0), REFDEV_DMA_ERR_READ);
	/* VF 1 is untouched; without memory, both flags fault */
	mem_get(fx, 1, m);
	for (unsigned int i = 0; i < MEM; i++)
		assert_int_equal(m[i], 0);
	assert_true(refdev_dev_set_mem_size(fx->d, 0));
	assert_int_equal(dma1(fx, 0, REFDEV_DMA_OP_FILL, REFDEV_DESC_F_DST_MEM,
			      8, 0, 0), REFDEV_DMA_ERR_WRITE);
}

/* DEV-MEM-003: an FLR zeroes the memory. */
static void mem_003_flr(void **state)
{
	A;
	uint8_t m[MEM];

	assert_int_equal(dma1(fx, 0, REFDEV_DMA_OP_FILL, REFDEV_DESC_F_DST_MEM,
			      MEM, ~0ull, 0), 0);
	refdev_dev_vf_flr(fx->d, 0);
	mem_get(fx, 0, m);
	for (unsigned int i = 0; i < MEM; i++)
		assert_int_equal(m[i], 0);
}

/* ADM-014 gives the same bytes as ADM-005; STR-007 carries the memory. */
static void adm_014_save_chunk(void **state)
{
	A;
	uint8_t *b = fake_mem(fx, 0);
	uint32_t total, size;
	struct aq_res r;

	assert_int_equal(dma1(fx, 0, REFDEV_DMA_OP_FILL, REFDEV_DESC_F_DST_MEM,
			      MEM, 0x1122334455667788ull, 0), 0);
	stop(a, 0);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_STATE_SIZE, 0, REFDEV_SAVE_FULL, 0, 0, 0, 0);
	size = r.result0;
	total = save_chunks(a, 0, REFDEV_SAVE_FULL);
	assert_int_equal(total, size);
	assert_int_equal(total, 32 + 72 + 8 + REFDEV_BAR_SRAM_SIZE + 8 + MEM);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_FULL, 0, 0,
			       PF_BUF2, 0x80000), REFDEV_AQ_S_OK);
	assert_memory_equal(b + PF_BUF, b + PF_BUF2, total);
	/* the last bytes of the stream are the memory's (STR-007) */
	assert_int_equal(b[PF_BUF + total - 1], 0x11);
	assert_int_equal(refdev_le_get(b + PF_BUF + total - MEM - 8, 2),
			 REFDEV_SEC_MEM_FULL);
	assert_int_equal(refdev_le_get(b + PF_BUF + 20, 4), 3);	/* nsections */
}

static void adm_014_errors(void **state)
{
	A;
	struct aq_res r;

	/* FULL needs STOP, like ADM-005; kind > 3 */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE_CHUNK, 0, REFDEV_SAVE_FULL,
			       0, 0, PF_BUF, CHUNK), REFDEV_AQ_S_INVALID_STATE);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE_CHUNK, 0, 4, 0, 0, PF_BUF,
			       CHUNK), REFDEV_AQ_S_INVALID_PARAM);
	/* a later piece with nothing staged */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE_CHUNK, 0, REFDEV_SAVE_INITIAL,
			       CHUNK, 0, PF_BUF, CHUNK), REFDEV_AQ_S_INVALID_STATE);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_SAVE_CHUNK, 0, REFDEV_SAVE_INITIAL,
		  0, 0, PF_BUF, CHUNK);
	assert_int_equal(r.status, REFDEV_AQ_S_OK);
	/* another kind, an offset past the end, an unreachable buffer */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE_CHUNK, 0, REFDEV_SAVE_DELTA,
			       CHUNK, 0, PF_BUF, CHUNK), REFDEV_AQ_S_INVALID_STATE);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE_CHUNK, 0, REFDEV_SAVE_INITIAL,
			       r.result1 + 1, 0, PF_BUF, CHUNK),
			 REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE_CHUNK, 0, REFDEV_SAVE_INITIAL,
			       CHUNK, 0, FAKE_PF_MEM - 8, CHUNK),
			 REFDEV_AQ_S_DMA_ERROR);
	/* the last piece frees the staging: nothing to continue after it */
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_SAVE_CHUNK, 0, REFDEV_SAVE_INITIAL,
		  CHUNK, 0, PF_BUF, 0x40000);
	assert_int_equal(r.status, REFDEV_AQ_S_OK);
	assert_int_equal(r.result0, r.result1 - CHUNK);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE_CHUNK, 0, REFDEV_SAVE_INITIAL,
			       CHUNK, 0, PF_BUF, CHUNK), REFDEV_AQ_S_INVALID_STATE);
	/* a FULL in STOP is served from the memory itself: a write to the
	 * memory after staging (a load) makes the rest unavailable */
	stop(a, 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE_CHUNK, 0, REFDEV_SAVE_FULL,
			       0, 0, PF_BUF, CHUNK), REFDEV_AQ_S_OK);
	assert_true(fx->d->vf[0].stage.prefix < fx->d->vf[0].stage.total);
	assert_true(refdev_mem_write(fx->d, &fx->d->vf[0], 0, "x", 1));
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE_CHUNK, 0, REFDEV_SAVE_FULL,
			       CHUNK, 0, PF_BUF, CHUNK), REFDEV_AQ_S_INVALID_STATE);
	/* an FLR drops a staged save */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE_CHUNK, 0, REFDEV_SAVE_INITIAL,
			       0, 0, PF_BUF, CHUNK), REFDEV_AQ_S_OK);
	refdev_dev_vf_flr(fx->d, 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SAVE_CHUNK, 0, REFDEV_SAVE_INITIAL,
			       CHUNK, 0, PF_BUF, CHUNK), REFDEV_AQ_S_INVALID_STATE);
}

/* ADM-015: a FULL in pieces moves registers, SRAM and memory to VF 1. */
static void adm_015_load_chunk(void **state)
{
	A;
	uint8_t m0[MEM], m1[MEM];
	uint32_t total;
	struct aq_res r;

	assert_int_equal(dma1(fx, 0, REFDEV_DMA_OP_FILL, REFDEV_DESC_F_DST_MEM,
			      MEM / 2, 0xa1b2c3d4e5f60718ull, PG / 2), 0);
	wr32(fake_vf(fx, 0), REFDEV_REG_SCRATCH, 0xfeed);
	stop(a, 0);
	stop(a, 1);
	total = save_chunks(a, 0, REFDEV_SAVE_FULL);
	r = load_chunks(a, 1, total);
	assert_int_equal(r.status, REFDEV_AQ_S_OK);
	mem_get(fx, 0, m0);
	mem_get(fx, 1, m1);
	assert_memory_equal(m0, m1, MEM);
	assert_int_equal(fx->d->vf[1].func.scratch, 0xfeed);
	assert_true(fx->d->vf[1].base_loaded);
}

static void adm_015_errors(void **state)
{
	A;
	uint8_t *b = fake_mem(fx, 0), m[MEM];
	uint32_t total;
	struct aq_res r;

	assert_int_equal(dma1(fx, 0, REFDEV_DMA_OP_FILL, REFDEV_DESC_F_DST_MEM,
			      MEM, 0x7777777777777777ull, 0), 0);
	/* VF 1 must be in STOP */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_LOAD_CHUNK, 1, 0, 0, 0, PF_BUF,
			       CHUNK), REFDEV_AQ_S_INVALID_STATE);
	stop(a, 0);
	stop(a, 1);
	total = save_chunks(a, 0, REFDEV_SAVE_FULL);
	/* unknown flags; a first piece without the whole header */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_LOAD_CHUNK, 1, 2, 0, 0, PF_BUF,
			       CHUNK), REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_LOAD_CHUNK, 1, 0, 0, 0, PF_BUF,
			       31), REFDEV_AQ_S_INVALID_PARAM);
	/* a later piece with nothing staged, a gap, more than the stream */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_LOAD_CHUNK, 1, 0, CHUNK, 0,
			       PF_BUF, CHUNK), REFDEV_AQ_S_INVALID_STATE);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_LOAD_CHUNK, 1, 0, 0, 0, PF_BUF,
			       CHUNK), REFDEV_AQ_S_OK);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_LOAD_CHUNK, 1, 0, CHUNK + 8, 0,
			       PF_BUF, CHUNK), REFDEV_AQ_S_INVALID_PARAM);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_LOAD_CHUNK, 1, 0, CHUNK, 0,
			       PF_BUF + CHUNK, total), REFDEV_AQ_S_INVALID_PARAM);
	/* COMMIT before the end: TRUNCATED, nothing applied */
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_LOAD_CHUNK, 1, REFDEV_LOAD_F_COMMIT,
		  CHUNK, 0, PF_BUF + CHUNK, CHUNK);
	assert_int_equal(r.status, REFDEV_AQ_S_STREAM_INVALID);
	assert_int_equal(r.result0, REFDEV_STREAM_E_TRUNCATED);
	/* one flipped memory byte: CRC, nothing applied (STR-010) */
	b[PF_BUF + total - 5] ^= 1;
	r = load_chunks(a, 1, total);
	assert_int_equal(r.status, REFDEV_AQ_S_STREAM_INVALID);
	assert_int_equal(r.result0, REFDEV_STREAM_E_CRC);
	mem_get(fx, 1, m);
	assert_int_equal(m[MEM - 5], 0);
	b[PF_BUF + total - 5] ^= 1;
	/* total_len over STR-013's limit */
	refdev_le_put(b + PF_BUF + 16, refdev_stream_limit(fx->d) + 1, 4);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_LOAD_CHUNK, 1, 0, 0, 0, PF_BUF, CHUNK);
	assert_int_equal(r.status, REFDEV_AQ_S_STREAM_INVALID);
	assert_int_equal(r.result0, REFDEV_STREAM_E_OVERSIZE);
	refdev_le_put(b + PF_BUF + 16, total, 4);
	/* an unreachable piece drops what was staged */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_LOAD_CHUNK, 1, 0, 0, 0,
			       FAKE_PF_MEM - 16, CHUNK), REFDEV_AQ_S_DMA_ERROR);
	assert_int_equal(load_chunks(a, 1, total).status, REFDEV_AQ_S_OK);
	mem_get(fx, 1, m);
	assert_int_equal(m[MEM - 5], 0x77);
}

/* STR-008: a DELTA carries the bitmap and exactly the pages written. */
static void str_008_mem_delta(void **state)
{
	A;
	uint8_t *b = fake_mem(fx, 0), m0[MEM], m1[MEM];
	uint32_t initial, delta;

	stop(a, 1);
	initial = save_chunks(a, 0, REFDEV_SAVE_INITIAL);
	assert_int_equal(load_chunks(a, 1, initial).status, REFDEV_AQ_S_OK);
	/* pages 2 and 5 change while VF 0 runs */
	assert_int_equal(dma1(fx, 0, REFDEV_DMA_OP_FILL, REFDEV_DESC_F_DST_MEM,
			      8, 0x42, 2 * PG + 100), 0);
	assert_int_equal(dma1(fx, 0, REFDEV_DMA_OP_FILL, REFDEV_DESC_F_DST_MEM,
			      8, 0x43, 5 * PG), 0);
	delta = save_chunks(a, 0, REFDEV_SAVE_DELTA);
	/* header, SRAM_DELTA with no chunk, MEM_DELTA with 8 bitmap bytes */
	assert_int_equal(delta, 32 + 8 + 8 + 8 + 8 + 2 * PG);
	assert_int_equal(b[PF_BUF + 32 + 16 + 8], 0x24);
	assert_int_equal(load_chunks(a, 1, delta).status, REFDEV_AQ_S_OK);
	mem_get(fx, 0, m0);
	mem_get(fx, 1, m1);
	assert_memory_equal(m0, m1, MEM);
	/* nothing changed since: an empty bitmap */
	delta = save_chunks(a, 0, REFDEV_SAVE_DELTA);
	assert_int_equal(delta, 32 + 8 + 8 + 8 + 8);
	/* a bit past the last page is reserved */
	b[PF_BUF + 32 + 16 + 8 + 1] = 1;
	refdev_le_put(b + PF_BUF + 24, crc32c_sum(b + PF_BUF + 32, delta - 32), 4);
	assert_int_equal(load_chunks(a, 1, delta).result0, REFDEV_STREAM_E_SECTION);
}

/* STR-012 CONFIG: memory sections must match this device's memory. */
static void str_012_mem_config(void **state)
{
	A;
	uint32_t total;
	struct aq_res r;

	stop(a, 0);
	stop(a, 1);
	total = save_chunks(a, 0, REFDEV_SAVE_FULL);
	assert_true(refdev_dev_set_mem_size(fx->d, 2 * MEM));
	stop(a, 1);
	r = load_chunks(a, 1, total);
	assert_int_equal(r.status, REFDEV_AQ_S_STREAM_INVALID);
	assert_int_equal(r.result0, REFDEV_STREAM_E_CONFIG);
	assert_true(refdev_dev_set_mem_size(fx->d, 0));
	r = load_chunks(a, 1, total);
	assert_int_equal(r.result0, REFDEV_STREAM_E_CONFIG);
	/* and a stream without memory into a device with memory */
	total = save_chunks(a, 0, REFDEV_SAVE_FULL);
	assert_true(total <= REFDEV_MAX_STATE_SIZE);
	assert_true(refdev_dev_set_mem_size(fx->d, MEM));
	r = load_chunks(a, 1, total);
	assert_int_equal(r.result0, REFDEV_STREAM_E_CONFIG);
}

int main(void)
{
#define T(t)	cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(mem_001_size),
		T(mem_002_dma),
		T(mem_003_flr),
		T(adm_014_save_chunk),
		T(adm_014_errors),
		T(adm_015_load_chunk),
		T(adm_015_errors),
		T(str_008_mem_delta),
		T(str_012_mem_config),
	};
	return cmocka_run_group_tests_name("refdev_mem", tests, NULL, NULL);
}
