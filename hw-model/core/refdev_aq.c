// SPDX-License-Identifier: GPL-2.0-or-later OR MIT
/*
 * PF admin queue (SPEC 1.8, DEV-AQ-*, ADM-*). Commands run one at a time
 * from refdev_dev_run(); with DEV-AQ-018 on, the short ones run in the
 * doorbell write itself and only the rest is scheduled.
 */
#include <stdlib.h>
#include <string.h>

#include "refdev_dev.h"

#define CMD_SIZE	64u
#define CPL_SIZE	16u
#define IDENTIFY_SIZE	64u

struct cpl {
	uint16_t status;
	uint32_t result0, result1;
};

void refdev_aq_reset(struct refdev_aq *q)
{
	memset(q, 0, sizeof(*q));
}

static uint64_t sq_base(const struct refdev_aq *q)
{
	return ((uint64_t)q->sq_hi << 32) | q->sq_lo;
}

static uint64_t cq_base(const struct refdev_aq *q)
{
	return ((uint64_t)q->cq_hi << 32) | q->cq_lo;
}

static bool ready(const struct refdev_aq *q)
{
	return q->status == REFDEV_AQ_STATUS_READY;
}

static bool cq_full(const struct refdev_aq *q)
{
	return ((q->cq_tail + 1) & (q->size - 1)) == q->cq_head;
}

static void aq_doorbell(struct refdev_dev *d);

/* Work the next step can do: a command to fetch and room for its completion. */
bool refdev_aq_pending(const struct refdev_dev *d)
{
	const struct refdev_aq *q = &d->aq;

	return ready(q) && !q->late && q->sq_head != q->sq_tail && !cq_full(q);
}

uint32_t refdev_aq_reg_read(struct refdev_dev *d, uint64_t reg)
{
	const struct refdev_aq *q = &d->aq;

	switch (reg) {
	case REFDEV_REG_AQ_SQ_LO:	return q->sq_lo;
	case REFDEV_REG_AQ_SQ_HI:	return q->sq_hi;
	case REFDEV_REG_AQ_CQ_LO:	return q->cq_lo;
	case REFDEV_REG_AQ_CQ_HI:	return q->cq_hi;
	case REFDEV_REG_AQ_SIZE:	return q->size;
	case REFDEV_REG_AQ_CTRL:	return q->ctrl;
	case REFDEV_REG_AQ_STATUS:	return q->status;
	case REFDEV_REG_AQ_SQ_TAIL:	return q->sq_tail;
	case REFDEV_REG_AQ_SQ_HEAD:	return q->sq_head;
	case REFDEV_REG_AQ_CQ_HEAD:	return q->cq_head;
	default:			return 0;
	}
}

/* DEV-AQ-001: 64/16-byte aligned rings of 2..256 entries, no wrap. */
static bool rings_valid(const struct refdev_aq *q)
{
	if (q->size < 2 || q->size > REFDEV_AQ_MAX_ENTRIES ||
	    (q->size & (q->size - 1)) || (sq_base(q) & 63) || (cq_base(q) & 15))
		return false;
	return sq_base(q) <= UINT64_MAX - q->size * CMD_SIZE + 1 &&
	       cq_base(q) <= UINT64_MAX - q->size * CPL_SIZE + 1;
}

static void ctrl_write(struct refdev_aq *q, uint32_t val)
{
	bool was_on = q->ctrl & REFDEV_AQ_CTRL_ENABLE;

	q->ctrl = val & (REFDEV_AQ_CTRL_ENABLE | REFDEV_AQ_CTRL_IRQ);
	if (was_on == !!(q->ctrl & REFDEV_AQ_CTRL_ENABLE))
		return;
	/* Either edge: fresh indices; a LATE command is dropped (DEV-AQ-001). */
	q->sq_head = q->sq_tail = q->cq_head = q->cq_tail = 0;
	q->phase = 1;
	q->late = false;
	q->status = 0;
	if (q->ctrl & REFDEV_AQ_CTRL_ENABLE)
		q->status = rings_valid(q) ? REFDEV_AQ_STATUS_READY :
					     REFDEV_AQ_STATUS_FATAL;
}

void refdev_aq_reg_write(struct refdev_dev *d, uint64_t reg, uint32_t val)
{
	struct refdev_aq *q = &d->aq;
	bool on = q->ctrl & REFDEV_AQ_CTRL_ENABLE;

	switch (reg) {
	/* DEV-AQ-008: ring geometry is fixed while ENABLE is set. */
	case REFDEV_REG_AQ_SQ_LO:	if (!on) q->sq_lo = val; break;
	case REFDEV_REG_AQ_SQ_HI:	if (!on) q->sq_hi = val; break;
	case REFDEV_REG_AQ_CQ_LO:	if (!on) q->cq_lo = val; break;
	case REFDEV_REG_AQ_CQ_HI:	if (!on) q->cq_hi = val; break;
	case REFDEV_REG_AQ_SIZE:	if (!on) q->size = val; break;
	case REFDEV_REG_AQ_CTRL:
		ctrl_write(q, val);
		break;
	/* DEV-AQ-008: indices outside the ring are ignored. */
	case REFDEV_REG_AQ_SQ_TAIL:
		if (ready(q) && val < q->size)
			q->sq_tail = val;
		break;
	case REFDEV_REG_AQ_CQ_HEAD:
		if (ready(q) && val < q->size)
			q->cq_head = val;
		break;
	default:
		return;
	}
	if (d->aq_sync)
		aq_doorbell(d);
	if (refdev_aq_pending(d))
		refdev_dev_kick(d);
}

/* ---- commands ----------------------------------------------------------- */

static void cmd_decode(struct refdev_aq_cmd *c, const uint8_t *b)
{
	memset(c, 0, sizeof(*c));
	c->opcode = b[0];
	c->flags = b[1];
	c->cid = (uint16_t)refdev_le_get(b + 2, 2);
	c->vf = (uint16_t)refdev_le_get(b + 4, 2);
	c->rsvd0 = (uint16_t)refdev_le_get(b + 6, 2);
	c->addr = refdev_le_get(b + 8, 8);
	c->len = (uint32_t)refdev_le_get(b + 16, 4);
	c->param0 = (uint32_t)refdev_le_get(b + 20, 4);
	c->param1 = refdev_le_get(b + 24, 8);
	c->param2 = refdev_le_get(b + 32, 8);
}

static struct cpl ok(uint32_t r0, uint32_t r1)
{
	return (struct cpl){ REFDEV_AQ_S_OK, r0, r1 };
}

static struct cpl fail(uint16_t status, uint32_t r0)
{
	return (struct cpl){ status, r0, 0 };
}

/* Host buffer access by the PF, in 4 KiB pieces (DEV-AQ-009, DEV-DMA-009). */
static bool host_xfer(struct refdev_dev *d, uint64_t addr, uint8_t *p,
		      uint32_t len, bool write)
{
	if (len && addr > UINT64_MAX - (len - 1))
		return false;
	while (len) {
		uint32_t n = REFDEV_DMA_XFER - (addr & (REFDEV_DMA_XFER - 1));
		bool ok;

		n = n < len ? n : len;
		ok = write ? refdev_dev_dma_write(d, &d->pf, addr, p, n)
			   : refdev_dev_dma_read(d, &d->pf, addr, p, n);
		if (!ok)
			return false;
		addr += n;
		p += n;
		len -= n;
	}
	return true;
}

static bool host_write(struct refdev_dev *d, uint64_t addr, const uint8_t *p,
		       uint32_t len)
{
	/* host_xfer() does not write through p when write is true */
	return host_xfer(d, addr, (uint8_t *)p, len, true);
}

static bool host_read(struct refdev_dev *d, uint64_t addr, uint8_t *p,
		      uint32_t len)
{
	return host_xfer(d, addr, p, len, false);
}

static uint16_t num_vfs(const struct refdev_dev *d)
{
	uint16_t n = 0;

	for (unsigned int i = 0; i < d->total_vfs; i++)
		n += d->vf[i].present;
	return n;
}

/* ADM-001 */
static struct cpl cmd_identify(struct refdev_dev *d, const struct refdev_aq_cmd *c)
{
	uint8_t b[IDENTIFY_SIZE] = { 0 };

	if (c->len < IDENTIFY_SIZE)
		return fail(REFDEV_AQ_S_BUFFER_SMALL, IDENTIFY_SIZE);
	refdev_le_put(b + 0, REFDEV_VERSION, 4);
	refdev_le_put(b + 4, d->total_vfs, 2);
	refdev_le_put(b + 6, num_vfs(d), 2);
	refdev_le_put(b + 8, refdev_stream_size_vf(&d->vf[0], false,
						   REFDEV_SAVE_FINAL), 4);
	refdev_le_put(b + 12, REFDEV_DIRTY_MAX_RANGES, 4);
	refdev_le_put(b + 16, REFDEV_DIRTY_PGSIZES, 8);
	refdev_le_put(b + 24, REFDEV_FEATURES |
		      (d->aq_sync ? REFDEV_FEAT_AQ_SYNC : 0), 4);
	refdev_le_put(b + 28, d->mem_size, 4);	/* DEV-MEM-001 */
	if (!host_write(d, c->addr, b, IDENTIFY_SIZE))
		return fail(REFDEV_AQ_S_DMA_ERROR, 0);
	return ok(IDENTIFY_SIZE, 0);
}

/* ADM-002 */
static struct cpl cmd_suspend(struct refdev_dev *d, struct refdev_vf *vf,
			      const struct refdev_aq_cmd *c)
{
	if (c->param0 != REFDEV_SUSPEND_P2P && c->param0 != REFDEV_SUSPEND_STOP)
		return fail(REFDEV_AQ_S_INVALID_PARAM, 0);
	refdev_vf_set_state(d, vf, (uint8_t)c->param0);
	return ok(0, 0);
}

/* ADM-004: exact when STOP (the state cannot change), else the worst case. */
static struct cpl cmd_state_size(struct refdev_vf *vf,
				 const struct refdev_aq_cmd *c)
{
	if (c->param0 > REFDEV_SAVE_FINAL)
		return fail(REFDEV_AQ_S_INVALID_PARAM, 0);
	return ok(refdev_stream_size_vf(vf, vf->state == REFDEV_VF_STOP,
					c->param0), 0);
}

/* DEV-FI-004: flip one payload byte, chosen by the fault's parameter. */
static void corrupt(uint8_t *b, uint32_t len, uint64_t param)
{
	uint32_t span = len - sizeof(struct refdev_stream_hdr);

	b[sizeof(struct refdev_stream_hdr) + param % span] ^= 0xff;
}

/* ADM-005/014: the state and kind a save needs. */
static uint16_t save_allowed(const struct refdev_vf *vf, uint32_t kind)
{
	if (kind > REFDEV_SAVE_FINAL)
		return REFDEV_AQ_S_INVALID_PARAM;
	if ((kind == REFDEV_SAVE_FULL || kind == REFDEV_SAVE_FINAL) &&
	    vf->state != REFDEV_VF_STOP)
		return REFDEV_AQ_S_INVALID_STATE;
	/* DEV-REINIT-002: a delta on top of an invalidated base is useless */
	if ((kind == REFDEV_SAVE_DELTA || kind == REFDEV_SAVE_FINAL) && vf->reinit)
		return REFDEV_AQ_S_REINIT;
	return REFDEV_AQ_S_OK;
}

/* A save of @kind into @buf went out: the next delta starts here. */
static void save_done(struct refdev_dev *d, struct refdev_vf *vf, uint32_t kind)
{
	vf->func.sram_changed = 0;	/* STR-005 */
	refdev_mem_saved(d, vf);	/* STR-008 */
	if (kind == REFDEV_SAVE_FULL || kind == REFDEV_SAVE_INITIAL)
		vf->reinit = false;	/* a new base went out */
}

static uint32_t save_into(struct refdev_dev *d, struct refdev_vf *vf,
			  uint32_t kind, uint8_t *buf)
{
	uint32_t len = refdev_stream_save(vf, kind, buf);
	uint64_t param;

	if (refdev_fault_take(d, REFDEV_FAULT_CORRUPT_SAVE, vf->func.vf_index,
			      &param))
		corrupt(buf, len, param);
	return len;
}

/* ADM-005 */
static struct cpl cmd_save(struct refdev_dev *d, struct refdev_vf *vf,
			   const struct refdev_aq_cmd *c)
{
	uint32_t kind = c->param0, need, len;
	uint16_t st = save_allowed(vf, kind);
	uint8_t *buf = d->buf;
	bool ok_;

	if (st)
		return fail(st, 0);
	need = refdev_stream_size_vf(vf, true, kind);
	if (c->len < need)
		return fail(REFDEV_AQ_S_BUFFER_SMALL, need);
	if (need > sizeof(d->buf) && !(buf = malloc(need)))
		return fail(REFDEV_AQ_S_BUSY, 0);
	len = save_into(d, vf, kind, buf);
	ok_ = host_write(d, c->addr, buf, len);
	if (buf != d->buf)
		free(buf);
	if (!ok_)
		return fail(REFDEV_AQ_S_DMA_ERROR, 0);
	save_done(d, vf, kind);
	return ok(len, 0);
}

/*
 * A FULL (the VF is stopped, its memory cannot change) need not copy the
 * memory: only what precedes MEM_FULL's payload is staged, the rest is read
 * from the memory as the pieces go out. Not with a corruption armed
 * (DEV-FI-004 flips a byte of a copy).
 */
static bool stage_direct(struct refdev_dev *d, struct refdev_vf *vf,
			 uint32_t kind)
{
	const struct refdev_fault_slot *f = &d->fault[REFDEV_FAULT_CORRUPT_SAVE];
	struct refdev_stage *s = &vf->stage;
	uint8_t *buf;

	if (kind != REFDEV_SAVE_FULL || !d->mem_size ||
	    (f->count && (f->vf == 0xffff || f->vf == vf->func.vf_index)) ||
	    !refdev_mem_ensure(d, vf))
		return false;
	buf = refdev_stage_buf(vf, REFDEV_MAX_STATE_SIZE + 64);
	if (!buf)
		return false;
	s->prefix = refdev_stream_save_full_direct(vf, buf, &s->total);
	s->mem_gen = vf->mem.gen;
	return true;
}

static bool stage_copy(struct refdev_dev *d, struct refdev_vf *vf,
		       uint32_t kind)
{
	uint8_t *buf = refdev_stage_buf(vf, refdev_stream_size_vf(vf, true, kind));

	if (!buf)
		return false;
	vf->stage.total = save_into(d, vf, kind, buf);
	vf->stage.prefix = vf->stage.total;
	return true;
}

/* Bytes [off, off + n) of the staged save to the host. */
static bool stage_out(struct refdev_dev *d, struct refdev_vf *vf,
		      uint64_t addr, uint32_t off, uint32_t n)
{
	const struct refdev_stage *s = &vf->stage;
	uint32_t a = off < s->prefix ? s->prefix - off : 0;

	a = a < n ? a : n;
	if (a && !host_write(d, addr, s->buf + off, a))
		return false;
	return n == a || host_write(d, addr + a, vf->mem.data + off + a - s->prefix,
				    n - a);
}

/* ADM-014: offset 0 stages a whole save; every call copies one piece. */
static struct cpl cmd_save_chunk(struct refdev_dev *d, struct refdev_vf *vf,
				 const struct refdev_aq_cmd *c)
{
	struct refdev_stage *s = &vf->stage;
	uint32_t kind = c->param0, n;
	uint16_t st = save_allowed(vf, kind);

	if (st)
		return fail(st, 0);
	if (!c->param1) {
		refdev_stage_free(vf);
		if (!stage_direct(d, vf, kind) && !stage_copy(d, vf, kind))
			return fail(REFDEV_AQ_S_BUSY, 0);
		s->kind = (uint16_t)kind;
		s->loading = false;
		save_done(d, vf, kind);
	} else if (!s->total || s->loading || s->kind != kind ||
		   (s->prefix < s->total && s->mem_gen != vf->mem.gen)) {
		/* a direct FULL whose memory changed (a load) is gone too */
		return fail(REFDEV_AQ_S_INVALID_STATE, 0);
	} else if (c->param1 > s->total) {
		return fail(REFDEV_AQ_S_INVALID_PARAM, 0);
	}
	n = s->total - (uint32_t)c->param1;
	n = c->len < n ? c->len : n;
	if (!stage_out(d, vf, c->addr, (uint32_t)c->param1, n))
		return fail(REFDEV_AQ_S_DMA_ERROR, 0);
	if (c->param1 + n == s->total) {
		uint32_t total = s->total;

		refdev_stage_free(vf);	/* all out: the memory goes back */
		return ok(n, total);
	}
	return ok(n, s->total);
}

/* ADM-006 */
static struct cpl cmd_load(struct refdev_dev *d, struct refdev_vf *vf,
			   const struct refdev_aq_cmd *c)
{
	uint32_t limit = refdev_stream_limit(d);
	uint32_t len = c->len < limit ? c->len : limit;
	uint32_t hdr = sizeof(struct refdev_stream_hdr), total, err;
	uint8_t *buf = d->buf;

	if (vf->state != REFDEV_VF_STOP)
		return fail(REFDEV_AQ_S_INVALID_STATE, 0);
	/* Header first, so that only total_len bytes are fetched; a short
	 * or lying header is then rejected from the header alone (STR-010). */
	if (len >= hdr) {
		if (!host_read(d, c->addr, d->buf, hdr))
			return fail(REFDEV_AQ_S_DMA_ERROR, 0);
		total = (uint32_t)refdev_le_get(d->buf + 16, 4);
		if (total >= hdr && total <= len) {
			if (total > sizeof(d->buf) && !(buf = malloc(total)))
				return fail(REFDEV_AQ_S_BUSY, 0);
			memcpy(buf, d->buf, hdr);
			if (!host_read(d, c->addr + hdr, buf + hdr, total - hdr)) {
				if (buf != d->buf)
					free(buf);
				return fail(REFDEV_AQ_S_DMA_ERROR, 0);
			}
			len = total;
		}
	}
	/* the check reads no byte past total_len, which buf holds */
	err = refdev_stream_load(vf, buf, len);
	if (buf != d->buf)
		free(buf);
	if (err)
		return fail(REFDEV_AQ_S_STREAM_INVALID, err);
	return ok(0, 0);
}

/* ADM-015: a new stream at offset 0 (its header in this piece). */
static uint16_t load_chunk_start(struct refdev_dev *d, struct refdev_vf *vf,
				 const struct refdev_aq_cmd *c, uint32_t *err)
{
	uint32_t hdr = sizeof(struct refdev_stream_hdr), total;
	uint8_t h[sizeof(struct refdev_stream_hdr)];

	refdev_stage_free(vf);
	if (c->len < hdr)
		return REFDEV_AQ_S_INVALID_PARAM;
	if (!host_read(d, c->addr, h, hdr))
		return REFDEV_AQ_S_DMA_ERROR;
	total = (uint32_t)refdev_le_get(h + 16, 4);
	*err = total > refdev_stream_limit(d) ? REFDEV_STREAM_E_OVERSIZE :
	       total < hdr ? REFDEV_STREAM_E_TRUNCATED : REFDEV_STREAM_E_NONE;
	if (*err)
		return REFDEV_AQ_S_STREAM_INVALID;
	if (!refdev_stage_buf(vf, total))
		return REFDEV_AQ_S_BUSY;
	vf->stage.total = total;
	vf->stage.len = 0;
	vf->stage.loading = true;
	return REFDEV_AQ_S_OK;
}

/* ADM-015: pieces in order; COMMIT checks and applies the whole stream. */
static struct cpl cmd_load_chunk(struct refdev_dev *d, struct refdev_vf *vf,
				 const struct refdev_aq_cmd *c)
{
	struct refdev_stage *s = &vf->stage;
	uint32_t err = 0;
	uint16_t st;

	if (c->param0 & ~REFDEV_LOAD_F_COMMIT)
		return fail(REFDEV_AQ_S_INVALID_PARAM, 0);
	if (vf->state != REFDEV_VF_STOP)
		return fail(REFDEV_AQ_S_INVALID_STATE, 0);
	if (!c->param1) {
		st = load_chunk_start(d, vf, c, &err);
		if (st)
			return fail(st, err);
	} else if (!s->loading) {
		return fail(REFDEV_AQ_S_INVALID_STATE, 0);
	} else if (c->param1 != s->len) {
		return fail(REFDEV_AQ_S_INVALID_PARAM, 0);
	}
	if (c->len > s->total - s->len)
		return fail(REFDEV_AQ_S_INVALID_PARAM, 0);
	if (!host_read(d, c->addr, s->buf + s->len, c->len)) {
		refdev_stage_free(vf);
		return fail(REFDEV_AQ_S_DMA_ERROR, 0);
	}
	s->len += c->len;
	if (!(c->param0 & REFDEV_LOAD_F_COMMIT))
		return ok(c->len, 0);
	err = s->len != s->total ? REFDEV_STREAM_E_TRUNCATED :
	      refdev_stream_load(vf, s->buf, s->total);
	refdev_stage_free(vf);
	if (err)
		return fail(REFDEV_AQ_S_STREAM_INVALID, err);
	return ok(c->len, 1);
}

/* ADM-007 */
static struct cpl cmd_dirty_start(struct refdev_dev *d, struct refdev_vf *vf,
				  const struct refdev_aq_cmd *c)
{
	struct refdev_dirty_range r[REFDEV_DIRTY_MAX_RANGES];
	uint8_t raw[sizeof(r)];
	uint32_t n = c->param0;

	if (vf->dirty.on)
		return fail(REFDEV_AQ_S_BUSY, 0);
	if (!n || n > REFDEV_DIRTY_MAX_RANGES || c->len < n * 16)
		return fail(REFDEV_AQ_S_INVALID_PARAM, 0);
	if (!host_read(d, c->addr, raw, n * 16))
		return fail(REFDEV_AQ_S_DMA_ERROR, 0);
	for (uint32_t i = 0; i < n; i++) {
		r[i].iova = refdev_le_get(raw + 16 * i, 8);
		r[i].length = refdev_le_get(raw + 16 * i + 8, 8);
	}
	return fail(refdev_dirty_start(&vf->dirty, r, n, c->param1), 0);
}

/* DEV-FI-005/006: the lowest set (or clear) valid bit. */
static void report_fault(uint8_t *b, uint64_t pages, bool set_clean)
{
	for (uint64_t k = 0; k < pages; k++) {
		bool is_set = b[k / 8] & (1u << (k % 8));

		if (is_set != set_clean) {
			b[k / 8] ^= (uint8_t)(1u << (k % 8));
			return;
		}
	}
}

/* ADM-008, DRT-002: report then clear, only once the bitmap is out. */
static struct cpl cmd_dirty_report(struct refdev_dev *d, struct refdev_vf *vf,
				   const struct refdev_aq_cmd *c)
{
	uint64_t iova = c->param1, length = c->param2, pages;
	uint32_t bytes;
	uint16_t st;
	uint8_t *bm;

	st = refdev_dirty_report_check(&vf->dirty, iova, length, c->param0,
				       &bytes);
	if (st)
		return fail(st, 0);
	if (c->len < bytes)
		return fail(REFDEV_AQ_S_BUFFER_SMALL, bytes);
	bm = malloc(bytes);
	if (!bm)
		return fail(REFDEV_AQ_S_BUSY, 0);
	pages = length / vf->dirty.pgsize;
	refdev_dirty_report_fill(&vf->dirty, iova, length, bm);
	if (refdev_fault_take(d, REFDEV_FAULT_DROP_DIRTY, vf->func.vf_index, NULL))
		report_fault(bm, pages, false);
	if (refdev_fault_take(d, REFDEV_FAULT_EXTRA_DIRTY, vf->func.vf_index, NULL))
		report_fault(bm, pages, true);
	if (!host_write(d, c->addr, bm, bytes)) {
		free(bm);
		return fail(REFDEV_AQ_S_DMA_ERROR, 0);
	}
	free(bm);
	refdev_dirty_report_clear(&vf->dirty, iova, length);
	return ok(bytes, 0);
}

/* ADM-010: FLR and resume. */
static struct cpl cmd_vf_reset(struct refdev_dev *d, struct refdev_vf *vf)
{
	if (!refdev_vf_flr(d, vf))
		return ok(0, 0);	/* DEV-FI-007: untouched, looks fine */
	if (d->ops && d->ops->function_reset)
		d->ops->function_reset(vf->func.opaque);
	refdev_vf_set_state(d, vf, REFDEV_VF_RUNNING);
	return ok(0, 0);
}

static struct cpl cmd_vf(struct refdev_dev *d, struct refdev_vf *vf,
			 const struct refdev_aq_cmd *c)
{
	switch (c->opcode) {
	case REFDEV_AQ_VF_SUSPEND:
		return cmd_suspend(d, vf, c);
	case REFDEV_AQ_VF_RESUME:
		refdev_vf_set_state(d, vf, REFDEV_VF_RUNNING);
		return ok(0, 0);
	case REFDEV_AQ_VF_STATE_SIZE:
		return cmd_state_size(vf, c);
	case REFDEV_AQ_VF_SAVE:
		return cmd_save(d, vf, c);
	case REFDEV_AQ_VF_LOAD:
		return cmd_load(d, vf, c);
	case REFDEV_AQ_VF_DIRTY_START:
		return cmd_dirty_start(d, vf, c);
	case REFDEV_AQ_VF_DIRTY_REPORT:
		return cmd_dirty_report(d, vf, c);
	case REFDEV_AQ_VF_DIRTY_STOP:
		if (!vf->dirty.on)
			return fail(REFDEV_AQ_S_INVALID_STATE, 0);
		refdev_dirty_stop(&vf->dirty);
		return ok(0, 0);
	case REFDEV_AQ_VF_RESET:
		return cmd_vf_reset(d, vf);
	case REFDEV_AQ_VF_SAVE_CHUNK:
		return cmd_save_chunk(d, vf, c);
	case REFDEV_AQ_VF_LOAD_CHUNK:
		return cmd_load_chunk(d, vf, c);
	default:	/* REFDEV_AQ_VF_QUERY */
		return ok(vf->state, (vf->dirty.on ? REFDEV_QUERY_DIRTY_ON : 0) |
				     (vf->reinit ? REFDEV_QUERY_REINIT : 0));
	}
}

static struct cpl cmd_exec(struct refdev_dev *d, const struct refdev_aq_cmd *c)
{
	struct refdev_vf *vf;

	switch (c->opcode) {
	case REFDEV_AQ_IDENTIFY:
		return cmd_identify(d, c);
	case REFDEV_AQ_FAULT_INJECT:
		return fail(refdev_dev_arm_fault(d, c->param0, c->param1,
						 c->param2, c->vf), 0);
	case REFDEV_AQ_NOP:	/* ADM-016 */
		return ok(0, 0);
	default:
		if (c->opcode < REFDEV_AQ_VF_SUSPEND ||
		    c->opcode > REFDEV_AQ_VF_LAST)
			return fail(REFDEV_AQ_S_INVALID_OPCODE, 0);
	}
	vf = refdev_dev_vf(d, c->vf);
	if (!vf)
		return fail(REFDEV_AQ_S_INVALID_VF, 0);
	return cmd_vf(d, vf, c);
}

/* ---- queue engine ------------------------------------------------------- */

/* DEV-AQ-003/005: entry, then phase flip on wrap, then the interrupt
 * (none for a POLL command completed in its doorbell write, DEV-AQ-018). */
static bool post_cpl(struct refdev_dev *d, const struct refdev_aq_cmd *c,
		     struct cpl r)
{
	struct refdev_aq *q = &d->aq;
	uint8_t b[CPL_SIZE];

	refdev_le_put(b, c->cid, 2);
	refdev_le_put(b + 2, r.status, 2);
	refdev_le_put(b + 4, r.result0, 4);
	refdev_le_put(b + 8, r.result1, 4);
	refdev_le_put(b + 12, q->sq_head, 2);
	refdev_le_put(b + 14, q->phase, 2);
	if (!refdev_dev_dma_write(d, &d->pf, cq_base(q) + q->cq_tail * CPL_SIZE,
				  b, CPL_SIZE)) {
		q->status = REFDEV_AQ_STATUS_FATAL;	/* DEV-AQ-007 */
		return false;
	}
	q->cq_tail = (q->cq_tail + 1) & (q->size - 1);
	if (!q->cq_tail)
		q->phase ^= 1;
	if ((q->ctrl & REFDEV_AQ_CTRL_IRQ) &&
	    !(q->in_doorbell && (c->flags & REFDEV_AQ_F_POLL)))
		refdev_dev_raise(&d->pf, REFDEV_AQ_IRQ_VECTOR);
	return true;
}

static void run_cmd(struct refdev_dev *d, const struct refdev_aq_cmd *c)
{
	post_cpl(d, c, cmd_exec(d, c));
}

/* DEV-FI-001..003; FAULT_INJECT itself is never affected. Returns true
 * when the fault consumed the command. */
static bool cmd_fault(struct refdev_dev *d, const struct refdev_aq_cmd *c)
{
	struct refdev_aq *q = &d->aq;
	uint64_t p;

	if (c->opcode == REFDEV_AQ_FAULT_INJECT)
		return false;
	if (refdev_fault_take(d, REFDEV_FAULT_NO_COMPLETION, c->vf, NULL))
		return true;
	if (refdev_fault_take(d, REFDEV_FAULT_FAIL_STATUS, c->vf, &p)) {
		post_cpl(d, c, fail(p ? (uint16_t)p : REFDEV_AQ_S_INJECTED, 0));
		return true;
	}
	if (refdev_fault_take(d, REFDEV_FAULT_LATE, c->vf, &p)) {
		uint64_t now = d->ops && d->ops->now_ns ? d->ops->now_ns(d->opaque) : 0;

		q->late = true;
		q->late_cmd = *c;
		q->late_due = now + p * 1000;
		if (d->ops && d->ops->timer_arm)
			d->ops->timer_arm(d->opaque, q->late_due);
		return true;
	}
	return false;
}

/*
 * DEV-AQ-018: host bytes a command moves or checks: its buffer, and for the
 * commands that stage or check a whole stream the largest one (STR-013).
 */
static uint64_t cmd_bytes(const struct refdev_dev *d,
			  const struct refdev_aq_cmd *c)
{
	uint64_t n = c->len;

	if ((c->opcode == REFDEV_AQ_VF_SAVE_CHUNK && !c->param1) ||
	    (c->opcode == REFDEV_AQ_VF_LOAD_CHUNK &&
	     (c->param0 & REFDEV_LOAD_F_COMMIT)))
		n += refdev_stream_limit(d);
	return n;
}

/*
 * DEV-AQ-004: in order, one at a time, never into an unconsumed slot;
 * DEV-AQ-009: at most REFDEV_AQ_STEP_CMDS per step, then yield. In a
 * doorbell write (@doorbell) only short commands run: the first long one
 * stays at the head for the deferred step, and so does the rest.
 */
static void aq_run(struct refdev_dev *d, bool doorbell)
{
	struct refdev_aq *q = &d->aq;

	for (unsigned int n = 0; n < REFDEV_AQ_STEP_CMDS && refdev_aq_pending(d); n++) {
		uint8_t raw[CMD_SIZE];
		struct refdev_aq_cmd c;

		if (!refdev_dev_dma_read(d, &d->pf, sq_base(q) + q->sq_head * CMD_SIZE,
					 raw, CMD_SIZE)) {
			q->status = REFDEV_AQ_STATUS_FATAL;	/* DEV-AQ-007 */
			return;
		}
		cmd_decode(&c, raw);
		if (doorbell && cmd_bytes(d, &c) > REFDEV_AQ_SYNC_BYTES)
			return;
		q->sq_head = (q->sq_head + 1) & (q->size - 1);
		if (!cmd_fault(d, &c))
			run_cmd(d, &c);
	}
}

void refdev_aq_step(struct refdev_dev *d)
{
	aq_run(d, false);
}

/* DEV-AQ-018: completions visible when the doorbell write returns. */
static void aq_doorbell(struct refdev_dev *d)
{
	d->aq.in_doorbell = true;
	aq_run(d, true);
	d->aq.in_doorbell = false;
}

/* DEV-FI-003: the delayed command runs and completes now. */
void refdev_aq_timer(struct refdev_dev *d)
{
	struct refdev_aq *q = &d->aq;
	uint64_t now;

	if (!q->late)
		return;		/* dropped by disable or reset meanwhile */
	now = d->ops && d->ops->now_ns ? d->ops->now_ns(d->opaque) : q->late_due;
	if (now < q->late_due) {
		d->ops->timer_arm(d->opaque, q->late_due);
		return;
	}
	q->late = false;
	run_cmd(d, &q->late_cmd);
	if (refdev_aq_pending(d))
		refdev_dev_kick(d);
}
