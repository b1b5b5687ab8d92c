// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * Unit tests of the refdev core's function registers and BARs (SPEC.md 1.5,
 * DEV-BAR-*, DEV-REG-*, DEV-RST-001), each on one function of a whole
 * device on the fake host (refdev_fake.h), as every unit test and fuzz
 * target builds it. The engines' registers at 0x100..0x143 (1.7, 1.8) are
 * test_dma's and test_aq's.
 *
 * Each test names the SPEC IDs it checks in the comment above it. Every
 * MSI-X the device raises must have been announced with expect_raise(),
 * in order: the teardown fails a test with an unannounced raise or an
 * announced one that did not happen.
 */
#include <limits.h>
#include <string.h>

#include "refdev_unit.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define V1_FIRST	0x100	/* the engines' registers: DMA (VF), AQ (PF) */
#define V1_END		(REFDEV_REG_VF_REINIT + 4)

static const unsigned int valid_sizes[] = { 1, 2, 4, 8 };

/* ---- Fixtures ---- */

struct fixture {
	struct fake *fake;
	struct refdev_func *f;		/* the function under test */
	int id;				/* its id on the fake host: 0 PF, 1 + i VF i */
	unsigned int want[64], nwant;	/* vectors announced by expect_raise */
};

static void expect_raise(struct fixture *fx, unsigned int vector)
{
	assert_true(fx->nwant < ARRAY_SIZE(fx->want));
	fx->want[fx->nwant++] = vector;
}

/* The PF, or VF @vf_index with the VFs before it, of a 32-VF device;
 * @ops other than the fake's replace the function's own. */
static struct fixture *new_fixture(const struct refdev_ops *ops, bool is_vf,
				   uint16_t vf_index)
{
	struct fixture *fx = test_calloc(1, sizeof(*fx));

	fx->fake = fake_new_sized(REFDEV_MAX_VFS, is_vf ? vf_index + 1u : 0, 4096, 4096);
	fx->id = is_vf ? 1 + vf_index : 0;
	fx->f = is_vf ? fake_vf(fx->fake, vf_index) : &fx->fake->d->pf;
	if (ops != &fake_dev_ops)
		fx->f->ops = ops;
	return fx;
}

/* setup_NAME: the function under test; vf_max is the last VF of the
 * SR-IOV range (DEV-SRIOV-001). */
#define SETUP(name, ops, is_vf, idx)					\
	static int setup_##name(void **state)				\
	{								\
		*state = new_fixture(ops, is_vf, idx);			\
		return 0;						\
	}
SETUP(pf, &fake_dev_ops, false, 0)
SETUP(vf, &fake_dev_ops, true, 5)
SETUP(vf0, &fake_dev_ops, true, 0)
SETUP(vf_max, &fake_dev_ops, true, REFDEV_MAX_VFS - 1)
SETUP(pf_null_ops, NULL, false, 0)
SETUP(vf_null_raise, &fake_no_raise_ops, true, 1)

/* Every raise announced, in order, and no other. */
static int teardown(void **state)
{
	struct fixture *fx = *state;
	struct fake *h = fx->fake;

	assert_int_equal(h->nirq, fx->nwant);
	for (unsigned int i = 0; i < h->nirq; i++) {
		assert_int_equal(h->irq[i].id, fx->id);
		assert_int_equal(h->irq[i].vec, fx->want[i]);
	}
	fake_free(h);
	test_free(fx);
	return 0;
}

/* The function's reset through the host: FLR of the VF, the PF's reset. */
static void func_reset(struct fixture *fx)
{
	if (fx->f->is_vf)
		refdev_dev_vf_flr(fx->fake->d, fx->f->vf_index);
	else
		refdev_dev_pf_reset(fx->fake->d);
}

/* Power-on again: the VF re-created (VF Enable), the device for the PF. */
static void power_on(struct fixture *fx)
{
	struct refdev_dev *d = fx->fake->d;

	if (fx->f->is_vf) {
		refdev_dev_vf_attach(d, fx->f->vf_index, &fx->fake->fn[fx->id]);
		return;
	}
	refdev_dev_fini(d);
	refdev_dev_init(d, &fake_dev_ops, &fx->fake->fn[0], REFDEV_MAX_VFS);
}

/* ---- Helpers ---- */

static uint64_t rd(struct refdev_func *f, int bar, uint64_t off, unsigned int size)
{
	uint64_t val = 0xdeadbeefdeadbeefull;

	assert_true(refdev_mmio_read(f, bar, off, size, &val));
	return val;
}

static void wr(struct refdev_func *f, int bar, uint64_t off, unsigned int size,
	       uint64_t val)
{
	assert_true(refdev_mmio_write(f, bar, off, size, val));
}

static uint64_t size_mask(unsigned int size)
{
	return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

static uint32_t expected_func(const struct fixture *fx)
{
	return fx->f->is_vf ? (REFDEV_FUNC_IS_VF | fx->f->vf_index) : 0;
}

/* The 32-bit value each register must read as, per SPEC 1.5. */
static uint32_t expected_reg(const struct fixture *fx, uint64_t off)
{
	switch (off) {
	case REFDEV_REG_ID:		return 0x52464456u;
	case REFDEV_REG_VERSION:	return 0x00000001u;
	case REFDEV_REG_FUNC:		return expected_func(fx);
	case REFDEV_REG_CAPS:		return 0x3u;
	case REFDEV_REG_SCRATCH:	return fx->f->scratch;
	case REFDEV_REG_IRQ_RAISE:	return 0;
	case REFDEV_REG_RESET_COUNT:	return fx->f->reset_count;
	default:			return 0;
	}
}

static bool sram_is_zero(const struct refdev_func *f)
{
	for (size_t i = 0; i < sizeof(f->sram); i++)
		if (f->sram[i])
			return false;
	return true;
}

/*
 * Rejected access: reads return false with *val = 0, writes return false
 * and leave the whole function state unchanged (and raise nothing: any
 * call to the fake ops would fail the test).
 */
static void assert_rejected(struct refdev_func *f, int bar, uint64_t off,
			    unsigned int size)
{
	struct refdev_func before;
	uint64_t val = 0x0123456789abcdefull;

	assert_false(refdev_mmio_read(f, bar, off, size, &val));
	assert_int_equal(val, 0);

	memcpy(&before, f, sizeof(before));
	assert_false(refdev_mmio_write(f, bar, off, size, ~0ull));
	assert_false(refdev_mmio_write(f, bar, off, size, 0));
	assert_false(refdev_mmio_write(f, bar, off, size, 1));
	assert_memory_equal(&before, f, sizeof(before));
}

/* ---- Identity registers ---- */

/* Writes of every accepted width and pattern to a RO register change nothing. */
static void assert_ro(struct fixture *fx, uint64_t off)
{
	uint32_t v = rd32(fx->f, off);
	const uint64_t patterns[] = { 0, ~0ull, 0x5a5a5a5a5a5a5a5aull, v ^ 0xffffffffu };

	for (size_t p = 0; p < ARRAY_SIZE(patterns); p++) {
		wr(fx->f, REFDEV_BAR_REGS, off, 4, patterns[p]);
		assert_int_equal(rd32(fx->f, off), v);
		for (unsigned int b = 0; b < 4; b++)
			wr(fx->f, REFDEV_BAR_REGS, off + b, 1, patterns[p]);
		wr(fx->f, REFDEV_BAR_REGS, off, 2, patterns[p]);
		wr(fx->f, REFDEV_BAR_REGS, off + 2, 2, patterns[p]);
		assert_int_equal(rd32(fx->f, off), v);
	}
}

/* DEV-REG-001: ID reads 0x52464456 ("RFDV") and is read-only. */
static void dev_reg_001_id(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(rd32(fx->f, REFDEV_REG_ID), 0x52464456u);
	assert_int_equal(REFDEV_ID_MAGIC, 0x52464456u);
	/* "RFDV", most significant byte first: byte 3 is 'R' in little endian. */
	assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, 3, 1), 'R');
	assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, 2, 1), 'F');
	assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, 1, 1), 'D');
	assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, 0, 1), 'V');
	assert_ro(fx, REFDEV_REG_ID);
}

/* DEV-REG-002: VERSION reads major << 16 | minor = 0x00000001, read-only. */
static void dev_reg_002_version(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(rd32(fx->f, REFDEV_REG_VERSION), 0x00000001u);
	assert_int_equal(REFDEV_VERSION,
			 (REFDEV_VERSION_MAJOR << 16) | REFDEV_VERSION_MINOR);
	assert_ro(fx, REFDEV_REG_VERSION);
	/* Other registers' writes do not reach it either. */
	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 4, 0xffffffff);
	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 8, ~0ull);
	assert_int_equal(rd32(fx->f, REFDEV_REG_VERSION), 0x00000001u);
}

/* DEV-REG-003: FUNC is 0 on the PF, read-only. */
static void dev_reg_003_func_pf(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(rd32(fx->f, REFDEV_REG_FUNC), 0);
	assert_ro(fx, REFDEV_REG_FUNC);
}

/* DEV-REG-003: the PF of a device with VFs 0..7 attached: FUNC stays 0. */
static void dev_reg_003_func_pf_ignores_vf_index(void **state)
{
	struct fake *h = fake_new_sized(REFDEV_MAX_VFS, 8, 4096, 4096);

	(void)state;
	assert_int_equal(rd32(&h->d->pf, REFDEV_REG_FUNC), 0);
	fake_free(h);
}

/* DEV-REG-003: FUNC is bit 31 | 0-based VF index on a VF, read-only. */
static void dev_reg_003_func_vf(void **state)
{
	struct fixture *fx = *state;
	uint32_t want = REFDEV_FUNC_IS_VF | fx->f->vf_index;

	assert_int_equal(rd32(fx->f, REFDEV_REG_FUNC), want);
	assert_int_equal(rd32(fx->f, REFDEV_REG_FUNC) & REFDEV_FUNC_VF_INDEX_MASK,
			 fx->f->vf_index);
	assert_true(rd32(fx->f, REFDEV_REG_FUNC) & (1u << 31));
	assert_ro(fx, REFDEV_REG_FUNC);
}

/* DEV-REG-003: every VF index of the SR-IOV range (DEV-SRIOV-001) is reported. */
static void dev_reg_003_func_vf_indices(void **state)
{
	struct fake *h = fake_new_sized(REFDEV_MAX_VFS, REFDEV_MAX_VFS, 4096, 4096);

	(void)state;
	for (unsigned int i = 0; i < REFDEV_MAX_VFS; i++)
		assert_int_equal(rd32(fake_vf(h, i), REFDEV_REG_FUNC), (1u << 31) | i);
	fake_free(h);
}

/* DEV-REG-004: CAPS reads 0x3 (SRAM | IRQ_RAISE), read-only. */
static void dev_reg_004_caps(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(rd32(fx->f, REFDEV_REG_CAPS), 0x3u);
	assert_int_equal(REFDEV_CAP_SRAM | REFDEV_CAP_IRQ_RAISE, 0x3u);
	assert_ro(fx, REFDEV_REG_CAPS);
}

/* ---- SCRATCH, IRQ_RAISE, RESET_COUNT, reserved ---- */

/* DEV-REG-005: SCRATCH is 0 after reset and keeps any 32-bit value. */
static void dev_reg_005_scratch_rw(void **state)
{
	struct fixture *fx = *state;
	const uint32_t patterns[] = {
		0xffffffffu, 0x80000001u, 0x12345678u, 0xa5a5a5a5u, 1, 0,
	};

	assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 0);
	for (size_t i = 0; i < ARRAY_SIZE(patterns); i++) {
		wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 4, patterns[i]);
		assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), patterns[i]);
	}
	for (unsigned int bit = 0; bit < 32; bit++) {
		wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 4, 1u << bit);
		assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 1u << bit);
	}
}

/* DEV-REG-005: a 4-byte write uses the low 32 bits of the value only. */
static void dev_reg_005_scratch_value_truncated(void **state)
{
	struct fixture *fx = *state;

	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 4, 0xffffffff00c0ffeeull);
	assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 0x00c0ffeeu);
}

/* DEV-REG-005, DEV-REG-008: byte and word writes to SCRATCH are dropped, but served. */
static void dev_reg_008_scratch_subdword_writes_dropped(void **state)
{
	struct fixture *fx = *state;

	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 4, 0x11223344u);
	for (unsigned int b = 0; b < 4; b++) {
		wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH + b, 1, 0xff);
		assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 0x11223344u);
	}
	for (unsigned int w = 0; w < 4; w += 2) {
		wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH + w, 2, 0xffff);
		assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 0x11223344u);
	}
}

/* DEV-REG-008: reads of 1, 2 and 4 bytes return the addressed bytes. */
static void dev_reg_008_subdword_reads(void **state)
{
	struct fixture *fx = *state;

	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 4, 0x11223344u);
	fx->f->reset_count = 0xa1b2c3d4u;
	for (uint64_t off = 0; off < 0x40; off += 4) {
		uint32_t v = expected_reg(fx, off);

		assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, off, 4), v);
		for (unsigned int b = 0; b < 4; b++)
			assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, off + b, 1),
					 (v >> (8 * b)) & 0xff);
		assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, off, 2), v & 0xffff);
		assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, off + 2, 2), v >> 16);
	}
}

/* DEV-REG-008: an 8-byte read returns two registers, lower offset in bits 31:0. */
static void dev_reg_008_qword_reads(void **state)
{
	struct fixture *fx = *state;

	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 4, 0xcafef00du);
	fx->f->reset_count = 0x01020304u;
	assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, 0x00, 8),
			 0x0000000152464456ull);
	assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, 0x08, 8),
			 ((uint64_t)0x3 << 32) | expected_func(fx));
	/* SCRATCH | IRQ_RAISE (reads 0) */
	assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, 0x10, 8), 0xcafef00dull);
	/* RESET_COUNT | reserved */
	assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, 0x18, 8), 0x01020304ull);
}

/* DEV-REG-008, DEV-REG-005, DEV-REG-006: an 8-byte write at 0x10 writes SCRATCH and IRQ_RAISE. */
static void dev_reg_008_qword_write_scratch_irq(void **state)
{
	struct fixture *fx = *state;

	expect_raise(fx, 3);
	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 8, 0x00000003deadbeefull);
	assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 0xdeadbeefu);

	/* Out-of-range vector in the upper half: SCRATCH written, no MSI-X. */
	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 8, 0xffffffff12345678ull);
	assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 0x12345678u);
}

/* DEV-REG-008: 8-byte writes over RO register pairs change nothing. */
static void dev_reg_008_qword_write_ro_pairs(void **state)
{
	struct fixture *fx = *state;

	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 4, 0x55aa55aau);
	fx->f->reset_count = 9;
	for (uint64_t off = 0; off < 0x20; off += 8) {
		if (off == REFDEV_REG_SCRATCH)
			continue;
		wr(fx->f, REFDEV_BAR_REGS, off, 8, ~0ull);
		wr(fx->f, REFDEV_BAR_REGS, off, 8, 0);
	}
	for (uint64_t off = 0; off < 0x20; off += 4)
		assert_int_equal(rd32(fx->f, off), expected_reg(fx, off));
	assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 0x55aa55aau);
	assert_int_equal(rd32(fx->f, REFDEV_REG_RESET_COUNT), 9);
}

/* DEV-REG-006: writing N < vectors raises vector N, with this function's opaque. */
static void dev_reg_006_irq_raise_each_vector(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(fx->f->msix_vectors,
			 fx->f->is_vf ? REFDEV_VF_MSIX_VECTORS : REFDEV_PF_MSIX_VECTORS);
	assert_int_equal(fx->f->msix_vectors, 4);	/* DEV-CAP-003 */
	for (unsigned int v = 0; v < fx->f->msix_vectors; v++) {
		expect_raise(fx, v);
		wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_IRQ_RAISE, 4, v);
	}
	/* Same vector twice: two raises. */
	expect_raise(fx, 1);
	expect_raise(fx, 1);
	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_IRQ_RAISE, 4, 1);
	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_IRQ_RAISE, 4, 1);
	/* Bits above the access size are not part of the written value. */
	expect_raise(fx, 2);
	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_IRQ_RAISE, 4, 0x100000002ull);
}

/* DEV-REG-006: N >= vectors is ignored (no call of the ops). */
static void dev_reg_006_irq_raise_out_of_range(void **state)
{
	struct fixture *fx = *state;
	const uint32_t bad[] = {
		4, 5, 31, 32, 0x100, 0x7fffffffu, 0x80000000u, 0x80000001u,
		0xfffffffcu, 0xffffffffu,
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_IRQ_RAISE, 4, bad[i]);
}

/* DEV-REG-006: IRQ_RAISE reads 0 at every width, also after writes. */
static void dev_reg_006_irq_raise_reads_zero(void **state)
{
	struct fixture *fx = *state;

	expect_raise(fx, 2);
	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_IRQ_RAISE, 4, 2);
	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_IRQ_RAISE, 4, 0xffffffffu);
	assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, REFDEV_REG_IRQ_RAISE, 4), 0);
	for (unsigned int b = 0; b < 4; b++)
		assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, REFDEV_REG_IRQ_RAISE + b, 1), 0);
	for (unsigned int w = 0; w < 4; w += 2)
		assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, REFDEV_REG_IRQ_RAISE + w, 2), 0);
}

/* DEV-REG-006, DEV-REG-008: byte/word writes to IRQ_RAISE raise nothing. */
static void dev_reg_008_irq_raise_subdword_dropped(void **state)
{
	struct fixture *fx = *state;

	for (unsigned int b = 0; b < 4; b++)
		wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_IRQ_RAISE + b, 1, 0);
	for (unsigned int w = 0; w < 4; w += 2)
		wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_IRQ_RAISE + w, 2, 1);
}

/* DEV-REG-006: with no ops table, or no raise_msix, IRQ_RAISE is a no-op. */
static void dev_reg_006_irq_raise_without_ops(void **state)
{
	struct fixture *fx = *state;

	for (unsigned int v = 0; v < 8; v++)
		wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_IRQ_RAISE, 4, v);
	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 8, 0x0000000100000007ull);
	assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 7);
	assert_int_equal(rd32(fx->f, REFDEV_REG_ID), REFDEV_ID_MAGIC);
	func_reset(fx);
	assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 0);
	assert_int_equal(rd32(fx->f, REFDEV_REG_RESET_COUNT), 1);
}

/*
 * DEV-REG-007: RESET_COUNT is 0 when the function is created and counts
 * resets; QEMU's reset right after creation makes software first read 1.
 */
static void dev_reg_007_reset_count_counts(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(rd32(fx->f, REFDEV_REG_RESET_COUNT), 0);
	for (uint32_t n = 1; n <= 5; n++) {
		func_reset(fx);
		assert_int_equal(rd32(fx->f, REFDEV_REG_RESET_COUNT), n);
	}
	/* Re-creation (power-on, VF Enable) starts again; QEMU then resets once. */
	power_on(fx);
	assert_int_equal(rd32(fx->f, REFDEV_REG_RESET_COUNT), 0);
	func_reset(fx);
	assert_int_equal(rd32(fx->f, REFDEV_REG_RESET_COUNT), 1);
}

/* DEV-REG-007: RESET_COUNT is read-only. */
static void dev_reg_007_reset_count_ro(void **state)
{
	struct fixture *fx = *state;

	func_reset(fx);
	func_reset(fx);
	assert_ro(fx, REFDEV_REG_RESET_COUNT);
	assert_int_equal(rd32(fx->f, REFDEV_REG_RESET_COUNT), 2);
}

/* DEV-REG-007: RESET_COUNT saturates at 0xffffffff instead of wrapping. */
static void dev_reg_007_reset_count_saturates(void **state)
{
	struct fixture *fx = *state;

	fx->f->reset_count = UINT32_MAX - 2;
	func_reset(fx);
	assert_int_equal(rd32(fx->f, REFDEV_REG_RESET_COUNT), UINT32_MAX - 1);
	func_reset(fx);
	assert_int_equal(rd32(fx->f, REFDEV_REG_RESET_COUNT), UINT32_MAX);
	func_reset(fx);
	assert_int_equal(rd32(fx->f, REFDEV_REG_RESET_COUNT), UINT32_MAX);
	func_reset(fx);
	assert_int_equal(rd32(fx->f, REFDEV_REG_RESET_COUNT), UINT32_MAX);
	/* The other reset effects still happen at saturation (DEV-RST-001). */
	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 4, 1);
	wr(fx->f, REFDEV_BAR_SRAM, 0, 1, 1);
	func_reset(fx);
	assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 0);
	assert_true(sram_is_zero(fx->f));
}

/* SPEC 1.5 "Reserved offsets": every reserved dword reads 0 and ignores writes. */
static void dev_reg_reserved_offsets(void **state)
{
	struct fixture *fx = *state;

	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 4, 0x600dcafeu);
	for (uint64_t off = REFDEV_REG_RESET_COUNT + 4; off < REFDEV_REGS_WINDOW; off += 4) {
		if (off == V1_FIRST)
			off = V1_END;
		wr(fx->f, REFDEV_BAR_REGS, off, 4, 0xffffffffu);
		wr(fx->f, REFDEV_BAR_REGS, off, 1, 0xff);
		assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, off, 4), 0);
		assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, off + 3, 1), 0);
		assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, off + 2, 2), 0);
		if ((off & 7) == 0) {
			wr(fx->f, REFDEV_BAR_REGS, off, 8, ~0ull);
			assert_int_equal(rd(fx->f, REFDEV_BAR_REGS, off, 8), 0);
		}
	}
	/* Nothing leaked into the defined registers or the SRAM. */
	for (uint64_t off = 0; off <= REFDEV_REG_RESET_COUNT; off += 4)
		assert_int_equal(rd32(fx->f, off), expected_reg(fx, off));
	assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 0x600dcafeu);
	assert_true(sram_is_zero(fx->f));
}

/* ---- Access rules (DEV-BAR-005) ---- */

/* DEV-BAR-005: aligned 1/2/4/8-byte accesses anywhere inside a window are served. */
static void check_window_served(struct fixture *fx, int bar, uint64_t limit)
{
	for (size_t i = 0; i < ARRAY_SIZE(valid_sizes); i++) {
		unsigned int size = valid_sizes[i];
		const uint64_t offs[] = { 0, size, limit / 2, limit - 2 * size, limit - size };

		for (size_t j = 0; j < ARRAY_SIZE(offs); j++) {
			uint64_t val = 0xdeadbeefdeadbeefull;

			assert_true(refdev_mmio_read(fx->f, bar, offs[j], size, &val));
			assert_int_equal(val & ~size_mask(size), 0);
			assert_true(refdev_mmio_write(fx->f, bar, offs[j], size, 0));
		}
	}
}

static void dev_bar_005_window_served(void **state)
{
	struct fixture *fx = *state;

	check_window_served(fx, REFDEV_BAR_REGS, REFDEV_REGS_WINDOW);
	check_window_served(fx, REFDEV_BAR_SRAM, REFDEV_BAR_SRAM_SIZE);
}

/* DEV-BAR-005: misaligned accesses read 0 and drop writes, on both BARs. */
static void check_misaligned(struct fixture *fx, int bar, uint64_t limit)
{
	for (size_t i = 0; i < ARRAY_SIZE(valid_sizes); i++) {
		unsigned int size = valid_sizes[i];

		for (unsigned int mis = 1; mis < size; mis++) {
			assert_rejected(fx->f, bar, mis, size);
			assert_rejected(fx->f, bar, 0x10 + mis, size);
			/* The last bytes of the window: misaligned and crossing. */
			assert_rejected(fx->f, bar, limit - size + mis, size);
			assert_rejected(fx->f, bar, limit - size - mis, size);
		}
	}
}

static void dev_bar_005_misaligned_rejected(void **state)
{
	struct fixture *fx = *state;

	/* Put recognisable state where a stray access would land. */
	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 4, 0x13579bdfu);
	for (uint64_t off = 0; off < REFDEV_BAR_SRAM_SIZE; off += 8)
		wr(fx->f, REFDEV_BAR_SRAM, off, 8, 0x0101010101010101ull * (off & 0xff));
	check_misaligned(fx, REFDEV_BAR_REGS, REFDEV_REGS_WINDOW);
	check_misaligned(fx, REFDEV_BAR_SRAM, REFDEV_BAR_SRAM_SIZE);
	/* Misaligned reads of defined registers also read 0. */
	assert_rejected(fx->f, REFDEV_BAR_REGS, REFDEV_REG_ID + 1, 2);
	assert_rejected(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH + 2, 4);
	assert_rejected(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH + 4, 8);
}

/* DEV-BAR-005: accesses at or beyond the end of the window are rejected. */
static void check_beyond(struct fixture *fx, int bar, uint64_t limit)
{
	for (size_t i = 0; i < ARRAY_SIZE(valid_sizes); i++) {
		unsigned int size = valid_sizes[i];
		const uint64_t offs[] = {
			limit, limit + size, limit * 2, REFDEV_BAR_REGS_SIZE - size,
			REFDEV_BAR_REGS_SIZE, 0x100000000ull, 0x100000000ull - size,
			1ull << 63, UINT64_MAX - size + 1, UINT64_MAX & ~7ull,
		};

		for (size_t j = 0; j < ARRAY_SIZE(offs); j++)
			assert_rejected(fx->f, bar, offs[j], size);
	}
}

static void dev_bar_005_beyond_window_rejected(void **state)
{
	struct fixture *fx = *state;

	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 4, 0x2468ace0u);
	check_beyond(fx, REFDEV_BAR_REGS, REFDEV_REGS_WINDOW);
	check_beyond(fx, REFDEV_BAR_SRAM, REFDEV_BAR_SRAM_SIZE);
	/* BAR0 beyond the register window: the MSI-X table and PBA are the glue's. */
	for (uint64_t off = REFDEV_REGS_WINDOW; off < REFDEV_BAR_REGS_SIZE; off += 0x200)
		assert_rejected(fx->f, REFDEV_BAR_REGS, off, 4);
	assert_rejected(fx->f, REFDEV_BAR_REGS, REFDEV_MSIX_TABLE_OFFSET, 4);
	assert_rejected(fx->f, REFDEV_BAR_REGS, REFDEV_MSIX_PBA_OFFSET, 8);
}

/* DEV-BAR-005: sizes other than 1, 2, 4, 8 are rejected, even at offset 0. */
static void dev_bar_005_bad_sizes_rejected(void **state)
{
	struct fixture *fx = *state;
	const unsigned int bad[] = { 0, 3, 5, 6, 7, 9, 12, 16, 32, 4096, 0x80000000u, UINT_MAX };
	const int bars[] = { REFDEV_BAR_REGS, REFDEV_BAR_SRAM };

	for (size_t b = 0; b < ARRAY_SIZE(bars); b++)
		for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
			assert_rejected(fx->f, bars[b], 0, bad[i]);
			assert_rejected(fx->f, bars[b], REFDEV_REG_SCRATCH, bad[i]);
		}
}

/* DEV-BAR-003, DEV-BAR-005: BARs other than 0 and 2 serve nothing. */
static void dev_bar_005_invalid_bars_rejected(void **state)
{
	struct fixture *fx = *state;
	const int bad[] = { -1, 1, 3, 4, 5, 6, 7, 255, INT_MAX, INT_MIN };

	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 4, 0x0badf00du);
	for (size_t b = 0; b < ARRAY_SIZE(bad); b++)
		for (size_t i = 0; i < ARRAY_SIZE(valid_sizes); i++) {
			assert_rejected(fx->f, bad[b], 0, valid_sizes[i]);
			assert_rejected(fx->f, bad[b], REFDEV_REG_SCRATCH, valid_sizes[i]);
			assert_rejected(fx->f, bad[b], REFDEV_REG_IRQ_RAISE, valid_sizes[i]);
		}
	assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 0x0badf00du);
}

/* ---- SRAM (DEV-BAR-002) ---- */

/* DEV-BAR-002: the SRAM is 4 KiB and reads 0 after power-on. */
static void dev_bar_002_sram_zero_at_power_on(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(sizeof(fx->f->sram), 0x1000);
	for (uint64_t off = 0; off < REFDEV_BAR_SRAM_SIZE; off += 8)
		assert_int_equal(rd(fx->f, REFDEV_BAR_SRAM, off, 8), 0);
}

/* DEV-BAR-002: little-endian, byte-exact: a write of N bytes changes exactly N bytes. */
static void dev_bar_002_sram_byte_exact(void **state)
{
	struct fixture *fx = *state;
	const uint64_t pattern = 0x0807060504030201ull;

	for (size_t i = 0; i < ARRAY_SIZE(valid_sizes); i++) {
		unsigned int size = valid_sizes[i];
		const uint64_t offs[] = { 0, 0x100, REFDEV_BAR_SRAM_SIZE - size };

		for (size_t j = 0; j < ARRAY_SIZE(offs); j++) {
			uint64_t off = offs[j];

			/* Background of 0xee everywhere. */
			memset(fx->f->sram, 0xee, sizeof(fx->f->sram));
			wr(fx->f, REFDEV_BAR_SRAM, off, size, pattern);
			for (uint64_t k = 0; k < REFDEV_BAR_SRAM_SIZE; k++) {
				uint64_t want = (k >= off && k < off + size) ? k - off + 1 : 0xee;

				assert_int_equal(rd(fx->f, REFDEV_BAR_SRAM, k, 1), want);
			}
			assert_int_equal(rd(fx->f, REFDEV_BAR_SRAM, off, size),
					 pattern & size_mask(size));
		}
	}
}

/* DEV-BAR-002: reads of any width compose the bytes in little-endian order. */
static void dev_bar_002_sram_mixed_widths(void **state)
{
	struct fixture *fx = *state;

	wr(fx->f, REFDEV_BAR_SRAM, 0x10, 8, 0x8877665544332211ull);
	assert_int_equal(rd(fx->f, REFDEV_BAR_SRAM, 0x10, 4), 0x44332211u);
	assert_int_equal(rd(fx->f, REFDEV_BAR_SRAM, 0x14, 4), 0x88776655u);
	assert_int_equal(rd(fx->f, REFDEV_BAR_SRAM, 0x12, 2), 0x4433);
	assert_int_equal(rd(fx->f, REFDEV_BAR_SRAM, 0x17, 1), 0x88);

	/* Build a qword from bytes, words and a dword. */
	wr(fx->f, REFDEV_BAR_SRAM, 0x20, 1, 0xa0);
	wr(fx->f, REFDEV_BAR_SRAM, 0x21, 1, 0xa1);
	wr(fx->f, REFDEV_BAR_SRAM, 0x22, 2, 0xa3a2);
	wr(fx->f, REFDEV_BAR_SRAM, 0x24, 4, 0xa7a6a5a4u);
	assert_int_equal(rd(fx->f, REFDEV_BAR_SRAM, 0x20, 8), 0xa7a6a5a4a3a2a1a0ull);

	/* Bits above the access size are not written. */
	wr(fx->f, REFDEV_BAR_SRAM, 0x30, 8, 0);
	wr(fx->f, REFDEV_BAR_SRAM, 0x30, 2, 0xffffffffffff1234ull);
	assert_int_equal(rd(fx->f, REFDEV_BAR_SRAM, 0x30, 8), 0x1234);
}

/* DEV-BAR-002: every byte holds its own value (no aliasing within the 4 KiB). */
static void dev_bar_002_sram_full_pattern(void **state)
{
	struct fixture *fx = *state;

	for (uint64_t off = 0; off < REFDEV_BAR_SRAM_SIZE; off += 4)
		wr(fx->f, REFDEV_BAR_SRAM, off, 4, (uint32_t)(off * 2654435761u));
	for (uint64_t off = 0; off < REFDEV_BAR_SRAM_SIZE; off += 4)
		assert_int_equal(rd(fx->f, REFDEV_BAR_SRAM, off, 4),
				 (uint32_t)(off * 2654435761u));
	/* The SRAM is not the register file. */
	assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 0);
	assert_int_equal(rd32(fx->f, REFDEV_REG_ID), REFDEV_ID_MAGIC);
}

/* DEV-BAR-002, DEV-REG-005: PF and VF state are independent. */
static void dev_bar_002_functions_independent(void **state)
{
	struct fake *h = fake_new_sized(REFDEV_MAX_VFS, 4, 4096, 4096);
	struct refdev_func *pf = &h->d->pf, *vf = fake_vf(h, 3);

	(void)state;
	wr(pf, REFDEV_BAR_SRAM, 0x40, 8, 0x1111111111111111ull);
	wr(pf, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 4, 0x22222222u);
	assert_int_equal(rd(vf, REFDEV_BAR_SRAM, 0x40, 8), 0);
	assert_int_equal(rd32(vf, REFDEV_REG_SCRATCH), 0);
	refdev_dev_vf_flr(h->d, 3);
	assert_int_equal(rd(pf, REFDEV_BAR_SRAM, 0x40, 8), 0x1111111111111111ull);
	assert_int_equal(rd32(pf, REFDEV_REG_SCRATCH), 0x22222222u);
	assert_int_equal(rd32(pf, REFDEV_REG_RESET_COUNT), 0);
	assert_int_equal(rd32(vf, REFDEV_REG_RESET_COUNT), 1);
	fake_free(h);
}

/* ---- Resets (DEV-RST-001) and power-on ---- */

/* DEV-RST-001: reset clears SCRATCH and SRAM, counts, keeps identity, raises nothing. */
static void dev_rst_001_reset(void **state)
{
	struct fixture *fx = *state;
	uint32_t func = rd32(fx->f, REFDEV_REG_FUNC);

	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 4, 0xffffffffu);
	memset(fx->f->sram, 0x5a, sizeof(fx->f->sram));
	wr(fx->f, REFDEV_BAR_SRAM, REFDEV_BAR_SRAM_SIZE - 8, 8, ~0ull);

	func_reset(fx);

	assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 0);
	assert_true(sram_is_zero(fx->f));
	for (uint64_t off = 0; off < REFDEV_BAR_SRAM_SIZE; off += 8)
		assert_int_equal(rd(fx->f, REFDEV_BAR_SRAM, off, 8), 0);
	assert_int_equal(rd32(fx->f, REFDEV_REG_RESET_COUNT), 1);
	assert_int_equal(rd32(fx->f, REFDEV_REG_ID), REFDEV_ID_MAGIC);
	assert_int_equal(rd32(fx->f, REFDEV_REG_VERSION), REFDEV_VERSION);
	assert_int_equal(rd32(fx->f, REFDEV_REG_FUNC), func);
	assert_int_equal(rd32(fx->f, REFDEV_REG_CAPS), 0x3);
	/* The function still works after the reset. */
	expect_raise(fx, 0);
	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_IRQ_RAISE, 4, 0);
	wr(fx->f, REFDEV_BAR_REGS, REFDEV_REG_SCRATCH, 4, 42);
	assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 42);
}

/* DEV-RST-001, DEV-REG-007: power-on (init) state, whatever the memory held before. */
static void dev_rst_001_power_on_state(void **state)
{
	struct fixture *fx = *state;	/* initialised over 0xa5 garbage */

	assert_ptr_equal(fx->f->ops, &fake_dev_ops);
	assert_ptr_equal(fx->f->opaque, &fx->fake->fn[fx->id]);
	for (uint64_t off = 0; off < 0x20; off += 4)
		assert_int_equal(rd32(fx->f, off), expected_reg(fx, off));
	assert_int_equal(rd32(fx->f, REFDEV_REG_SCRATCH), 0);
	assert_int_equal(rd32(fx->f, REFDEV_REG_RESET_COUNT), 0);
	assert_true(sram_is_zero(fx->f));
}

int main(void)
{
/* One function, several fixtures: the fixture is part of the test name. */
#define T(t, s)	{ #t "/" #s, t, setup_##s, teardown, NULL }
#define PF(t)	T(t, pf)
#define VF(t)	T(t, vf)
	const struct CMUnitTest tests[] = {
		PF(dev_reg_001_id),
		VF(dev_reg_001_id),
		PF(dev_reg_002_version),
		VF(dev_reg_002_version),
		PF(dev_reg_003_func_pf),
		cmocka_unit_test(dev_reg_003_func_pf_ignores_vf_index),
		VF(dev_reg_003_func_vf),
		T(dev_reg_003_func_vf, vf0),
		T(dev_reg_003_func_vf, vf_max),
		cmocka_unit_test(dev_reg_003_func_vf_indices),
		PF(dev_reg_004_caps),
		VF(dev_reg_004_caps),
		PF(dev_reg_005_scratch_rw),
		VF(dev_reg_005_scratch_rw),
		PF(dev_reg_005_scratch_value_truncated),
		PF(dev_reg_006_irq_raise_each_vector),
		VF(dev_reg_006_irq_raise_each_vector),
		PF(dev_reg_006_irq_raise_out_of_range),
		VF(dev_reg_006_irq_raise_out_of_range),
		PF(dev_reg_006_irq_raise_reads_zero),
		T(dev_reg_006_irq_raise_without_ops, pf_null_ops),
		T(dev_reg_006_irq_raise_without_ops, vf_null_raise),
		PF(dev_reg_007_reset_count_counts),
		VF(dev_reg_007_reset_count_counts),
		PF(dev_reg_007_reset_count_ro),
		PF(dev_reg_007_reset_count_saturates),
		PF(dev_reg_008_scratch_subdword_writes_dropped),
		PF(dev_reg_008_irq_raise_subdword_dropped),
		PF(dev_reg_008_subdword_reads),
		VF(dev_reg_008_subdword_reads),
		PF(dev_reg_008_qword_reads),
		VF(dev_reg_008_qword_reads),
		PF(dev_reg_008_qword_write_scratch_irq),
		VF(dev_reg_008_qword_write_scratch_irq),
		PF(dev_reg_008_qword_write_ro_pairs),
		PF(dev_reg_reserved_offsets),
		VF(dev_reg_reserved_offsets),
		PF(dev_bar_005_window_served),
		PF(dev_bar_005_misaligned_rejected),
		VF(dev_bar_005_misaligned_rejected),
		PF(dev_bar_005_beyond_window_rejected),
		VF(dev_bar_005_beyond_window_rejected),
		PF(dev_bar_005_bad_sizes_rejected),
		PF(dev_bar_005_invalid_bars_rejected),
		T(dev_bar_005_invalid_bars_rejected, pf_null_ops),
		PF(dev_bar_002_sram_zero_at_power_on),
		PF(dev_bar_002_sram_byte_exact),
		VF(dev_bar_002_sram_byte_exact),
		PF(dev_bar_002_sram_mixed_widths),
		PF(dev_bar_002_sram_full_pattern),
		cmocka_unit_test(dev_bar_002_functions_independent),
		PF(dev_rst_001_reset),
		VF(dev_rst_001_reset),
		PF(dev_rst_001_power_on_state),
		VF(dev_rst_001_power_on_state),
	};

	return cmocka_run_group_tests_name("refdev_core", tests, NULL, NULL);
}
