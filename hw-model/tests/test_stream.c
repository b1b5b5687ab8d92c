// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Unit tests of the migration stream (SPEC 1.9, STR-*) and of save/load
 * through the admin queue (ADM-004..006): round trips that compare all VF
 * state, pre-copy, and every STR-010 rejection (in its order).
 */
#include "refdev_unit.h"

AFX_FIXTURE(3)

/* All migrated state of a VF (STR-003/004) plus what loading sets. */
struct snap {
	uint32_t scratch;
	struct refdev_dma dma;
	uint8_t sram[REFDEV_BAR_SRAM_SIZE];
	bool base_loaded;
};

static void snap(struct fake *fx, unsigned int vf, struct snap *s)
{
	struct refdev_vf *v = &fx->d->vf[vf];

	memset(s, 0, sizeof(*s));
	s->scratch = v->func.scratch;
	s->dma.ring_lo = v->dma.ring_lo;
	s->dma.ring_hi = v->dma.ring_hi;
	s->dma.size = v->dma.size;
	s->dma.ctrl = v->dma.ctrl;
	s->dma.head = v->dma.head;
	s->dma.tail = v->dma.tail;
	s->dma.status = v->dma.status;
	s->dma.done = v->dma.done;
	s->dma.doorbell = v->dma.doorbell;
	memcpy(s->sram, v->func.sram, sizeof(s->sram));
	s->base_loaded = v->base_loaded;
}

static void assert_same(const struct snap *x, const struct snap *y, bool base)
{
	assert_int_equal(x->scratch, y->scratch);
	assert_memory_equal(&x->dma, &y->dma, sizeof(x->dma));
	assert_memory_equal(x->sram, y->sram, sizeof(x->sram));
	if (base)
		assert_int_equal(x->base_loaded, y->base_loaded);
}

static void sram_w(struct refdev_func *f, uint64_t off, uint64_t v)
{
	assert_true(refdev_mmio_write(f, REFDEV_BAR_SRAM, off, 8, v));
}

/* VF 0 with non-trivial state: SRAM, SCRATCH, a ring with a recorded
 * doorbell (suspended), DONE and an error code. */
static void make_state(struct afx *a)
{
	struct fake *fx = a->fx;
	struct refdev_func *vf = fake_vf(fx, 0);

	for (uint64_t o = 0; o < REFDEV_BAR_SRAM_SIZE; o += 8)
		sram_w(vf, o, o * 0x0101010101ull + 7);
	wr32(vf, REFDEV_REG_SCRATCH, 0xc0ffee);
	dma_enable(fx, 0, 16, true);
	dma_put(fx, 0, 0, REFDEV_DMA_OP_NOP, 0, 0, 0, 0);
	dma_put(fx, 0, 1, 9, 0, 0, 0, 0);	/* bad opcode: ERROR */
	wr32(vf, REFDEV_REG_DMA_TAIL, 2);
	fake_run(fx);
	assert_int_equal(rd32(vf, REFDEV_REG_DMA_HEAD), 2);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, REFDEV_SUSPEND_P2P, 0, 0, 0, 0), 0);
	dma_put(fx, 0, 2, REFDEV_DMA_OP_FILL, 0, 16, 0xabababababababull, VF_DATA);
	wr32(vf, REFDEV_REG_DMA_TAIL, 3);	/* recorded while suspended */
	wr32(vf, REFDEV_REG_DMA_STATUS, REFDEV_DMA_STATUS_ERROR);
	dma_put(fx, 0, 3, 9, 0, 0, 0, 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, REFDEV_SUSPEND_STOP, 0, 0, 0, 0), 0);
}

/* STR-011, ADM-005/006: FULL from VF 0 into VF 2; all state equal; the
 * recorded doorbell runs on resume in VF 2's IOVA space. */
static void str_full_round_trip(void **state)
{
	A;
	struct snap s0, s2;
	struct aq_res r;

	make_state(a);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_FULL, 0, 0, PF_BUF, 8192);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.result0, 4208);
	assert_int_equal(refdev_le_get(fake_mem(fx, 0) + PF_BUF + 12, 2), 0);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 2, REFDEV_SUSPEND_STOP, 0, 0, 0, 0), 0);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_LOAD, 2, 0, 0, 0, PF_BUF, r.result0);
	assert_int_equal(r.status, 0);
	snap(fx, 0, &s0);
	snap(fx, 2, &s2);
	assert_same(&s0, &s2, false);
	assert_true(s2.dma.doorbell);
	/* resume: VF 2 runs descriptor 2 from its own memory */
	memcpy(fake_mem(fx, 3) + VF_RING, fake_mem(fx, 1) + VF_RING, 4096);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_RESUME, 2, 0, 0, 0, 0, 0), 0);
	fake_run(fx);
	assert_int_equal(rd32(fake_vf(fx, 2), REFDEV_REG_DMA_HEAD), 3);
	assert_int_equal(fake_mem(fx, 3)[VF_DATA], 0xab);
	assert_int_equal(fake_mem(fx, 1)[VF_DATA], 0);
	assert_int_equal(rd32(fake_vf(fx, 2), REFDEV_REG_DMA_DONE), 3);
}

/* STR-005, ADM-005: INITIAL + DELTA (running) + FINAL (STOP) = the state. */
static void str_precopy_round_trip(void **state)
{
	A;
	struct refdev_func *vf = fake_vf(fx, 0);
	struct snap s0, s1;
	struct aq_res r;
	uint32_t off = 0;
	uint32_t lens[4];

	for (uint64_t o = 0; o < REFDEV_BAR_SRAM_SIZE; o += 8)
		sram_w(vf, o, ~o);
	/* INITIAL while running */
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_INITIAL, 0, 0, PF_BUF, 8192);
	assert_int_equal(r.status, 0);
	lens[0] = r.result0;
	off += (lens[0] + 7) & ~7u;
	assert_int_equal(lens[0], 32 + 8 + 4096);
	/* two chunks change; DELTA carries exactly them */
	sram_w(vf, 0x0, 1);
	sram_w(vf, 0x38, 2);
	sram_w(vf, 0xfc0, 3);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_DELTA, 0, 0, PF_BUF + off, 8192);
	lens[1] = r.result0;
	assert_int_equal(lens[1], 32 + 16 + 128);
	assert_int_equal(refdev_le_get(fake_mem(fx, 0) + PF_BUF + off + 40, 8),
			 1ull | 1ull << 63);
	off += (lens[1] + 7) & ~7u;
	/* an empty DELTA */
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_DELTA, 0, 0, PF_BUF + off, 8192);
	lens[2] = r.result0;
	assert_int_equal(lens[2], 32 + 16);
	off += (lens[2] + 7) & ~7u;
	/* P2P still takes MMIO; then STOP and FINAL */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, 1, 0, 0, 0, 0), 0);
	sram_w(vf, 0x800, 4);
	wr32(vf, REFDEV_REG_SCRATCH, 99);
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 0, 2, 0, 0, 0, 0), 0);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_SAVE, 0, REFDEV_SAVE_FINAL, 0, 0, PF_BUF + off, 8192);
	lens[3] = r.result0;
	assert_int_equal(lens[3], 32 + 72 + 16 + 64);

	/* destination: VF 1 */
	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 1, 2, 0, 0, 0, 0), 0);
	off = 0;
	for (int i = 0; i < 4; i++) {
		r = aq_do(fx, &a->drv, REFDEV_AQ_VF_LOAD, 1, 0, 0, 0, PF_BUF + off, lens[i]);
		assert_int_equal(r.status, 0);
		off += (lens[i] + 7) & ~7u;
	}
	snap(fx, 0, &s0);
	snap(fx, 1, &s1);
	assert_same(&s0, &s1, false);
	assert_int_equal(s1.scratch, 99);
	/* the destination's next DELTA carries everything (mask all ones) */
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_STATE_SIZE, 1, REFDEV_SAVE_DELTA, 0, 0, 0, 0);
	assert_int_equal(r.result0, 32 + 16 + 4096);
}

/* A stream under construction, for the rejection tests. */
struct sb {
	uint8_t b[REFDEV_STREAM_MAX_SIZE + 64];
	uint32_t off, nsec;
};

static void sb_init(struct sb *s)
{
	memset(s, 0, sizeof(*s));
	s->off = 32;
}

static uint8_t *sb_sec(struct sb *s, uint16_t type, uint32_t len)
{
	uint8_t *p = s->b + s->off;

	refdev_le_put(p, type, 2);
	refdev_le_put(p + 4, len, 4);
	s->off += 8 + ((len + 7) & ~7u);
	s->nsec++;
	return p + 8;
}

static uint32_t sb_fin(struct sb *s, uint16_t kind)
{
	refdev_le_put(s->b, REFDEV_STREAM_MAGIC, 4);
	refdev_le_put(s->b + 4, 1, 2);
	refdev_le_put(s->b + 6, 32, 2);
	refdev_le_put(s->b + 8, REFDEV_VERSION, 4);
	refdev_le_put(s->b + 14, kind, 2);
	refdev_le_put(s->b + 16, s->off, 4);
	refdev_le_put(s->b + 20, s->nsec, 4);
	refdev_le_put(s->b + 24, crc32c_sum(s->b + 32, s->off - 32), 4);
	return s->off;
}

static void sb_recrc(struct sb *s)
{
	uint32_t total = (uint32_t)refdev_le_get(s->b + 16, 4);

	refdev_le_put(s->b + 24, crc32c_sum(s->b + 32, total - 32), 4);
}

/* A valid FULL stream with the given REGS words */
static uint32_t sb_full(struct sb *s, const uint32_t *regs)
{
	uint8_t *p;

	sb_init(s);
	p = sb_sec(s, REFDEV_SEC_REGS, 64);
	for (int i = 0; i < 16; i++)
		refdev_le_put(p + 4 * i, regs ? regs[i] : 0, 4);
	p = sb_sec(s, REFDEV_SEC_SRAM_FULL, 4096);
	memset(p, 0x3c, 4096);
	return sb_fin(s, REFDEV_SAVE_FULL);
}

static struct refdev_vf *vf1(struct fake *fx)
{
	return &fx->d->vf[1];
}

/* Loads and checks the error and that nothing changed. */
static void expect_reject(struct fake *fx, const struct sb *s, uint32_t len,
			  uint32_t err)
{
	struct snap before, after;

	snap(fx, 1, &before);
	assert_int_equal(refdev_stream_check(vf1(fx), s->b, len), err);
	assert_int_equal(refdev_stream_load(vf1(fx), s->b, len), err);
	snap(fx, 1, &after);
	assert_same(&before, &after, true);
}

/* STR-010: TRUNCATED, MAGIC, VERSION, MODEL, OVERSIZE, CRC. */
static void str_010_header_rejections(void **state)
{
	A;
	struct sb *s = test_malloc(sizeof(*s));
	uint32_t n = sb_full(s, NULL);

	vf1(fx)->state = REFDEV_VF_STOP;
	assert_int_equal(refdev_stream_check(vf1(fx), s->b, n), 0);
	expect_reject(fx, s, 31, REFDEV_STREAM_E_TRUNCATED);
	expect_reject(fx, s, 0, REFDEV_STREAM_E_TRUNCATED);
	expect_reject(fx, s, n - 1, REFDEV_STREAM_E_TRUNCATED);
	refdev_le_put(s->b + 16, 31, 4);
	expect_reject(fx, s, n, REFDEV_STREAM_E_TRUNCATED);
	refdev_le_put(s->b + 16, REFDEV_STREAM_MAX_SIZE + 1, 4);
	expect_reject(fx, s, sizeof(s->b), REFDEV_STREAM_E_OVERSIZE);
	expect_reject(fx, s, n, REFDEV_STREAM_E_OVERSIZE);
	/* MAGIC before VERSION before MODEL before OVERSIZE */
	refdev_le_put(s->b + 8, 0x10000, 4);
	expect_reject(fx, s, n, REFDEV_STREAM_E_MODEL);
	refdev_le_put(s->b + 6, 40, 2);
	expect_reject(fx, s, n, REFDEV_STREAM_E_VERSION);
	refdev_le_put(s->b + 6, 32, 2);
	refdev_le_put(s->b + 4, 2, 2);
	expect_reject(fx, s, n, REFDEV_STREAM_E_VERSION);
	s->b[0] ^= 1;
	expect_reject(fx, s, n, REFDEV_STREAM_E_MAGIC);
	/* a minor model difference is fine; CRC is checked after the header */
	n = sb_full(s, NULL);
	refdev_le_put(s->b + 8, REFDEV_VERSION + 5, 4);
	assert_int_equal(refdev_stream_check(vf1(fx), s->b, n), 0);
	s->b[100] ^= 0x80;
	expect_reject(fx, s, n, REFDEV_STREAM_E_CRC);
	refdev_le_put(s->b + 24, 0, 4);
	s->b[100] ^= 0x80;
	expect_reject(fx, s, n, REFDEV_STREAM_E_CRC);
	/* a buffer longer than total_len is fine */
	n = sb_full(s, NULL);
	assert_int_equal(refdev_stream_load(vf1(fx), s->b, n + 64), 0);
	test_free(s);
}

/* Section lists a kind does not take (STR-010 SECTION); type 0 ends a list. */
static const struct {
	uint16_t kind;
	struct { uint16_t type; uint32_t len; } sec[3];
} bad_layouts[] = {
	/* wrong REGS length; duplicate section; missing section */
	{ REFDEV_SAVE_FULL, { { REFDEV_SEC_REGS, 56 }, { REFDEV_SEC_SRAM_FULL, 4096 } } },
	{ REFDEV_SAVE_FULL, { { REFDEV_SEC_REGS, 64 }, { REFDEV_SEC_REGS, 64 },
			      { REFDEV_SEC_SRAM_FULL, 4096 } } },
	{ REFDEV_SAVE_FULL, { { REFDEV_SEC_SRAM_FULL, 4096 } } },
	/* sections not allowed for the kind */
	{ REFDEV_SAVE_INITIAL, { { REFDEV_SEC_REGS, 64 }, { REFDEV_SEC_SRAM_FULL, 4096 } } },
	{ REFDEV_SAVE_INITIAL, { { REFDEV_SEC_SRAM_FULL, 4096 }, { REFDEV_SEC_DMA, 0 } } },
	{ REFDEV_SAVE_DELTA, { { REFDEV_SEC_SRAM_FULL, 4096 } } },
	/* DMA must be empty */
	{ REFDEV_SAVE_FULL, { { REFDEV_SEC_REGS, 64 }, { REFDEV_SEC_SRAM_FULL, 4096 },
			      { REFDEV_SEC_DMA, 8 } } },
};

/* STR-010 SECTION: every structural fault. */
static void str_010_section_rejections(void **state)
{
	A;
	struct sb *s = test_malloc(sizeof(*s));
	uint32_t n;
	uint8_t *p;

	vf1(fx)->state = REFDEV_VF_STOP;
	/* header reserved, unknown kind */
	n = sb_full(s, NULL);
	refdev_le_put(s->b + 28, 1, 4);
	expect_reject(fx, s, n, REFDEV_STREAM_E_SECTION);
	n = sb_full(s, NULL);
	refdev_le_put(s->b + 14, 4, 2);
	expect_reject(fx, s, n, REFDEV_STREAM_E_SECTION);
	/* nsections */
	n = sb_full(s, NULL);
	refdev_le_put(s->b + 20, 3, 4);
	expect_reject(fx, s, n, REFDEV_STREAM_E_SECTION);
	refdev_le_put(s->b + 20, 1, 4);
	expect_reject(fx, s, n, REFDEV_STREAM_E_SECTION);
	/* section flags; unknown types */
	n = sb_full(s, NULL);
	s->b[32 + 2] = 1;
	sb_recrc(s);
	expect_reject(fx, s, n, REFDEV_STREAM_E_SECTION);
	static const uint16_t bad_types[] = { 0, 5, 0xffff };
	for (int i = 0; i < 3; i++) {
		n = sb_full(s, NULL);
		refdev_le_put(s->b + 32, bad_types[i], 2);
		sb_recrc(s);
		expect_reject(fx, s, n, REFDEV_STREAM_E_SECTION);
	}
	/* a section running past total_len; a partial section header */
	n = sb_full(s, NULL);
	refdev_le_put(s->b + 32 + 8 + 64 + 4, 4097, 4);
	sb_recrc(s);
	expect_reject(fx, s, n, REFDEV_STREAM_E_SECTION);
	n = sb_full(s, NULL);
	refdev_le_put(s->b + 32 + 8 + 64 + 4, 0xffffffffu, 4);
	sb_recrc(s);
	expect_reject(fx, s, n, REFDEV_STREAM_E_SECTION);
	n = sb_full(s, NULL);
	refdev_le_put(s->b + 16, n + 4, 4);
	sb_recrc(s);
	expect_reject(fx, s, n + 4, REFDEV_STREAM_E_SECTION);
	for (size_t i = 0; i < sizeof(bad_layouts) / sizeof(bad_layouts[0]); i++) {
		sb_init(s);
		for (unsigned int k = 0; k < 3 && bad_layouts[i].sec[k].type; k++)
			sb_sec(s, bad_layouts[i].sec[k].type, bad_layouts[i].sec[k].len);
		expect_reject(fx, s, sb_fin(s, bad_layouts[i].kind), REFDEV_STREAM_E_SECTION);
	}
	/* empty DMA in FULL is accepted */
	sb_init(s);
	sb_sec(s, REFDEV_SEC_DMA, 0);
	sb_sec(s, REFDEV_SEC_SRAM_FULL, 4096);
	sb_sec(s, REFDEV_SEC_REGS, 64);
	assert_int_equal(refdev_stream_load(vf1(fx), s->b, sb_fin(s, REFDEV_SAVE_FULL)), 0);
	/* DELTA length must match its mask */
	sb_init(s);
	p = sb_sec(s, REFDEV_SEC_SRAM_DELTA, 8 + 64);
	refdev_le_put(p, 3, 8);
	expect_reject(fx, s, sb_fin(s, REFDEV_SAVE_DELTA), REFDEV_STREAM_E_SECTION);
	sb_init(s);
	sb_sec(s, REFDEV_SEC_SRAM_DELTA, 0);
	expect_reject(fx, s, sb_fin(s, REFDEV_SAVE_DELTA), REFDEV_STREAM_E_SECTION);
	/* non-zero padding */
	sb_init(s);
	sb_sec(s, REFDEV_SEC_REGS, 64);
	p = sb_sec(s, REFDEV_SEC_SRAM_FULL, 4095);
	p[4095] = 1;
	expect_reject(fx, s, sb_fin(s, REFDEV_SAVE_FULL), REFDEV_STREAM_E_SECTION);
	/* REGS contents: reserved words, CTRL bits, doorbell, status */
	static const struct { int word; uint32_t val; } bad[] = {
		{ 15, 1 }, { 10, 0x100 }, { 4, 4 }, { 9, 2 }, { 7, 0x10000 },
		{ 7, 0x600 }, { 7, 0x300 }, { 7, 0x8 },
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint32_t w[16] = { 0 };

		w[bad[i].word] = bad[i].val;
		expect_reject(fx, s, sb_full(s, w), REFDEV_STREAM_E_SECTION);
	}
	/* SECTION is reported before CONFIG */
	sb_init(s);
	p = sb_sec(s, REFDEV_SEC_REGS, 64);
	refdev_le_put(p + 4 * 4, 5, 4);		/* ctrl bit 2 and ENABLE */
	sb_sec(s, REFDEV_SEC_SRAM_FULL, 8192);	/* CONFIG */
	expect_reject(fx, s, sb_fin(s, REFDEV_SAVE_FULL), REFDEV_STREAM_E_SECTION);
	test_free(s);
}

/* STR-010 CONFIG and ORDER; ORDER comes last. */
static void str_010_config_order(void **state)
{
	A;
	struct sb *s = test_malloc(sizeof(*s));
	uint8_t *p;

	vf1(fx)->state = REFDEV_VF_STOP;
	sb_init(s);
	sb_sec(s, REFDEV_SEC_SRAM_FULL, 8192);
	expect_reject(fx, s, sb_fin(s, REFDEV_SAVE_INITIAL), REFDEV_STREAM_E_CONFIG);
	static const uint32_t bad[][16] = {
		{ [3] = 2048, [4] = 1 },			/* ring max */
		{ [3] = 3, [4] = 1 },
		{ [3] = 0, [4] = 1 },
		{ [1] = 0x20, [3] = 4, [4] = 1 },		/* alignment */
		{ [3] = 4, [4] = 1, [5] = 4 },			/* head >= size */
		{ [3] = 4, [4] = 1, [6] = 7 },
		{ [1] = 0xffffffc0, [2] = 0xffffffff, [3] = 4, [4] = 1 },
		{ [5] = 1 },					/* disabled, not idle */
		{ [6] = 1 },
		{ [9] = 1 },
	};
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_reject(fx, s, sb_full(s, bad[i]), REFDEV_STREAM_E_CONFIG);
	/* valid oddities: any ring size while disabled; an error code */
	static const uint32_t good[][16] = {
		{ [3] = 12345 },
		{ [3] = 1024, [4] = 3, [5] = 1023, [6] = 5, [7] = 0x502, [9] = 1 },
		{ [7] = 0x5 },		/* BUSY/PAUSED ignored */
	};
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(refdev_stream_load(vf1(fx), s->b, sb_full(s, good[i])), 0);
	assert_int_equal(vf1(fx)->dma.status, 0);

	/* ORDER: DELTA/FINAL need a base loaded since the last STOP */
	vf1(fx)->base_loaded = false;
	sb_init(s);
	p = sb_sec(s, REFDEV_SEC_SRAM_DELTA, 8);
	refdev_le_put(p, 0, 8);
	expect_reject(fx, s, sb_fin(s, REFDEV_SAVE_DELTA), REFDEV_STREAM_E_ORDER);
	sb_init(s);
	sb_sec(s, REFDEV_SEC_REGS, 64);
	sb_sec(s, REFDEV_SEC_SRAM_DELTA, 8);
	expect_reject(fx, s, sb_fin(s, REFDEV_SAVE_FINAL), REFDEV_STREAM_E_ORDER);
	/* CONFIG before ORDER */
	sb_init(s);
	p = sb_sec(s, REFDEV_SEC_REGS, 64);
	refdev_le_put(p + 4 * 5, 1, 4);
	sb_sec(s, REFDEV_SEC_SRAM_DELTA, 8);
	expect_reject(fx, s, sb_fin(s, REFDEV_SAVE_FINAL), REFDEV_STREAM_E_CONFIG);
	/* INITIAL sets the base, a DELTA applies */
	sb_init(s);
	sb_sec(s, REFDEV_SEC_SRAM_FULL, 4096);
	assert_int_equal(refdev_stream_load(vf1(fx), s->b, sb_fin(s, REFDEV_SAVE_INITIAL)), 0);
	sb_init(s);
	p = sb_sec(s, REFDEV_SEC_SRAM_DELTA, 8 + 64);
	refdev_le_put(p, 1ull << 5, 8);
	memset(p + 8, 0x77, 64);
	assert_int_equal(refdev_stream_load(vf1(fx), s->b, sb_fin(s, REFDEV_SAVE_DELTA)), 0);
	assert_int_equal(vf1(fx)->func.sram[5 * 64], 0x77);
	assert_int_equal(vf1(fx)->func.sram[4 * 64], 0);
	/* re-entering STOP (via P2P) forgets the base; STOP -> STOP does not */
	refdev_vf_set_state(fx->d, vf1(fx), REFDEV_VF_STOP);
	assert_int_equal(refdev_stream_load(vf1(fx), s->b, s->off), 0);
	refdev_vf_set_state(fx->d, vf1(fx), REFDEV_VF_P2P);
	refdev_vf_set_state(fx->d, vf1(fx), REFDEV_VF_STOP);
	expect_reject(fx, s, s->off, REFDEV_STREAM_E_ORDER);
	/* an FLR forgets it too */
	assert_int_equal(refdev_stream_load(vf1(fx), s->b, sb_full(s, NULL)), 0);
	refdev_dev_vf_flr(fx->d, 1);
	assert_false(vf1(fx)->base_loaded);
	test_free(s);
}

/* STR-001/002: the saved header and section layout. */
static void str_001_layout(void **state)
{
	A;
	uint8_t *b = fake_mem(fx, 0) + PF_BUF;
	struct aq_res r;

	assert_int_equal(aq_st(a, REFDEV_AQ_VF_SUSPEND, 2, 2, 0, 0, 0, 0), 0);
	r = aq_do(fx, &a->drv, REFDEV_AQ_VF_SAVE, 2, REFDEV_SAVE_FULL, 0, 0, PF_BUF, 8192);
	assert_int_equal(r.status, 0);
	assert_int_equal(refdev_le_get(b, 4), REFDEV_STREAM_MAGIC);
	assert_int_equal(refdev_le_get(b + 4, 2), 1);
	assert_int_equal(refdev_le_get(b + 6, 2), 32);
	assert_int_equal(refdev_le_get(b + 8, 4), REFDEV_VERSION);
	assert_int_equal(refdev_le_get(b + 12, 2), 2);
	assert_int_equal(refdev_le_get(b + 14, 2), REFDEV_SAVE_FULL);
	assert_int_equal(refdev_le_get(b + 16, 4), r.result0);
	assert_int_equal(refdev_le_get(b + 20, 4), 2);
	assert_int_equal(refdev_le_get(b + 24, 4), crc32c_sum(b + 32, r.result0 - 32));
	assert_int_equal(refdev_le_get(b + 28, 4), 0);
	assert_int_equal(refdev_le_get(b + 32, 2), REFDEV_SEC_REGS);
	assert_int_equal(refdev_le_get(b + 36, 4), 64);
	assert_int_equal(refdev_le_get(b + 104, 2), REFDEV_SEC_SRAM_FULL);
	assert_int_equal(refdev_le_get(b + 108, 4), 4096);
	assert_int_equal(sizeof(struct refdev_stream_regs), 64);
	assert_int_equal(sizeof(struct refdev_stream_hdr), 32);
}

int main(void)
{
#define T(t)	cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(str_full_round_trip),
		T(str_precopy_round_trip),
		T(str_010_header_rejections),
		T(str_010_section_rejections),
		T(str_010_config_order),
		T(str_001_layout),
	};
	return cmocka_run_group_tests_name("refdev_stream", tests, NULL, NULL);
}
