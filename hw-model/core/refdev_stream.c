// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * VF migration stream (SPEC 1.9, STR-*): save into and load from a byte
 * buffer. Loading checks the whole stream (STR-010) before it changes
 * anything.
 */
#include <string.h>

#include "refdev_dev.h"

#define HDR_LEN		32u
#define SEC_HDR		8u
#define REGS_LEN	64u
#define NTYPES		(REFDEV_SEC_MEM_DELTA + 1)
#define PAGE		REFDEV_MEM_PAGE
#define MEM_SECS	(1u << REFDEV_SEC_MEM_FULL | 1u << REFDEV_SEC_MEM_DELTA)

/* STR-003: the REGS payload, 16 LE dwords */
enum { R_SCRATCH, R_RING_LO, R_RING_HI, R_SIZE, R_CTRL, R_HEAD, R_TAIL,
       R_STATUS, R_DONE, R_DOORBELL, R_NWORDS };

/* Sections of each kind: bit per type (STR-006 DMA is optional). */
static const uint8_t kind_req[] = {
	[REFDEV_SAVE_FULL] = 1u << REFDEV_SEC_REGS | 1u << REFDEV_SEC_SRAM_FULL,
	[REFDEV_SAVE_INITIAL] = 1u << REFDEV_SEC_SRAM_FULL,
	[REFDEV_SAVE_DELTA] = 1u << REFDEV_SEC_SRAM_DELTA,
	[REFDEV_SAVE_FINAL] = 1u << REFDEV_SEC_REGS | 1u << REFDEV_SEC_SRAM_DELTA,
};

static bool kind_has_regs(uint32_t kind)
{
	return kind == REFDEV_SAVE_FULL || kind == REFDEV_SAVE_FINAL;
}

static unsigned int popcount64(uint64_t v)
{
	unsigned int n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

static uint32_t delta_len(uint64_t mask)
{
	return 8 + REFDEV_SRAM_CHUNK * popcount64(mask);
}

/* ADM-004: the size of a save of @kind with this chunk mask; 0 if invalid. */
uint32_t refdev_stream_size(uint64_t sram_changed, uint32_t kind)
{
	uint32_t regs = SEC_HDR + REGS_LEN;
	uint32_t full = SEC_HDR + REFDEV_BAR_SRAM_SIZE;
	uint32_t delta = SEC_HDR + delta_len(sram_changed);

	switch (kind) {
	case REFDEV_SAVE_FULL:		return HDR_LEN + regs + full;
	case REFDEV_SAVE_INITIAL:	return HDR_LEN + full;
	case REFDEV_SAVE_DELTA:		return HDR_LEN + delta;
	case REFDEV_SAVE_FINAL:		return HDR_LEN + regs + delta;
	default:			return 0;
	}
}

static bool kind_is_base(uint32_t kind)
{
	return kind == REFDEV_SAVE_FULL || kind == REFDEV_SAVE_INITIAL;
}

/* STR-007/008: the device memory section of a save; 0 without memory. */
static uint32_t mem_sec_size(const struct refdev_vf *vf, bool exact,
			     uint32_t kind)
{
	const struct refdev_dev *d = vf->func.dev;
	uint32_t pages;

	if (!d || !d->mem_size)
		return 0;
	if (kind_is_base(kind))
		return SEC_HDR + d->mem_size;
	pages = exact ? refdev_mem_changed_pages(d, vf) : d->mem_size / PAGE;
	return SEC_HDR + refdev_mem_bitmap_bytes(d) + pages * PAGE;
}

/* ADM-004 for @vf: exact when nothing can change (STOP), else the worst case. */
uint32_t refdev_stream_size_vf(const struct refdev_vf *vf, bool exact,
			       uint32_t kind)
{
	uint32_t base = refdev_stream_size(exact ? vf->func.sram_changed : ~0ull,
					   kind);

	return base ? base + mem_sec_size(vf, exact, kind) : 0;
}

/* STR-013 */
uint32_t refdev_stream_limit(const struct refdev_dev *d)
{
	if (!d || !d->mem_size)
		return REFDEV_STREAM_MAX_SIZE;
	return REFDEV_STREAM_MAX_SIZE + SEC_HDR + refdev_mem_bitmap_bytes(d) +
	       d->mem_size;
}

/* ---- save ----------------------------------------------------------------- */

static uint8_t *put_sec(uint8_t *p, uint16_t type, uint32_t len)
{
	refdev_le_put(p, type, 2);
	refdev_le_put(p + 2, 0, 2);
	refdev_le_put(p + 4, len, 4);
	return p + SEC_HDR;
}

static uint8_t *put_regs(uint8_t *p, const struct refdev_vf *vf)
{
	const struct refdev_dma *e = &vf->dma;
	const uint32_t w[R_NWORDS] = {
		[R_SCRATCH] = vf->func.scratch, [R_RING_LO] = e->ring_lo,
		[R_RING_HI] = e->ring_hi, [R_SIZE] = e->size,
		[R_CTRL] = e->ctrl, [R_HEAD] = e->head, [R_TAIL] = e->tail,
		[R_STATUS] = e->status, [R_DONE] = e->done,
		[R_DOORBELL] = e->doorbell,
	};

	p = put_sec(p, REFDEV_SEC_REGS, REGS_LEN);
	memset(p, 0, REGS_LEN);
	for (unsigned int i = 0; i < R_NWORDS; i++)
		refdev_le_put(p + 4 * i, w[i], 4);
	return p + REGS_LEN;
}

static uint8_t *put_delta(uint8_t *p, const struct refdev_vf *vf)
{
	uint64_t mask = vf->func.sram_changed;

	p = put_sec(p, REFDEV_SEC_SRAM_DELTA, delta_len(mask));
	refdev_le_put(p, mask, 8);
	p += 8;
	for (unsigned int i = 0; i < REFDEV_SRAM_CHUNKS; i++) {
		if (!(mask & (1ull << i)))
			continue;
		memcpy(p, vf->func.sram + i * REFDEV_SRAM_CHUNK, REFDEV_SRAM_CHUNK);
		p += REFDEV_SRAM_CHUNK;
	}
	return p;
}

static void put_hdr(uint8_t *buf, const struct refdev_vf *vf, uint32_t kind,
		    uint32_t total, uint32_t nsec, uint32_t crc)
{
	refdev_le_put(buf, REFDEV_STREAM_MAGIC, 4);
	refdev_le_put(buf + 4, REFDEV_STREAM_VERSION, 2);
	refdev_le_put(buf + 6, HDR_LEN, 2);
	refdev_le_put(buf + 8, REFDEV_VERSION, 4);
	refdev_le_put(buf + 12, vf->func.vf_index, 2);
	refdev_le_put(buf + 14, kind, 2);
	refdev_le_put(buf + 16, total, 4);
	refdev_le_put(buf + 20, nsec, 4);
	refdev_le_put(buf + 24, crc, 4);
	refdev_le_put(buf + 28, 0, 4);
}

static uint8_t *put_mem_full(uint8_t *p, const struct refdev_vf *vf)
{
	const struct refdev_dev *d = vf->func.dev;

	p = put_sec(p, REFDEV_SEC_MEM_FULL, d->mem_size);
	refdev_mem_read((struct refdev_dev *)d, vf, 0, p, d->mem_size);
	return p + d->mem_size;
}

/* STR-008: bitmap, then the changed pages in ascending order. */
static uint8_t *put_mem_delta(uint8_t *p, const struct refdev_vf *vf)
{
	const struct refdev_dev *d = vf->func.dev;
	uint32_t bm = refdev_mem_bitmap_bytes(d), pages = d->mem_size / PAGE;
	uint8_t *map;

	p = put_sec(p, REFDEV_SEC_MEM_DELTA, mem_sec_size(vf, true,
			REFDEV_SAVE_DELTA) - SEC_HDR);
	map = p;
	memset(map, 0, bm);
	p += bm;
	for (uint32_t i = 0; i < pages; i++) {
		if (!refdev_mem_page_changed(vf, i))
			continue;
		map[i / 8] |= (uint8_t)(1u << (i % 8));
		refdev_mem_read((struct refdev_dev *)d, vf, (uint64_t)i * PAGE, p, PAGE);
		p += PAGE;
	}
	return p;
}

static uint8_t *put_mem(uint8_t *p, const struct refdev_vf *vf, uint32_t kind,
			uint32_t *nsec)
{
	if (!mem_sec_size(vf, true, kind))
		return p;
	(*nsec)++;
	return kind_is_base(kind) ? put_mem_full(p, vf) : put_mem_delta(p, vf);
}

/* STR-001..008. The caller clears the change records once the stream is out. */
uint32_t refdev_stream_save(struct refdev_vf *vf, uint32_t kind, uint8_t *buf)
{
	uint8_t *p = buf + HDR_LEN;
	uint32_t total, nsec = 0;

	if (kind_has_regs(kind)) {
		p = put_regs(p, vf);
		nsec++;
	}
	if (kind == REFDEV_SAVE_FULL || kind == REFDEV_SAVE_INITIAL) {
		p = put_sec(p, REFDEV_SEC_SRAM_FULL, REFDEV_BAR_SRAM_SIZE);
		memcpy(p, vf->func.sram, REFDEV_BAR_SRAM_SIZE);
		p += REFDEV_BAR_SRAM_SIZE;
	} else {
		p = put_delta(p, vf);
	}
	nsec++;
	p = put_mem(p, vf, kind, &nsec);
	total = (uint32_t)(p - buf);
	put_hdr(buf, vf, kind, total, nsec,
		crc32c_sum(buf + HDR_LEN, total - HDR_LEN));
	return total;
}

/*
 * STR-001..007 of a FULL without copying the device memory: @buf gets the
 * stream up to MEM_FULL's payload (returned), which is the memory itself,
 * bytes [prefix, *total) of the stream. The caller keeps the memory as it is
 * until the stream is out (ADM-014 in STOP) and has it allocated.
 */
uint32_t refdev_stream_save_full_direct(struct refdev_vf *vf, uint8_t *buf,
					uint32_t *total)
{
	const struct refdev_dev *d = vf->func.dev;
	uint8_t *p = put_regs(buf + HDR_LEN, vf);
	uint32_t prefix, crc;

	p = put_sec(p, REFDEV_SEC_SRAM_FULL, REFDEV_BAR_SRAM_SIZE);
	memcpy(p, vf->func.sram, REFDEV_BAR_SRAM_SIZE);
	p = put_sec(p + REFDEV_BAR_SRAM_SIZE, REFDEV_SEC_MEM_FULL, d->mem_size);
	prefix = (uint32_t)(p - buf);
	*total = prefix + d->mem_size;
	crc = crc32c_update(~0u, buf + HDR_LEN, prefix - HDR_LEN);
	crc = ~crc32c_update(crc, vf->mem.data, d->mem_size);
	put_hdr(buf, vf, REFDEV_SAVE_FULL, *total, 3, crc);
	return prefix;
}

/* ---- load ----------------------------------------------------------------- */

struct parsed {
	uint32_t kind;
	const uint8_t *sec[NTYPES];	/* payload of each section present */
	uint32_t len[NTYPES];
	uint32_t regs[R_NWORDS];
};

static uint32_t check_header(const uint8_t *b, uint32_t len, uint32_t limit)
{
	uint32_t total;

	if (len < HDR_LEN)
		return REFDEV_STREAM_E_TRUNCATED;
	if (refdev_le_get(b, 4) != REFDEV_STREAM_MAGIC)
		return REFDEV_STREAM_E_MAGIC;
	if (refdev_le_get(b + 4, 2) != REFDEV_STREAM_VERSION ||
	    refdev_le_get(b + 6, 2) != HDR_LEN)
		return REFDEV_STREAM_E_VERSION;
	if ((refdev_le_get(b + 8, 4) >> 16) != REFDEV_VERSION_MAJOR)
		return REFDEV_STREAM_E_MODEL;
	total = (uint32_t)refdev_le_get(b + 16, 4);
	if (total > limit)
		return REFDEV_STREAM_E_OVERSIZE;
	if (total > len || total < HDR_LEN)
		return REFDEV_STREAM_E_TRUNCATED;
	if (refdev_le_get(b + 24, 4) != crc32c_sum(b + HDR_LEN, total - HDR_LEN))
		return REFDEV_STREAM_E_CRC;
	return REFDEV_STREAM_E_NONE;
}

static bool zeros(const uint8_t *p, uint32_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* STR-002: walk the sections; any structural fault is SECTION. */
static uint32_t parse_sections(const uint8_t *b, struct parsed *ps)
{
	uint32_t total = (uint32_t)refdev_le_get(b + 16, 4);
	uint32_t nsec = (uint32_t)refdev_le_get(b + 20, 4), seen = 0;
	uint32_t off = HDR_LEN;

	ps->kind = (uint32_t)refdev_le_get(b + 14, 2);
	if (refdev_le_get(b + 28, 4) || ps->kind > REFDEV_SAVE_FINAL)
		return REFDEV_STREAM_E_SECTION;
	while (off < total) {
		uint32_t type, len, padded;

		if (total - off < SEC_HDR)
			return REFDEV_STREAM_E_SECTION;
		type = (uint32_t)refdev_le_get(b + off, 2);
		len = (uint32_t)refdev_le_get(b + off + 4, 4);
		off += SEC_HDR;
		padded = (len + 7) & ~7u;
		if (refdev_le_get(b + off - 6, 2) || !type || type >= NTYPES ||
		    ps->sec[type] || len > total - off || padded > total - off ||
		    !zeros(b + off + len, padded - len))
			return REFDEV_STREAM_E_SECTION;
		ps->sec[type] = b + off;
		ps->len[type] = len;
		off += padded;
		seen++;
	}
	return seen == nsec ? REFDEV_STREAM_E_NONE : REFDEV_STREAM_E_SECTION;
}

/* Section lengths and contents that no refdev could have written. */
static uint32_t check_contents(struct parsed *ps)
{
	uint32_t present = 0, st;
	const uint8_t *r = ps->sec[REFDEV_SEC_REGS];

	for (unsigned int t = 1; t < NTYPES; t++)
		if (ps->sec[t])
			present |= 1u << t;
	/* STR-007/008: a memory section of the kind's form, checked by CONFIG */
	if ((present & (1u << REFDEV_SEC_MEM_FULL) && !kind_is_base(ps->kind)) ||
	    (present & (1u << REFDEV_SEC_MEM_DELTA) && kind_is_base(ps->kind)))
		return REFDEV_STREAM_E_SECTION;
	present &= ~MEM_SECS;
	if ((present & ~(1u << REFDEV_SEC_DMA)) != kind_req[ps->kind] ||
	    ((present & (1u << REFDEV_SEC_DMA)) && !kind_has_regs(ps->kind)) ||
	    ps->len[REFDEV_SEC_DMA])
		return REFDEV_STREAM_E_SECTION;
	if (ps->sec[REFDEV_SEC_SRAM_DELTA] &&
	    (ps->len[REFDEV_SEC_SRAM_DELTA] < 8 ||
	     ps->len[REFDEV_SEC_SRAM_DELTA] !=
	     delta_len(refdev_le_get(ps->sec[REFDEV_SEC_SRAM_DELTA], 8))))
		return REFDEV_STREAM_E_SECTION;
	if (!r)
		return REFDEV_STREAM_E_NONE;
	if (ps->len[REFDEV_SEC_REGS] != REGS_LEN ||
	    !zeros(r + 4 * R_NWORDS, REGS_LEN - 4 * R_NWORDS))
		return REFDEV_STREAM_E_SECTION;
	for (unsigned int i = 0; i < R_NWORDS; i++)
		ps->regs[i] = (uint32_t)refdev_le_get(r + 4 * i, 4);
	st = ps->regs[R_STATUS] & ~(REFDEV_DMA_STATUS_BUSY | REFDEV_DMA_STATUS_PAUSED);
	if ((ps->regs[R_CTRL] & ~(REFDEV_DMA_CTRL_ENABLE | REFDEV_DMA_CTRL_IRQ)) ||
	    ps->regs[R_DOORBELL] > 1 || (st & ~0xff02u) ||
	    (st >> REFDEV_DMA_STATUS_ERRCODE_SHIFT) > REFDEV_DMA_ERR_RING ||
	    !(st & REFDEV_DMA_STATUS_ERROR) != !(st >> REFDEV_DMA_STATUS_ERRCODE_SHIFT))
		return REFDEV_STREAM_E_SECTION;
	return REFDEV_STREAM_E_NONE;
}

static uint32_t popcount_bytes(const uint8_t *p, uint32_t n)
{
	uint32_t c = 0;

	while (n--)
		c += (uint32_t)__builtin_popcount(*p++);
	return c;
}

/* STR-007/008 against this device's memory (DEV-MEM-001). */
static uint32_t check_mem(const struct refdev_dev *d, const struct parsed *ps)
{
	const uint8_t *delta = ps->sec[REFDEV_SEC_MEM_DELTA];
	uint32_t size = d ? d->mem_size : 0, bm, len, pages;

	if (!!size != !!(ps->sec[REFDEV_SEC_MEM_FULL] || delta))
		return REFDEV_STREAM_E_CONFIG;
	if (ps->sec[REFDEV_SEC_MEM_FULL])
		return ps->len[REFDEV_SEC_MEM_FULL] == size ?
		       REFDEV_STREAM_E_NONE : REFDEV_STREAM_E_CONFIG;
	if (!delta)
		return REFDEV_STREAM_E_NONE;
	bm = refdev_mem_bitmap_bytes(d);
	len = ps->len[REFDEV_SEC_MEM_DELTA];
	pages = size / PAGE;
	if (len < bm)
		return REFDEV_STREAM_E_CONFIG;
	/* bits past the last page are reserved (STR-008) */
	for (uint32_t i = pages; i < bm * 8; i++)
		if (delta[i / 8] & (1u << (i % 8)))
			return REFDEV_STREAM_E_SECTION;
	if ((len - bm) / PAGE != popcount_bytes(delta, bm) || (len - bm) % PAGE)
		return REFDEV_STREAM_E_SECTION;
	return REFDEV_STREAM_E_NONE;
}

/* STR-012: geometry this configuration cannot hold. */
static uint32_t check_config(const struct refdev_vf *vf, const struct parsed *ps)
{
	const uint32_t *w = ps->regs;
	uint64_t base = ((uint64_t)w[R_RING_HI] << 32) | w[R_RING_LO];
	uint32_t err = check_mem(vf->func.dev, ps);

	if (err)
		return err;

	if (ps->sec[REFDEV_SEC_SRAM_FULL] &&
	    ps->len[REFDEV_SEC_SRAM_FULL] != REFDEV_BAR_SRAM_SIZE)
		return REFDEV_STREAM_E_CONFIG;
	if (!ps->sec[REFDEV_SEC_REGS])
		return REFDEV_STREAM_E_NONE;
	if (!(w[R_CTRL] & REFDEV_DMA_CTRL_ENABLE))
		return (w[R_HEAD] || w[R_TAIL] || w[R_DOORBELL]) ?
		       REFDEV_STREAM_E_CONFIG : REFDEV_STREAM_E_NONE;
	if ((base & 63) || !w[R_SIZE] || w[R_SIZE] > REFDEV_DMA_RING_MAX ||
	    (w[R_SIZE] & (w[R_SIZE] - 1)) || w[R_HEAD] >= w[R_SIZE] ||
	    w[R_TAIL] >= w[R_SIZE] ||
	    base > UINT64_MAX - (uint64_t)w[R_SIZE] * 32 + 1)
		return REFDEV_STREAM_E_CONFIG;
	return REFDEV_STREAM_E_NONE;
}

static uint32_t check_all(const struct refdev_vf *vf, const uint8_t *b,
			  uint32_t len, struct parsed *ps)
{
	uint32_t err;

	memset(ps, 0, sizeof(*ps));
	err = check_header(b, len, refdev_stream_limit(vf->func.dev));
	if (!err)
		err = parse_sections(b, ps);
	if (!err)
		err = check_contents(ps);
	if (!err)
		err = check_config(vf, ps);
	if (!err && (ps->kind == REFDEV_SAVE_DELTA ||
		     ps->kind == REFDEV_SAVE_FINAL) && !vf->base_loaded)
		err = REFDEV_STREAM_E_ORDER;
	return err;
}

uint32_t refdev_stream_check(const struct refdev_vf *vf, const uint8_t *buf,
			     uint32_t len)
{
	struct parsed ps;

	return check_all(vf, buf, len, &ps);
}

static void apply_regs(struct refdev_vf *vf, const uint32_t *w)
{
	struct refdev_dma *e = &vf->dma;

	vf->func.scratch = w[R_SCRATCH];
	e->ring_lo = w[R_RING_LO];
	e->ring_hi = w[R_RING_HI];
	e->size = w[R_SIZE];
	e->ctrl = w[R_CTRL];
	e->head = w[R_HEAD];
	e->tail = w[R_TAIL];
	/* BUSY and PAUSED are derived on read, never stored. */
	e->status = w[R_STATUS] & ~(REFDEV_DMA_STATUS_BUSY | REFDEV_DMA_STATUS_PAUSED);
	e->done = w[R_DONE];
	e->doorbell = w[R_DOORBELL];
}

static void apply_delta(struct refdev_vf *vf, const uint8_t *p)
{
	uint64_t mask = refdev_le_get(p, 8);

	p += 8;
	for (unsigned int i = 0; i < REFDEV_SRAM_CHUNKS; i++) {
		if (!(mask & (1ull << i)))
			continue;
		memcpy(vf->func.sram + i * REFDEV_SRAM_CHUNK, p, REFDEV_SRAM_CHUNK);
		p += REFDEV_SRAM_CHUNK;
	}
}

static void apply_mem(struct refdev_vf *vf, const struct parsed *ps)
{
	struct refdev_dev *d = vf->func.dev;
	const uint8_t *p = ps->sec[REFDEV_SEC_MEM_DELTA];
	uint32_t bm, pages;

	if (ps->sec[REFDEV_SEC_MEM_FULL]) {
		refdev_mem_write(d, vf, 0, ps->sec[REFDEV_SEC_MEM_FULL], d->mem_size);
		return;
	}
	if (!p)
		return;
	bm = refdev_mem_bitmap_bytes(d);
	pages = d->mem_size / PAGE;
	for (uint32_t i = 0, k = 0; i < pages; i++)
		if (p[i / 8] & (1u << (i % 8)))
			refdev_mem_write(d, vf, (uint64_t)i * PAGE,
					 p + bm + (uint64_t)PAGE * k++, PAGE);
}

/* ADM-006: all or nothing. */
uint32_t refdev_stream_load(struct refdev_vf *vf, const uint8_t *buf,
			    uint32_t len)
{
	struct parsed ps;
	uint32_t err = check_all(vf, buf, len, &ps);

	if (err)
		return err;
	/* the memory is allocated before anything changes, so apply cannot fail */
	if ((ps.sec[REFDEV_SEC_MEM_FULL] || ps.sec[REFDEV_SEC_MEM_DELTA]) &&
	    !refdev_mem_ensure(vf->func.dev, vf))
		return REFDEV_STREAM_E_CONFIG;
	if (ps.sec[REFDEV_SEC_REGS])
		apply_regs(vf, ps.regs);
	if (ps.sec[REFDEV_SEC_SRAM_FULL])
		memcpy(vf->func.sram, ps.sec[REFDEV_SEC_SRAM_FULL],
		       REFDEV_BAR_SRAM_SIZE);
	if (ps.sec[REFDEV_SEC_SRAM_DELTA])
		apply_delta(vf, ps.sec[REFDEV_SEC_SRAM_DELTA]);
	apply_mem(vf, &ps);
	if (ps.kind == REFDEV_SAVE_FULL || ps.kind == REFDEV_SAVE_INITIAL)
		vf->base_loaded = true;
	/* A save from here must carry everything the source did not. */
	vf->func.sram_changed = ~0ull;
	refdev_mem_all_changed(vf);
	return REFDEV_STREAM_E_NONE;
}
