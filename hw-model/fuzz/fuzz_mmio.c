// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * libFuzzer target: MMIO and resets on the PF and one VF of a refdev
 * device on the fake host (refdev_fake.h), checked step by step against a
 * reference model written from SPEC.md "Device" (DEV-BAR-*, DEV-REG-*,
 * DEV-RST-001), not from the core's code. BAR0's engine registers
 * (0x100..0x143, SPEC 1.7 and 1.8) are fuzz_aq's and fuzz_stream's: an
 * access that touches them is skipped.
 *
 * Input format (all little endian; a short input just ends the run):
 *   header  1 byte   bits 1:0 PF ops kind, bits 3:2 VF ops kind
 *                    (0, 1: fake ops; 2: ops == NULL; 3: raise_msix == NULL)
 *           2 bytes  VF index of the VF (modulo the device's 32)
 *   then a sequence of steps, each starting with an opcode byte:
 *     bit 0     function: 0 PF, 1 VF
 *     bits 3:1  0..2 read, 3..5 write, 6 reset, 7 special (see below)
 *     bit 4     offset is 8 raw bytes (else 2 bytes, see decode_offset)
 *   read/write: bar byte, size byte, offset (2 or 8 bytes), and for a
 *   write the value (8 bytes). special: one byte; even: set RESET_COUNT
 *   to 0xffffffff - (byte >> 1 & 3) to reach saturation; odd: power-on
 *   (the VF re-created; for the PF the whole device, its VF too). The
 *   PF's reset re-creates the VF as well (DEV-RST-002 detaches it).
 *
 * Invariants, checked after every step on both functions (abort() on a
 * violation, so libFuzzer reports a crash):
 *   - every read returns what the model says (served or not; 0 if not);
 *   - ID, VERSION, FUNC, CAPS never change;
 *   - SCRATCH reads back the last dword written at 4/8-byte width;
 *   - the SRAM equals the model's shadow copy, byte for byte;
 *   - RESET_COUNT counts resets and saturates;
 *   - the host sees an MSI-X exactly when the model says, from the right
 *     function and vector, never with a vector >= msix_vectors;
 *   - rejected writes change nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refdev_fake.h"

#define V1_FIRST	0x100	/* the engines' registers: DMA (VF), AQ (PF) */
#define V1_END		(REFDEV_REG_VF_REINIT + 4)

enum ops_kind { OPS_FAKE, OPS_FAKE2, OPS_NULL, OPS_NO_RAISE };

/* Reference model of one function: only what SPEC.md says. */
struct model {
	bool is_vf;
	uint16_t vf_index;
	unsigned int vectors;
	enum ops_kind ops_kind;
	uint32_t scratch;
	uint32_t reset_count;
	uint8_t sram[REFDEV_BAR_SRAM_SIZE];
};

struct dut {
	struct refdev_func *f;
	struct model m;
	int id;			/* on the fake host: 0 PF, 1 + i VF i */
	bool armed;		/* the current write must raise ... */
	unsigned int want;	/* ... this vector */
	const char *name;
};

static struct fake *fx;
static struct dut duts[2];

/* ---- input decoding ---- */

struct input {
	const uint8_t *p;
	size_t left;
};

static bool take(struct input *in, void *dst, size_t n)
{
	if (in->left < n)
		return false;
	memcpy(dst, in->p, n);
	in->p += n;
	in->left -= n;
	return true;
}

static int decode_bar(uint8_t sel)
{
	static const int invalid[] = { 1, 3, 4, 5, 6, -1, 0x7fffffff, -0x7fffffff - 1 };

	if (sel < 0x60)
		return REFDEV_BAR_REGS;
	if (sel < 0xc0)
		return REFDEV_BAR_SRAM;
	if (sel < 0xe0)
		return invalid[sel & 7];
	return (int8_t)sel;	/* -32..-1 */
}

/* bit 7 clear: 1/2/4/8 from bits 1:0; set: an invalid or raw size. */
static unsigned int decode_size(uint8_t sel)
{
	static const unsigned int odd[] = {
		0, 3, 5, 6, 7, 16, 0x80000000u, 0xffffffffu,
	};

	if (!(sel & 0x80))
		return 1u << (sel & 3);
	if (sel & 0x40)
		return sel & 0x3f;
	return odd[sel & 7];
}

static bool decode_offset(struct input *in, bool wide, uint64_t *off)
{
	uint8_t b[8];

	if (!take(in, b, wide ? 8 : 2))
		return false;
	*off = refdev_le_get(b, wide ? 8 : 2);
	/* Mostly inside the 4 KiB windows, sometimes up to 32 KiB. */
	if (!wide)
		*off &= (*off & 0x8000) ? 0x7fff : 0x0fff;
	return true;
}

/* ---- the model ---- */

static bool model_served(int bar, uint64_t off, unsigned int size)
{
	uint64_t limit;

	if (bar == REFDEV_BAR_REGS)
		limit = REFDEV_REGS_WINDOW;
	else if (bar == REFDEV_BAR_SRAM)
		limit = REFDEV_BAR_SRAM_SIZE;
	else
		return false;			/* DEV-BAR-003 */
	if (size != 1 && size != 2 && size != 4 && size != 8)
		return false;			/* DEV-BAR-005 */
	if (off % size)
		return false;
	return off < limit && limit - off >= size;
}

static uint32_t model_func(const struct model *m)
{
	return m->is_vf ? 0x80000000u | m->vf_index : 0;
}

static uint32_t model_reg(const struct model *m, uint64_t dword)
{
	switch (dword) {
	case 0x000: return 0x52464456u;		/* DEV-REG-001 */
	case 0x004: return REFDEV_VERSION;	/* DEV-REG-002 */
	case 0x008: return model_func(m);	/* DEV-REG-003 */
	case 0x00c: return 0x3;			/* DEV-REG-004 */
	case 0x010: return m->scratch;		/* DEV-REG-005 */
	case 0x018: return m->reset_count;	/* DEV-REG-007 */
	default: return 0;			/* IRQ_RAISE, reserved */
	}
}

static uint8_t model_byte(const struct model *m, int bar, uint64_t off)
{
	if (bar == REFDEV_BAR_SRAM)
		return m->sram[off];
	return (uint8_t)(model_reg(m, off & ~3ull) >> (8 * (off & 3)));
}

static uint64_t model_read(const struct model *m, int bar, uint64_t off,
			   unsigned int size)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (uint64_t)model_byte(m, bar, off + i) << (8 * i);
	return v;
}

static void model_reset(struct model *m)
{
	m->scratch = 0;
	memset(m->sram, 0, sizeof(m->sram));
	if (m->reset_count != 0xffffffffu)
		m->reset_count++;
}

static const struct refdev_ops *ops_of(enum ops_kind k)
{
	switch (k) {
	case OPS_NULL: return NULL;
	case OPS_NO_RAISE: return &fake_no_raise_ops;
	default: return &fake_dev_ops;
	}
}

static void model_power_on(struct dut *d)
{
	d->m.scratch = 0;
	d->m.reset_count = 0;
	memset(d->m.sram, 0, sizeof(d->m.sram));
}

/* The VF (re-)created in its slot: power-on state (DEV-SRIOV-002). */
static void vf_create(void)
{
	struct dut *d = &duts[1];

	d->f = refdev_dev_vf_attach(fx->d, d->m.vf_index, &fx->fn[d->id]);
	d->f->ops = ops_of(d->m.ops_kind);
	model_power_on(d);
}

/* The device's power-on (its VF created again), or only the VF's. */
static void power_on(struct dut *d)
{
	if (d->m.is_vf) {
		vf_create();
		return;
	}
	refdev_dev_fini(fx->d);
	memset(fx->d, 0xa5, sizeof(*fx->d));	/* init must not need zeroed memory */
	refdev_dev_init(fx->d, &fake_dev_ops, &fx->fn[0], REFDEV_MAX_VFS);
	d->f = &fx->d->pf;
	d->f->ops = ops_of(d->m.ops_kind);
	model_power_on(d);
	vf_create();
}

/* FLR of the VF; the PF's reset, which takes the VF away (re-created). */
static void reset(struct dut *d)
{
	if (d->m.is_vf) {
		refdev_dev_vf_flr(fx->d, d->m.vf_index);
	} else {
		refdev_dev_pf_reset(fx->d);
		vf_create();
	}
	model_reset(&d->m);
}

/* Accesses that touch the engines' registers are not this target's. */
static bool engine_reg(int bar, uint64_t off, unsigned int size)
{
	return bar == REFDEV_BAR_REGS && off < V1_END && size <= V1_END &&
	       off + size > V1_FIRST;
}

/* ---- steps ---- */

static void do_read(struct dut *d, int bar, uint64_t off, unsigned int size)
{
	uint64_t val = 0x5555aaaa5555aaaaull;
	bool served = model_served(bar, off, size);
	bool ok = refdev_mmio_read(d->f, bar, off, size, &val);

	FAKE_CHECK(ok == served, "%s read bar %d off 0x%llx size %u", d->name, bar,
	      (unsigned long long)off, size);
	if (!served) {
		FAKE_CHECK(val == 0, "%s rejected read returned 0x%llx", d->name,
		      (unsigned long long)val);
		return;
	}
	FAKE_CHECK(val == model_read(&d->m, bar, off, size),
	      "%s read bar %d off 0x%llx size %u: 0x%llx, model 0x%llx", d->name,
	      bar, (unsigned long long)off, size, (unsigned long long)val,
	      (unsigned long long)model_read(&d->m, bar, off, size));
}

static void model_reg_write32(struct dut *d, uint64_t dword, uint32_t v)
{
	if (dword == REFDEV_REG_SCRATCH) {
		d->m.scratch = v;
	} else if (dword == REFDEV_REG_IRQ_RAISE) {
		/* DEV-REG-006: only N < vectors, and only if there is someone to tell. */
		if (v < d->m.vectors && (d->m.ops_kind == OPS_FAKE ||
					 d->m.ops_kind == OPS_FAKE2)) {
			d->armed = true;
			d->want = v;
		}
	}
}

static void do_write(struct dut *d, int bar, uint64_t off, unsigned int size,
		     uint64_t val)
{
	bool served = model_served(bar, off, size);
	bool ok;

	d->armed = false;
	fx->nirq = 0;
	if (served && bar == REFDEV_BAR_SRAM) {
		for (unsigned int i = 0; i < size; i++)
			d->m.sram[off + i] = (uint8_t)(val >> (8 * i));
	} else if (served && size >= 4) {
		/* DEV-REG-008: 4 or 8 bytes; 8 = two registers, low one first. */
		model_reg_write32(d, off, (uint32_t)val);
		if (size == 8)
			model_reg_write32(d, off + 4, (uint32_t)(val >> 32));
	}

	ok = refdev_mmio_write(d->f, bar, off, size, val);
	FAKE_CHECK(ok == served, "%s write bar %d off 0x%llx size %u", d->name, bar,
	      (unsigned long long)off, size);
	FAKE_CHECK(fx->nirq == (d->armed ? 1u : 0u),
	      "%s write 0x%llx to off 0x%llx size %u: %u raises", d->name,
	      (unsigned long long)val, (unsigned long long)off, size, fx->nirq);
	FAKE_CHECK(!fx->nirq || (fx->irq[0].id == d->id && fx->irq[0].vec == d->want &&
				 d->want < d->f->msix_vectors),
	      "%s raised vector %u of function %d, wanted %u", d->name,
	      fx->irq[0].vec, fx->irq[0].id, d->want);
	d->armed = false;
}

static void check_invariants(struct dut *d)
{
	const struct model *m = &d->m;
	static const uint64_t regs[] = {
		REFDEV_REG_ID, REFDEV_REG_VERSION, REFDEV_REG_FUNC, REFDEV_REG_CAPS,
		REFDEV_REG_SCRATCH, REFDEV_REG_IRQ_RAISE, REFDEV_REG_RESET_COUNT,
	};

	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		uint64_t v = ~0ull;

		FAKE_CHECK(refdev_mmio_read(d->f, REFDEV_BAR_REGS, regs[i], 4, &v),
		      "%s reg 0x%llx not readable", d->name, (unsigned long long)regs[i]);
		FAKE_CHECK(v == model_reg(m, regs[i]), "%s reg 0x%llx = 0x%llx, model 0x%x",
		      d->name, (unsigned long long)regs[i], (unsigned long long)v,
		      model_reg(m, regs[i]));
	}
	FAKE_CHECK(memcmp(d->f->sram, m->sram, sizeof(m->sram)) == 0,
	      "%s SRAM differs from the shadow copy", d->name);
	FAKE_CHECK(d->f->msix_vectors == m->vectors && d->f->is_vf == m->is_vf &&
	      d->f->vf_index == (m->is_vf ? m->vf_index : 0) &&
	      d->f->ops == ops_of(m->ops_kind) && d->f->opaque == &fx->fn[d->id],
	      "%s identity fields changed", d->name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	uint8_t hdr = 0, idx[2] = { 0, 0 }, op;

	take(&in, &hdr, 1);
	take(&in, idx, 2);
	if (!fx)
		fx = fake_new_sized(REFDEV_MAX_VFS, 0, 4096, 4096);
	for (int i = 0; i < 2; i++) {
		struct dut *d = &duts[i];

		d->name = i ? "VF" : "PF";
		d->m.is_vf = i;
		d->m.vf_index = i ? (uint16_t)(refdev_le_get(idx, 2) % REFDEV_MAX_VFS) : 0;
		d->id = i ? 1 + d->m.vf_index : 0;
		d->m.vectors = i ? REFDEV_VF_MSIX_VECTORS : REFDEV_PF_MSIX_VECTORS;
		d->m.ops_kind = (enum ops_kind)((hdr >> (2 * i)) & 3);
		d->armed = false;
	}
	power_on(&duts[0]);	/* the device, its VF too */
	check_invariants(&duts[0]);
	check_invariants(&duts[1]);

	while (take(&in, &op, 1)) {
		struct dut *d = &duts[op & 1];
		unsigned int kind = (op >> 1) & 7;
		uint8_t bar_sel, size_sel, vb[8];
		uint64_t off;

		if (kind <= 5) {
			if (!take(&in, &bar_sel, 1) || !take(&in, &size_sel, 1) ||
			    !decode_offset(&in, op & 0x10, &off))
				break;
			int bar = decode_bar(bar_sel);
			unsigned int sz = decode_size(size_sel);

			/* Often aligned, so that most accesses are served. */
			if ((size_sel & 0xc0) == 0x40 && sz)
				off &= ~(uint64_t)(sz - 1);
			if (engine_reg(bar, off, sz)) {
				if (kind > 2 && !take(&in, vb, 8))
					break;
			} else if (kind <= 2) {
				do_read(d, bar, off, sz);
			} else {
				if (!take(&in, vb, 8))
					break;
				do_write(d, bar, off, sz, refdev_le_get(vb, 8));
			}
		} else if (kind == 6) {
			reset(d);	/* FLR / PF reset: DEV-RST-001 */
		} else {
			uint8_t arg;

			if (!take(&in, &arg, 1))
				break;
			if (arg & 1) {
				power_on(d);
			} else {
				/* Test hook: jump close to saturation (DEV-REG-007). */
				d->f->reset_count = 0xffffffffu - ((arg >> 1) & 3);
				d->m.reset_count = d->f->reset_count;
			}
		}
		check_invariants(&duts[0]);
		check_invariants(&duts[1]);
	}
	return 0;
}
