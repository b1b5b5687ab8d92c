// SPDX-License-Identifier: GPL-2.0
/*
 * refdev VF migration (vfio migration v2) over the PF's admin queue.
 *
 * The data file carries device streams (SPEC 1.9) back to back, each one
 * self-describing (STR-001 total_len):
 *   STOP_COPY alone:      FULL
 *   with PRE_COPY:        INITIAL, DELTA..., FINAL
 * A re-initialisation of the VF (SPEC DEV-REINIT-*) puts a new INITIAL
 * where the next DELTA would go: INITIAL, DELTA..., INITIAL, DELTA...,
 * FINAL. With PRECOPY_INFOv2 the user learns it from
 * VFIO_PRECOPY_INFO_REINIT; without, the new base counts as dirty bytes.
 * Saving streams are produced by the arcs and by VFIO_MIG_GET_PRECOPY_INFO,
 * never by read(), so read() only copies bytes, or pulls the next chunk of
 * a stream too large for the file's buffer (device memory, DEV-MEM-001):
 * such a stream stays staged in the device and read() moves it one chunk at
 * a time through a DMA buffer of the PF (ADM-014), so the state is never
 * held twice in kernel memory. Resuming loads INITIAL and DELTA streams as
 * they complete and keeps the FULL or FINAL stream, which completes the
 * state, for RESUMING -> STOP; a large stream is written through to the
 * device chunk by chunk (ADM-015), its last chunk held back for that arc.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "refdev_compat.h"
#ifdef REFDEV_HAVE_LINUX_UNALIGNED
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#include "refdev_vfio.h"

#define REFDEV_HDR_LEN		sizeof(struct refdev_stream_hdr)
#define REFDEV_SEC_LEN		sizeof(struct refdev_stream_sec)
/* A save never needs more; the rest of a saving buffer holds unread data. */
#define REFDEV_SAVE_CAP		(2 * REFDEV_STREAM_MAX_SIZE)
/*
 * Chunks of a staged stream: as large as the page allocator gives in one
 * piece (4 MiB), so that a command per chunk (a hand-off to the device and
 * back) costs little next to the copy (bench/ row stopcopy); smaller when
 * memory is fragmented.
 */
#define REFDEV_CHUNK_MAX	SZ_4M
#define REFDEV_CHUNK_MIN	SZ_256K

/* STR-013: the largest stream this VF's device memory makes. */
static u32 refdev_stream_limit(struct refdev_vfio *rdev)
{
	u32 mem = rdev->id.mem_size;

	if (!mem)
		return REFDEV_STREAM_MAX_SIZE;
	return REFDEV_STREAM_MAX_SIZE + REFDEV_SEC_LEN +
	       DIV_ROUND_UP(mem / REFDEV_MEM_PAGE, 64) * 8 + mem;
}

static int refdev_xb_get(struct refdev_vfio *rdev, struct refdev_migf *migf)
{
	u32 size = REFDEV_CHUNK_MAX;
	struct refdev_xfer_buf *xb;
	gfp_t gfp;

	if (migf->xb)
		return 0;
	for (;;) {
		/* a failed try is expected: only the last one may warn */
		gfp = GFP_KERNEL;
		if (size != REFDEV_CHUNK_MIN)
			gfp |= __GFP_NOWARN;
		xb = refdev_vf_xfer_alloc(rdev->vf, size, gfp);
		if (!IS_ERR(xb) || PTR_ERR(xb) != -ENOMEM ||
		    size == REFDEV_CHUNK_MIN)
			break;
		size /= 2;
	}
	if (IS_ERR(xb))
		return PTR_ERR(xb);
	migf->xb = xb;
	return 0;
}

/* Saving: bytes not read yet, wherever they are. */
static u64 __maybe_unused refdev_unread(const struct refdev_migf *migf)
{
	return migf->len - migf->off + migf->xb_len - migf->xb_off +
	       migf->st_total - migf->st_next;
}

static bool refdev_staged_left(const struct refdev_migf *migf)
{
	return migf->xb_off < migf->xb_len || migf->st_next < migf->st_total;
}

/* ---- the migration files ----------------------------------------------- */

/*
 * Locking. The reset path ends a session from reset_done(), under vfio-pci's
 * memory_lock, so what it takes (migf->lock) is held only to flip
 * `disabled`: never across a user copy (a copy can fault on a mapped BAR,
 * which takes memory_lock under mmap_lock) nor an admin command. Everything
 * else of the file, the buffer included, is under migf->io_lock, which the
 * reset path never takes. The buffer lives until the file is released, so a
 * session ended in the middle of an I/O only makes the next one fail.
 */
static void refdev_migf_disable(struct refdev_migf *migf)
{
	mutex_lock(&migf->lock);
	migf->disabled = true;
	mutex_unlock(&migf->lock);
}

static bool refdev_migf_disabled(struct refdev_migf *migf)
{
	bool disabled;

	mutex_lock(&migf->lock);
	disabled = migf->disabled;
	mutex_unlock(&migf->lock);
	return disabled;
}

/* End the data transfer session(s): the user's fds now fail with -ENODEV. */
void refdev_disable_fds(struct refdev_vfio *rdev)
{
	if (rdev->saving_migf) {
		refdev_migf_disable(rdev->saving_migf);
		fput(rdev->saving_migf->filp);
		rdev->saving_migf = NULL;
	}
	if (rdev->resuming_migf) {
		refdev_migf_disable(rdev->resuming_migf);
		fput(rdev->resuming_migf->filp);
		rdev->resuming_migf = NULL;
	}
}

static int refdev_migf_release(struct inode *inode, struct file *filp)
{
	struct refdev_migf *migf = filp->private_data;

	kvfree(migf->buf);
	refdev_xfer_free(migf->xb);
	mutex_destroy(&migf->io_lock);
	mutex_destroy(&migf->lock);
	kfree(migf);
	return 0;
}

static int refdev_save_refill(struct refdev_vfio *rdev,
			      struct refdev_migf *migf);

static ssize_t refdev_save_read(struct file *filp, char __user *ubuf,
				size_t count, loff_t *pos)
{
	struct refdev_migf *migf = filp->private_data;
	bool from_buf;
	ssize_t ret;
	size_t n;
	u8 *src;

	if (pos)
		return -ESPIPE;

	mutex_lock(&migf->io_lock);
	if (refdev_migf_disabled(migf)) {
		ret = -ENODEV;
		goto out;
	}
	if (migf->off == migf->len && migf->xb_off == migf->xb_len) {
		ret = refdev_save_refill(migf->rdev, migf);
		if (ret)
			goto out;
	}
	from_buf = migf->off < migf->len;
	src = from_buf ? migf->buf + migf->off :
	      (u8 *)(migf->xb ? refdev_xfer_cpu(migf->xb) : NULL) + migf->xb_off;
	n = min_t(size_t, count, from_buf ? migf->len - migf->off :
				 migf->xb_len - migf->xb_off);
	if (!n) {
		/* PRE_COPY: temporary end of data; STOP_COPY: the real end */
		ret = migf->precopy ? -ENOMSG : 0;
		goto out;
	}
	if (copy_to_user(ubuf, src, n)) {
		ret = -EFAULT;
		goto out;
	}
	if (from_buf)
		migf->off += n;
	else
		migf->xb_off += n;
	migf->pos += n;
	ret = n;
out:
	mutex_unlock(&migf->io_lock);
	return ret;
}

#ifdef VFIO_MIG_GET_PRECOPY_INFO
static int refdev_save_delta(struct refdev_vfio *rdev, struct refdev_migf *migf,
			     bool *reinit);

/* The user opted in to VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2 (REINIT). */
static bool refdev_precopy_v2(struct refdev_vfio *rdev)
{
#ifdef REFDEV_HAVE_PRECOPY_INFO_V2
	return rdev->core.vdev.precopy_info_v2;
#else
	return false;
#endif
}

/*
 * initial_bytes: what is left of the INITIAL stream; dirty_bytes: the rest.
 * Once everything was read, a DELTA save picks up what the VF changed since;
 * an empty one is dropped, so both reach 0 while the VF is idle. After a
 * re-initialisation the save is a new INITIAL: with v2 it restarts
 * initial_bytes and the answer carries REINIT (dirty_bytes 0); without v2
 * initial_bytes must not grow, so it is reported as dirty_bytes.
 */
static long refdev_precopy_info(struct refdev_vfio *rdev,
				struct refdev_migf *migf,
				struct vfio_precopy_info *info)
{
	bool reinit = false;
	long ret = 0;

	mutex_lock(&rdev->state_mutex);
	if (rdev->mig_state != VFIO_DEVICE_STATE_PRE_COPY &&
	    rdev->mig_state != VFIO_DEVICE_STATE_PRE_COPY_P2P) {
		ret = -EINVAL;
		goto out_state;
	}
	mutex_lock(&migf->io_lock);
	if (refdev_migf_disabled(migf)) {
		/* a file of an earlier session: the device is fine */
		mutex_unlock(&migf->io_lock);
		ret = -ENODEV;
		goto out_state;
	}
	if (!refdev_unread(migf))
		ret = refdev_save_delta(rdev, migf, &reinit);
	if (!ret && reinit && refdev_precopy_v2(rdev)) {
		migf->initial_end = migf->pos + refdev_unread(migf);
#ifdef VFIO_PRECOPY_INFO_REINIT
		info->flags |= VFIO_PRECOPY_INFO_REINIT;
#endif
	}
	if (!ret) {
		info->initial_bytes = migf->pos < migf->initial_end ?
				      migf->initial_end - migf->pos : 0;
		info->dirty_bytes = refdev_unread(migf) - info->initial_bytes;
	}
	mutex_unlock(&migf->io_lock);
	if (ret)
		refdev_enter_error(rdev, ret);
out_state:
	refdev_state_mutex_unlock(rdev);
	return ret;
}

static long refdev_save_ioctl(struct file *filp, unsigned int cmd,
			      unsigned long arg)
{
	struct refdev_migf *migf = filp->private_data;
	unsigned long minsz = offsetofend(struct vfio_precopy_info, dirty_bytes);
	struct vfio_precopy_info info;
	long ret;

#ifdef REFDEV_HAVE_PRECOPY_INFO_V2
	/* v1: flags stay as passed (bug-compatible); v2: cleared, an output */
	ret = vfio_check_precopy_ioctl(&migf->rdev->core.vdev, cmd, arg, &info);
	if (ret)
		return ret;
#else
	if (cmd != VFIO_MIG_GET_PRECOPY_INFO)
		return -ENOTTY;
	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
#endif

	ret = refdev_precopy_info(migf->rdev, migf, &info);
	if (ret)
		return ret;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}
#endif /* VFIO_MIG_GET_PRECOPY_INFO */

static const struct file_operations refdev_save_fops = {
	.owner = THIS_MODULE,
	.read = refdev_save_read,
#ifdef VFIO_MIG_GET_PRECOPY_INFO
	.unlocked_ioctl = refdev_save_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
#endif
	.release = refdev_migf_release,
};

static ssize_t refdev_resume_write(struct file *filp, const char __user *ubuf,
				   size_t count, loff_t *pos);

static const struct file_operations refdev_resume_fops = {
	.owner = THIS_MODULE,
	.write = refdev_resume_write,
	.release = refdev_migf_release,
};

static struct refdev_migf *refdev_migf_create(struct refdev_vfio *rdev,
					      bool saving)
{
	struct refdev_migf *migf;
	int ret;

	migf = kzalloc(sizeof(*migf), GFP_KERNEL_ACCOUNT);
	if (!migf)
		return ERR_PTR(-ENOMEM);
	migf->cap = saving ? REFDEV_SAVE_CAP : REFDEV_STREAM_MAX_SIZE;
	migf->buf = kvzalloc(migf->cap, GFP_KERNEL_ACCOUNT);
	if (!migf->buf) {
		kfree(migf);
		return ERR_PTR(-ENOMEM);
	}
	migf->rdev = rdev;
	migf->last_kind = U16_MAX;
	mutex_init(&migf->lock);
	mutex_init(&migf->io_lock);

	migf->filp = anon_inode_getfile("refdev_vfio_mig",
					saving ? &refdev_save_fops :
						 &refdev_resume_fops,
					migf, saving ? O_RDONLY : O_WRONLY);
	if (IS_ERR(migf->filp)) {
		ret = PTR_ERR(migf->filp);
		kvfree(migf->buf);
		mutex_destroy(&migf->io_lock);
		mutex_destroy(&migf->lock);
		kfree(migf);
		return ERR_PTR(ret);
	}
	stream_open(migf->filp->f_inode, migf->filp);
	return migf;
}

/* ---- saving --------------------------------------------------------------- */

/* STR-001/002: sanity of a stream the device just wrote. */
static bool refdev_stream_sane(const u8 *s, u32 len, u16 kind)
{
	const struct refdev_stream_hdr *h = (const void *)s;

	return len >= REFDEV_HDR_LEN &&
	       get_unaligned_le32(&h->magic) == REFDEV_STREAM_MAGIC &&
	       get_unaligned_le16(&h->kind) == kind &&
	       get_unaligned_le32(&h->total_len) == len;
}

#ifdef VFIO_MIGRATION_PRE_COPY
/*
 * STR-005: a DELTA whose chunk mask is 0 carries nothing, unless device
 * memory changed: then it is longer than its empty bitmap (STR-008).
 */
static bool refdev_delta_empty(struct refdev_vfio *rdev, const u8 *s, u32 len)
{
	const struct refdev_stream_sec *sec = (const void *)(s + REFDEV_HDR_LEN);
	u32 mem = rdev->id.mem_size, empty;

	empty = REFDEV_HDR_LEN + REFDEV_SEC_LEN + sizeof(u64);
	if (mem)
		empty += REFDEV_SEC_LEN + DIV_ROUND_UP(mem / REFDEV_MEM_PAGE, 64) * 8;
	if (len != empty)
		return false;
	return get_unaligned_le16(&sec->type) == REFDEV_SEC_SRAM_DELTA &&
	       !get_unaligned_le64(s + REFDEV_HDR_LEN + REFDEV_SEC_LEN);
}
#endif

/*
 * A save larger than the buffer's room stays staged in the device; its
 * first chunk is readable from xb now, the rest comes with read().
 */
static int refdev_save_stage(struct refdev_vfio *rdev, struct refdev_migf *migf,
			     u32 kind, u32 *added)
{
	u32 written, total;
	int ret;

	if (WARN_ON(refdev_staged_left(migf)))
		return -EBUSY;	/* callers wait until it is all read */
	ret = refdev_xb_get(rdev, migf);
	if (ret)
		return ret;
	ret = refdev_vf_save_chunk(rdev->vf, kind, 0, migf->xb,
				   refdev_xfer_size(migf->xb), &written, &total);
	if (ret)
		return ret == -ENOSPC ? -EIO : ret;
	if (written < REFDEV_HDR_LEN || total > refdev_stream_limit(rdev) ||
	    !refdev_stream_sane(refdev_xfer_cpu(migf->xb), total, kind)) {
		dev_err(refdev_dev(rdev), "device returned a malformed stream\n");
		return -EIO;
	}
	migf->st_kind = kind;
	migf->st_total = total;
	migf->st_next = written;
	migf->xb_len = written;
	migf->xb_off = 0;
	migf->st_fresh = true;
	*added = total;
	return 0;
}

/* The next chunk of the staged stream into xb (ADM-014). */
static int refdev_save_pull(struct refdev_vfio *rdev, struct refdev_migf *migf)
{
	u32 written, total;
	int ret;

	ret = refdev_vf_save_chunk(rdev->vf, migf->st_kind, migf->st_next,
				   migf->xb, refdev_xfer_size(migf->xb),
				   &written, &total);
	if (ret)
		return ret;
	if (total != migf->st_total || !written)
		return -EIO;
	migf->st_next += written;
	migf->xb_len = written;
	migf->xb_off = 0;
	return 0;
}

/* Append a save of @kind after the unread data; *@added = its length. */
static int refdev_save_append(struct refdev_vfio *rdev,
			      struct refdev_migf *migf, u32 kind, u32 *added)
{
	u32 size, written;
	size_t room;
	int ret;

	/* compact: drop what was read */
	memmove(migf->buf, migf->buf + migf->off, migf->len - migf->off);
	migf->len -= migf->off;
	migf->off = 0;
	room = min_t(size_t, migf->cap - migf->len, REFDEV_STREAM_MAX_SIZE);

	ret = refdev_vf_state_size(rdev->vf, kind, &size);
	if (ret)
		return ret;
	if (!size)
		return -EIO;
	if (size > room)
		return refdev_save_stage(rdev, migf, kind, added);
	ret = refdev_vf_save(rdev->vf, kind, migf->buf + migf->len, size,
			     &written);
	if (ret == -ENOSPC && written && written <= room) {
		/* the state grew since STATE_SIZE: once more, with the room asked */
		size = written;
		ret = refdev_vf_save(rdev->vf, kind, migf->buf + migf->len,
				     size, &written);
	}
	if (ret)
		return ret == -ENOSPC ? -EIO : ret;
	if (!refdev_stream_sane(migf->buf + migf->len, written, kind)) {
		dev_err(refdev_dev(rdev), "device returned a malformed stream\n");
		return -EIO;
	}
	*added = written;
	return 0;
}

/* The save appended by refdev_save_append() becomes readable. */
static void refdev_save_commit(struct refdev_migf *migf, u32 added)
{
	if (migf->st_fresh)
		migf->st_fresh = false;	/* staged: readable through xb already */
	else
		migf->len += added;
}

#ifdef VFIO_MIGRATION_PRE_COPY
/*
 * A re-initialised VF refuses deltas (-ESTALE, DEV-REINIT-002): a new
 * INITIAL base goes first. *@reinit tells whether that happened.
 */
static int refdev_save_base_again(struct refdev_vfio *rdev,
				  struct refdev_migf *migf, bool *reinit)
{
	u32 added;
	int ret;

	*reinit = true;
	ret = refdev_save_append(rdev, migf, REFDEV_SAVE_INITIAL, &added);
	if (!ret)
		refdev_save_commit(migf, added);
	return ret;
}
#endif

#ifdef VFIO_MIG_GET_PRECOPY_INFO
/*
 * While the VF runs, STATE_SIZE counts all its device memory, so a DELTA
 * of a VF with more than the buffer's room is staged (ADM-014) even when
 * empty. An empty one came whole in its first chunk: forget it, as if it
 * was never staged, so that dirty_bytes reaches 0 on an idle VF.
 */
static bool refdev_staged_drop_empty(struct refdev_vfio *rdev,
				     struct refdev_migf *migf)
{
	if (migf->st_next != migf->st_total ||
	    !refdev_delta_empty(rdev, refdev_xfer_cpu(migf->xb), migf->st_total))
		return false;
	migf->st_fresh = false;
	migf->xb_len = 0;
	migf->xb_off = 0;
	migf->st_total = 0;
	migf->st_next = 0;
	return true;
}

static int refdev_save_delta(struct refdev_vfio *rdev, struct refdev_migf *migf,
			     bool *reinit)
{
	u32 added;
	int ret;

	ret = refdev_save_append(rdev, migf, REFDEV_SAVE_DELTA, &added);
	if (ret == -ESTALE)
		return refdev_save_base_again(rdev, migf, reinit);
	if (ret)
		return ret;
	/* an empty DELTA is dropped: the save still restarted the mask */
	if (migf->st_fresh ? !refdev_staged_drop_empty(rdev, migf) :
	    !refdev_delta_empty(rdev, migf->buf + migf->len, added))
		refdev_save_commit(migf, added);
	return 0;
}
#endif

/* New saving session starting with a save of @kind (FULL or INITIAL). */
static struct file *refdev_save_start(struct refdev_vfio *rdev, u32 kind)
{
	struct refdev_migf *migf;
	u32 added;
	int ret;

	migf = refdev_migf_create(rdev, true);
	if (IS_ERR(migf))
		return ERR_CAST(migf);

	ret = refdev_save_append(rdev, migf, kind, &added);
	if (ret) {
		fput(migf->filp);
		return ERR_PTR(ret);
	}
	refdev_save_commit(migf, added);
	if (kind == REFDEV_SAVE_INITIAL) {
		migf->precopy = true;
		migf->initial_end = added;
	}
	get_file(migf->filp);
	rdev->saving_migf = migf;
	return migf->filp;
}

#ifdef VFIO_MIGRATION_PRE_COPY
/*
 * The FINAL delta, now or, while a staged stream is still being read, once
 * it is out (the device stages one stream at a time; the VF is stopped, so
 * the FINAL is the same later). Under io_lock.
 */
static int refdev_save_final_locked(struct refdev_vfio *rdev,
				    struct refdev_migf *migf)
{
	bool reinit;
	u32 added;
	int ret;

	migf->final_pending = refdev_staged_left(migf);
	if (migf->final_pending)
		return 0;
	ret = refdev_save_append(rdev, migf, REFDEV_SAVE_FINAL, &added);
	if (ret == -ESTALE) {
		/* re-initialised after the last pre-copy save */
		ret = refdev_save_base_again(rdev, migf, &reinit);
		if (!ret && refdev_staged_left(migf)) {
			migf->final_pending = true;
			return 0;
		}
		if (!ret)
			ret = refdev_save_append(rdev, migf, REFDEV_SAVE_FINAL,
						 &added);
	}
	if (!ret)
		refdev_save_commit(migf, added);
	return ret;
}

/* PRE_COPY_P2P -> STOP_COPY: stop, then the FINAL delta ends the stream. */
static int refdev_save_final(struct refdev_vfio *rdev)
{
	struct refdev_migf *migf = rdev->saving_migf;
	int ret;

	if (WARN_ON(!migf))
		return -EINVAL;
	ret = refdev_vf_suspend(rdev->vf, REFDEV_SUSPEND_STOP);
	if (ret)
		return ret;

	mutex_lock(&migf->io_lock);
	if (refdev_migf_disabled(migf)) {
		ret = -ENODEV;
		goto out;
	}
	ret = refdev_save_final_locked(rdev, migf);
	if (!ret)
		migf->precopy = false;
out:
	mutex_unlock(&migf->io_lock);
	return ret;
}
#endif

/* read() found nothing unread: the next chunk, or the FINAL that waited. */
static int refdev_save_refill(struct refdev_vfio *rdev,
			      struct refdev_migf *migf)
{
	if (migf->st_next < migf->st_total)
		return refdev_save_pull(rdev, migf);
#ifdef VFIO_MIGRATION_PRE_COPY
	if (migf->final_pending)
		return refdev_save_final_locked(rdev, migf);
#endif
	return 0;
}

/* ---- resuming ------------------------------------------------------------- */

/*
 * STR-001 framing and stream order of a resume session, checked when a
 * header is complete. The device checks everything else on LOAD (STR-010).
 */
static int refdev_resume_check_hdr(struct refdev_migf *migf)
{
	const struct refdev_stream_hdr *h = (const void *)migf->buf;
	u32 total = get_unaligned_le32(&h->total_len);
	u16 kind = get_unaligned_le16(&h->kind);
	u16 last = migf->last_kind;

	if (get_unaligned_le32(&h->magic) != REFDEV_STREAM_MAGIC ||
	    get_unaligned_le16(&h->hdr_len) != REFDEV_HDR_LEN ||
	    total < REFDEV_HDR_LEN || total > refdev_stream_limit(migf->rdev))
		return -EINVAL;

	switch (kind) {
	case REFDEV_SAVE_FULL:
		if (last != U16_MAX)
			return -EINVAL;	/* a FULL base only starts a session */
		break;
	case REFDEV_SAVE_INITIAL:
		/* starts a session, or a new base after a re-initialisation */
		break;
	case REFDEV_SAVE_DELTA:
	case REFDEV_SAVE_FINAL:
		if (last != REFDEV_SAVE_INITIAL && last != REFDEV_SAVE_DELTA)
			return -EINVAL;	/* no base to apply it to */
		break;
	default:
		return -EINVAL;
	}
	migf->want = total;
	migf->last_kind = kind;
	migf->through = total > migf->cap;
	return 0;
}

/* Write-through (ADM-015): the chunk in xb goes to the device. */
static int refdev_through_flush(struct refdev_migf *migf, bool commit)
{
	struct refdev_vfio *rdev = migf->rdev;
	u32 stream_err;
	int ret;

	ret = refdev_vf_load_chunk(rdev->vf, migf->st_next, migf->xb,
				   migf->xb_len, commit, &stream_err);
	if (ret == -EINVAL && stream_err)
		dev_dbg(refdev_dev(rdev), "stream rejected: STR error %u\n",
			stream_err);
	migf->st_next += migf->xb_len;
	migf->xb_len = 0;
	return ret;
}

/* A large stream starts: its header moves from buf to xb. */
static int refdev_through_start(struct refdev_migf *migf)
{
	int ret = refdev_xb_get(migf->rdev, migf);

	if (ret)
		return ret;
	memcpy(refdev_xfer_cpu(migf->xb), migf->buf, REFDEV_HDR_LEN);
	migf->xb_len = REFDEV_HDR_LEN;
	migf->st_next = 0;
	return 0;
}

/* The last byte of a large stream arrived: load it, or hold its last chunk. */
static int refdev_through_done(struct refdev_migf *migf)
{
	int ret;

	if (migf->last_kind == REFDEV_SAVE_FULL ||
	    migf->last_kind == REFDEV_SAVE_FINAL) {
		migf->final_held = true;
		return 0;
	}
	ret = refdev_through_flush(migf, true);
	migf->through = false;
	migf->len = 0;
	migf->want = 0;
	return ret;
}

static ssize_t refdev_through_take(struct refdev_migf *migf,
				   const char __user *ubuf, size_t count)
{
	u32 room = refdev_xfer_size(migf->xb) - migf->xb_len;
	u32 left = migf->want - migf->st_next - migf->xb_len;
	size_t n = min3(count, (size_t)room, (size_t)left);
	int ret;

	if (copy_from_user((u8 *)refdev_xfer_cpu(migf->xb) + migf->xb_len,
			   ubuf, n))
		return -EFAULT;
	migf->xb_len += n;
	if (migf->st_next + migf->xb_len == migf->want) {
		ret = refdev_through_done(migf);
		return ret ?: n;
	}
	if (migf->xb_len == refdev_xfer_size(migf->xb)) {
		ret = refdev_through_flush(migf, false);
		if (ret)
			return ret;
	}
	return n;
}

static int refdev_resume_load(struct refdev_migf *migf)
{
	struct refdev_vfio *rdev = migf->rdev;
	u32 stream_err;
	int ret;

	ret = refdev_vf_load(rdev->vf, migf->buf, migf->len, &stream_err);
	if (ret == -EINVAL && stream_err)
		dev_dbg(refdev_dev(rdev), "stream rejected: STR error %u\n",
			stream_err);
	return ret;
}

/* A stream is complete: load it now, or keep it if it ends the session. */
static int refdev_resume_stream_done(struct refdev_migf *migf)
{
	int ret;

	if (migf->last_kind == REFDEV_SAVE_FULL ||
	    migf->last_kind == REFDEV_SAVE_FINAL) {
		migf->final_held = true;
		return 0;
	}
	ret = refdev_resume_load(migf);
	migf->len = 0;
	migf->want = 0;
	return ret;
}

/* Take up to @count bytes of the stream in progress; returns bytes taken. */
static ssize_t refdev_resume_take(struct refdev_migf *migf,
				  const char __user *ubuf, size_t count)
{
	size_t need = migf->want ?: REFDEV_HDR_LEN;
	size_t n;
	int ret;

	if (migf->through)
		return refdev_through_take(migf, ubuf, count);
	n = min(count, need - migf->len);
	if (copy_from_user(migf->buf + migf->len, ubuf, n))
		return -EFAULT;
	migf->len += n;

	if (!migf->want && migf->len == REFDEV_HDR_LEN) {
		ret = refdev_resume_check_hdr(migf);
		if (ret)
			return ret;
		if (migf->through)
			return refdev_through_start(migf) ?: n;
	}
	if (migf->want && migf->len == migf->want) {
		ret = refdev_resume_stream_done(migf);
		if (ret)
			return ret;
	}
	return n;
}

static ssize_t refdev_resume_write(struct file *filp, const char __user *ubuf,
				   size_t count, loff_t *pos)
{
	struct refdev_migf *migf = filp->private_data;
	ssize_t done = 0, n;

	if (pos)
		return -ESPIPE;

	mutex_lock(&migf->io_lock);
	if (refdev_migf_disabled(migf)) {
		done = -ENODEV;
		goto out;
	}
	if (migf->err) {
		done = migf->err;
		goto out;
	}
	while (count) {
		/* nothing may follow a FULL or FINAL stream */
		n = migf->final_held ? -EINVAL :
			refdev_resume_take(migf, ubuf + done, count);
		if (n < 0) {
			if (n != -EFAULT)
				migf->err = n;
			done = done ?: n;
			break;
		}
		done += n;
		count -= n;
	}
out:
	mutex_unlock(&migf->io_lock);
	return done;
}

/*
 * RESUMING -> STOP: the session must hold a complete state; loading its last
 * stream is the final validation (STR-010 by the device).
 */
static int refdev_resume_finish(struct refdev_vfio *rdev)
{
	struct refdev_migf *migf = rdev->resuming_migf;
	int ret = 0;

	if (WARN_ON(!migf))
		return -EINVAL;
	mutex_lock(&migf->io_lock);
	if (migf->err)
		ret = migf->err;
	else if (migf->final_held && migf->through)
		ret = refdev_through_flush(migf, true);
	else if (!migf->final_held || migf->len != migf->want)
		ret = -EINVAL;	/* incomplete, also when nothing was written */
	else
		ret = refdev_resume_load(migf);
	if (ret)
		migf->err = ret;
	mutex_unlock(&migf->io_lock);
	return ret;
}

static struct file *refdev_resume_start(struct refdev_vfio *rdev)
{
	struct refdev_migf *migf;

	migf = refdev_migf_create(rdev, false);
	if (IS_ERR(migf))
		return ERR_CAST(migf);
	get_file(migf->filp);
	rdev->resuming_migf = migf;
	return migf->filp;
}

/* ---- the state machine ---------------------------------------------------- */

static bool refdev_arc(u32 cur, u32 new, u32 from, u32 to)
{
	return cur == from && new == to;
}

/* RUNNING -> RUNNING_P2P, PRE_COPY -> PRE_COPY_P2P */
static bool refdev_arc_to_p2p(u32 cur, u32 new)
{
	if (refdev_arc(cur, new, VFIO_DEVICE_STATE_RUNNING,
		       VFIO_DEVICE_STATE_RUNNING_P2P))
		return true;
#ifdef VFIO_MIGRATION_PRE_COPY
	return refdev_arc(cur, new, VFIO_DEVICE_STATE_PRE_COPY,
			  VFIO_DEVICE_STATE_PRE_COPY_P2P);
#else
	return false;
#endif
}

/* RUNNING_P2P -> RUNNING, PRE_COPY_P2P -> PRE_COPY */
static bool refdev_arc_from_p2p(u32 cur, u32 new)
{
	if (refdev_arc(cur, new, VFIO_DEVICE_STATE_RUNNING_P2P,
		       VFIO_DEVICE_STATE_RUNNING))
		return true;
#ifdef VFIO_MIGRATION_PRE_COPY
	return refdev_arc(cur, new, VFIO_DEVICE_STATE_PRE_COPY_P2P,
			  VFIO_DEVICE_STATE_PRE_COPY);
#else
	return false;
#endif
}

/* Arcs that only change how much the VF runs (P2P quiesces DMA and IRQs). */
static int refdev_step_quiesce(struct refdev_vfio *rdev, u32 cur, u32 new,
			       bool *handled)
{
	*handled = true;
	if (refdev_arc_to_p2p(cur, new))
		return refdev_vf_suspend(rdev->vf, REFDEV_SUSPEND_P2P);
	if (refdev_arc_from_p2p(cur, new))
		return refdev_vf_resume(rdev->vf);
	if (refdev_arc(cur, new, VFIO_DEVICE_STATE_RUNNING_P2P,
		       VFIO_DEVICE_STATE_STOP))
		return refdev_vf_suspend(rdev->vf, REFDEV_SUSPEND_STOP);
	if (refdev_arc(cur, new, VFIO_DEVICE_STATE_STOP,
		       VFIO_DEVICE_STATE_RUNNING_P2P))
		return refdev_vf_suspend(rdev->vf, REFDEV_SUSPEND_P2P);
	*handled = false;
	return 0;
}

/* Arcs that start a saving session or move inside it. */
static struct file *refdev_step_save(struct refdev_vfio *rdev, u32 cur,
				     u32 new, bool *handled)
{
	*handled = true;
	if (refdev_arc(cur, new, VFIO_DEVICE_STATE_STOP,
		       VFIO_DEVICE_STATE_STOP_COPY))
		return refdev_save_start(rdev, REFDEV_SAVE_FULL);
#ifdef VFIO_MIGRATION_PRE_COPY
	if (refdev_arc(cur, new, VFIO_DEVICE_STATE_RUNNING,
		       VFIO_DEVICE_STATE_PRE_COPY) ||
	    refdev_arc(cur, new, VFIO_DEVICE_STATE_RUNNING_P2P,
		       VFIO_DEVICE_STATE_PRE_COPY_P2P))
		return refdev_save_start(rdev, REFDEV_SAVE_INITIAL);
	if (refdev_arc(cur, new, VFIO_DEVICE_STATE_PRE_COPY_P2P,
		       VFIO_DEVICE_STATE_STOP_COPY)) {
		int ret = refdev_save_final(rdev);

		return ret ? ERR_PTR(ret) : NULL;
	}
#endif
	*handled = false;
	return NULL;
}

/* Arcs that end a data transfer session without a device change. */
static bool refdev_step_end_session(struct refdev_vfio *rdev, u32 cur, u32 new)
{
#ifdef VFIO_MIGRATION_PRE_COPY
	if (refdev_arc(cur, new, VFIO_DEVICE_STATE_PRE_COPY,
		       VFIO_DEVICE_STATE_RUNNING) ||
	    refdev_arc(cur, new, VFIO_DEVICE_STATE_PRE_COPY_P2P,
		       VFIO_DEVICE_STATE_RUNNING_P2P)) {
		refdev_disable_fds(rdev);
		return true;
	}
#endif
	if (refdev_arc(cur, new, VFIO_DEVICE_STATE_STOP_COPY,
		       VFIO_DEVICE_STATE_STOP)) {
		refdev_disable_fds(rdev);
		return true;
	}
	return false;
}

/* Arcs of a resume session. */
static struct file *refdev_step_resume(struct refdev_vfio *rdev, u32 cur,
				       u32 new, bool *handled)
{
	int ret;

	*handled = true;
	if (refdev_arc(cur, new, VFIO_DEVICE_STATE_STOP,
		       VFIO_DEVICE_STATE_RESUMING))
		return refdev_resume_start(rdev);
	if (refdev_arc(cur, new, VFIO_DEVICE_STATE_RESUMING,
		       VFIO_DEVICE_STATE_STOP)) {
		ret = refdev_resume_finish(rdev);
		if (ret)
			return ERR_PTR(ret);
		refdev_disable_fds(rdev);
		return NULL;
	}
	*handled = false;
	return NULL;
}

static struct file *refdev_step(struct refdev_vfio *rdev, u32 new)
{
	u32 cur = rdev->mig_state;
	struct file *res;
	bool handled;
	int ret;

	ret = refdev_step_quiesce(rdev, cur, new, &handled);
	if (handled)
		return ret ? ERR_PTR(ret) : NULL;
	res = refdev_step_save(rdev, cur, new, &handled);
	if (handled)
		return res;
	if (refdev_step_end_session(rdev, cur, new))
		return NULL;
	res = refdev_step_resume(rdev, cur, new, &handled);
	if (handled)
		return res;

	/* vfio_mig_get_next_state() hands out no other arc */
	WARN_ON(true);
	return ERR_PTR(-EINVAL);
}

static struct file *refdev_set_state(struct vfio_device *vdev,
				     enum vfio_device_mig_state new_state)
{
	struct refdev_vfio *rdev = to_refdev(vdev);
	enum vfio_device_mig_state next;
	struct file *res = NULL;
	int ret;

	mutex_lock(&rdev->state_mutex);
	/* ERROR is never a target, and only a reset leaves it */
	if (new_state == VFIO_DEVICE_STATE_ERROR)
		res = ERR_PTR(-EINVAL);
	else if (rdev->mig_state == VFIO_DEVICE_STATE_ERROR)
		res = ERR_PTR(-EIO);
	while (!IS_ERR(res) && new_state != rdev->mig_state) {
		ret = vfio_mig_get_next_state(vdev, rdev->mig_state, new_state,
					      &next);
		if (ret) {
			res = ERR_PTR(ret);
			break;
		}
		res = refdev_step(rdev, next);
		if (IS_ERR(res)) {
			refdev_enter_error(rdev, PTR_ERR(res));
			break;
		}
		rdev->mig_state = next;
		if (WARN_ON(res && new_state != rdev->mig_state)) {
			fput(res);
			res = ERR_PTR(-EINVAL);
			break;
		}
	}
	refdev_state_mutex_unlock(rdev);
	return res;
}

static int refdev_get_state(struct vfio_device *vdev,
			    enum vfio_device_mig_state *state)
{
	struct refdev_vfio *rdev = to_refdev(vdev);

	mutex_lock(&rdev->state_mutex);
	*state = rdev->mig_state;
	refdev_state_mutex_unlock(rdev);
	return 0;
}

#ifdef REFDEV_HAVE_MIG_DATA_SIZE
/* A re-initialisation not saved yet puts an INITIAL before the FINAL. */
static int refdev_add_reinit_size(struct refdev_vfio *rdev, u32 *size)
{
	bool pending;
	u32 initial;
	int ret;

	ret = refdev_vf_reinit_pending(rdev->vf, &pending);
	if (ret || !pending)
		return ret;
	ret = refdev_vf_state_size(rdev->vf, REFDEV_SAVE_INITIAL, &initial);
	if (!ret)
		*size += initial;
	return ret;
}

/*
 * Bytes the STOP_COPY phase would produce from here: what is still unread
 * plus the FINAL delta in a pre-copy session, else a FULL save.
 */
static int refdev_get_data_size(struct vfio_device *vdev,
				unsigned long *stop_copy_length)
{
	struct refdev_vfio *rdev = to_refdev(vdev);
	struct refdev_migf *migf;
	u32 kind = REFDEV_SAVE_FULL, size = 0;
	unsigned long unread = 0;
	int ret = 0;

	mutex_lock(&rdev->state_mutex);
	migf = rdev->saving_migf;
	if (migf) {
		mutex_lock(&migf->io_lock);
		unread = refdev_unread(migf);
		kind = migf->precopy || migf->final_pending ?
		       REFDEV_SAVE_FINAL : U32_MAX;
		mutex_unlock(&migf->io_lock);
	}
	if (kind != U32_MAX)
		ret = refdev_vf_state_size(rdev->vf, kind, &size);
	if (!ret && kind == REFDEV_SAVE_FINAL)
		ret = refdev_add_reinit_size(rdev, &size);
	if (!ret)
		*stop_copy_length = unread + size;
	refdev_state_mutex_unlock(rdev);
	return ret;
}
#endif

const struct vfio_migration_ops refdev_mig_ops = {
	.migration_set_state = refdev_set_state,
	.migration_get_state = refdev_get_state,
#ifdef REFDEV_HAVE_MIG_DATA_SIZE
	.migration_get_data_size = refdev_get_data_size,
#endif
};

/*
 * After any reset of the VF (FLR through VFIO_DEVICE_RESET, a bus or slot
 * reset, open/close): the VF runs with its power-on state, so the state
 * machine goes back to RUNNING and every session ends.
 */
void refdev_reset_locked(struct refdev_vfio *rdev)
{
	bool dirty_on;
	u32 suspend;
	int ret;

	rdev->mig_state = VFIO_DEVICE_STATE_RUNNING;
	refdev_disable_fds(rdev);
	refdev_dirty_forget(rdev);	/* an FLR stops tracking (DRT-005) */

	/* the SPEC does not say an FLR resumes a suspended VF: make sure */
	ret = refdev_vf_query(rdev->vf, &suspend, &dirty_on);
	if (!ret && suspend)
		ret = refdev_vf_resume(rdev->vf);
	if (ret && ret != -ENODEV)
		dev_warn(refdev_dev(rdev), "VF not running after reset: %pe\n",
			 ERR_PTR(ret));
}
